import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import PQueue from "p-queue";
import type { Logger } from "../../shared/logger.ts";
import { chunkKey, type SpeechCache } from "./chunk-cache.ts";
import type { PlannedChunk } from "./chunk-plan.ts";
import type { Recognizer } from "./recognizer.ts";
import { parseRawReply } from "./reply-parsers.ts";
import { SpeechError } from "./speech-errors.ts";
import type { TranscribedChunk } from "./stitch.ts";
import type { WavReader } from "./wav-file.ts";

/** Inputs of {@link transcribeChunks}. */
export interface TranscribeChunksOptions {
  plans: readonly PlannedChunk[];
  wav: WavReader;
  /** Temporary folder that the chunk files are written to. */
  workDir: string;
  cache: SpeechCache;
  recognizer: Recognizer;
  /** Chunks transcribed at once. */
  concurrency: number;
  logger: Logger;
  signal: AbortSignal;
  reportProgress?: (fraction: number, message: string) => void;
}

/** The chunks transcribed, in plan order, and the failure of the first chunk that failed. */
export interface TranscribedChunks {
  chunks: TranscribedChunk[];
  /** Language of each reply as the recognizer spelled it, null where it reported none. */
  languages: (string | null)[];
  cachedChunks: number;
  failure: { plan: PlannedChunk; error: SpeechError } | null;
}

/** Removes a chunk's WAV file and the files that whisper.cpp wrote beside it. */
async function removeChunkFiles(file: string): Promise<void> {
  const base = file.replace(/\.wav$/, "");
  await Promise.all([file, `${base}.json`, `${base}.srt`].map((name) => rm(name, { force: true })));
}

/**
 * Transcribes the planned chunks, `concurrency` at a time, taking each reply from the cache
 * when it has one. A reply is cached only once it parses. After the first failure no further
 * chunk starts, while the running ones finish and are cached, so a retry resumes at the chunk
 * that failed.
 *
 * @throws the first error that is not a {@link SpeechError}, such as an abort or a disk error.
 */
export async function transcribeChunks(options: TranscribeChunksOptions): Promise<TranscribedChunks> {
  const { plans, wav, cache, recognizer, logger, signal } = options;
  const chunks: TranscribedChunk[] = [];
  const languages: (string | null)[] = [];
  const failures: Array<{ plan: PlannedChunk; error: unknown }> = [];
  const queue = new PQueue({ concurrency: options.concurrency });
  let cachedChunks = 0;
  let stopped = false;

  const transcribeOne = async (plan: PlannedChunk) => {
    const bytes = await wav.readRange(plan.start, plan.end);
    const key = chunkKey(recognizer, bytes);
    const cached = await cache.read(key);
    let reply = cached;
    if (!reply) {
      // The chunk's files are removed once its reply is in, so a long video leaves one copy of its audio on disk.
      const file = path.join(options.workDir, `chunk-${plan.index + 1}.wav`);
      await writeFile(file, bytes);
      try {
        reply = await recognizer.transcribe({ ...plan, file, bytes }, signal);
      } finally {
        await removeChunkFiles(file);
      }
    }

    // Parsing comes before caching, so a reply without timestamps is requested again on retry.
    const parsed = parseRawReply(reply);
    if (cached) cachedChunks++;
    else {
      await cache.write(key, {
        recognizer: recognizer.kind,
        identity: { ...recognizer.identity },
        chunk: { index: plan.index, start: plan.start, end: plan.end },
        created_at: new Date().toISOString(),
        reply,
      });
    }

    chunks.push({ plan, segments: parsed.segments });
    languages.push(parsed.language);
    logger.debug(
      { chunk: plan.index + 1, segments: parsed.segments.length, cached: cached !== null },
      "chunk transcribed",
    );
    options.reportProgress?.(
      chunks.length / plans.length,
      `transcribed ${chunks.length} of ${plans.length} chunks`,
    );
  };

  const run = async (plan: PlannedChunk) => {
    if (stopped) return;
    try {
      await transcribeOne(plan);
    } catch (error) {
      stopped = true;
      queue.clear();
      failures.push({ plan, error });
    }
  };

  for (const plan of plans) queue.add(() => run(plan));
  await queue.onIdle();
  signal.throwIfAborted();

  failures.sort((a, b) => a.plan.index - b.plan.index);
  const unexpected = failures.find((failure) => !(failure.error instanceof SpeechError));
  if (unexpected) throw unexpected.error;

  chunks.sort((a, b) => a.plan.index - b.plan.index);
  const failure = (failures[0] as { plan: PlannedChunk; error: SpeechError } | undefined) ?? null;
  return { chunks, languages, cachedChunks, failure };
}
