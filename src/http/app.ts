import { Hono } from "hono";
import type { ProjectIndex } from "../index/project-index.ts";
import { pickLocale } from "../shared/locale.ts";
import { type Logger, silentLogger } from "../shared/logger.ts";
import type { AppEnv } from "./app-env.ts";
import { errorResponse, HttpError } from "./errors.ts";
import { indexRoutes } from "./index-routes.ts";
import { projectRoutes } from "./project-routes.ts";
import { syncRoutes } from "./sync-routes.ts";

export interface AppOptions {
  index: ProjectIndex;
  logger?: Logger;
  /** Version reported by the health route. */
  version: string;
}

/**
 * Creates the HTTP API. Every count it serves is read from the index, which derives them from
 * the project files. Errors become JSON `{detail, code}` bodies in one place, with `detail`
 * in English or Chinese after the `Accept-Language` header.
 */
export function createApp(options: AppOptions): Hono<AppEnv> {
  const { index, version } = options;
  const logger = (options.logger ?? silentLogger).child({ module: "http" });
  const app = new Hono<AppEnv>({ strict: false });
  const indexState = () => (index.offline ? "offline" : "online");

  app.use("*", async (c, next) => {
    c.set("locale", pickLocale(c.req.header("accept-language")));
    const started = performance.now();
    await next();
    logger.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      "request handled",
    );
  });

  app.onError((error, c) => errorResponse(error, c, c.get("locale") ?? "en", logger));
  app.notFound((c) =>
    errorResponse(
      new HttpError(404, "ROUTE_NOT_FOUND", { method: c.req.method, path: c.req.path }),
      c,
      c.get("locale") ?? "en",
      logger,
    ),
  );

  app.get("/api/v1/health", (c) => c.json({ status: "ok", index: indexState(), version }));
  app.get("/api/v1/stats", (c) => c.json({ ...index.stats(), index: indexState() }));
  app.route("/api/v1/index", indexRoutes(index));
  // The sync routes come first so that `sync-all-data` is never read as a project id.
  app.route("/api/v1/projects", syncRoutes(index));
  app.route("/api/v1/projects", projectRoutes(index));

  return app;
}
