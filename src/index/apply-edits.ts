import { EDITS_FILE_KEYS, type EditsFile, type ManualCollection } from "../../schemas/edits.ts";
import { publicIdOf } from "./public-id.ts";
import type { ClipRecord, CollectionRecord, EditWarning } from "./records.ts";

/** Records of one project after the `edits.json` overlay, with the entries that were ignored. */
export interface EditedRecords {
  clips: ClipRecord[];
  collections: CollectionRecord[];
  warnings: EditWarning[];
}

/** Maximum warnings kept in a project record; one last entry counts the rest. */
export const MAX_EDIT_WARNINGS = 100;

const UNKNOWN_CLIP = "no clip with this id in metadata/clips_metadata.json; ignored";
const UNKNOWN_COLLECTION =
  "no collection with this id in metadata/collections_metadata.json or edits.json; ignored";

/** Collects warnings up to {@link MAX_EDIT_WARNINGS} and counts the rest. */
class WarningList {
  readonly #items: EditWarning[] = [];
  #dropped = 0;

  add(field: string, id: string | null, reason: string): void {
    if (this.#items.length < MAX_EDIT_WARNINGS) this.#items.push({ field, id, reason });
    else this.#dropped += 1;
  }

  /** Adds a warning for each of `ids` that `known` does not contain. */
  addUnknown(field: string, ids: Iterable<string>, known: Set<string>, reason: string): void {
    for (const id of ids) {
      if (!known.has(id)) this.add(field, id, reason);
    }
  }

  list(): EditWarning[] {
    if (this.#dropped === 0) return this.#items;

    return [
      ...this.#items,
      { field: "edits.json", id: null, reason: `${this.#dropped} more warnings not listed` },
    ];
  }
}

function sameOrder(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/**
 * Puts the ids of `order` first, in that order, then the rest of `clipIds` in their order.
 * Ids of `order` that are not in `clipIds` are dropped, and a warning names each one that is
 * not a deleted clip either.
 */
function applyOrder(
  collectionId: string,
  clipIds: string[],
  order: string[],
  deleted: Set<string>,
  warnings: WarningList,
): string[] {
  const members = new Set(clipIds);
  const first: string[] = [];
  const placed = new Set<string>();

  for (const id of order) {
    if (placed.has(id)) continue;
    if (members.has(id)) {
      first.push(id);
      placed.add(id);
    } else if (!deleted.has(id)) {
      warnings.add(`collection_order.${collectionId}`, id, "not a clip of this collection; dropped");
    }
  }

  return [...first, ...clipIds.filter((id) => !placed.has(id))];
}

/** Builds the record of a manual collection before its clips are filtered and ordered. */
function manualCollectionRecord(
  projectId: string,
  collection: ManualCollection,
  position: number,
): CollectionRecord {
  return {
    id: publicIdOf(projectId, "collection", collection.id),
    project_id: projectId,
    collection_id: collection.id,
    position,
    collection_title: collection.collection_title,
    collection_summary: collection.collection_summary,
    collection_type: "manual",
    clip_ids: collection.clip_ids,
    clip_public_ids: [],
    video_file: null,
    video_outdated: false,
    duration: null,
    created_at: collection.created_at,
  };
}

/**
 * Applies the user's edits to the records derived from the pipeline's files: renamed titles
 * and summaries, deleted clips (also taken out of every collection), deleted collections,
 * manual collections and clip order. Entries that name unknown ids are ignored and returned
 * as warnings. With no edits, returns the records unchanged.
 */
export function applyEdits(
  projectId: string,
  clips: ClipRecord[],
  collections: CollectionRecord[],
  edits: EditsFile | null,
): EditedRecords {
  if (!edits) return { clips, collections, warnings: [] };

  const warnings = new WarningList();
  const knownKeys = new Set<string>(EDITS_FILE_KEYS);
  for (const key of Object.keys(edits)) {
    if (!knownKeys.has(key)) warnings.add(key, null, "unknown key of edits.json; ignored");
  }

  const clipIds = new Set(clips.map((clip) => clip.clip_id));
  const deletedClips = new Set(edits.deleted_clip_ids);
  warnings.addUnknown("deleted_clip_ids", deletedClips, clipIds, UNKNOWN_CLIP);
  warnings.addUnknown("clip_titles", Object.keys(edits.clip_titles), clipIds, UNKNOWN_CLIP);

  const editedClips = clips
    .filter((clip) => !deletedClips.has(clip.clip_id))
    .map((clip) => {
      const title = edits.clip_titles[clip.clip_id];
      return title === undefined ? clip : { ...clip, generated_title: title };
    });

  const fileCollectionIds = new Set(collections.map((collection) => collection.collection_id));
  const manual: CollectionRecord[] = [];
  for (const collection of edits.manual_collections) {
    if (fileCollectionIds.has(collection.id)) {
      warnings.add(
        "manual_collections",
        collection.id,
        "a collection of metadata/collections_metadata.json has this id; ignored",
      );
      continue;
    }
    manual.push(manualCollectionRecord(projectId, collection, collections.length + manual.length));
  }

  const collectionIds = new Set([
    ...fileCollectionIds,
    ...manual.map((collection) => collection.collection_id),
  ]);
  const deletedCollections = new Set(edits.deleted_collection_ids);
  warnings.addUnknown("deleted_collection_ids", deletedCollections, collectionIds, UNKNOWN_COLLECTION);
  for (const field of ["collection_titles", "collection_summaries", "collection_order"] as const) {
    warnings.addUnknown(field, Object.keys(edits[field]), collectionIds, UNKNOWN_COLLECTION);
  }

  const editedCollections: CollectionRecord[] = [];
  for (const collection of [...collections, ...manual]) {
    const collectionId = collection.collection_id;
    if (deletedCollections.has(collectionId)) continue;

    let members = collection.clip_ids.filter((id) => !deletedClips.has(id));
    if (collection.collection_type === "manual") {
      const field = `manual_collections.${collectionId}.clip_ids`;
      warnings.addUnknown(field, new Set(members), clipIds, UNKNOWN_CLIP);
      members = [...new Set(members.filter((id) => clipIds.has(id)))];
    }
    const order = edits.collection_order[collectionId];
    if (order) members = applyOrder(collectionId, members, order, deletedClips, warnings);

    editedCollections.push({
      ...collection,
      collection_title: edits.collection_titles[collectionId] ?? collection.collection_title,
      collection_summary: edits.collection_summaries[collectionId] ?? collection.collection_summary,
      clip_ids: members,
      clip_public_ids: members.map((clipId) => publicIdOf(projectId, "clip", clipId)),
      video_outdated: collection.video_file !== null && !sameOrder(members, collection.clip_ids),
    });
  }

  return { clips: editedClips, collections: editedCollections, warnings: warnings.list() };
}
