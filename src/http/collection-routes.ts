import { Hono } from "hono";
import { z } from "zod";
import { type EditsFile, MAX_EDITED_SUMMARY_LENGTH, MAX_EDITED_TITLE_LENGTH } from "../../schemas/edits.ts";
import type { CollectionRecord } from "../index/records.ts";
import { newManualCollectionId, updateEdits } from "../project/edits-file.ts";
import type { AppEnv } from "./app-env.ts";
import { toCollectionShape } from "./autoclip-shapes.ts";
import { pageOf, projectListQuerySchema } from "./clip-routes.ts";
import { generateCollectionVideo } from "./collection-video.ts";
import { HttpError } from "./errors.ts";
import { registerRoute } from "./openapi.ts";
import { parseQuery } from "./parse-query.ts";
import {
  editProject,
  jsonBodyLimit,
  parseJsonBody,
  requireCollection,
  requireProject,
  toFileClipIds,
} from "./project-edits.ts";
import type { RouteDependencies } from "./route-dependencies.ts";

const titleSchema = z.string().trim().min(1).max(MAX_EDITED_TITLE_LENGTH);
const summarySchema = z.string().trim().max(MAX_EDITED_SUMMARY_LENGTH);
const clipIdsSchema = z.array(z.string().min(1).max(200)).max(10_000);

const createBodySchema = z.object({
  project_id: z.string().min(1).max(128),
  collection_title: titleSchema,
  collection_summary: summarySchema.default(""),
  clip_ids: clipIdsSchema.default([]),
});

const updateBodySchema = z
  .object({
    collection_title: titleSchema.optional(),
    collection_summary: summarySchema.optional(),
    clip_ids: clipIdsSchema.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "expected at least one of collection_title, collection_summary or clip_ids",
  });

const titleBodySchema = z.object({ title: titleSchema });

const collectionParams = z.object({ id: z.string() });
const projectCollectionParams = z.object({ id: z.string(), cid: z.string() });

registerRoute({
  method: "get",
  path: "/api/v1/collections",
  summary: "List the collections of one project",
  query: projectListQuerySchema,
});
registerRoute({
  method: "get",
  path: "/api/v1/collections/{id}",
  summary: "One collection by its public id",
  params: collectionParams,
});
registerRoute({
  method: "post",
  path: "/api/v1/collections",
  summary: "Create a hand-made collection",
  body: createBodySchema,
  status: 201,
});
registerRoute({
  method: "put",
  path: "/api/v1/collections/{id}",
  summary: "Change a collection's title, summary or clips",
  params: collectionParams,
  body: updateBodySchema,
});
registerRoute({
  method: "put",
  path: "/api/v1/collections/{id}/title",
  summary: "Rename a collection",
  params: collectionParams,
  body: titleBodySchema,
});
registerRoute({
  method: "delete",
  path: "/api/v1/collections/{id}",
  summary: "Delete a collection",
  params: collectionParams,
});
registerRoute({
  method: "patch",
  path: "/api/v1/projects/{id}/collections/{cid}/reorder",
  summary: "Set the clip order of a collection",
  params: projectCollectionParams,
  body: clipIdsSchema,
});
registerRoute({
  method: "post",
  path: "/api/v1/projects/{id}/collections/{cid}/generate",
  summary: "Render the video of a hand-made collection",
  params: projectCollectionParams,
});

type CollectionChange = z.output<typeof updateBodySchema>;

/**
 * Applies a change of title, summary or clip order to `edits`. A hand-made collection is
 * changed in `manual_collections`. A pipeline collection gets entries in `collection_titles`,
 * `collection_summaries` and `collection_order`, so its clips can be reordered but not added.
 */
function applyCollectionChange(
  edits: EditsFile,
  collection: CollectionRecord,
  change: CollectionChange & { fileClipIds?: string[] },
): EditsFile {
  const id = collection.collection_id;
  const manual = edits.manual_collections.find((entry) => entry.id === id);

  if (manual) {
    if (change.collection_title !== undefined) manual.collection_title = change.collection_title;
    if (change.collection_summary !== undefined) manual.collection_summary = change.collection_summary;
    if (change.fileClipIds !== undefined) manual.clip_ids = change.fileClipIds;
    return edits;
  }

  if (change.collection_title !== undefined) edits.collection_titles[id] = change.collection_title;
  if (change.collection_summary !== undefined) edits.collection_summaries[id] = change.collection_summary;
  if (change.fileClipIds !== undefined) edits.collection_order[id] = change.fileClipIds;
  return edits;
}

/**
 * Maps requested clip ids to file ids. A pipeline collection may only be given its own clips,
 * because `collection_order` reorders clips and cannot add any. Its clips left out of the list
 * stay in the collection, after the listed ones.
 */
function clipIdsFor(
  dependencies: RouteDependencies,
  collection: CollectionRecord,
  ids: string[] | undefined,
): string[] | undefined {
  if (ids === undefined) return undefined;

  const fileIds = toFileClipIds(dependencies, collection.project_id, ids);
  if (collection.collection_type === "manual") return fileIds;

  const own = new Set(collection.clip_ids);
  const foreign = fileIds.filter((id) => !own.has(id));
  if (foreign.length > 0) {
    throw new HttpError(400, "CLIP_IDS_NOT_IN_COLLECTION", { id: collection.id, ids: foreign.join(", ") });
  }
  return fileIds;
}

/** Applies `change` to the collection's edits, refreshes the project and returns the new shape. */
async function changeCollection(
  dependencies: RouteDependencies,
  collection: CollectionRecord,
  change: CollectionChange,
) {
  const fileClipIds = clipIdsFor(dependencies, collection, change.clip_ids);

  await editProject(dependencies, collection.project_id, (projectDir) =>
    updateEdits(projectDir, (edits) => applyCollectionChange(edits, collection, { ...change, fileClipIds })),
  );
  dependencies.logger.info(
    { projectId: collection.project_id, collectionId: collection.collection_id },
    "collection changed",
  );

  const updated = requireCollection(dependencies.index, collection.id);
  return toCollectionShape(updated, dependencies.index.getProject(collection.project_id));
}

/** Builds the routes under `/api/v1/collections`. Collection ids are the index's public ids. */
export function collectionRoutes(dependencies: RouteDependencies): Hono<AppEnv> {
  const { index, logger } = dependencies;
  const routes = new Hono<AppEnv>({ strict: false });

  routes.get("/", (c) => {
    const query = parseQuery(c, projectListQuerySchema, c.get("locale"));
    const project = requireProject(index, query.project_id);

    const collections = index.listCollections(project.id).map((entry) => toCollectionShape(entry, project));
    return c.json(pageOf(collections, query.page, query.size));
  });

  routes.get("/:id", (c) => {
    const collection = requireCollection(dependencies.index, c.req.param("id"));

    return c.json(toCollectionShape(collection, index.getProject(collection.project_id)));
  });

  /** Creates a hand-made collection in the project's `edits.json`. */
  routes.post("/", jsonBodyLimit, async (c) => {
    const body = await parseJsonBody(c, createBodySchema);
    const project = requireProject(index, body.project_id);

    const clipIds = toFileClipIds(dependencies, project.id, body.clip_ids);
    const id = newManualCollectionId();
    await editProject(dependencies, project.id, (projectDir) =>
      updateEdits(projectDir, (edits) => {
        edits.manual_collections.push({
          id,
          collection_title: body.collection_title,
          collection_summary: body.collection_summary,
          clip_ids: clipIds,
          created_at: new Date().toISOString(),
        });
        return edits;
      }),
    );
    logger.info({ projectId: project.id, collectionId: id }, "collection created");

    const created = index.listCollections(project.id).find((entry) => entry.collection_id === id);
    if (!created)
      throw new Error(`Collection ${id} of project ${project.id} is missing after it was written.`);
    return c.json(toCollectionShape(created, index.getProject(project.id)), 201);
  });

  routes.put("/:id", jsonBodyLimit, async (c) => {
    const collection = requireCollection(dependencies.index, c.req.param("id"));
    const change = await parseJsonBody(c, updateBodySchema);

    return c.json(await changeCollection(dependencies, collection, change));
  });

  routes.put("/:id/title", jsonBodyLimit, async (c) => {
    const collection = requireCollection(dependencies.index, c.req.param("id"));
    const { title } = await parseJsonBody(c, titleBodySchema);

    return c.json(await changeCollection(dependencies, collection, { collection_title: title }));
  });

  /** Hides a pipeline collection, or removes a hand-made one from `edits.json`. */
  routes.delete("/:id", async (c) => {
    const collection = requireCollection(dependencies.index, c.req.param("id"));
    const id = collection.collection_id;

    await editProject(dependencies, collection.project_id, (projectDir) =>
      updateEdits(projectDir, (edits) => {
        if (collection.collection_type !== "manual") {
          edits.deleted_collection_ids.push(id);
          return edits;
        }
        edits.manual_collections = edits.manual_collections.filter((entry) => entry.id !== id);
        delete edits.collection_titles[id];
        delete edits.collection_summaries[id];
        delete edits.collection_order[id];
        return edits;
      }),
    );
    logger.info({ projectId: collection.project_id, collectionId: id }, "collection deleted");
    return c.json({ id: collection.id, project_id: collection.project_id, deleted: true });
  });

  return routes;
}

/**
 * Builds the collection routes that AutoClip places under `/api/v1/projects/{id}`. They take
 * public ids and the ids of the project's files.
 */
export function projectCollectionRoutes(dependencies: RouteDependencies): Hono<AppEnv> {
  const routes = new Hono<AppEnv>({ strict: false });

  /** Sets the clip order from a body that is an array of clip ids. */
  routes.patch("/:id/collections/:cid/reorder", jsonBodyLimit, async (c) => {
    const projectId = c.req.param("id");
    const collection = requireCollection(dependencies.index, c.req.param("cid"), projectId);
    const clipIds = await parseJsonBody(c, clipIdsSchema);

    return c.json(await changeCollection(dependencies, collection, { clip_ids: clipIds }));
  });

  /** Joins the clip videos of a hand-made collection into its own video. */
  routes.post("/:id/collections/:cid/generate", async (c) => {
    const projectId = c.req.param("id");
    const collection = requireCollection(dependencies.index, c.req.param("cid"), projectId);
    if (collection.collection_type !== "manual") {
      throw new HttpError(409, "COLLECTION_NOT_MANUAL", { id: collection.id });
    }

    await generateCollectionVideo(dependencies, collection);
    const updated = requireCollection(dependencies.index, collection.id);
    return c.json(toCollectionShape(updated, dependencies.index.getProject(collection.project_id)));
  });

  return routes;
}
