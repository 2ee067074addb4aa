import { z } from "zod";
import { readSubtitleCues, SubtitleParseError } from "../subtitles/index.ts";
import type { RawReply, RecognizedChunk, RecognizedSegment } from "./recognizer.ts";
import { SpeechError } from "./speech-errors.ts";

const verboseJsonSchema = z.object({
  text: z.string().optional(),
  language: z.string().nullish(),
  segments: z.array(z.object({ start: z.number(), end: z.number(), text: z.string() })).nullish(),
});

/** The JSON file that whisper.cpp writes with `-oj`: offsets are milliseconds. */
const whisperJsonSchema = z.object({
  result: z.object({ language: z.string().nullish() }).nullish(),
  transcription: z.array(
    z.object({
      offsets: z.object({ from: z.number(), to: z.number() }),
      text: z.string(),
    }),
  ),
});

function badReply(detail: string): SpeechError {
  return new SpeechError("SPEECH_BAD_REPLY", {
    en: `the reply cannot be read: ${detail}`,
    zh: `无法读取回复：${detail}`,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw badReply(`it is not JSON (${text.slice(0, 120).replace(/\s+/g, " ")})`);
  }
}

/** Keeps segments with text and a positive length, trimmed. */
function cleanSegments(segments: readonly RecognizedSegment[]): RecognizedSegment[] {
  return segments
    .map((segment) => ({ start: segment.start, end: segment.end, text: segment.text.trim() }))
    .filter((segment) => segment.text !== "" && segment.end > segment.start && segment.start >= 0);
}

function parseVerboseJson(text: string): RecognizedChunk {
  const parsed = verboseJsonSchema.safeParse(parseJson(text));
  if (!parsed.success) throw badReply("it has no text and no segments list");

  const { segments, language } = parsed.data;
  const spoken = (parsed.data.text ?? "").trim();
  if (!segments || (segments.length === 0 && spoken !== "")) {
    if (spoken === "") return { segments: [], language: language ?? null };
    throw new SpeechError("SPEECH_NO_TIMESTAMPS", {
      en: "the reply has text but no segments with timestamps, so the endpoint ignored response_format=verbose_json",
      zh: "回复有文字但没有带时间戳的分段，说明接口忽略了 response_format=verbose_json",
    });
  }

  return { segments: cleanSegments(segments), language: language ?? null };
}

function parseWhisperJson(text: string): RecognizedChunk {
  const parsed = whisperJsonSchema.safeParse(parseJson(text));
  if (!parsed.success) throw badReply("the whisper.cpp JSON file has no transcription list");

  const segments = parsed.data.transcription.map((entry) => ({
    start: entry.offsets.from / 1000,
    end: entry.offsets.to / 1000,
    text: entry.text,
  }));
  return { segments: cleanSegments(segments), language: parsed.data.result?.language ?? null };
}

function parseSrtReply(text: string): RecognizedChunk {
  if (text.trim() === "") return { segments: [], language: null };

  try {
    const { cues } = readSubtitleCues(new TextEncoder().encode(text), "chunk.srt");
    return { segments: cleanSegments(cues), language: null };
  } catch (error) {
    if (error instanceof SubtitleParseError)
      throw badReply(`the SRT file has no readable cue (${error.message})`);
    throw error;
  }
}

/**
 * Parses a raw reply into segments with chunk-relative times.
 *
 * @throws SpeechError `SPEECH_BAD_REPLY` for a body that cannot be read, and
 *   `SPEECH_NO_TIMESTAMPS` for an OpenAI reply that has text but no segments.
 */
export function parseRawReply(reply: RawReply): RecognizedChunk {
  if (reply.format === "verbose_json") return parseVerboseJson(reply.text);
  if (reply.format === "whisper_json") return parseWhisperJson(reply.text);
  return parseSrtReply(reply.text);
}
