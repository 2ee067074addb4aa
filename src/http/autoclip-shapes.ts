import { STEP_NAMES, type StepName } from "../../schemas/pipeline.ts";
import type { ClipRecord, CollectionRecord, ProjectRecord } from "../index/records.ts";
import type { Locale } from "../shared/locale.ts";

/** Number of pipeline steps, sent as `total_steps`. */
export const TOTAL_STEPS = STEP_NAMES.length;

/** A project in the shape of AutoClip's `ProjectResponse`, plus `progress` and the step name. */
export interface ProjectShape {
  id: string;
  name: string;
  description: string;
  status: ProjectRecord["status"];
  source_file: string | null;
  video_category: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  total_clips: number | null;
  total_collections: number | null;
  /** API URL of the first clip's thumbnail; null while the project has no clips. */
  thumbnail: string | null;
  /** Number of the running step, from 1; `total_steps` once completed, 0 before the first step. */
  current_step: number;
  /** Name of the running step, such as `scoring`; null when no step runs. */
  current_step_name: StepName | null;
  total_steps: number;
  /** Overall progress, 0 to 100. */
  progress: number;
  error_message: string | null;
}

/** A clip in the shape of AutoClip's `ClipResponse`. */
export interface ClipShape {
  id: string;
  project_id: string;
  title: string;
  description: string;
  /** Seconds from the start of the source video. */
  start_time: number;
  end_time: number;
  /** Seconds. */
  duration: number;
  /** 0 to 1. */
  score: number;
  /** API URL of the clip video; null until it is rendered. */
  video_path: string | null;
  /** The clip's fields as in `clips_metadata.json`, with the user's title. */
  clip_metadata: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

/** A collection in the shape of AutoClip's `CollectionResponse`. */
export interface CollectionShape {
  id: string;
  project_id: string;
  name: string;
  description: string;
  collection_title: string;
  collection_summary: string;
  /** Public ids of the clips, in the order shown. */
  clip_ids: string[];
  collection_type: CollectionRecord["collection_type"];
  /** API URL of the first clip's thumbnail; null for a collection without clips. */
  thumbnail_path: string | null;
  /** API URL of the collection video; null until one is rendered. */
  video_path: string | null;
  /** True when clips were removed or reordered after the video was rendered. */
  video_outdated: boolean;
  total_clips: number;
  created_at: string;
}

function stepNumber(record: ProjectRecord): number {
  if (record.current_step) return STEP_NAMES.indexOf(record.current_step) + 1;

  return record.status === "completed" ? TOTAL_STEPS : 0;
}

/**
 * Returns the record's error message in `locale`: the Chinese message and hint that the
 * failed step wrote, when the locale is Chinese and the step wrote them, else `error_message`.
 */
export function localizedErrorMessage(record: ProjectRecord, locale: Locale): string | null {
  const error = record.error;
  if (locale !== "zh" || !error?.message_zh) return record.error_message;

  return `${error.message_zh}${error.hint_zh ?? ""}`;
}

/** Maps a project record to AutoClip's project shape, with the error message in `locale`. */
export function toProjectShape(record: ProjectRecord, locale: Locale = "en"): ProjectShape {
  return {
    id: record.id,
    name: record.name,
    // NOTE: the index does not store the `description` of project.json yet, so it is always "".
    description: "",
    status: record.status,
    source_file: record.source_file,
    video_category: record.video_category,
    created_at: record.created_at,
    updated_at: record.updated_at,
    completed_at: record.completed_at,
    total_clips: record.total_clips,
    total_collections: record.total_collections,
    thumbnail: record.total_clips ? `/api/v1/projects/${encodeURIComponent(record.id)}/thumbnail` : null,
    current_step: stepNumber(record),
    current_step_name: record.current_step,
    total_steps: TOTAL_STEPS,
    progress: record.progress,
    error_message: localizedErrorMessage(record, locale),
  };
}

/** Returns the media route of a clip video. */
export function clipVideoUrl(projectId: string, clipPublicId: string): string {
  return `/api/v1/projects/${encodeURIComponent(projectId)}/clips/${clipPublicId}`;
}

/** Returns the media route of a collection video. */
export function collectionVideoUrl(projectId: string, collectionPublicId: string): string {
  return `/api/v1/files/projects/${encodeURIComponent(projectId)}/collections/${collectionPublicId}`;
}

/** Maps a clip record to AutoClip's clip shape, with `created_at` and `updated_at` of its project. */
export function toClipShape(clip: ClipRecord, project: ProjectRecord | null): ClipShape {
  return {
    id: clip.id,
    project_id: clip.project_id,
    title: clip.generated_title,
    description: clip.recommend_reason,
    start_time: clip.start_time,
    end_time: clip.end_time,
    duration: clip.duration,
    score: clip.final_score,
    video_path: clip.video_file ? clipVideoUrl(clip.project_id, clip.id) : null,
    clip_metadata: {
      id: clip.clip_id,
      outline: clip.outline,
      content: clip.content,
      start_time: clip.start_time,
      end_time: clip.end_time,
      duration: clip.duration,
      chunk_index: clip.chunk_index,
      final_score: clip.final_score,
      recommend_reason: clip.recommend_reason,
      generated_title: clip.generated_title,
      video_file: clip.video_file,
      thumbnail_file: clip.thumbnail_file,
    },
    created_at: project?.created_at ?? "",
    updated_at: project?.updated_at ?? "",
  };
}

/** Maps a collection record to AutoClip's collection shape. */
export function toCollectionShape(
  collection: CollectionRecord,
  project: ProjectRecord | null,
): CollectionShape {
  return {
    id: collection.id,
    project_id: collection.project_id,
    name: collection.collection_title,
    description: collection.collection_summary,
    collection_title: collection.collection_title,
    collection_summary: collection.collection_summary,
    clip_ids: collection.clip_public_ids,
    collection_type: collection.collection_type,
    thumbnail_path:
      collection.clip_ids.length > 0
        ? `/api/v1/projects/${encodeURIComponent(collection.project_id)}/collections/${collection.id}/thumbnail`
        : null,
    video_path: collection.video_file ? collectionVideoUrl(collection.project_id, collection.id) : null,
    video_outdated: collection.video_outdated,
    total_clips: collection.clip_ids.length,
    created_at: collection.created_at ?? project?.created_at ?? "",
  };
}
