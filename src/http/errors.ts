import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { IndexClosedError } from "../index/project-index.ts";
import { hasErrorCode } from "../shared/fs-errors.ts";
import type { Locale } from "../shared/locale.ts";
import type { Logger } from "../shared/logger.ts";
import { formatMessage, type MessageCode, type MessageParams } from "./messages.ts";

/** JSON body of every error response. */
export interface ErrorBody {
  /** Text for people, in the request's language (English or Chinese). */
  detail: string;
  /** Stable code for programs, such as `PROJECT_NOT_FOUND`. */
  code: MessageCode;
  /** For `INVALID_REQUEST`: each invalid field with its reason. */
  errors?: Array<{ field: string; message: string }>;
}

/** An error with an HTTP status, a stable code and the parameters of its localized detail. */
export class HttpError<Code extends MessageCode = MessageCode> extends Error {
  override name = "HttpError";

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: Code,
    readonly params: MessageParams<Code>,
    options?: { cause?: unknown },
  ) {
    super(formatMessage(code, "en", params), options);
  }
}

/** Returns an issue path as a field name: `page`, `items.2.title`; `(root)` for the whole input. */
function fieldOf(path: PropertyKey[]): string {
  return path.length > 0 ? path.map(String).join(".") : "(root)";
}

/**
 * Maps any error to a JSON response: an {@link HttpError} to its status and code, a zod error to
 * 400 with every invalid field, a closed index or a read-only or full data folder to 503, and
 * anything else to a logged 500 whose body reveals nothing of the error.
 */
export function errorResponse(error: unknown, c: Context, locale: Locale, logger: Logger): Response {
  if (error instanceof HttpError) {
    const body: ErrorBody = { detail: formatMessage(error.code, locale, error.params), code: error.code };
    return c.json(body, error.status);
  }

  if (error instanceof z.ZodError) {
    const errors = error.issues.map((issue) => ({ field: fieldOf(issue.path), message: issue.message }));
    const fields = [...new Set(errors.map((entry) => entry.field))].join(", ");
    const body: ErrorBody = {
      detail: formatMessage("INVALID_REQUEST", locale, { fields }),
      code: "INVALID_REQUEST",
      errors,
    };
    return c.json(body, 400);
  }

  if (error instanceof IndexClosedError) {
    const body: ErrorBody = {
      detail: formatMessage("INDEX_UNAVAILABLE", locale, undefined),
      code: "INDEX_UNAVAILABLE",
    };
    return c.json(body, 503);
  }

  // A read-only or full data folder is the operator's to fix, so the body names which it is.
  const storageCode = hasErrorCode(error, "EROFS")
    ? "DATA_FOLDER_READ_ONLY"
    : hasErrorCode(error, "ENOSPC", "EDQUOT")
      ? "DATA_FOLDER_FULL"
      : null;
  if (storageCode) {
    logger.error(
      { err: error, method: c.req.method, path: c.req.path },
      "request could not write to the data folder",
    );
    const body: ErrorBody = { detail: formatMessage(storageCode, locale, undefined), code: storageCode };
    return c.json(body, 503);
  }

  logger.error(
    { err: error, method: c.req.method, path: c.req.path },
    "request failed with an unexpected error",
  );
  const body: ErrorBody = {
    detail: formatMessage("INTERNAL_ERROR", locale, undefined),
    code: "INTERNAL_ERROR",
  };
  return c.json(body, 500);
}
