import type { PipelineError, ProjectStatus, StepName } from "../../schemas/pipeline.ts";

/** Statuses the index reports: the pipeline's, plus `invalid` for a project whose files fail validation. */
export const INDEXED_STATUSES = ["pending", "processing", "completed", "failed", "invalid"] as const;

export type IndexedStatus = ProjectStatus | "invalid";

/** One project as the index stores and serves it. Every field is derived from the project's files. */
export interface ProjectRecord {
  /** Folder name under `projects/`. */
  id: string;
  /** `name` of `project.json`, else the folder name. */
  name: string;
  status: IndexedStatus;
  current_step: StepName | null;
  /** Overall progress, 0 to 100. */
  progress: number;
  message: string;
  error: PipelineError | null;
  /** `error.message`, else `<invalid_file>: <invalid_reason>` for an `invalid` project, else null. */
  error_message: string | null;
  /** Path of the first file that failed validation, relative to the project folder; null unless `invalid`. */
  invalid_file: string | null;
  /** Reason that file failed validation; null unless `invalid`. */
  invalid_reason: string | null;
  /** Entries of `clips_metadata.json`: 0 before it exists, null when the project is `invalid`. */
  total_clips: number | null;
  /** Entries of `collections_metadata.json`: 0 before it exists, null when the project is `invalid`. */
  total_collections: number | null;
  source_file: string | null;
  video_category: string | null;
  /** ISO 8601 time: `created_at` of `project.json`, else the mtime of the oldest tracked file, else of the folder. */
  created_at: string;
  /** ISO 8601 time: the mtime of the newest tracked file, else of the project folder. */
  updated_at: string;
  /**
   * ISO 8601 time: `completed_at` of `pipeline.json`; without that file, the mtime of the newer
   * final metadata file once both exist.
   */
  completed_at: string | null;
}

/** One clip of `clips_metadata.json`, with times in seconds. */
export interface ClipRecord {
  /** Public id: UUIDv5 of the project id and the clip's id in the file. */
  id: string;
  project_id: string;
  /** `id` in `clips_metadata.json`. */
  clip_id: string;
  /** Index in `clips_metadata.json`, from 0. */
  position: number;
  generated_title: string;
  outline: string;
  content: string[];
  start_time: number;
  end_time: number;
  /** Seconds: the file's `duration`, else `end_time - start_time`. */
  duration: number;
  chunk_index: number;
  final_score: number;
  recommend_reason: string;
  video_file: string | null;
  thumbnail_file: string | null;
}

/** One collection of `collections_metadata.json`. */
export interface CollectionRecord {
  /** Public id: UUIDv5 of the project id and the collection's id in the file. */
  id: string;
  project_id: string;
  /** `id` in `collections_metadata.json`. */
  collection_id: string;
  /** Index in `collections_metadata.json`, from 0. */
  position: number;
  collection_title: string;
  collection_summary: string;
  collection_type: "ai_recommended" | "manual";
  /** Clip ids as written in the file. */
  clip_ids: string[];
  /** Public ids of the same clips, in the same order. */
  clip_public_ids: string[];
  video_file: string | null;
  /** Seconds, when the video step wrote it. */
  duration: number | null;
}

/** Size, modification time (ms) and inode of a file when it was read; null when it was missing. */
export type Fingerprint = [size: number, mtimeMs: number, inode: number] | null;

/** Fingerprints of every file a record was derived from, by path relative to the project folder. */
export type Fingerprints = Record<string, Fingerprint>;

/** Everything derived from one project folder. */
export interface DerivedProject {
  record: ProjectRecord;
  clips: ClipRecord[];
  collections: CollectionRecord[];
  fingerprints: Fingerprints;
}

/** Project, clip and collection counts over the whole index. */
export interface IndexTotals {
  projects: { total: number; by_status: Record<IndexedStatus, number> };
  /** Sum of `total_clips` over projects that are not `invalid`. */
  clips: number;
  /** Sum of `total_collections` over projects that are not `invalid`. */
  collections: number;
}

/** A change the index has committed; `record` is null when the project was removed. */
export interface ProjectChange {
  projectId: string;
  record: ProjectRecord | null;
}
