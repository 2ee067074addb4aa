import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { HttpError } from "./errors.ts";

/** Settings that decide whether the API may listen on its configured host. */
export interface ExposureSettings {
  host: string;
  apiToken: string | undefined;
  insecureNoAuth: boolean;
}

/** Paths that never need a token: the health check, which serves no project data. */
const PUBLIC_PATHS = new Set(["/api/v1/health", "/api/v1/health/"]);
/** The event stream also takes `?token=`, because a browser's EventSource cannot set headers. */
const QUERY_TOKEN_PATHS = new Set(["/api/v1/events", "/api/v1/events/"]);
/**
 * Media that a page loads through `<video src>`, `<img src>` or a download link, which cannot
 * set headers either, so these also take `?token=` on GET and HEAD.
 */
const QUERY_TOKEN_MEDIA =
  /^\/api\/v1\/(?:projects\/[^/]+\/(?:clips\/[^/]+(?:\/thumbnail)?|collections\/[^/]+\/thumbnail|thumbnail|download|files\/[^/]+)|files\/projects\/[^/]+\/collections\/[^/]+)\/?$/;

function takesQueryToken(method: string, requestPath: string): boolean {
  if (QUERY_TOKEN_PATHS.has(requestPath)) return true;
  return (method === "GET" || method === "HEAD") && QUERY_TOKEN_MEDIA.test(requestPath);
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Returns true when `host` only accepts connections from this machine. */
function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/**
 * Returns an error message when the API would listen on an address other machines can reach
 * without a token, else null. `insecureNoAuth` allows that on purpose.
 */
export function checkExposure(settings: ExposureSettings): string | null {
  if (isLoopback(settings.host) || settings.apiToken || settings.insecureNoAuth) return null;

  return `Refusing to listen on ${settings.host} without a token, because anyone who can reach that address could read and change every project. Set --api-token (or AUTOCLIP_API_TOKEN), listen on 127.0.0.1, or pass --insecure-no-auth to accept the risk.`;
}

/** Reads the token of an `Authorization: Bearer <token>` header; undefined for any other value. */
function bearerTokenOf(header: string | undefined): string | undefined {
  return header?.match(/^Bearer[ \t]+(\S+)[ \t]*$/i)?.[1];
}

/**
 * Returns a check of a token against `apiToken`. Tokens are compared by SHA-256 digest with
 * `timingSafeEqual`, so the time taken does not depend on how much of a guess matches.
 */
function tokenMatcher(apiToken: string): (candidate: string | undefined) => boolean {
  if (apiToken.length === 0)
    throw new RangeError("Expected apiToken to be a non-empty string, got an empty one.");

  const expected = digest(apiToken);
  return (candidate) => candidate !== undefined && timingSafeEqual(digest(candidate), expected);
}

/**
 * Returns a check of an `Authorization` header value that passes when it carries `apiToken` as
 * a Bearer token, with the same parsing and comparison as {@link bearerAuth}.
 */
export function bearerHeaderCheck(apiToken: string): (header: string | undefined) => boolean {
  const matches = tokenMatcher(apiToken);
  return (header) => matches(bearerTokenOf(header));
}

/**
 * Builds middleware that requires `Authorization: Bearer <token>` on every `/api/` route but
 * the health check, and also accepts `?token=` on the event stream and on media. Paths outside `/api/` (the
 * frontend's static files) stay open, since they hold no project data and the frontend must
 * load before it can send a token. Tokens are compared by SHA-256 digest with
 * `timingSafeEqual`, so the time taken does not depend on how much of a guess matches.
 */
export function bearerAuth(apiToken: string): MiddlewareHandler<AppEnv> {
  const matches = tokenMatcher(apiToken);

  return async (c, next) => {
    const requestPath = c.req.path;
    if (!requestPath.startsWith("/api/") || PUBLIC_PATHS.has(requestPath)) return next();

    const header = c.req.header("authorization");
    const bearer = bearerTokenOf(header);
    const queryToken = takesQueryToken(c.req.method, requestPath) ? c.req.query("token") : undefined;
    if (matches(bearer) || matches(queryToken)) return next();

    c.header("WWW-Authenticate", 'Bearer realm="autoclipd"');
    throw new HttpError(401, "UNAUTHORIZED", undefined);
  };
}
