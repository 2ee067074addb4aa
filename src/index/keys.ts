/**
 * Keys of the LMDB index. README.md in this folder describes the layout and why summaries and
 * totals are kept per bucket.
 */

/** Version of the key layout and record shapes; a stored index with another version is dropped. */
export const INDEX_FORMAT_VERSION = 3;

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
export const PUBLIC_ID_PREFIX = "u/";

/**
 * Returns the summary bucket of a project: FNV-1a (32 bit) of its id, modulo
 * {@link BUCKET_COUNT}, as two hexadecimal digits.
 */
export function bucketOf(projectId: string): string {
  let hash = 0x811c9dc5;

  for (let i = 0; i < projectId.length; i++) {
    hash ^= projectId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }

  return (hash % BUCKET_COUNT).toString(16).padStart(2, "0");
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

/** Returns the key that maps a public clip or collection id to its project. */
export function publicIdKey(publicId: string): string {
  return `${PUBLIC_ID_PREFIX}${publicId}`;
}

/** Returns the project id of a key `<prefix><projectId>`. */
export function projectIdOfKey(key: string, prefix: string): string {
  return key.slice(prefix.length);
}
