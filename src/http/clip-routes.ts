import { Hono } from "hono";
import { z } from "zod";
import { MAX_EDITED_TITLE_LENGTH } from "../../schemas/edits.ts";
import { MAX_PAGE_SIZE } from "../index/index-queries.ts";
import { updateEdits } from "../project/edits-file.ts";
import type { AppEnv } from "./app-env.ts";
import { toClipShape } from "./autoclip-shapes.ts";
import { registerRoute } from "./openapi.ts";
import { parseQuery } from "./parse-query.ts";
import { editProject, jsonBodyLimit, parseJsonBody, requireClip, requireProject } from "./project-edits.ts";
import type { RouteDependencies } from "./route-dependencies.ts";

/** Query of the clip and collection lists: one project, paged. */
export const projectListQuerySchema = z.object({
  project_id: z.string().min(1).max(128),
  page: z.coerce.number().int().min(1).default(1),
  /** Entries per page. The default of 100 returns every clip of most projects at once. */
  size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
});

const titleBodySchema = z.object({ title: z.string().trim().min(1).max(MAX_EDITED_TITLE_LENGTH) });

const clipParams = z.object({ id: z.string() });

registerRoute({
  method: "get",
  path: "/api/v1/clips",
  summary: "List the clips of one project",
  query: projectListQuerySchema,
});
registerRoute({
  method: "get",
  path: "/api/v1/clips/{id}",
  summary: "One clip by its public id",
  params: clipParams,
});
registerRoute({
  method: "patch",
  path: "/api/v1/clips/{id}/title",
  summary: "Rename a clip",
  params: clipParams,
  body: titleBodySchema,
});
registerRoute({
  method: "delete",
  path: "/api/v1/clips/{id}",
  summary: "Delete a clip from the lists; its files stay",
  params: clipParams,
});

/** Returns one page of `items` with AutoClip's pagination fields. */
export function pageOf<T>(items: T[], page: number, size: number) {
  return {
    items: items.slice((page - 1) * size, page * size),
    pagination: { page, size, total: items.length, pages: Math.ceil(items.length / size) },
  };
}

/**
 * Builds the routes under `/api/v1/clips`. Clip ids are the index's public ids. Edits are
 * written to the project's `edits.json`, and the project is derived again before the response.
 */
export function clipRoutes(dependencies: RouteDependencies): Hono<AppEnv> {
  const { index, logger } = dependencies;
  const routes = new Hono<AppEnv>({ strict: false });

  routes.get("/", (c) => {
    const query = parseQuery(c, projectListQuerySchema, c.get("locale"));
    const project = requireProject(index, query.project_id);

    const clips = index.listClips(project.id).map((clip) => toClipShape(clip, project));
    return c.json(pageOf(clips, query.page, query.size));
  });

  routes.get("/:id", (c) => {
    const clip = requireClip(dependencies.index, c.req.param("id"));

    return c.json(toClipShape(clip, index.getProject(clip.project_id)));
  });

  routes.patch("/:id/title", jsonBodyLimit, async (c) => {
    const clip = requireClip(dependencies.index, c.req.param("id"));
    const { title } = await parseJsonBody(c, titleBodySchema);

    await editProject(dependencies, clip.project_id, (projectDir) =>
      updateEdits(projectDir, (edits) => {
        edits.clip_titles[clip.clip_id] = title;
        return edits;
      }),
    );
    logger.info({ projectId: clip.project_id, clipId: clip.clip_id }, "clip renamed");

    const updated = requireClip(dependencies.index, clip.id);
    return c.json(toClipShape(updated, index.getProject(clip.project_id)));
  });

  /** Hides the clip from the clip list and from every collection, but keeps its files. */
  routes.delete("/:id", async (c) => {
    const clip = requireClip(dependencies.index, c.req.param("id"));

    await editProject(dependencies, clip.project_id, (projectDir) =>
      updateEdits(projectDir, (edits) => {
        edits.deleted_clip_ids.push(clip.clip_id);
        return edits;
      }),
    );
    logger.info({ projectId: clip.project_id, clipId: clip.clip_id }, "clip deleted");
    return c.json({ id: clip.id, project_id: clip.project_id, deleted: true });
  });

  return routes;
}
