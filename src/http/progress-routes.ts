import { Hono } from "hono";
import { z } from "zod";
import type { StepName } from "../../schemas/pipeline.ts";
import type { ProjectIndex } from "../index/project-index.ts";
import type { ProjectRecord } from "../index/records.ts";
import { isValidProjectId } from "../project/layout.ts";
import type { AppEnv } from "./app-env.ts";
import { HttpError } from "./errors.ts";
import { registerRoute } from "./openapi.ts";

/** Most project ids one snapshot request may name. */
const MAX_SNAPSHOT_PROJECTS = 100;

/** Stage names of AutoClip's simple progress API, by pipeline step. */
const STAGE_OF_STEP: Record<StepName, string> = {
  transcript: "SUBTITLE",
  outline: "ANALYZE",
  timeline: "ANALYZE",
  scoring: "HIGHLIGHT",
  titles: "HIGHLIGHT",
  collections: "HIGHLIGHT",
  video: "EXPORT",
};

registerRoute({
  method: "get",
  path: "/api/v1/simple-progress/snapshot",
  summary: "Progress of several projects, read from the index only",
  query: z.object({ project_ids: z.string().describe("comma-separated project ids, at most 100") }),
});

/** One entry of the snapshot. */
export interface ProgressSnapshot {
  project_id: string;
  stage: string;
  /** 0 to 100. */
  percent: number;
  message: string;
  /** Unix time in seconds of the last change of `pipeline.json`. */
  ts: number;
}

function stageOf(record: ProjectRecord): string {
  if (record.status === "completed") return "DONE";
  if (record.status === "failed" || record.status === "invalid") return "ERROR";
  if (record.current_step) return STAGE_OF_STEP[record.current_step];

  return "INGEST";
}

function toSnapshot(record: ProjectRecord): ProgressSnapshot {
  return {
    project_id: record.id,
    stage: stageOf(record),
    percent: record.progress,
    message: record.error_message ?? record.message,
    ts: Math.floor(Date.parse(record.updated_at) / 1000),
  };
}

/**
 * Builds `GET /api/v1/simple-progress/snapshot?project_ids=a,b`. It reads only the index
 * records, never a file, because AutoClip's home page polls it many times a second. Unknown
 * ids are left out of the list.
 */
export function progressRoutes(index: ProjectIndex): Hono<AppEnv> {
  const routes = new Hono<AppEnv>({ strict: false });

  routes.get("/snapshot", (c) => {
    const ids = (c.req.queries("project_ids") ?? [])
      .flatMap((value) => value.split(","))
      .map((id) => id.trim())
      .filter((id) => id.length > 0);
    if (ids.length > MAX_SNAPSHOT_PROJECTS) {
      throw new HttpError(400, "INVALID_REQUEST", { fields: "project_ids" });
    }

    const snapshots = [...new Set(ids)].flatMap((id) => {
      const record = isValidProjectId(id) ? index.getProject(id) : null;
      return record ? [toSnapshot(record)] : [];
    });
    c.header("Cache-Control", "no-store");
    return c.json(snapshots);
  });

  return routes;
}
