import { createHash } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import type { Logger } from "../../shared/logger.ts";
import { openJsonFileCache } from "../json-file-cache.ts";
import type { RawReply, Recognizer } from "./recognizer.ts";

/** Folder of the cache inside the project's `metadata/` folder. */
export const SPEECH_CACHE_FOLDER = "speech-cache";

const cacheEntrySchema = z.object({
  recognizer: z.string(),
  identity: z.record(z.string(), z.string().nullable()),
  /** Position of the chunk on the source timeline when it was sent, for people reading the file. */
  chunk: z.object({ index: z.number(), start: z.number(), end: z.number() }),
  created_at: z.string(),
  reply: z.object({ format: z.enum(["verbose_json", "whisper_json", "srt"]), text: z.string() }),
});

export type SpeechCacheEntry = z.infer<typeof cacheEntrySchema>;

/** Raw replies stored on disk by the hash of the chunk audio and the recognizer settings. */
export interface SpeechCache {
  read(key: string): Promise<RawReply | null>;
  write(key: string, entry: SpeechCacheEntry): Promise<void>;
}

/** Computes a chunk's cache key: the SHA-256, in hex, of the recognizer's kind and identity and the chunk's WAV bytes. */
export function chunkKey(recognizer: Recognizer, bytes: Uint8Array): string {
  const settings = JSON.stringify({ kind: recognizer.kind, ...recognizer.identity });
  return createHash("sha256").update(settings).update("\n").update(bytes).digest("hex");
}

/**
 * Opens the cache in `<metadataDir>/speech-cache/`. An entry that cannot be read or parsed
 * counts as missing, so a damaged file costs one request and is then overwritten.
 */
export function openSpeechCache(metadataDir: string, logger: Logger): SpeechCache {
  const files = openJsonFileCache(
    path.join(metadataDir, SPEECH_CACHE_FOLDER),
    cacheEntrySchema,
    logger,
    "cached transcription is unreadable; transcribing again",
  );

  return {
    read: async (key) => (await files.read(key))?.reply ?? null,
    write: (key, entry) => files.write(key, entry),
  };
}
