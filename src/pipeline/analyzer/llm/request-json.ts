import type { z } from "zod";
import type { Logger } from "../../../shared/logger.ts";
import type { ChatClient, ChatMessage, ChatRequestLabel } from "./chat-client.ts";
import { LlmInvalidReplyError } from "./errors.ts";
import { parseReply } from "./parse-reply.ts";
import { type ReplyCache, requestKey } from "./reply-cache.ts";

/** One request whose reply must be JSON matching `schema`. */
export interface JsonRequest<Schema extends z.ZodType> {
  label: ChatRequestLabel;
  messages: ChatMessage[];
  schema: Schema;
  /** Builds the user message of the repair request from the validation issue. */
  repairMessage(issue: string): string;
  signal?: AbortSignal;
}

/** Sends requests whose replies are validated, repaired once and cached. */
export type JsonRequester = <Schema extends z.ZodType>(
  request: JsonRequest<Schema>,
) => Promise<z.output<Schema>>;

/**
 * Creates a requester that returns replies from the cache when it can, and otherwise sends
 * the request and validates the reply. An invalid reply gets one repair request that quotes
 * the validation issue. Only a valid reply is cached, under the key of the first request, so
 * a re-run sends nothing for it and an invalid reply is never served from the cache. A cache
 * write that fails is logged and does not fail the request.
 *
 * @throws LlmInvalidReplyError when the repaired reply is invalid too.
 */
export function createJsonRequester(
  client: ChatClient,
  cache: ReplyCache,
  model: string,
  logger: Logger,
): JsonRequester {
  const store = async (key: string, reply: string, repaired: boolean, fields: Record<string, unknown>) => {
    try {
      await cache.write(key, { model, created_at: new Date().toISOString(), repaired, reply });
    } catch (error) {
      logger.warn(
        { ...fields, key, err: error },
        "could not cache the LLM reply; a re-run will request it again",
      );
    }
  };

  return async (request) => {
    const { label, messages, schema, signal } = request;
    const key = requestKey(model, messages);
    const fields = { task: label.task, chunk: label.chunkIndex };

    const cached = await cache.read(key);
    signal?.throwIfAborted();
    if (cached) {
      const parsed = parseReply(cached.reply, schema);
      if (parsed.ok) {
        logger.debug({ ...fields, key }, "LLM reply taken from the cache");
        return parsed.value;
      }
      logger.warn(
        { ...fields, key, issue: parsed.issue },
        "cached LLM reply is invalid; requesting it again",
      );
    }

    const first = await client.complete(messages, label, signal);
    const firstParsed = parseReply(first.content, schema, first.finishReason);
    if (firstParsed.ok) {
      await store(key, first.content, false, fields);
      return firstParsed.value;
    }

    logger.warn({ ...fields, issue: firstParsed.issue }, "LLM reply is invalid; sending one repair request");
    const repairMessages: ChatMessage[] = [
      ...messages,
      { role: "assistant", content: first.content },
      { role: "user", content: request.repairMessage(firstParsed.issue) },
    ];
    const second = await client.complete(repairMessages, label, signal);
    const secondParsed = parseReply(second.content, schema, second.finishReason);
    if (!secondParsed.ok) {
      throw new LlmInvalidReplyError(label.task, label.chunkIndex, secondParsed.issue, model);
    }

    await store(key, second.content, true, fields);
    logger.info(fields, "repair request returned a valid reply");
    return secondParsed.value;
  };
}
