import { type Stats, statSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { clipsMetadataSchema } from "../../schemas/clips-metadata.ts";
import { collectionsMetadataSchema } from "../../schemas/collections-metadata.ts";
import { editsFileSchema } from "../../schemas/edits.ts";
import { type PipelineFile, pipelineFileSchema } from "../../schemas/pipeline.ts";
import { type ProjectFile, projectFileSchema } from "../../schemas/project.ts";
import { isValidProjectId, PROJECT_FILES, projectPaths } from "../project/layout.ts";
import { isNotFound } from "../shared/fs-errors.ts";
import { applyEdits, type EditedRecords } from "./apply-edits.ts";
import { buildClipRecords, buildCollectionRecords } from "./metadata-records.ts";
import {
  fillClipVideos,
  fillCollectionVideos,
  listOutputVideos,
  listOutputVideosSync,
  OUTPUT_VIDEO_FOLDERS,
} from "./output-videos.ts";
import {
  type ProjectFileResult,
  readProjectFile,
  readProjectFileSync,
  statFingerprint,
} from "./read-project-file.ts";
import type {
  DerivedProject,
  EditWarning,
  Fingerprint,
  Fingerprints,
  IndexedStatus,
  ProjectRecord,
} from "./records.ts";

/**
 * Files a project's records are derived from, relative to the project folder. A change to any
 * other file does not change the records.
 */
export const TRACKED_FILES = [
  PROJECT_FILES.project,
  PROJECT_FILES.pipeline,
  PROJECT_FILES.clipsMetadata,
  PROJECT_FILES.collectionsMetadata,
  PROJECT_FILES.edits,
] as const;

/**
 * Folders whose list of videos fills in missing `video_file` paths, relative to the project
 * folder. Their fingerprints change when a file is added, removed or renamed in them.
 */
export const TRACKED_FOLDERS = [OUTPUT_VIDEO_FOLDERS.clips, OUTPUT_VIDEO_FOLDERS.collections] as const;

/** Every fingerprinted path: the tracked files, then the tracked folders. */
export const TRACKED_PATHS: readonly string[] = [...TRACKED_FILES, ...TRACKED_FOLDERS];

/** File access for {@link deriveProject}: reading a project's files and listing its video folders. */
export interface DeriveIo {
  readFile<Schema extends z.ZodType>(
    file: string,
    schema: Schema,
  ): Promise<ProjectFileResult<z.output<Schema>>>;
  listVideos(dir: string): Promise<string[]>;
}

/**
 * Reads through the thread pool, so a slow or blocking file never stops the event loop: the
 * main thread serves requests while it derives projects.
 */
export const THREAD_POOL_IO: DeriveIo = { readFile: readProjectFile, listVideos: listOutputVideos };

/**
 * Reads with blocking calls, which cost about half of the thread-pool round trips for files of
 * tens of kilobytes in the page cache. Only for worker threads, where blocking stops nothing else.
 */
export const BLOCKING_IO: DeriveIo = {
  readFile: async (file, schema) => readProjectFileSync(file, schema),
  listVideos: async (dir) => listOutputVideosSync(dir),
};

/** Raised when a project id is not a valid folder name. */
export class InvalidProjectIdError extends Error {
  override name = "InvalidProjectIdError";
  readonly code = "INVALID_PROJECT_ID";

  constructor(readonly projectId: string) {
    super(
      `Expected a project id of 1 to 128 letters, digits, ".", "_" or "-" that starts with a letter or digit, got "${projectId}". Rename the folder under projects/.`,
    );
  }
}

/**
 * Returns the fingerprint of a tracked video folder, or null when it is missing or its
 * metadata cannot be read. Video folders only fill in paths, so their errors never stop a
 * project from being indexed.
 */
function statVideoFolder(dir: string, folder: string): Fingerprint {
  try {
    return statFingerprint(path.join(dir, folder));
  } catch {
    return null;
  }
}

/** The first file that failed validation. */
interface InvalidFile {
  file: string;
  reason: string;
}

/** Returns the stats of the project folder, or null when it is missing or not a folder. */
function statFolder(dir: string): Stats | null {
  try {
    const stats = statSync(dir);
    return stats.isDirectory() ? stats : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

function validValue<T>(result: ProjectFileResult<T>): T | null {
  return result.state === "valid" ? result.value : null;
}

/**
 * Returns the first file that failed validation, given each file with its read result and the
 * reason its records could not be built (null when they could).
 */
function findInvalidFile(
  files: Array<[file: string, result: ProjectFileResult<unknown>, recordsProblem: string | null]>,
): InvalidFile | null {
  for (const [file, result, recordsProblem] of files) {
    if (result.state === "invalid") return { file, reason: result.reason };
    if (recordsProblem) return { file, reason: recordsProblem };
  }

  return null;
}

function statusOf(
  invalid: InvalidFile | null,
  pipeline: PipelineFile | null,
  finalFilesExist: boolean,
): IndexedStatus {
  if (invalid) return "invalid";
  if (pipeline) return pipeline.status;

  // AutoClip folders have no pipeline.json: both final files mean the run has finished.
  return finalFilesExist ? "completed" : "pending";
}

/**
 * Derives the records of the project folder `projectsDir/projectId` from its files, or returns
 * null when the folder does not exist. The user's `edits.json` is applied over the pipeline's
 * files, and clips and collections without a `video_file` get one from `output/` when a video
 * there carries their id. A file that is not valid JSON or fails its schema makes the project
 * `invalid`, with the file and the reason, and its counts null. Other file-system errors on the
 * folder itself are raised.
 */
export async function deriveProject(
  projectsDir: string,
  projectId: string,
  io: DeriveIo = THREAD_POOL_IO,
): Promise<DerivedProject | null> {
  if (!isValidProjectId(projectId)) throw new InvalidProjectIdError(projectId);

  const dir = path.join(projectsDir, projectId);
  const paths = projectPaths(dir);
  // The folders are fingerprinted before they are listed, so a video added in between makes
  // the next reconcile derive the project again.
  const [projectResult, pipelineResult, clipsResult, collectionsResult, editsResult] = await Promise.all([
    io.readFile(paths.file("project"), projectFileSchema),
    io.readFile(paths.file("pipeline"), pipelineFileSchema),
    io.readFile(paths.file("clipsMetadata"), clipsMetadataSchema),
    io.readFile(paths.file("collectionsMetadata"), collectionsMetadataSchema),
    io.readFile(paths.file("edits"), editsFileSchema),
  ]);
  const clipsFolder = statVideoFolder(dir, OUTPUT_VIDEO_FOLDERS.clips);
  const collectionsFolder = statVideoFolder(dir, OUTPUT_VIDEO_FOLDERS.collections);

  // Taken after the reads: a missing folder reads as missing files, and a folder removed while
  // its files were read would otherwise be indexed as an empty project.
  const folder = statFolder(dir);
  if (!folder) return null;

  const clipsBuilt = buildClipRecords(projectId, validValue(clipsResult) ?? []);
  const collectionsBuilt = buildCollectionRecords(projectId, validValue(collectionsResult) ?? []);
  const invalid = findInvalidFile([
    [PROJECT_FILES.project, projectResult, null],
    [PROJECT_FILES.pipeline, pipelineResult, null],
    [PROJECT_FILES.clipsMetadata, clipsResult, clipsBuilt.ok ? null : clipsBuilt.reason],
    [
      PROJECT_FILES.collectionsMetadata,
      collectionsResult,
      collectionsBuilt.ok ? null : collectionsBuilt.reason,
    ],
    [PROJECT_FILES.edits, editsResult, null],
  ]);

  const fingerprints: Fingerprints = {
    [PROJECT_FILES.project]: projectResult.fingerprint,
    [PROJECT_FILES.pipeline]: pipelineResult.fingerprint,
    [PROJECT_FILES.clipsMetadata]: clipsResult.fingerprint,
    [PROJECT_FILES.collectionsMetadata]: collectionsResult.fingerprint,
    [PROJECT_FILES.edits]: editsResult.fingerprint,
    [OUTPUT_VIDEO_FOLDERS.clips]: clipsFolder,
    [OUTPUT_VIDEO_FOLDERS.collections]: collectionsFolder,
  };

  let edited: EditedRecords = { clips: [], collections: [], warnings: [] };
  if (!invalid && clipsBuilt.ok && collectionsBuilt.ok) {
    const withVideos = await Promise.all([
      withOutputVideos(io, dir, clipsBuilt.records, fillClipVideos, OUTPUT_VIDEO_FOLDERS.clips),
      withOutputVideos(
        io,
        dir,
        collectionsBuilt.records,
        fillCollectionVideos,
        OUTPUT_VIDEO_FOLDERS.collections,
      ),
    ]);
    edited = applyEdits(projectId, ...withVideos, validValue(editsResult));
    // Collections made by hand exist only after the overlay, so their videos are looked up again.
    const collectionsWithVideos = await withOutputVideos(
      io,
      dir,
      edited.collections,
      fillCollectionVideos,
      OUTPUT_VIDEO_FOLDERS.collections,
    );
    edited = { ...edited, collections: collectionsWithVideos };
  }
  const { clips, collections } = edited;
  const record = buildProjectRecord({
    projectId,
    folder,
    fingerprints,
    invalid,
    project: validValue(projectResult),
    pipeline: validValue(pipelineResult),
    finalFilesExist: clipsResult.state !== "missing" && collectionsResult.state !== "missing",
    clipCount: clips.length,
    collectionCount: collections.length,
    editWarnings: edited.warnings,
  });

  return { record, clips, collections, fingerprints };
}

/**
 * Fills in missing `video_file` paths from the videos in the folder `folder` of the project.
 * The folder is listed only when a record has no path.
 */
async function withOutputVideos<T extends { video_file: string | null }>(
  io: DeriveIo,
  dir: string,
  records: T[],
  fill: (records: T[], videos: string[]) => T[],
  folder: string,
): Promise<T[]> {
  if (records.every((record) => record.video_file !== null)) return records;

  return fill(records, await io.listVideos(path.join(dir, folder)));
}

interface RecordInputs {
  projectId: string;
  folder: Stats;
  fingerprints: Fingerprints;
  invalid: InvalidFile | null;
  project: ProjectFile | null;
  pipeline: PipelineFile | null;
  finalFilesExist: boolean;
  clipCount: number;
  collectionCount: number;
  editWarnings: EditWarning[];
}

function buildProjectRecord(inputs: RecordInputs): ProjectRecord {
  const { invalid, project, pipeline, fingerprints } = inputs;
  const mtimes = TRACKED_FILES.flatMap((file) => {
    const fingerprint = fingerprints[file];
    return fingerprint ? [fingerprint[1]] : [];
  });
  const status = statusOf(invalid, pipeline, inputs.finalFilesExist);

  // Without project.json (AutoClip folders), the mtime of the oldest tracked file is used as the ingest time.
  const createdAt =
    project?.created_at ?? toIso(mtimes.length > 0 ? Math.min(...mtimes) : inputs.folder.mtimeMs);
  const updatedAt = toIso(mtimes.length > 0 ? Math.max(...mtimes) : inputs.folder.mtimeMs);

  let completedAt = pipeline?.completed_at ?? null;
  if (!pipeline && status === "completed") {
    const finalMtimes = [PROJECT_FILES.clipsMetadata, PROJECT_FILES.collectionsMetadata].flatMap((file) => {
      const fingerprint = fingerprints[file];
      return fingerprint ? [fingerprint[1]] : [];
    });
    completedAt = toIso(Math.max(...finalMtimes));
  }

  return {
    id: inputs.projectId,
    name: project?.name ?? inputs.projectId,
    status,
    current_step: pipeline?.current_step ?? null,
    progress: pipeline?.progress ?? (status === "completed" ? 100 : 0),
    message: pipeline?.message ?? "",
    error: pipeline?.error ?? null,
    // The hint tells what to do next, and AutoClip's frontend shows only this one field.
    error_message: pipeline?.error
      ? [pipeline.error.message, pipeline.error.hint].filter((part) => part !== "").join(" ")
      : invalid
        ? `${invalid.file}: ${invalid.reason}`
        : null,
    invalid_file: invalid?.file ?? null,
    invalid_reason: invalid?.reason ?? null,
    total_clips: invalid ? null : inputs.clipCount,
    total_collections: invalid ? null : inputs.collectionCount,
    edit_warnings: inputs.editWarnings,
    source_file: project?.source_file ?? null,
    video_category: project?.video_category ?? null,
    created_at: createdAt,
    updated_at: updatedAt,
    completed_at: completedAt,
  };
}

/**
 * Returns the current fingerprints of a project's tracked files and folders without reading
 * them, or null when the folder does not exist. Reconcile compares them with the stored ones.
 */
export function currentFingerprints(projectsDir: string, projectId: string): Fingerprints | null {
  const dir = path.join(projectsDir, projectId);
  const entries = [
    ...TRACKED_FILES.map((file) => [file, statFingerprint(path.join(dir, file))] as const),
    ...TRACKED_FOLDERS.map((folder) => [folder, statVideoFolder(dir, folder)] as const),
  ];

  if (entries.every(([, fingerprint]) => fingerprint === null) && !statFolder(dir)) return null;

  return Object.fromEntries(entries);
}
