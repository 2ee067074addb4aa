import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../../shared/logger.ts";
import { parseRetryAfter } from "../analyzer/llm/chat-client.ts";
import type { AudioChunk, RawReply, Recognizer } from "./recognizer.ts";
import type { ResolvedSpeechConfig } from "./speech-config.ts";
import { SpeechError } from "./speech-errors.ts";

/** Result of one attempt that may be retried. */
type RetryableFailure =
  | { kind: "timeout" }
  | { kind: "network"; error: unknown }
  | { kind: "status"; status: number; retryAfterMs: number | null; bodyExcerpt: string };

/** Characters of an error response body quoted in errors and logs. */
const BODY_EXCERPT_LENGTH = 200;

function excerpt(text: string, apiKey: string | undefined): string {
  const redacted = apiKey ? text.replaceAll(apiKey, "[api key]") : text;
  const flat = redacted.replace(/\s+/g, " ").trim();
  return flat.length > BODY_EXCERPT_LENGTH ? `${flat.slice(0, BODY_EXCERPT_LENGTH)}…` : flat;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === "string") return cause.code;
  if (typeof cause?.message === "string") return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** Converts the failure of the last attempt into the error raised to the caller. */
function finalError(
  failure: RetryableFailure,
  url: string,
  attempts: number,
  timeoutMs: number,
): SpeechError {
  if (failure.kind === "timeout") {
    const seconds = timeoutMs / 1000;
    return new SpeechError("SPEECH_TIMEOUT", {
      en: `${url} sent no complete reply within ${seconds} s, in ${attempts} attempt(s)`,
      zh: `${url} 在 ${seconds} 秒内没有返回完整回复（共尝试 ${attempts} 次）`,
    });
  }
  if (failure.kind === "network") {
    const cause = describeCause(failure.error);
    return new SpeechError(
      "SPEECH_UNREACHABLE",
      {
        en: `could not connect to ${url} in ${attempts} attempt(s) (${cause})`,
        zh: `${attempts} 次尝试均无法连接 ${url}（${cause}）`,
      },
      { cause: failure.error },
    );
  }
  if (failure.status === 429) {
    return new SpeechError("SPEECH_RATE_LIMITED", {
      en: `${url} still answered HTTP 429 (too many requests) after ${attempts} attempt(s): ${failure.bodyExcerpt}`,
      zh: `${url} 在 ${attempts} 次尝试后仍返回 HTTP 429（请求过多）：${failure.bodyExcerpt}`,
    });
  }
  return httpError(url, failure.status, attempts, failure.bodyExcerpt);
}

function httpError(url: string, status: number, attempts: number, body: string): SpeechError {
  return new SpeechError("SPEECH_HTTP_ERROR", {
    en: `${url} answered HTTP ${status} after ${attempts} attempt(s): ${body}`,
    zh: `${url} 在 ${attempts} 次尝试后返回 HTTP ${status}：${body}`,
  });
}

function buildForm(chunk: AudioChunk, config: ResolvedSpeechConfig): FormData {
  const form = new FormData();
  // The chunk's bytes live in an ordinary ArrayBuffer (Node's Buffer), never a SharedArrayBuffer,
  // and the cast states that for the DOM lib's Blob type, without copying the audio.
  form.append(
    "file",
    new Blob([chunk.bytes as Uint8Array<ArrayBuffer>], { type: "audio/wav" }),
    `chunk-${chunk.index + 1}.wav`,
  );
  form.append("model", config.model ?? "");
  form.append("response_format", "verbose_json");
  form.append("timestamp_granularities[]", "segment");
  if (config.language) form.append("language", config.language);
  return form;
}

/**
 * Creates a recognizer for `POST {baseUrl}/audio/transcriptions`, the OpenAI transcription
 * route, asking for `verbose_json` with segment timestamps. Each attempt is cut off after
 * `timeoutMs`. Timeouts, connection errors, HTTP 429 and 5xx are retried up to `maxRetries`
 * times after `retryBaseMs` doubled on each retry, or after `Retry-After` when the response
 * sends one, both capped at `retryMaxMs`. HTTP 401, 403 and 413 fail at once.
 */
export function createOpenAiRecognizer(config: ResolvedSpeechConfig, logger: Logger): Recognizer {
  const url = `${config.baseUrl}/audio/transcriptions`;
  const headers: Record<string, string> = {};
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;

  async function attempt(chunk: AudioChunk, signal: AbortSignal): Promise<RawReply | RetryableFailure> {
    const timeout = AbortSignal.timeout(config.timeoutMs);
    const combined = AbortSignal.any([signal, timeout]);

    let response: Response;
    let text: string;
    try {
      response = await config.fetch(url, {
        method: "POST",
        headers,
        body: buildForm(chunk, config),
        signal: combined,
      });
      text = await response.text();
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (timeout.aborted) return { kind: "timeout" };
      return { kind: "network", error };
    }

    if (response.status === 401 || response.status === 403) {
      throw new SpeechError("SPEECH_UNAUTHORIZED", {
        en: `${url} rejected the request with HTTP ${response.status}; the API key is missing, wrong, or may not use model "${config.model}"`,
        zh: `${url} 以 HTTP ${response.status} 拒绝了请求：API 密钥缺失、错误，或无权使用模型“${config.model}”`,
      });
    }
    if (response.status === 413) {
      const megabytes = (chunk.bytes.byteLength / 1e6).toFixed(1);
      throw new SpeechError("SPEECH_CHUNK_TOO_LARGE", {
        en: `${url} rejected the ${megabytes} MB chunk as too large (HTTP 413)`,
        zh: `${url} 认为 ${megabytes} MB 的分段过大而拒绝（HTTP 413）`,
      });
    }
    if (response.status === 429 || response.status >= 500) {
      return {
        kind: "status",
        status: response.status,
        retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
        bodyExcerpt: excerpt(text, config.apiKey),
      };
    }
    if (!response.ok) throw httpError(url, response.status, 1, excerpt(text, config.apiKey));

    return { format: "verbose_json", text };
  }

  return {
    kind: "openai",
    identity: {
      baseUrl: config.baseUrl ?? null,
      model: config.model ?? null,
      language: config.language ?? null,
    },

    async transcribe(chunk, signal) {
      const attempts = config.maxRetries + 1;

      for (let number = 1; ; number++) {
        signal.throwIfAborted();
        logger.debug({ chunk: chunk.index + 1, attempt: number }, "transcription request sent");
        const outcome = await attempt(chunk, signal);
        if ("format" in outcome) return outcome;
        if (number >= attempts) throw finalError(outcome, url, number, config.timeoutMs);

        const backoff = Math.min(config.retryMaxMs, config.retryBaseMs * 2 ** (number - 1));
        const retryAfter = outcome.kind === "status" ? outcome.retryAfterMs : null;
        const delayMs = retryAfter === null ? backoff : Math.min(config.retryMaxMs, retryAfter);
        logger.warn(
          {
            chunk: chunk.index + 1,
            attempt: number,
            reason: outcome.kind,
            status: outcome.kind === "status" ? outcome.status : undefined,
            err: outcome.kind === "network" ? outcome.error : undefined,
            delayMs,
          },
          "transcription request failed; retrying",
        );
        await sleep(delayMs, undefined, { signal });
      }
    },
  };
}
