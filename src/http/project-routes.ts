import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Hono } from "hono";
import { z } from "zod";
import { STEP_NAMES } from "../../schemas/pipeline.ts";
import { MAX_PAGE_SIZE } from "../index/index-queries.ts";
import { INDEXED_STATUSES, type IndexedStatus, type ProjectRecord } from "../index/records.ts";
import { prepareRetry, resetFromStep } from "../pipeline/reset-steps.ts";
import { isValidProjectId } from "../project/layout.ts";
import { LOCK_NAME, withProjectLock } from "../project/lock.ts";
import { isNotFound } from "../shared/fs-errors.ts";
import type { AppEnv } from "./app-env.ts";
import {
  localizedErrorMessage,
  TOTAL_STEPS,
  toClipShape,
  toCollectionShape,
  toProjectShape,
} from "./autoclip-shapes.ts";
import { HttpError } from "./errors.ts";
import { registerRoute } from "./openapi.ts";
import { parseQuery } from "./parse-query.ts";
import { editProject, jsonBodyLimit, parseJsonBody, projectDirOf, requireProject } from "./project-edits.ts";
import type { JobScheduler, RouteDependencies } from "./route-dependencies.ts";

/** Query of `GET /api/v1/projects`. */
const listQuerySchema = z.object({
  /** Page number, from 1. */
  page: z.coerce.number().int().min(1).default(1),
  /** Projects per page. */
  size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  status: z.enum(INDEXED_STATUSES).optional(),
  /** Text that the name or id must contain, ignoring case. */
  search: z.string().trim().max(200).optional(),
});

/** A query flag: `true`/`1` or `false`/`0`, false when absent. */
const flagSchema = z
  .enum(["true", "false", "1", "0"])
  .optional()
  .transform((value) => value === "true" || value === "1");

/** Query of `GET /api/v1/projects/{id}`. */
const detailQuerySchema = z.object({ include_clips: flagSchema, include_collections: flagSchema });

/** Body of `POST /api/v1/projects/{id}/restart-step`. */
const restartBodySchema = z.object({ step: z.enum(STEP_NAMES) });

const idParams = z.object({ id: z.string() });

registerRoute({
  method: "get",
  path: "/api/v1/projects",
  summary: "List projects, newest first",
  query: listQuerySchema,
});
registerRoute({
  method: "get",
  path: "/api/v1/projects/{id}",
  summary:
    "One project with the edits.json entries that could not be applied, optionally with its clips and collections",
  params: idParams,
  query: detailQuerySchema,
});
registerRoute({
  method: "get",
  path: "/api/v1/projects/{id}/status",
  summary: "Processing status of one project",
  params: idParams,
});
registerRoute({
  method: "delete",
  path: "/api/v1/projects/{id}",
  summary: "Move a project folder to the trash",
  params: idParams,
});
registerRoute({
  method: "post",
  path: "/api/v1/projects/{id}/process",
  summary: "Queue a pending or failed project",
  params: idParams,
  status: 202,
});
registerRoute({
  method: "post",
  path: "/api/v1/projects/{id}/retry",
  summary: "Resume a failed project at the step that failed",
  params: idParams,
  status: 202,
});
registerRoute({
  method: "post",
  path: "/api/v1/projects/{id}/restart-step",
  summary: "Delete one step's output and every later step's, then queue the project",
  params: idParams,
  body: restartBodySchema,
  status: 202,
});

function requireJobs(dependencies: RouteDependencies): JobScheduler {
  if (!dependencies.jobs) throw new HttpError(503, "PROCESSING_UNAVAILABLE", undefined);

  return dependencies.jobs;
}

function requireStatus(record: ProjectRecord, action: string, allowed: readonly IndexedStatus[]): void {
  if (allowed.includes(record.status)) return;

  throw new HttpError(409, "PROJECT_STATUS_CONFLICT", {
    id: record.id,
    status: record.status,
    action,
    allowed: allowed.join(", "),
  });
}

/** Returns a name for the trash folder: the project id and the time, safe on every file system. */
function trashName(projectId: string, now: Date): string {
  return `${projectId}-${now.toISOString().replace(/[:.]/g, "-")}`;
}

/** Moves the project folder into `trash/` under its lock and resolves with the trash path. */
async function moveToTrash(dependencies: RouteDependencies, projectId: string): Promise<string> {
  const projectDir = projectDirOf(dependencies, projectId);
  const folder = await stat(projectDir).catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });
  if (!folder?.isDirectory()) throw new HttpError(404, "PROJECT_NOT_FOUND", { id: projectId });

  const target = path.join(dependencies.layout.trash, trashName(projectId, new Date()));
  await mkdir(dependencies.layout.trash, { recursive: true });
  await editProject(dependencies, projectId, () =>
    withProjectLock(projectDir, () => rename(projectDir, target), { waitMs: 2000 }),
  );
  // The lock folder moved with the project, and no process refreshes it any more.
  await rm(path.join(target, LOCK_NAME), { recursive: true, force: true });

  return target;
}

/** Builds the routes under `/api/v1/projects`. A trailing slash is optional on each. */
export function projectRoutes(dependencies: RouteDependencies): Hono<AppEnv> {
  const { index, logger } = dependencies;
  const routes = new Hono<AppEnv>({ strict: false });

  routes.get("/", (c) => {
    const query = parseQuery(c, listQuerySchema, c.get("locale"));
    const page = index.listProjects(query);

    return c.json({
      items: page.items.map((record) => toProjectShape(record, c.get("locale"))),
      pagination: page.pagination,
    });
  });

  routes.get("/:id", (c) => {
    const query = parseQuery(c, detailQuerySchema, c.get("locale"));
    const record = requireProject(dependencies.index, c.req.param("id"));
    // Entries of a hand-edited edits.json that name unknown clips are skipped, and listed here.
    const body: Record<string, unknown> = {
      ...toProjectShape(record, c.get("locale")),
      edit_warnings: record.edit_warnings,
    };

    if (query.include_clips) {
      body.clips = index.listClips(record.id).map((clip) => toClipShape(clip, record));
    }
    if (query.include_collections) {
      body.collections = index.listCollections(record.id).map((entry) => toCollectionShape(entry, record));
    }
    return c.json(body);
  });

  routes.get("/:id/status", (c) => {
    const record = requireProject(dependencies.index, c.req.param("id"));

    return c.json({
      project_id: record.id,
      status: record.status,
      current_step: toProjectShape(record).current_step,
      current_step_name: record.current_step,
      total_steps: TOTAL_STEPS,
      progress: record.progress,
      message: record.message,
      error_message: localizedErrorMessage(record, c.get("locale")),
      error: record.error,
      updated_at: record.updated_at,
    });
  });

  /** Moves the project folder to `trash/`, so nothing is deleted outright. */
  routes.delete("/:id", async (c) => {
    const id = c.req.param("id");
    if (!isValidProjectId(id)) throw new HttpError(404, "PROJECT_NOT_FOUND", { id });

    const target = await moveToTrash(dependencies, id);
    logger.info({ projectId: id, trash: target }, "project moved to the trash");
    return c.json({ id, status: "deleted", trash: path.relative(dependencies.layout.root, target) });
  });

  /** Queues a pending project. A failed one is marked pending first, like a retry. */
  routes.post("/:id/process", async (c) => {
    const record = requireProject(dependencies.index, c.req.param("id"));
    const jobs = requireJobs(dependencies);
    requireStatus(record, "processed", ["pending", "failed", "processing"]);

    if (record.status === "failed") {
      await editProject(dependencies, record.id, (projectDir) => prepareRetry(projectDir));
    }
    jobs.enqueue(record.id);
    logger.info({ projectId: record.id, was: record.status }, "project queued by request");
    return c.json({ id: record.id, status: "queued" }, 202);
  });

  /** Resumes a failed project at the step that failed. */
  routes.post("/:id/retry", async (c) => {
    const record = requireProject(dependencies.index, c.req.param("id"));
    const jobs = requireJobs(dependencies);
    requireStatus(record, "retried", ["failed", "pending"]);

    await editProject(dependencies, record.id, (projectDir) => prepareRetry(projectDir));
    jobs.enqueue(record.id);
    logger.info({ projectId: record.id }, "project queued for a retry");
    return c.json({ id: record.id, status: "queued" }, 202);
  });

  /** Deletes the files of one step and every later step, then queues the project. */
  routes.post("/:id/restart-step", jsonBodyLimit, async (c) => {
    const record = requireProject(dependencies.index, c.req.param("id"));
    const jobs = requireJobs(dependencies);
    const { step } = await parseJsonBody(c, restartBodySchema);

    const result = await editProject(dependencies, record.id, (projectDir) =>
      resetFromStep(projectDir, step),
    );
    jobs.enqueue(record.id);
    logger.info({ projectId: record.id, step, removed: result.removed.length }, "project reset to a step");
    return c.json({ id: record.id, status: "queued", step, removed: result.removed }, 202);
  });

  return routes;
}
