/**
 * Keys of the LMDB index. README.md in this folder describes the layout and why summaries and
 * totals are kept per bucket.
 */

/** Version of the key layout and record shapes; a stored index with another version is dropped. */
export const INDEX_FORMAT_VERSION = 4;

/** Number of summary buckets. Each commit re-derives the totals of its buckets from their summaries. */
export const BUCKET_COUNT = 64;

export const FORMAT_KEY = "v";
export const TOTALS_KEY = "t";
/** Number of the last commit that changed records; a kept list order is valid for that commit only. */
export const COMMIT_KEY = "c";
export const PROJECT_PREFIX = "p/";
export const RECORDS_PREFIX = "d/";
export const BUCKET_TABLE_PREFIX = "s/";
export const BUCKET_TOTALS_PREFIX = "b/";

/** Returns the summary bucket of a project as a number: FNV-1a (32 bit) of its id, modulo {@link BUCKET_COUNT}. */
export function bucketIndexOf(projectId: string): number {
  let hash = 0x811c9dc5;

  for (let i = 0; i < projectId.length; i++) {
    hash ^= projectId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }

  return hash % BUCKET_COUNT;
}

/** Returns the summary bucket of a project as two hexadecimal digits, as in its keys. */
export function bucketOf(projectId: string): string {
  return bucketName(bucketIndexOf(projectId));
}

/** Returns the two hexadecimal digits of bucket number `index`. */
export function bucketName(index: number): string {
  return index.toString(16).padStart(2, "0");
}

export function projectKey(projectId: string): string {
  return `${PROJECT_PREFIX}${projectId}`;
}

/** Returns the key of a project's clip and collection records. */
export function recordsKey(projectId: string): string {
  return `${RECORDS_PREFIX}${projectId}`;
}

/** Returns the key of the summaries and fingerprints of the projects in `bucket`. */
export function bucketTableKey(bucket: string): string {
  return `${BUCKET_TABLE_PREFIX}${bucket}`;
}

export function bucketTotalsKey(bucket: string): string {
  return `${BUCKET_TOTALS_PREFIX}${bucket}`;
}

/** Returns the project id of a key `<prefix><projectId>`. */
export function projectIdOfKey(key: string, prefix: string): string {
  return key.slice(prefix.length);
}
