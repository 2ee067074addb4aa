import { randomUUID } from "node:crypto";
import { stat } from "node:fs/promises";
import { type EditsFile, editsFileSchema, MANUAL_COLLECTION_PREFIX } from "../../schemas/edits.ts";
import { isNotFound } from "../shared/fs-errors.ts";
import { writeJsonAtomic } from "./atomic-write.ts";
import { projectPaths } from "./layout.ts";
import { type LockOptions, withProjectLock } from "./lock.ts";
import { readJsonFile } from "./read-json.ts";

export interface UpdateEditsOptions extends Pick<LockOptions, "staleMs"> {
  /**
   * Milliseconds to keep retrying while another process holds the project's lock. The pipeline
   * holds it for a whole step, so while a project is processed an edit fails with
   * ProjectLockedError unless this covers the rest of the step. @default 2000
   */
  waitMs?: number;
  /** Clock for `updated_at`. @default () => new Date() */
  now?: () => Date;
}

/** Raised when an edit names a project folder that does not exist. */
export class ProjectFolderNotFoundError extends Error {
  override name = "ProjectFolderNotFoundError";
  readonly code = "PROJECT_FOLDER_NOT_FOUND";

  constructor(readonly projectDir: string) {
    super(`Project folder ${projectDir} does not exist; check the project id against the projects folder.`);
  }
}

/** Returns the content of an `edits.json` without any edit. */
export function emptyEdits(): EditsFile {
  return editsFileSchema.parse({});
}

/** Returns a new id for a hand-made collection: `manual-` and a random UUID. */
export function newManualCollectionId(): string {
  return `${MANUAL_COLLECTION_PREFIX}${randomUUID()}`;
}

/**
 * Reads the `edits.json` of the project folder `projectDir`, or returns empty edits when the
 * file is missing. Raises InvalidFileError when it is not valid JSON or fails the schema.
 */
export async function readEdits(projectDir: string): Promise<EditsFile> {
  try {
    return await readJsonFile(projectPaths(projectDir).file("edits"), editsFileSchema);
  } catch (error) {
    if (isNotFound(error)) return emptyEdits();
    throw error;
  }
}

/**
 * Reads `edits.json`, lets `mutate` change it, and writes it back atomically, all while holding
 * the project's lock, so two edits never overwrite each other. `mutate` may change the object
 * in place or return a new one. The result is validated before the write and gets a new
 * `updated_at`. Resolves with the edits as written.
 *
 * Raises ProjectFolderNotFoundError for a missing folder, ProjectLockedError when the lock stays
 * taken for `waitMs`, InvalidFileError when the current file is broken (it is left for the user
 * to fix, never overwritten), and a ZodError when the result fails the schema.
 */
export async function updateEdits(
  projectDir: string,
  mutate: (edits: EditsFile) => EditsFile | undefined | Promise<EditsFile | undefined>,
  options: UpdateEditsOptions = {},
): Promise<EditsFile> {
  const folder = await stat(projectDir).catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });
  if (!folder?.isDirectory()) throw new ProjectFolderNotFoundError(projectDir);

  const now = options.now ?? (() => new Date());

  return withProjectLock(
    projectDir,
    async () => {
      const current = await readEdits(projectDir);
      const changed = (await mutate(current)) ?? current;
      const next = editsFileSchema.parse({
        ...changed,
        deleted_clip_ids: [...new Set(changed.deleted_clip_ids)],
        deleted_collection_ids: [...new Set(changed.deleted_collection_ids)],
        updated_at: now().toISOString(),
      });

      await writeJsonAtomic(projectPaths(projectDir).file("edits"), next);
      return next;
    },
    { staleMs: options.staleMs, waitMs: options.waitMs ?? 2000 },
  );
}
