/** One chunk of the extracted audio, as a WAV file and its bytes. Times are seconds on the source timeline. */
export interface AudioChunk {
  /** Position of the chunk, from 0. */
  index: number;
  start: number;
  end: number;
  /** The chunk as a 16 kHz mono 16-bit WAV file. */
  file: string;
  bytes: Uint8Array;
}

/**
 * A recognizer's reply as it arrived, kept in the cache so that a re-run parses it again
 * without a request. `verbose_json` is the OpenAI transcription body, `whisper_json` and
 * `srt` are the files whisper.cpp writes.
 */
export interface RawReply {
  format: "verbose_json" | "whisper_json" | "srt";
  text: string;
}

/** A recognized stretch of speech. Times are seconds from the start of its chunk. */
export interface RecognizedSegment {
  start: number;
  end: number;
  text: string;
}

/** The parsed reply of one chunk. */
export interface RecognizedChunk {
  segments: RecognizedSegment[];
  /** Language the recognizer reported, as it spelled it (`en`, `english`), or null. */
  language: string | null;
}

/** A speech recognizer that turns one audio chunk into a raw reply. */
export interface Recognizer {
  readonly kind: "openai" | "whisper-cpp";
  /** Settings that change the reply, such as the model; they are part of each chunk's cache key. */
  readonly identity: Readonly<Record<string, string | null>>;
  /**
   * Transcribes one chunk.
   *
   * @throws SpeechError with the reason of the failure, after any retries.
   */
  transcribe(chunk: AudioChunk, signal: AbortSignal): Promise<RawReply>;
}
