import { readdir } from "node:fs/promises";
import path from "node:path";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { ProjectIndex } from "../index/project-index.ts";
import type { ClipRecord, CollectionRecord, ProjectRecord } from "../index/records.ts";
import { hasErrorCode } from "../shared/fs-errors.ts";
import type { AppEnv } from "./app-env.ts";
import { attachmentDisposition } from "./content-disposition.ts";
import { registerRoute } from "./openapi.ts";
import { parseQuery } from "./parse-query.ts";
import { requireClip, requireCollection, requireProject } from "./project-edits.ts";
import { mediaNotFound, sendFile } from "./send-file.ts";

/** Query of `GET /api/v1/projects/{id}/download`: exactly one of the two ids. */
const downloadQuerySchema = z
  .object({
    clip_id: z.string().min(1).max(200).optional(),
    collection_id: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((query) => (query.clip_id === undefined) !== (query.collection_id === undefined), {
    message: "Give exactly one of clip_id and collection_id.",
    path: ["clip_id"],
  });

const projectParams = z.object({ id: z.string() });
const clipParams = z.object({ id: z.string(), clipId: z.string() });
const collectionParams = z.object({ id: z.string(), collectionId: z.string() });
const fileParams = z.object({ id: z.string(), filename: z.string() });
const binary = (contentType: string) => ({ contentType, description: "the file, or one range of it" });

registerRoute({
  method: "get",
  path: "/api/v1/projects/{id}/clips/{clipId}",
  summary: "Stream a clip's video, with Range support",
  params: clipParams,
  binary: binary("video/mp4"),
});
registerRoute({
  method: "get",
  path: "/api/v1/projects/{id}/clips/{clipId}/thumbnail",
  summary: "A clip's thumbnail",
  params: clipParams,
  binary: binary("image/jpeg"),
});
registerRoute({
  method: "get",
  path: "/api/v1/projects/{id}/collections/{collectionId}/thumbnail",
  summary: "A collection's thumbnail: its first clip's",
  params: collectionParams,
  binary: binary("image/jpeg"),
});
registerRoute({
  method: "get",
  path: "/api/v1/files/projects/{id}/collections/{collectionId}",
  summary: "Stream a collection's video, with Range support",
  params: collectionParams,
  binary: binary("video/mp4"),
});
registerRoute({
  method: "get",
  path: "/api/v1/projects/{id}/thumbnail",
  summary: "A project's thumbnail: its first clip thumbnail",
  params: projectParams,
  binary: binary("image/jpeg"),
});
registerRoute({
  method: "get",
  path: "/api/v1/projects/{id}/download",
  summary: "Download a clip or collection video as an attachment",
  params: projectParams,
  query: downloadQuerySchema,
  binary: binary("video/mp4"),
});
registerRoute({
  method: "get",
  path: "/api/v1/projects/{id}/files/{filename}",
  summary: "A project's input video or a thumbnail, by file name",
  params: fileParams,
  binary: binary("application/octet-stream"),
});

/**
 * Lists the files a project serves by name: the input video (`input/<source_file>`) and every
 * file in `output/thumbnails/`. The request's name is only ever looked up in this map.
 */
async function listNamedFiles(projectDir: string, record: ProjectRecord): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const thumbnails = await readdir(path.join(projectDir, "output", "thumbnails")).catch((error: unknown) => {
    if (hasErrorCode(error, "ENOENT", "ENOTDIR", "EACCES")) return [];
    throw error;
  });

  for (const name of thumbnails) {
    if (!name.startsWith(".")) files.set(name, path.join("output", "thumbnails", name));
  }
  if (record.source_file && path.basename(record.source_file) === record.source_file) {
    files.set(record.source_file, path.join("input", record.source_file));
  }

  return files;
}

/**
 * Builds the routes that send a project's videos, thumbnails and input file. Every path comes
 * from an index record or a folder listing, never from request text, and is checked to lie
 * inside the project folder after symbolic links are resolved.
 */
export function mediaRoutes(index: ProjectIndex): Hono<AppEnv> {
  const routes = new Hono<AppEnv>({ strict: false });
  const projectDir = (projectId: string) => path.join(index.projectsDir, projectId);

  const sendClipVideo = (c: Context<AppEnv>, clip: ClipRecord, disposition?: string) => {
    if (!clip.video_file) throw mediaNotFound(clip.project_id, clip.clip_id);
    return sendFile(c, {
      root: projectDir(clip.project_id),
      relativePath: clip.video_file,
      notFound: mediaNotFound(clip.project_id, clip.clip_id),
      disposition,
    });
  };

  const sendCollectionVideo = (c: Context<AppEnv>, collection: CollectionRecord, disposition?: string) => {
    if (!collection.video_file) throw mediaNotFound(collection.project_id, collection.collection_id);
    return sendFile(c, {
      root: projectDir(collection.project_id),
      relativePath: collection.video_file,
      notFound: mediaNotFound(collection.project_id, collection.collection_id),
      disposition,
    });
  };

  const sendThumbnail = (
    c: Context<AppEnv>,
    clip: ClipRecord | undefined,
    projectId: string,
    name: string,
  ) => {
    if (!clip?.thumbnail_file) throw mediaNotFound(projectId, name);
    return sendFile(c, {
      root: projectDir(projectId),
      relativePath: clip.thumbnail_file,
      notFound: mediaNotFound(projectId, name),
      cacheControl: "public, max-age=60",
    });
  };

  routes.get("/projects/:id/clips/:clipId/thumbnail", (c) => {
    const project = requireProject(index, c.req.param("id"));
    const clip = requireClip(index, c.req.param("clipId"), project.id);

    return sendThumbnail(c, clip, project.id, `${clip.clip_id} thumbnail`);
  });

  routes.get("/projects/:id/clips/:clipId", (c) => {
    const project = requireProject(index, c.req.param("id"));

    return sendClipVideo(c, requireClip(index, c.req.param("clipId"), project.id));
  });

  routes.get("/projects/:id/collections/:collectionId/thumbnail", (c) => {
    const project = requireProject(index, c.req.param("id"));
    const collection = requireCollection(index, c.req.param("collectionId"), project.id);
    const firstClipId = collection.clip_ids[0];
    const clip = index.listClips(project.id).find((record) => record.clip_id === firstClipId);

    return sendThumbnail(c, clip, project.id, `${collection.collection_id} thumbnail`);
  });

  routes.get("/files/projects/:id/collections/:collectionId", (c) => {
    const project = requireProject(index, c.req.param("id"));

    return sendCollectionVideo(c, requireCollection(index, c.req.param("collectionId"), project.id));
  });

  routes.get("/projects/:id/thumbnail", (c) => {
    const project = requireProject(index, c.req.param("id"));
    const clip = index.listClips(project.id).find((record) => record.thumbnail_file !== null);

    return sendThumbnail(c, clip, project.id, "project thumbnail");
  });

  routes.get("/projects/:id/download", (c) => {
    const project = requireProject(index, c.req.param("id"));
    const query = parseQuery(c, downloadQuerySchema, c.get("locale"));

    if (query.clip_id !== undefined) {
      const clip = requireClip(index, query.clip_id, project.id);
      return sendClipVideo(c, clip, attachmentDisposition(clip.generated_title, `clip-${clip.clip_id}`));
    }

    const collection = requireCollection(index, query.collection_id ?? "", project.id);
    const fallback = `collection-${collection.collection_id}`;
    return sendCollectionVideo(c, collection, attachmentDisposition(collection.collection_title, fallback));
  });

  routes.get("/projects/:id/files/:filename", async (c) => {
    const project = requireProject(index, c.req.param("id"));
    const name = c.req.param("filename");
    const relativePath = (await listNamedFiles(projectDir(project.id), project)).get(name);
    if (!relativePath) throw mediaNotFound(project.id, name);

    return sendFile(c, {
      root: projectDir(project.id),
      relativePath,
      notFound: mediaNotFound(project.id, name),
    });
  });

  return routes;
}
