import { createHash } from "node:crypto";
import path from "node:path";
import { z } from "zod";
import type { Logger } from "../../../shared/logger.ts";
import { openJsonFileCache } from "../../json-file-cache.ts";
import type { ChatMessage } from "./chat-client.ts";

/** Folder of the cache inside the project's `metadata/` folder. */
export const CACHE_FOLDER = "llm-cache";

/** One cached reply: the raw text the model returned for a request. */
const cacheEntrySchema = z.object({
  model: z.string(),
  created_at: z.string(),
  /** True when the reply came from the repair request that followed an invalid first reply. */
  repaired: z.boolean(),
  reply: z.string(),
});

export type CacheEntry = z.infer<typeof cacheEntrySchema>;

/** Replies stored on disk by the hash of the request that produced them. */
export interface ReplyCache {
  read(key: string): Promise<CacheEntry | null>;
  write(key: string, entry: CacheEntry): Promise<void>;
}

/** Computes the cache key of a request: the SHA-256 of the model and the messages, in hex. */
export function requestKey(model: string, messages: readonly ChatMessage[]): string {
  const canonical = JSON.stringify({
    model,
    messages: messages.map((message) => ({ role: message.role, content: message.content })),
  });
  return createHash("sha256").update(canonical).digest("hex");
}

/**
 * Opens the reply cache in `<metadataDir>/llm-cache/`. An entry that cannot be read or parsed
 * counts as missing, so a damaged file costs one request and is then overwritten.
 */
export function openReplyCache(metadataDir: string, logger: Logger): ReplyCache {
  return openJsonFileCache(
    path.join(metadataDir, CACHE_FOLDER),
    cacheEntrySchema,
    logger,
    "cached LLM reply is unreadable; requesting it again",
  );
}
