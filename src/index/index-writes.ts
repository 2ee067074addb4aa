import {
  BUCKET_TOTALS_PREFIX,
  bucketOf,
  bucketTotalsKey,
  clipKey,
  clipPrefix,
  collectionKey,
  collectionPrefix,
  FORMAT_KEY,
  fingerprintKey,
  INDEX_FORMAT_VERSION,
  projectKey,
  publicIdKey,
  summaryBucketPrefix,
  summaryKey,
  TOTALS_KEY,
} from "./keys.ts";
import type { StoreWriter } from "./lmdb-store.ts";
import type {
  ClipRecord,
  CollectionRecord,
  DerivedProject,
  IndexedStatus,
  IndexTotals,
  ProjectRecord,
} from "./records.ts";
import { INDEXED_STATUSES } from "./records.ts";

/**
 * Compact per-project facts that totals and project listings are computed from:
 * status, clip count, collection count, creation time (ms since the epoch) and name.
 */
export type ProjectSummary = [
  status: IndexedStatus,
  clips: number | null,
  collections: number | null,
  createdMs: number,
  name: string,
];

/** Target of a public id: the project id, the kind and the key of the record. */
export type PublicIdTarget = [projectId: string, kind: "clip" | "collection", recordKey: string];

/** Returns totals with every count at 0. */
export function emptyTotals(): IndexTotals {
  const byStatus = Object.fromEntries(INDEXED_STATUSES.map((status) => [status, 0])) as Record<
    IndexedStatus,
    number
  >;

  return { projects: { total: 0, by_status: byStatus }, clips: 0, collections: 0 };
}

function addTotals(sum: IndexTotals, part: IndexTotals): void {
  sum.projects.total += part.projects.total;
  for (const status of INDEXED_STATUSES) {
    sum.projects.by_status[status] += part.projects.by_status[status] ?? 0;
  }
  sum.clips += part.clips;
  sum.collections += part.collections;
}

/** Removes every record of `projectId` and returns its summary bucket. */
export function removeProjectRecords(writer: StoreWriter, projectId: string): string {
  // Records are always written and removed together, so without `p/` there is nothing to scan.
  // This skips two range scans per project in a rebuild and for every new project.
  if (writer.get(projectKey(projectId)) === undefined) return bucketOf(projectId);

  for (const prefix of [clipPrefix(projectId), collectionPrefix(projectId)]) {
    const entries = [...writer.entries<ClipRecord | CollectionRecord>(prefix)];
    for (const { key, value } of entries) {
      writer.remove(publicIdKey(value.id));
      writer.remove(key);
    }
  }
  writer.remove(projectKey(projectId));
  writer.remove(fingerprintKey(projectId));
  writer.remove(summaryKey(projectId));

  return bucketOf(projectId);
}

/** Returns the summary of a project record. */
export function summaryOf(record: ProjectRecord): ProjectSummary {
  return [
    record.status,
    record.total_clips,
    record.total_collections,
    Date.parse(record.created_at),
    record.name,
  ];
}

/**
 * Returns true when two summaries put a project at the same place in every project list: the
 * same status, creation time and name. Null stands for a project that is not stored.
 */
export function sameListPlace(before: ProjectSummary | null, after: ProjectSummary | null): boolean {
  if (before === null || after === null) return before === after;

  return before[0] === after[0] && before[3] === after[3] && before[4] === after[4];
}

/** Writes the records of a derived project, which must have no records stored, and returns its bucket. */
export function putProjectRecords(writer: StoreWriter, derived: DerivedProject): string {
  const { record } = derived;
  const projectId = record.id;
  const summary = summaryOf(record);

  writer.put(projectKey(projectId), record);
  writer.put(fingerprintKey(projectId), derived.fingerprints);
  writer.put(summaryKey(projectId), summary);
  for (const clip of derived.clips) {
    const key = clipKey(projectId, clip.position);
    writer.put(key, clip);
    writer.put(publicIdKey(clip.id), [projectId, "clip", key] satisfies PublicIdTarget);
  }
  for (const collection of derived.collections) {
    const key = collectionKey(projectId, collection.position);
    writer.put(key, collection);
    writer.put(publicIdKey(collection.id), [projectId, "collection", key] satisfies PublicIdTarget);
  }

  return bucketOf(projectId);
}

/**
 * Re-derives the totals of each bucket in `buckets` from its project summaries, then the global
 * totals from the bucket totals. Nothing is incremented, so the totals always equal the sum over
 * the stored summaries. A commit scans only its own buckets (about 1/64 of the projects) and the
 * 64 bucket totals.
 */
export function recomputeTotals(writer: StoreWriter, buckets: Iterable<string>): IndexTotals {
  for (const bucket of new Set(buckets)) {
    const totals = emptyTotals();
    for (const { value } of writer.entries<ProjectSummary>(summaryBucketPrefix(bucket))) {
      const [status, clips, collections] = value;
      totals.projects.total += 1;
      totals.projects.by_status[status] += 1;
      totals.clips += clips ?? 0;
      totals.collections += collections ?? 0;
    }

    if (totals.projects.total === 0) writer.remove(bucketTotalsKey(bucket));
    else writer.put(bucketTotalsKey(bucket), totals);
  }

  const totals = emptyTotals();
  for (const { value } of writer.entries<IndexTotals>(BUCKET_TOTALS_PREFIX)) addTotals(totals, value);
  writer.put(TOTALS_KEY, totals);

  return totals;
}

/** Removes every key and writes the format version and zero totals. */
export function clearIndex(writer: StoreWriter): void {
  const keys = [...writer.keys("")];
  for (const key of keys) writer.remove(key);

  writer.put(FORMAT_KEY, INDEX_FORMAT_VERSION);
  writer.put(TOTALS_KEY, emptyTotals());
}
