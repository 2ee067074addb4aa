import { open, realpath } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { Context } from "hono";
import { hasErrorCode } from "../shared/fs-errors.ts";
import { parseRange } from "./byte-range.ts";
import { HttpError } from "./errors.ts";
import { formatMessage } from "./messages.ts";

/** Options of `sendFile`: the file to send and the error for a file that cannot be sent. */
export interface SendFileOptions {
  /** Folder the file must lie in after symbolic links are resolved. */
  root: string;
  /** Path of the file relative to `root`, taken from the index or a whitelist, never from the request. */
  relativePath: string;
  /** Error raised when the file is missing, is not a regular file, or lies outside `root`. */
  notFound: HttpError;
  /** `Content-Disposition` value, for downloads. */
  disposition?: string;
  /** `Cache-Control` value. @default "no-cache" */
  cacheControl?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  ".mp4": "video/mp4",
  ".m4v": "video/mp4",
  ".mov": "video/quicktime",
  ".mkv": "video/x-matroska",
  ".webm": "video/webm",
  ".avi": "video/x-msvideo",
  ".flv": "video/x-flv",
  ".ts": "video/mp2t",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".png": "image/png",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".srt": "text/plain; charset=utf-8",
  ".vtt": "text/vtt; charset=utf-8",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".wasm": "application/wasm",
};

/** Error codes of a path that cannot be served: missing, too long, a loop of links, or not readable. */
const UNSERVABLE_CODES = ["ENOENT", "ENOTDIR", "ENAMETOOLONG", "ELOOP", "EACCES", "EISDIR"];

/** Returns the `Content-Type` of a file name by its extension, or `application/octet-stream` when the extension is unknown. */
export function contentTypeOf(fileName: string): string {
  return CONTENT_TYPES[path.extname(fileName).toLowerCase()] ?? "application/octet-stream";
}

/** Returns true when `target` lies inside `root` and is not `root` itself; both must be absolute and resolved. */
export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

/** Resolves symbolic links of `root/relativePath` and returns the real path, or null when it is outside `root` or missing. */
async function resolveInside(root: string, relativePath: string): Promise<string | null> {
  if (relativePath.includes("\0")) return null;

  try {
    const realRoot = await realpath(root);
    const realFile = await realpath(path.resolve(realRoot, relativePath));
    return isInside(realRoot, realFile) ? realFile : null;
  } catch (error) {
    if (hasErrorCode(error, ...UNSERVABLE_CODES)) return null;
    throw error;
  }
}

/**
 * Sends a file with HTTP range support: 200 with the whole file, 206 with one range, or 416 with
 * `Content-Range: bytes *\/size`. A HEAD request gets the same headers and no body. The size
 * comes from the open file handle, so a file replaced meanwhile is sent whole as it was opened.
 */
export async function sendFile(c: Context, options: SendFileOptions): Promise<Response> {
  const file = await resolveInside(options.root, options.relativePath);
  if (!file) throw options.notFound;

  // The file can vanish between realpath and open, when the pipeline replaces or deletes it.
  const handle = await open(file, "r").catch((error: unknown) => {
    if (hasErrorCode(error, ...UNSERVABLE_CODES)) throw options.notFound;
    throw error;
  });
  const stats = await handle.stat().catch(async (error: unknown) => {
    await handle.close();
    throw error;
  });
  if (!stats.isFile()) {
    await handle.close();
    throw options.notFound;
  }

  const size = stats.size;
  const headers = new Headers({
    "Accept-Ranges": "bytes",
    "Content-Type": contentTypeOf(file),
    "Last-Modified": stats.mtime.toUTCString(),
    ETag: `W/"${size.toString(16)}-${Math.trunc(stats.mtimeMs).toString(16)}"`,
    "Cache-Control": options.cacheControl ?? "no-cache",
  });
  if (options.disposition) headers.set("Content-Disposition", options.disposition);

  const rangeHeader = c.req.header("range");
  const request = parseRange(rangeHeader, size);
  if (request.kind === "unsatisfiable") {
    await handle.close();
    headers.set("Content-Range", `bytes */${size}`);
    headers.set("Content-Type", "application/json; charset=utf-8");
    const locale = c.get("locale") ?? "en";
    const body = {
      detail: formatMessage("RANGE_NOT_SATISFIABLE", locale, { range: rangeHeader ?? "", size }),
      code: "RANGE_NOT_SATISFIABLE",
    };
    return new Response(JSON.stringify(body), { status: 416, headers });
  }

  const { start, end } = request.kind === "range" ? request.range : { start: 0, end: size - 1 };
  const length = size === 0 ? 0 : end - start + 1;
  const status = request.kind === "range" ? 206 : 200;
  headers.set("Content-Length", String(length));
  if (status === 206) headers.set("Content-Range", `bytes ${start}-${end}/${size}`);

  if (c.req.method === "HEAD" || length === 0) {
    await handle.close();
    return new Response(null, { status, headers });
  }

  // The stream closes the handle when it ends, fails, or is cancelled by a client that went away.
  const stream = handle.createReadStream({ start, end, autoClose: true });
  return new Response(Readable.toWeb(stream) as ReadableStream, { status, headers });
}

/** Builds an HttpError for a file that cannot be served. */
export function mediaNotFound(projectId: string, name: string): HttpError {
  return new HttpError(404, "MEDIA_NOT_FOUND", { projectId, name });
}
