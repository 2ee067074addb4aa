import { realpathSync } from "node:fs";
import path from "node:path";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { HttpError } from "./errors.ts";
import { sendFile } from "./send-file.ts";

/**
 * A built asset whose name has a content hash: Vite's `assets/index-B3x_9a1c.js` or Create React
 * App's `static/js/main.3f9a1b2c.js`. Only these folders count, so that an unhashed name with a
 * long word after a hyphen is never cached for a year.
 */
const HASHED_ASSET = /^(?:assets|static)\/(?:.+\/)?[^/]+[.-][A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
/** Encoded slashes, backslashes and NUL, which no file of a built frontend has in its path. */
const UNSAFE_ENCODED = /%(?:2f|5c|00)/i;
const IMMUTABLE = "public, max-age=31536000, immutable";

function isMissing(error: unknown): boolean {
  return error instanceof HttpError && error.status === 404;
}

/**
 * Builds middleware that serves a built single-page frontend from `frontendDir` for GET and
 * HEAD requests outside `/api/`. A path that names no file gets `index.html`, so client-side
 * routes load the app, unless it looks like a file (it has an extension) or is under
 * `/assets/`. Hashed asset names are cached for a year; everything else is revalidated.
 */
export function frontendMiddleware(frontendDir: string): MiddlewareHandler<AppEnv> {
  const root = realpathSync(path.resolve(frontendDir));
  const notFound = (requestPath: string) =>
    new HttpError(404, "ROUTE_NOT_FOUND", { method: "GET", path: requestPath });

  return async (c, next) => {
    const method = c.req.method;
    const requestPath = c.req.path;
    if (
      (method !== "GET" && method !== "HEAD") ||
      requestPath === "/api" ||
      requestPath.startsWith("/api/")
    ) {
      return next();
    }

    const rawPath = new URL(c.req.url).pathname;
    if (UNSAFE_ENCODED.test(rawPath) || requestPath.includes("\0") || requestPath.includes("\\")) {
      throw new HttpError(400, "BAD_PATH", undefined);
    }

    // Hono has decoded the path already. path.posix.normalize removes `.` and `..` segments, and
    // sendFile checks again that the real path lies inside the root.
    const relativePath = path.posix.normalize(requestPath).replace(/^\/+/, "");
    const isAsset = HASHED_ASSET.test(relativePath);
    if (relativePath !== "" && !relativePath.startsWith("..")) {
      try {
        return await sendFile(c, {
          root,
          relativePath,
          notFound: notFound(requestPath),
          cacheControl: isAsset ? IMMUTABLE : "no-cache",
        });
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
    }

    const looksLikeFile = path.posix.extname(relativePath) !== "" || relativePath.startsWith("assets/");
    if (looksLikeFile) throw notFound(requestPath);

    return sendFile(c, {
      root,
      relativePath: "index.html",
      notFound: notFound(requestPath),
      cacheControl: "no-cache",
    });
  };
}
