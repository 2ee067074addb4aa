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
  /**
   * Clips after the `edits.json` overlay (entries of `clips_metadata.json` minus deleted ones):
   * 0 before the file exists, null when the project is `invalid`.
   */
  total_clips: number | null;
  /**
   * Collections after the `edits.json` overlay (file entries minus deleted ones, plus manual
   * ones): 0 before the file exists, null when the project is `invalid`.
   */
  total_collections: number | null;
  /** Entries of `edits.json` that name unknown clips or collections, and were ignored. */
  edit_warnings: EditWarning[];
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

/** One entry of `edits.json` that could not be applied. */
export interface EditWarning {
  /** Key of `edits.json` the entry is in, such as `clip_titles` or `collection_order.3`. */
  field: string;
  /** The clip or collection id that was not found; null for a problem with the key itself. */
  id: string | null;
  reason: string;
}

/** One clip of `clips_metadata.json`, with times in seconds and the `edits.json` overlay applied. */
export interface ClipRecord {
  /** Public id: a UUID derived from the project id and the clip's id in the file (`public-id.ts`). */
  id: string;
  project_id: string;
  /** `id` in `clips_metadata.json`. */
  clip_id: string;
  /** Index in `clips_metadata.json`, from 0; deleted clips leave gaps. */
  position: number;
  /** The title of `edits.json` when the user renamed the clip, else the file's. */
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
  /**
   * Video path relative to the project folder: the file's `video_file`, else the first
   * `output/clips/{clip_id}_*.mp4` by name, else null.
   */
  video_file: string | null;
  thumbnail_file: string | null;
}

/** One collection of `collections_metadata.json` or of `edits.json`, with the overlay applied. */
export interface CollectionRecord {
  /** Public id: a UUID derived from the project id and the collection's id in the file (`public-id.ts`). */
  id: string;
  project_id: string;
  /** `id` in `collections_metadata.json`, or the `manual-` id in `edits.json`. */
  collection_id: string;
  /**
   * Index in `collections_metadata.json`, from 0; deleted collections leave gaps. Manual
   * collections follow the file's entries, in their `edits.json` order.
   */
  position: number;
  collection_title: string;
  collection_summary: string;
  /** `manual` for collections made in `edits.json`. */
  collection_type: "ai_recommended" | "manual";
  /**
   * Clip ids as written in the file, without deleted clips and in the `collection_order` of
   * `edits.json`. A collection whose clips were all deleted stays, with no clip ids.
   */
  clip_ids: string[];
  /** Public ids of the same clips, in the same order. */
  clip_public_ids: string[];
  /**
   * Video path relative to the project folder: the file's `video_file`, else the first
   * `output/collections/{collection_id}_*.mp4` by name, else AutoClip's
   * `output/collections/{title}.mp4`; null for manual collections.
   */
  video_file: string | null;
  /**
   * True when edits removed or reordered clips after `video_file` was rendered, so the video
   * no longer shows `clip_ids` in this order.
   */
  video_outdated: boolean;
  /** Seconds, when the video step wrote it. */
  duration: number | null;
  /** ISO 8601 time a manual collection was made; null for the pipeline's collections. */
  created_at: string | null;
}

/**
 * Size, modification time (ms) and inode of a file or folder when it was read; null when it
 * was missing.
 */
export type Fingerprint = [size: number, mtimeMs: number, inode: number] | null;

/**
 * Fingerprints of every file and folder a record was derived from, by path relative to the
 * project folder.
 */
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
