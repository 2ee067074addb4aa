import { Hono } from "hono";
import { z } from "zod";
import type { ProjectIndex } from "../index/project-index.ts";
import { isValidProjectId } from "../project/layout.ts";
import type { AppEnv } from "./app-env.ts";
import { HttpError } from "./errors.ts";
import { registerRoute } from "./openapi.ts";

const syncTotals = z.object({
  projects: z.number().int(),
  clips: z.number().int(),
  collections: z.number().int(),
});
const syncProject = z.object({
  id: z.string(),
  status: z.string(),
  total_clips: z.number().int().nullable(),
  total_collections: z.number().int().nullable(),
});

registerRoute({
  method: "post",
  path: "/api/v1/projects/sync-all-data",
  summary: "Derive every project folder again now and return the totals",
  response: syncTotals,
});
registerRoute({
  method: "post",
  path: "/api/v1/projects/{id}/sync-data",
  summary: "Derive one project folder again now and return its status and counts",
  params: z.object({ id: z.string() }),
  response: syncProject,
});

/**
 * Builds the routes that derive projects from their files again at once, under
 * `/api/v1/projects`. The index follows the files by itself, so these are for a client that
 * wants a fresh read now, such as after files were copied over a network file system whose
 * changes the watcher does not see. Mount them before the `/:id` routes.
 */
export function syncRoutes(index: ProjectIndex): Hono<AppEnv> {
  const routes = new Hono<AppEnv>({ strict: false });

  /** Derives every project folder again and returns the totals found. */
  routes.post("/sync-all-data", async (c) => {
    const result = await index.reconcile({ force: true });
    if (result.offline) throw new HttpError(503, "PROJECTS_FOLDER_UNAVAILABLE", undefined);

    const totals = index.stats();
    return c.json({ projects: totals.projects.total, clips: totals.clips, collections: totals.collections });
  });

  /** Derives one project again and returns its status and counts; 404 when its folder is gone. */
  routes.post("/:id/sync-data", async (c) => {
    const id = c.req.param("id");
    if (!isValidProjectId(id)) throw new HttpError(404, "PROJECT_NOT_FOUND", { id });

    const record = await index.refreshProject(id);
    // While projects/ is unreadable, the refresh keeps the old record instead of removing it.
    if (index.offline) throw new HttpError(503, "PROJECTS_FOLDER_UNAVAILABLE", undefined);
    if (!record) throw new HttpError(404, "PROJECT_NOT_FOUND", { id });

    return c.json({
      id: record.id,
      status: record.status,
      total_clips: record.total_clips,
      total_collections: record.total_collections,
    });
  });

  return routes;
}
