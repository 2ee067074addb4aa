import path from "node:path";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { z } from "zod";
import type { ProjectIndex } from "../index/project-index.ts";
import type { ClipRecord, CollectionRecord, ProjectRecord } from "../index/records.ts";
import { ProjectFolderNotFoundError } from "../project/edits-file.ts";
import { isValidProjectId } from "../project/layout.ts";
import { ProjectLockedError } from "../project/lock.ts";
import { InvalidFileError } from "../project/read-json.ts";
import type { AppEnv } from "./app-env.ts";
import { HttpError } from "./errors.ts";
import type { RouteDependencies } from "./route-dependencies.ts";

/** Largest JSON request body the edit routes take, in bytes. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** zod's own Chinese messages (zod 4 `z.locales.zhCN`); English is zod's default. */
const CHINESE_ERRORS = z.locales.zhCN().localeError;

/** Formats a byte count for messages: `1 MiB`, `4 GiB`, `512 bytes`. */
export function formatBytes(bytes: number): string {
  const units = ["GiB", "MiB", "KiB"] as const;
  for (const [index, unit] of units.entries()) {
    const size = 1024 ** (units.length - index);
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** Middleware that returns 413 `REQUEST_TOO_LARGE` for a body over {@link MAX_JSON_BODY_BYTES}. */
export const jsonBodyLimit = bodyLimit({
  maxSize: MAX_JSON_BODY_BYTES,
  onError: (c) => {
    // The unread rest of the body would otherwise be taken as the next request on this connection.
    c.header("Connection", "close");
    throw new HttpError(413, "REQUEST_TOO_LARGE", { limit: formatBytes(MAX_JSON_BODY_BYTES) });
  },
});

/**
 * Reads the JSON body of `c` and validates it with `schema`. A body that is not JSON is a 400
 * for the field `(root)`. A schema failure raises a ZodError, which the error boundary turns
 * into a 400 naming each invalid field.
 */
export async function parseJsonBody<Schema extends z.ZodType>(
  c: Context<AppEnv>,
  schema: Schema,
): Promise<z.output<Schema>> {
  let value: unknown;
  try {
    value = await c.req.json();
  } catch {
    throw new HttpError(400, "INVALID_REQUEST", { fields: "(root)" });
  }

  return schema.parse(value, c.get("locale") === "zh" ? { error: CHINESE_ERRORS } : undefined);
}

/** Returns the folder of the project `projectId`. */
export function projectDirOf(dependencies: RouteDependencies, projectId: string): string {
  return path.join(dependencies.layout.projects, projectId);
}

/**
 * Runs `work` on the project's files, turns the errors of a locked project, a missing folder
 * and a broken `edits.json` into 409, 404 and 409, then refreshes the project's records, so
 * the response and every later read show the change.
 */
export async function editProject<T>(
  dependencies: RouteDependencies,
  projectId: string,
  work: (projectDir: string) => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await work(projectDirOf(dependencies, projectId));
  } catch (error) {
    if (error instanceof ProjectLockedError) {
      throw new HttpError(409, "PROJECT_LOCKED", { id: projectId }, { cause: error });
    }
    if (error instanceof ProjectFolderNotFoundError) {
      throw new HttpError(404, "PROJECT_NOT_FOUND", { id: projectId }, { cause: error });
    }
    if (error instanceof InvalidFileError) {
      throw new HttpError(
        409,
        "EDITS_FILE_INVALID",
        { id: projectId, reason: error.reason },
        { cause: error },
      );
    }
    throw error;
  }

  await dependencies.index.refreshProject(projectId);
  return result;
}

/** The index reads that {@link findClip} and {@link findCollection} need. */
type RecordLookup = Pick<ProjectIndex, "resolvePublicId" | "listClips" | "listCollections">;

/**
 * Finds a clip by its public id, or by its id in `clips_metadata.json` when `projectId` is
 * given. A public id of another project than `projectId` matches nothing. With `projectId`, only
 * that project's records are searched, without the bucket scan of `resolvePublicId()`.
 */
export function findClip(index: RecordLookup, id: string, projectId?: string): ClipRecord | null {
  if (projectId === undefined) {
    const match = index.resolvePublicId(id);
    return match?.kind === "clip" ? match.record : null;
  }

  const publicId = id.toLowerCase();
  return index.listClips(projectId).find((clip) => clip.id === publicId || clip.clip_id === id) ?? null;
}

/** Finds a collection like {@link findClip} finds a clip. */
export function findCollection(index: RecordLookup, id: string, projectId?: string): CollectionRecord | null {
  if (projectId === undefined) {
    const match = index.resolvePublicId(id);
    return match?.kind === "collection" ? match.record : null;
  }

  const publicId = id.toLowerCase();
  return (
    index
      .listCollections(projectId)
      .find((collection) => collection.id === publicId || collection.collection_id === id) ?? null
  );
}

/**
 * Returns the indexed project, or raises a 404 `PROJECT_NOT_FOUND` for an id that is not a
 * valid folder name or not in the index.
 */
export function requireProject(index: Pick<ProjectIndex, "getProject">, id: string): ProjectRecord {
  const record = isValidProjectId(id) ? index.getProject(id) : null;
  if (!record) throw new HttpError(404, "PROJECT_NOT_FOUND", { id });

  return record;
}

/** Returns the clip, or raises a 404 `CLIP_NOT_FOUND`. */
export function requireClip(index: RecordLookup, id: string, projectId?: string): ClipRecord {
  const clip = findClip(index, id, projectId);
  if (!clip) throw new HttpError(404, "CLIP_NOT_FOUND", { id });

  return clip;
}

/** Returns the collection, or raises a 404 `COLLECTION_NOT_FOUND`. */
export function requireCollection(index: RecordLookup, id: string, projectId?: string): CollectionRecord {
  const collection = findCollection(index, id, projectId);
  if (!collection) throw new HttpError(404, "COLLECTION_NOT_FOUND", { id });

  return collection;
}

/**
 * Maps clip ids, public or as in `clips_metadata.json`, to the file ids of the project's
 * clips, keeping their order and dropping repeats. Raises a 400 listing the ids that name no
 * clip of the project.
 */
export function toFileClipIds(dependencies: RouteDependencies, projectId: string, ids: string[]): string[] {
  const clips = dependencies.index.listClips(projectId);
  const byId = new Map<string, string>();
  for (const clip of clips) {
    byId.set(clip.clip_id, clip.clip_id);
    byId.set(clip.id, clip.clip_id);
  }

  const unknown = ids.filter((id) => !byId.has(id) && !byId.has(id.toLowerCase()));
  if (unknown.length > 0) {
    throw new HttpError(400, "CLIP_IDS_NOT_IN_PROJECT", { id: projectId, ids: unknown.join(", ") });
  }

  return [...new Set(ids.map((id) => byId.get(id) ?? (byId.get(id.toLowerCase()) as string)))];
}
