import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import type { Logger } from "../../../shared/logger.ts";
import {
  LlmBadResponseError,
  LlmHttpError,
  type LlmTask,
  LlmTimeoutError,
  LlmUnauthorizedError,
  LlmUnreachableError,
} from "./errors.ts";
import type { ResolvedLlmConfig } from "./settings.ts";

/** One message of a chat completion request. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** The text of the first choice of a chat completion, and why the model stopped. */
export interface ChatReply {
  content: string;
  /** `stop` for a finished reply, `length` when the token limit cut it off; null when not reported. */
  finishReason: string | null;
}

/** Label of a request, its task and chunk, for log lines and errors. */
export interface ChatRequestLabel {
  task: LlmTask;
  chunkIndex: number;
}

/** Sends chat completion requests with timeouts and retries. */
export interface ChatClient {
  complete(
    messages: readonly ChatMessage[],
    label: ChatRequestLabel,
    signal?: AbortSignal,
  ): Promise<ChatReply>;
}

/** Result of one attempt that may be retried. */
type RetryableFailure =
  | { kind: "timeout" }
  | { kind: "network"; error: unknown }
  | { kind: "status"; status: number; retryAfterMs: number | null; bodyExcerpt: string };

/** Characters of an error response body quoted in errors and logs. */
const BODY_EXCERPT_LENGTH = 300;

const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).partial().nullish(),
});

/**
 * Reads a `Retry-After` header, given in seconds or as an HTTP date (RFC 9110, section 10.2.3),
 * as milliseconds from now. Returns null when the header is missing or unreadable.
 */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
  if (header === null || header.trim() === "") return null;

  const seconds = Number(header.trim());
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);

  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function excerpt(text: string, apiKey: string | undefined): string {
  const redacted = apiKey ? text.replaceAll(apiKey, "[api key]") : text;
  const flat = redacted.replace(/\s+/g, " ").trim();
  return flat.length > BODY_EXCERPT_LENGTH ? `${flat.slice(0, BODY_EXCERPT_LENGTH)}…` : flat;
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Converts the failure of the last attempt into the error raised to the caller. */
function finalError(failure: RetryableFailure, config: ResolvedLlmConfig, attempts: number): Error {
  if (failure.kind === "timeout") return new LlmTimeoutError(config.baseUrl, attempts, config.timeoutMs);
  if (failure.kind === "network") {
    return new LlmUnreachableError(config.baseUrl, attempts, { cause: failure.error });
  }
  return new LlmHttpError(config.baseUrl, failure.status, attempts, failure.bodyExcerpt);
}

/** Reads the reply out of a 2xx response body. */
function readCompletion(text: string, config: ResolvedLlmConfig, logger: Logger): ChatReply {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new LlmBadResponseError(config.baseUrl, `the body is not JSON: ${excerpt(text, config.apiKey)}`);
  }

  const parsed = completionSchema.safeParse(body);
  if (!parsed.success) {
    throw new LlmBadResponseError(config.baseUrl, "it has no choices[0].message");
  }

  const [choice] = parsed.data.choices;
  logger.debug(
    {
      promptTokens: parsed.data.usage?.prompt_tokens,
      completionTokens: parsed.data.usage?.completion_tokens,
      finishReason: choice?.finish_reason,
    },
    "LLM reply received",
  );
  return { content: choice?.message.content ?? "", finishReason: choice?.finish_reason ?? null };
}

/**
 * Creates a client for `POST {baseUrl}/chat/completions`. Each attempt is cut off after
 * `timeoutMs`, body included. Timeouts, connection errors, HTTP 429 and 5xx are retried up to
 * `maxRetries` times, after `retryBaseMs` doubled on each retry, or after `Retry-After`
 * when the response sends one. Both delays are capped at `retryMaxMs`. HTTP 401 and 403 fail
 * at once, and so does any other status. An aborted `signal` stops the request and the waits.
 */
export function createChatClient(config: ResolvedLlmConfig, logger: Logger): ChatClient {
  const url = `${config.baseUrl}/chat/completions`;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;

  async function attempt(
    body: string,
    label: ChatRequestLabel,
    signal: AbortSignal | undefined,
  ): Promise<ChatReply | RetryableFailure> {
    const timeout = AbortSignal.timeout(config.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;

    let response: Response;
    let text: string;
    try {
      response = await config.fetch(url, { method: "POST", headers, body, signal: combined });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (timeout.aborted) return { kind: "timeout" };
      return { kind: "network", error };
    }

    if (response.status === 401 || response.status === 403) {
      throw new LlmUnauthorizedError(config.baseUrl, response.status, config.model);
    }
    if (isRetryableStatus(response.status)) {
      return {
        kind: "status",
        status: response.status,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
        bodyExcerpt: excerpt(text, config.apiKey),
      };
    }
    if (!response.ok) {
      throw new LlmHttpError(config.baseUrl, response.status, 1, excerpt(text, config.apiKey));
    }

    return readCompletion(text, config, logger.child({ task: label.task, chunk: label.chunkIndex }));
  }

  return {
    async complete(messages, label, signal) {
      const body = JSON.stringify({
        model: config.model,
        messages,
        ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
      });
      const attempts = config.maxRetries + 1;

      for (let number = 1; ; number++) {
        signal?.throwIfAborted();
        logger.debug({ task: label.task, chunk: label.chunkIndex, attempt: number }, "LLM request sent");
        const outcome = await attempt(body, label, signal);
        if ("content" in outcome) return outcome;
        if (number >= attempts) throw finalError(outcome, config, number);

        const backoff = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** (number - 1));
        const retryAfter = outcome.kind === "status" ? outcome.retryAfterMs : null;
        const delayMs = retryAfter === null ? backoff : Math.min(config.retryMaxMs, retryAfter);
        logger.warn(
          {
            task: label.task,
            chunk: label.chunkIndex,
            attempt: number,
            reason: outcome.kind,
            status: outcome.kind === "status" ? outcome.status : undefined,
            err: outcome.kind === "network" ? outcome.error : undefined,
            delayMs,
          },
          "LLM request failed; retrying",
        );
        await sleep(delayMs, undefined, { signal });
      }
    },
  };
}
