import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { writeFileAtomic } from "../../project/atomic-write.ts";
import type { Logger } from "../../shared/logger.ts";
import { extractAudio, type FfmpegBinaries } from "../ffmpeg.ts";
import { detectSilences } from "../ffmpeg-silence.ts";
import { openSpeechCache } from "./chunk-cache.ts";
import { type PlannedChunk, planChunks } from "./chunk-plan.ts";
import type { Recognizer } from "./recognizer.ts";
import { maxSecondsForBytes, type ResolvedSpeechConfig } from "./speech-config.ts";
import { type BilingualText, SPEECH_HINTS, type SpeechError, type SpeechErrorCode } from "./speech-errors.ts";
import { stitchSegments, toSrt } from "./stitch.ts";
import { transcribeChunks } from "./transcribe-chunks.ts";
import { openWav } from "./wav-file.ts";

/** Inputs of {@link transcribeAudio}. */
export interface TranscribeAudioOptions {
  /** Video or audio file whose first audio stream is transcribed. */
  input: string;
  /** SRT file to write the transcript to. */
  output: string;
  /** Folder that contains the reply cache in `speech-cache/`. */
  metadataDir: string;
  config: ResolvedSpeechConfig;
  recognizer: Recognizer;
  binaries: FfmpegBinaries;
  logger: Logger;
  signal: AbortSignal;
  /** Reports progress, `fraction` from 0 to 1. */
  reportProgress?: (fraction: number, message: string) => void;
}

/** Outcome of {@link transcribeAudio}. Failures carry text in both languages. */
export type TranscribeAudioResult =
  | {
      status: "done";
      cues: number;
      chunks: number;
      /** Chunks whose reply came from the cache. */
      cachedChunks: number;
      /** Language that the replies reported most often, as the recognizer spelled it, or null. */
      language: string | null;
      duration: number;
    }
  | { status: "failed"; code: SpeechErrorCode; message: BilingualText; hint: BilingualText };

interface ChunkFailure {
  plan: PlannedChunk;
  error: SpeechError;
}

function clock(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${(seconds - minutes * 60).toFixed(1).padStart(4, "0")}`;
}

function failChunk(recognizer: Recognizer, failure: ChunkFailure, total: number): TranscribeAudioResult {
  const { plan, error } = failure;
  const range = `${clock(plan.start)}–${clock(plan.end)}`;
  return {
    status: "failed",
    code: error.code,
    message: {
      en: `Speech recognizer ${recognizer.kind} failed on chunk ${plan.index + 1} of ${total} (${range}): ${error.reason.en}.`,
      zh: `语音识别器 ${recognizer.kind} 在第 ${plan.index + 1} 段（共 ${total} 段，${range}）失败：${error.reason.zh}。`,
    },
    hint: SPEECH_HINTS[error.code],
  };
}

function mostFrequent(values: readonly (string | null)[]): string | null {
  const counts = new Map<string, number>();
  for (const value of values) if (value) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
}

/**
 * Transcribes the audio of `input` into an SRT file. The audio is extracted as 16 kHz mono
 * WAV and split into chunks under the size and length limits at its longest silences. The
 * chunks are sent with bounded concurrency, each raw reply is cached by the chunk's hash, and
 * the segments are stitched back onto the source timeline. After the first failed chunk no
 * new chunk starts, the running ones finish and are cached, and the failure is returned, so a
 * retry resumes at the chunk that failed.
 */
export async function transcribeAudio(options: TranscribeAudioOptions): Promise<TranscribeAudioResult> {
  const { config, recognizer, binaries, logger, signal } = options;
  const work = await mkdtemp(path.join(tmpdir(), "autoclipd-speech-"));

  try {
    const audio = path.join(work, "audio.wav");
    await extractAudio({ input: options.input, output: audio, signal, logger }, binaries);
    signal.throwIfAborted();

    const wav = await openWav(audio);
    try {
      const maxSeconds = Math.min(config.maxChunkSeconds, maxSecondsForBytes(config.maxChunkBytes));
      const silences =
        wav.duration > maxSeconds
          ? await detectSilences({ input: audio, duration: wav.duration, signal, logger }, binaries)
          : [];
      signal.throwIfAborted();
      const plans = planChunks({
        duration: wav.duration,
        maxSeconds,
        overlapSeconds: config.overlapSeconds,
        silences,
      });
      logger.info(
        {
          recognizer: recognizer.kind,
          seconds: wav.duration,
          chunks: plans.length,
          silences: silences.length,
        },
        "transcribing audio",
      );

      const result = await transcribeChunks({
        plans,
        wav,
        workDir: work,
        cache: openSpeechCache(options.metadataDir, logger),
        recognizer,
        concurrency: config.concurrency,
        logger,
        signal,
        reportProgress: options.reportProgress,
      });
      if (result.failure) {
        const { plan, error } = result.failure;
        logger.warn(
          { recognizer: recognizer.kind, chunk: plan.index + 1, code: error.code, reason: error.reason.en },
          "chunk transcription failed",
        );
        return failChunk(recognizer, result.failure, plans.length);
      }

      const cues = stitchSegments(result.chunks, wav.duration);
      if (cues.length === 0) {
        return {
          status: "failed",
          code: "SPEECH_EMPTY_TRANSCRIPT",
          message: {
            en: `Speech recognizer ${recognizer.kind} found no speech in any of the ${plans.length} chunk(s) (0:00.0–${clock(wav.duration)}): every reply was empty.`,
            zh: `语音识别器 ${recognizer.kind} 在全部 ${plans.length} 段（0:00.0–${clock(wav.duration)}）中都没有识别出语音：每个回复都是空的。`,
          },
          hint: SPEECH_HINTS.SPEECH_EMPTY_TRANSCRIPT,
        };
      }

      await writeFileAtomic(options.output, toSrt(cues));
      return {
        status: "done",
        cues: cues.length,
        chunks: plans.length,
        cachedChunks: result.cachedChunks,
        language: mostFrequent(result.languages),
        duration: wav.duration,
      };
    } finally {
      await wav.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
