import { TRACKED_PATHS } from "./derive-project.ts";
import { BUCKET_TABLE_PREFIX, bucketTableKey, bucketTotalsKey } from "./keys.ts";
import type { StoreReader, StoreWriter } from "./lmdb-store.ts";
import {
  type Fingerprint,
  type Fingerprints,
  INDEXED_STATUSES,
  type IndexedStatus,
  type IndexTotals,
} from "./records.ts";

/**
 * Compact facts about one project that totals, project listings and reconcile are computed
 * from: status, clip count, collection count, creation time (ms since the epoch), name, and
 * the fingerprints of `TRACKED_PATHS` in that order.
 */
export type ProjectSummary = [
  status: IndexedStatus,
  clips: number | null,
  collections: number | null,
  createdMs: number,
  name: string,
  fingerprints: Fingerprint[],
];

/** One row of a bucket table: the project id followed by its summary. */
type StoredRow = [projectId: string, ...ProjectSummary];

/** Packs fingerprints by path into a list in the order of the tracked paths. */
export function packFingerprints(fingerprints: Fingerprints): Fingerprint[] {
  return TRACKED_PATHS.map((file) => fingerprints[file] ?? null);
}

/** Turns a packed fingerprint list back into fingerprints by path. */
export function unpackFingerprints(packed: readonly Fingerprint[]): Fingerprints {
  const fingerprints: Fingerprints = {};
  TRACKED_PATHS.forEach((file, i) => {
    fingerprints[file] = packed[i] ?? null;
  });

  return fingerprints;
}

/** Returns totals with every count at 0. */
export function emptyTotals(): IndexTotals {
  const byStatus = Object.fromEntries(INDEXED_STATUSES.map((status) => [status, 0])) as Record<
    IndexedStatus,
    number
  >;

  return { projects: { total: 0, by_status: byStatus }, clips: 0, collections: 0 };
}

/** Reads the summaries of one bucket, by project id. */
export function readBucket(reader: StoreReader, bucket: string): Map<string, ProjectSummary> {
  const rows = reader.get<StoredRow[]>(bucketTableKey(bucket)) ?? [];

  return new Map(rows.map(([projectId, ...summary]) => [projectId, summary]));
}

/** Calls `visit` with every stored summary, bucket by bucket, in project id order within a bucket. */
export function forEachSummary(
  reader: StoreReader,
  visit: (projectId: string, summary: ProjectSummary) => void,
): void {
  for (const { value } of reader.entries<StoredRow[]>(BUCKET_TABLE_PREFIX)) {
    for (const [projectId, ...summary] of value) visit(projectId, summary);
  }
}

function totalsOf(summaries: Iterable<ProjectSummary>): IndexTotals {
  const totals = emptyTotals();
  for (const [status, clips, collections] of summaries) {
    totals.projects.total += 1;
    totals.projects.by_status[status] += 1;
    totals.clips += clips ?? 0;
    totals.collections += collections ?? 0;
  }

  return totals;
}

/**
 * Writes a bucket's summaries back, sorted by project id, together with the bucket's totals
 * derived from them. An empty bucket is removed.
 */
export function writeBucket(
  writer: StoreWriter,
  bucket: string,
  summaries: Map<string, ProjectSummary>,
): void {
  if (summaries.size === 0) {
    writer.remove(bucketTableKey(bucket));
    writer.remove(bucketTotalsKey(bucket));
    return;
  }

  const ids = [...summaries.keys()].sort();
  const rows = ids.map(
    (projectId): StoredRow => [projectId, ...(summaries.get(projectId) as ProjectSummary)],
  );
  writer.put(bucketTableKey(bucket), rows);
  writer.put(bucketTotalsKey(bucket), totalsOf(summaries.values()));
}
