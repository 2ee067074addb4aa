import { Hono } from "hono";
import { z } from "zod";
import { MAX_PAGE_SIZE } from "../index/index-queries.ts";
import type { ProjectIndex } from "../index/project-index.ts";
import { INDEXED_STATUSES, type ProjectRecord } from "../index/records.ts";
import type { AppEnv } from "./app-env.ts";
import { HttpError } from "./errors.ts";
import { parseQuery } from "./parse-query.ts";

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

/** One entry of the project list: the fields a list view needs. */
export type ProjectListItem = Pick<
  ProjectRecord,
  | "id"
  | "name"
  | "status"
  | "total_clips"
  | "total_collections"
  | "created_at"
  | "updated_at"
  | "current_step"
  | "progress"
  | "error_message"
>;

function toListItem(record: ProjectRecord): ProjectListItem {
  return {
    id: record.id,
    name: record.name,
    status: record.status,
    total_clips: record.total_clips,
    total_collections: record.total_collections,
    created_at: record.created_at,
    updated_at: record.updated_at,
    current_step: record.current_step,
    progress: record.progress,
    error_message: record.error_message,
  };
}

/** Builds the routes under `/api/v1/projects`; a trailing slash is optional on each. */
export function projectRoutes(index: ProjectIndex): Hono<AppEnv> {
  const routes = new Hono<AppEnv>({ strict: false });

  routes.get("/", (c) => {
    const query = parseQuery(c, listQuerySchema, c.get("locale"));
    const page = index.listProjects(query);

    return c.json({ items: page.items.map(toListItem), pagination: page.pagination });
  });

  routes.get("/:id", (c) => {
    const id = c.req.param("id");
    const record = index.getProject(id);
    if (!record) throw new HttpError(404, "PROJECT_NOT_FOUND", { id });

    return c.json(record);
  });

  return routes;
}
