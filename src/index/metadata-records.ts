import type { Clip } from "../../schemas/clips-metadata.ts";
import type { Collection } from "../../schemas/collections-metadata.ts";
import { publicIdOf } from "./public-id.ts";
import type { ClipRecord, CollectionRecord } from "./records.ts";
import { timeValueToSeconds } from "./time-value.ts";

/** Maximum entries per metadata file; record keys hold the position in six digits. */
export const MAX_METADATA_ENTRIES = 999_999;

/** Records built from one metadata file, or the reason the file cannot be indexed. */
export type RecordsResult<T> = { ok: true; records: T[] } | { ok: false; reason: string };

/** Returns a reason when `ids` contains a duplicate or too many entries, else null. */
function checkIds(ids: string[], noun: string): string | null {
  if (ids.length > MAX_METADATA_ENTRIES) {
    return `contains ${ids.length} ${noun}s, more than the ${MAX_METADATA_ENTRIES} the index supports`;
  }

  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) return `contains the ${noun} id "${id}" more than once; ${noun} ids must be unique`;
    seen.add(id);
  }

  return null;
}

/** Builds the clip records of `clips_metadata.json`, converting times to seconds. */
export function buildClipRecords(projectId: string, clips: Clip[]): RecordsResult<ClipRecord> {
  const problem = checkIds(
    clips.map((clip) => clip.id),
    "clip",
  );
  if (problem) return { ok: false, reason: problem };

  const records = clips.map((clip, position): ClipRecord => {
    const startTime = timeValueToSeconds(clip.start_time);
    const endTime = timeValueToSeconds(clip.end_time);

    return {
      id: publicIdOf(projectId, "clip", clip.id),
      project_id: projectId,
      clip_id: clip.id,
      position,
      generated_title: clip.generated_title,
      outline: clip.outline,
      content: clip.content,
      start_time: startTime,
      end_time: endTime,
      duration: clip.duration ?? Math.max(0, Math.round((endTime - startTime) * 1000) / 1000),
      chunk_index: clip.chunk_index,
      final_score: clip.final_score,
      recommend_reason: clip.recommend_reason,
      video_file: clip.video_file ?? null,
      thumbnail_file: clip.thumbnail_file ?? null,
    };
  });

  return { ok: true, records };
}

/** Builds the collection records of `collections_metadata.json`. */
export function buildCollectionRecords(
  projectId: string,
  collections: Collection[],
): RecordsResult<CollectionRecord> {
  const problem = checkIds(
    collections.map((collection) => collection.id),
    "collection",
  );
  if (problem) return { ok: false, reason: problem };

  const records = collections.map(
    (collection, position): CollectionRecord => ({
      id: publicIdOf(projectId, "collection", collection.id),
      project_id: projectId,
      collection_id: collection.id,
      position,
      collection_title: collection.collection_title,
      collection_summary: collection.collection_summary,
      collection_type: collection.collection_type,
      clip_ids: collection.clip_ids,
      clip_public_ids: collection.clip_ids.map((clipId) => publicIdOf(projectId, "clip", clipId)),
      video_file: collection.video_file ?? null,
      video_outdated: false,
      duration: collection.duration ?? null,
      created_at: null,
    }),
  );

  return { ok: true, records };
}
