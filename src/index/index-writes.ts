import { emptyTotals, type ProjectSummary, readBucket, writeBucket } from "./bucket-table.ts";
import type { EncodedProject } from "./encoded-project.ts";
import {
  BUCKET_TOTALS_PREFIX,
  bucketOf,
  COMMIT_KEY,
  FORMAT_KEY,
  INDEX_FORMAT_VERSION,
  projectKey,
  recordsKey,
  TOTALS_KEY,
} from "./keys.ts";
import type { StoreWriter } from "./lmdb-store.ts";
import type { IndexTotals, ProjectChange } from "./records.ts";
import { INDEXED_STATUSES } from "./records.ts";

function addTotals(sum: IndexTotals, part: IndexTotals): void {
  sum.projects.total += part.projects.total;
  for (const status of INDEXED_STATUSES) {
    sum.projects.by_status[status] += part.projects.by_status[status] ?? 0;
  }
  sum.clips += part.clips;
  sum.collections += part.collections;
}

/**
 * The bucket tables one transaction changes. Each is read on first use, changed in memory and
 * written once by {@link BucketChanges.finish}, which also derives the totals again.
 */
export class BucketChanges {
  readonly #writer: StoreWriter;
  readonly #tables = new Map<string, Map<string, ProjectSummary>>();

  constructor(writer: StoreWriter) {
    this.#writer = writer;
  }

  #tableOf(projectId: string): Map<string, ProjectSummary> {
    const bucket = bucketOf(projectId);
    let table = this.#tables.get(bucket);
    if (!table) {
      table = readBucket(this.#writer, bucket);
      this.#tables.set(bucket, table);
    }

    return table;
  }

  /** Tells whether the index has records of `projectId`. */
  has(projectId: string): boolean {
    return this.#tableOf(projectId).has(projectId);
  }

  set(projectId: string, summary: ProjectSummary): void {
    this.#tableOf(projectId).set(projectId, summary);
  }

  delete(projectId: string): void {
    this.#tableOf(projectId).delete(projectId);
  }

  /**
   * Writes every changed bucket table with its totals, then the global totals summed over the
   * 64 bucket totals. Nothing is incremented, so the totals always equal the stored summaries.
   */
  finish(): IndexTotals {
    for (const [bucket, table] of this.#tables) writeBucket(this.#writer, bucket, table);
    this.#tables.clear();

    const totals = emptyTotals();
    for (const { value } of this.#writer.entries<IndexTotals>(BUCKET_TOTALS_PREFIX)) addTotals(totals, value);
    this.#writer.put(TOTALS_KEY, totals);
    return totals;
  }
}

/**
 * Replaces every record of `projectId` with those of `encoded`, or removes them when `encoded`
 * is null. Returns false when there was nothing to remove and nothing to write.
 */
export function replaceProjectRecords(
  writer: StoreWriter,
  buckets: BucketChanges,
  projectId: string,
  encoded: EncodedProject | null,
): boolean {
  if (!encoded) {
    if (!buckets.has(projectId)) return false;

    writer.remove(projectKey(projectId));
    writer.remove(recordsKey(projectId));
    buckets.delete(projectId);
    return true;
  }

  writer.putEncoded(projectKey(projectId), encoded.recordBytes);
  writer.putEncoded(recordsKey(projectId), encoded.recordsBytes);
  buckets.set(projectId, encoded.summary);
  return true;
}

/**
 * Replaces the records of each change that `accept` lets through, re-derives the totals of the
 * touched buckets and counts the commit. Returns the changes that changed records.
 */
export function applyChanges<Change extends { projectId: string; encoded: EncodedProject | null }>(
  writer: StoreWriter,
  changes: readonly Change[],
  accept: (change: Change) => boolean = () => true,
): ProjectChange[] {
  const buckets = new BucketChanges(writer);
  const done: ProjectChange[] = [];
  for (const change of changes) {
    if (!accept(change)) continue;
    const { projectId, encoded } = change;
    if (!replaceProjectRecords(writer, buckets, projectId, encoded)) continue;

    done.push({ projectId, record: encoded?.record ?? null });
  }
  if (done.length > 0) {
    buckets.finish();
    markCommit(writer);
  }
  return done;
}

/** Removes every key and writes the format version and zero totals. */
export function clearIndex(writer: StoreWriter): void {
  const commit = writer.get<number>(COMMIT_KEY) ?? 0;
  const keys = [...writer.keys("")];
  for (const key of keys) writer.remove(key);

  writer.put(FORMAT_KEY, INDEX_FORMAT_VERSION);
  writer.put(TOTALS_KEY, emptyTotals());
  writer.put(COMMIT_KEY, commit + 1);
}

/** Counts one more commit that changed records, so list orders kept from earlier commits are read again. */
export function markCommit(writer: StoreWriter): void {
  writer.put(COMMIT_KEY, (writer.get<number>(COMMIT_KEY) ?? 0) + 1);
}
