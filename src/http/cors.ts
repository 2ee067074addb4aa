import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./app-env.ts";

/**
 * Builds CORS middleware that allows exactly the `origins` listed, such as
 * `http://localhost:3000` for a frontend served by a development server. Preflight requests
 * are handled here, before authentication, since browsers send them without the token.
 */
export function corsMiddleware(origins: readonly string[]): MiddlewareHandler<AppEnv> {
  const allowed = new Set(origins);

  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Range", "Accept-Language", "Last-Event-ID"],
    exposeHeaders: ["Content-Range", "Content-Length", "Accept-Ranges", "Content-Disposition"],
    maxAge: 600,
  });
}
