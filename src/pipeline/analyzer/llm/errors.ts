/**
 * Errors of the LLM analyzer. Each has a stable `code` that the pipeline records in
 * `pipeline.json`, and a `hint` that states what to do next. Messages name the endpoint by its
 * base URL and never contain the API key.
 */

/** Names of the analyzer's requests, as they appear in errors and log lines. */
export type LlmTask = "outline" | "score" | "title" | "collections";

/** Base class of every error the LLM analyzer raises. */
export abstract class LlmError extends Error {
  abstract readonly code: string;
  abstract readonly hint: string;
}

/** Raised when the analyzer settings are invalid. The message lists every bad setting and its value. */
export class LlmConfigError extends LlmError {
  override readonly name = "LlmConfigError";
  readonly code = "LLM_CONFIG_INVALID";
  readonly hint = "Fix the listed LLM settings and start again.";

  constructor(readonly problems: string[]) {
    super(`Invalid LLM analyzer settings: ${problems.join("; ")}. Fix these settings and start again.`);
  }
}

/** Raised at once on HTTP 401 or 403: the endpoint rejected the credentials. */
export class LlmUnauthorizedError extends LlmError {
  override readonly name = "LlmUnauthorizedError";
  readonly code = "LLM_UNAUTHORIZED";
  readonly hint = "Check the API key and that it may use this model, then retry the project.";

  constructor(
    readonly baseUrl: string,
    readonly status: number,
    readonly model: string,
  ) {
    super(
      `The LLM endpoint ${baseUrl} rejected the request with HTTP ${status}: check the API key and that it may use model "${model}".`,
    );
  }
}

/** Raised when no connection to the endpoint could be made, after every retry. */
export class LlmUnreachableError extends LlmError {
  override readonly name = "LlmUnreachableError";
  readonly code = "LLM_UNREACHABLE";
  readonly hint = "Check that the LLM server runs and that its base URL is right, then retry the project.";

  constructor(
    readonly baseUrl: string,
    readonly attempts: number,
    options: { cause: unknown },
  ) {
    super(
      `Could not connect to the LLM endpoint ${baseUrl} in ${attempts} attempt(s) (${describeCause(options.cause)}). Check that the server runs and that the base URL is right.`,
      options,
    );
  }
}

/** Raised when every attempt of a request timed out. */
export class LlmTimeoutError extends LlmError {
  override readonly name = "LlmTimeoutError";
  readonly code = "LLM_TIMEOUT";
  readonly hint = "Raise the LLM timeout or lower the chunk length, then retry the project.";

  constructor(
    readonly baseUrl: string,
    readonly attempts: number,
    readonly timeoutMs: number,
  ) {
    super(
      `The LLM endpoint ${baseUrl} did not reply within ${timeoutMs} ms in ${attempts} attempt(s). Raise the timeout or shorten the chunks.`,
    );
  }
}

/** Codes of {@link LlmHttpError}: retries exhausted on 429 or 5xx, or another status that is not retried. */
export type LlmHttpErrorCode = "LLM_RATE_LIMITED" | "LLM_SERVER_ERROR" | "LLM_REQUEST_REJECTED";

/** Maps an HTTP status to the code of {@link LlmHttpError}. */
function httpErrorCode(status: number): LlmHttpErrorCode {
  if (status === 429) return "LLM_RATE_LIMITED";
  if (status >= 500) return "LLM_SERVER_ERROR";
  return "LLM_REQUEST_REJECTED";
}

/** Raised on an HTTP status other than 2xx, 401 and 403, once retries (for 429 and 5xx) are spent. */
export class LlmHttpError extends LlmError {
  override readonly name = "LlmHttpError";
  readonly code: LlmHttpErrorCode;
  readonly hint: string;

  constructor(
    readonly baseUrl: string,
    readonly status: number,
    readonly attempts: number,
    readonly bodyExcerpt: string,
  ) {
    const code = httpErrorCode(status);
    const hint =
      code === "LLM_REQUEST_REJECTED"
        ? "Check the base URL (it should end before /chat/completions) and the model name, then retry the project."
        : "The LLM service is overloaded or failing; retry the project later.";
    super(
      `The LLM endpoint ${baseUrl} returned HTTP ${status} in ${attempts} attempt(s)${bodyExcerpt ? `: ${bodyExcerpt}` : ""}. ${hint}`,
    );
    this.code = code;
    this.hint = hint;
  }
}

/** Raised when a 2xx response is not an OpenAI-compatible chat completion. */
export class LlmBadResponseError extends LlmError {
  override readonly name = "LlmBadResponseError";
  readonly code = "LLM_BAD_RESPONSE";
  readonly hint =
    "Point the base URL at an OpenAI-compatible API (the part before /chat/completions), then retry the project.";

  constructor(
    readonly baseUrl: string,
    readonly reason: string,
  ) {
    super(
      `The LLM endpoint ${baseUrl} returned a response that is not a chat completion: ${reason}. Check that the base URL is an OpenAI-compatible API.`,
    );
  }
}

/** Raised when a reply, and the one repair request that followed it, both failed validation. */
export class LlmInvalidReplyError extends LlmError {
  override readonly name = "LlmInvalidReplyError";
  readonly code = "LLM_INVALID_REPLY";
  readonly hint = "Retry the project, or choose a stronger model; the cache keeps the chunks that succeeded.";

  constructor(
    readonly task: LlmTask,
    readonly chunkIndex: number,
    readonly issue: string,
    readonly model: string,
  ) {
    super(
      `Model "${model}" returned an invalid ${task} reply for chunk ${chunkIndex}, also after a repair request: ${issue}. Retry the project, or choose a stronger model.`,
    );
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);

  const inner = cause.cause as { code?: unknown; message?: unknown } | undefined;
  if (inner && typeof inner.code === "string") return inner.code;
  if (inner && typeof inner.message === "string") return inner.message;
  return cause.message;
}
