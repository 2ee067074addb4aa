import path from "node:path";
import { Hono } from "hono";
import { z } from "zod";
import type { ProjectIndex } from "../index/project-index.ts";
import { INDEXED_STATUSES } from "../index/records.ts";
import type { FfmpegBinaries } from "../pipeline/ffmpeg.ts";
import { dataLayout } from "../project/layout.ts";
import { pickLocale } from "../shared/locale.ts";
import { type Logger, silentLogger } from "../shared/logger.ts";
import type { AppEnv } from "./app-env.ts";
import { bearerAuth } from "./auth.ts";
import { categoryRoutes } from "./category-routes.ts";
import { clipRoutes } from "./clip-routes.ts";
import { collectionRoutes, projectCollectionRoutes } from "./collection-routes.ts";
import { corsMiddleware } from "./cors.ts";
import { type DashboardOptions, dashboardMiddleware } from "./dashboard.ts";
import { errorResponse, HttpError } from "./errors.ts";
import { type EventStreamOptions, eventRoutes } from "./events-routes.ts";
import { frontendMiddleware } from "./frontend.ts";
import { indexRoutes } from "./index-routes.ts";
import { mediaRoutes } from "./media-routes.ts";
import { openApiRoutes, registerRoute } from "./openapi.ts";
import { progressRoutes } from "./progress-routes.ts";
import { projectRoutes } from "./project-routes.ts";
import { rejectedRoutes } from "./rejected-routes.ts";
import { attachResponseCache, ResponseCache } from "./response-cache.ts";
import type { JobScheduler, RouteDependencies } from "./route-dependencies.ts";
import { syncRoutes } from "./sync-routes.ts";
import { DEFAULT_MAX_UPLOAD_BYTES, uploadRoutes } from "./upload-routes.ts";

registerRoute({
  method: "get",
  path: "/api/v1/health",
  summary: "Liveness and index state; needs no token",
  response: z.object({ status: z.literal("ok"), index: z.enum(["online", "offline"]), version: z.string() }),
});
registerRoute({
  method: "get",
  path: "/api/v1/stats",
  summary: "Project counts by status and the clip and collection totals",
  response: z.object({
    projects: z.object({
      total: z.number().int(),
      by_status: z.record(z.enum(INDEXED_STATUSES), z.number().int()),
    }),
    clips: z.number().int(),
    collections: z.number().int(),
    index: z.enum(["online", "offline"]),
  }),
});

export interface AppOptions {
  index: ProjectIndex;
  logger?: Logger;
  /** Version reported by the health route. */
  version: string;
  /**
   * Token that every `/api/` route but the health check requires as `Authorization: Bearer`;
   * the event stream also takes it as `?token=`. No token is required when absent.
   */
  apiToken?: string;
  /** Origins allowed to call the API from a browser; none by default, so no CORS headers are sent. */
  corsOrigins?: readonly string[];
  /** Folder of a built single-page frontend to serve at `/`; not served when absent. */
  frontendDir?: string;
  /**
   * The built-in dashboard, served at `/dashboard/` and, unless `frontendDir` is set, at `/`.
   * `false` turns it off. @default the `dashboard/` folder of this repository
   */
  dashboard?: Pick<DashboardOptions, "dir"> | false;
  /** Limits of `GET /api/v1/events`; its `signal` ends every open stream, which server shutdown needs. */
  events?: EventStreamOptions;
  /** Queue for the process, retry and restart-step routes; they return 503 without it. */
  jobs?: JobScheduler;
  /** Data folder with `inbox/`, `projects/` and `trash/`. @default the parent of `index.projectsDir` */
  dataDir?: string;
  /** Largest upload request in bytes; a larger one gets a 413. @default 4 GiB */
  maxUploadBytes?: number;
  /** ffmpeg and ffprobe for collection videos; without them the generate route returns 501. */
  binaries?: FfmpegBinaries;
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
  const routeDependencies: RouteDependencies = {
    index,
    layout: dataLayout(options.dataDir ?? path.dirname(index.projectsDir)),
    jobs: options.jobs,
    binaries: options.binaries,
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    logger,
  };

  app.use("*", async (c, next) => {
    c.set("locale", pickLocale(c.req.header("accept-language")));
    // No log object and no timing unless debug logging is on, since most requests are cheap reads.
    if (!logger.isLevelEnabled("debug")) return next();

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

  if (options.corsOrigins && options.corsOrigins.length > 0)
    app.use("*", corsMiddleware(options.corsOrigins));
  if (options.apiToken !== undefined) app.use("*", bearerAuth(options.apiToken));
  // The dashboard comes before the frontend, so that `/dashboard/` stays reachable beside it.
  if (options.dashboard !== false) {
    app.use("*", dashboardMiddleware({ ...options.dashboard, atRoot: options.frontendDir === undefined }));
  }
  if (options.frontendDir !== undefined) app.use("*", frontendMiddleware(options.frontendDir));

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
  app.route("/api/v1", mediaRoutes(index));
  app.route("/api/v1", eventRoutes(index, { logger: options.logger, ...options.events }));
  app.route("/api/v1", openApiRoutes(version, options.apiToken !== undefined));
  // The sync routes come first so that `sync-all-data` is never read as a project id.
  app.route("/api/v1/projects", syncRoutes(index));
  app.route("/api/v1/projects", uploadRoutes(routeDependencies));
  app.route("/api/v1/projects", projectRoutes(routeDependencies));
  app.route("/api/v1/projects", projectCollectionRoutes(routeDependencies));
  app.route("/api/v1/clips", clipRoutes(routeDependencies));
  app.route("/api/v1/collections", collectionRoutes(routeDependencies));
  app.route("/api/v1/video-categories", categoryRoutes());
  app.route("/api/v1/inbox/rejected", rejectedRoutes(routeDependencies.layout, logger));
  app.route("/api/v1/simple-progress", progressRoutes(index));

  // AutoClip's frontend polls these two routes, and their responses change only when the index does.
  const cache = new ResponseCache({
    index,
    paths: ["/api/v1/stats", "/api/v1/stats/", "/api/v1/projects", "/api/v1/projects/"],
    apiToken: options.apiToken,
    logger,
  });
  attachResponseCache(app, cache);

  return app;
}
