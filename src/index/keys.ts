/**
 * Keys of the LMDB index. README.md in this folder describes the layout and why totals are
 * kept per bucket.
 */

/** Version of the key layout and record shapes; a stored index with another version is dropped. */
export const INDEX_FORMAT_VERSION = 2;

/** Number of summary buckets. Each commit re-derives the totals of its buckets from their summaries. */
export const BUCKET_COUNT = 64;

/** Digits of a clip or collection position in its key; positions sort in file order up to 10^6 entries. */
const POSITION_DIGITS = 6;

export const FORMAT_KEY = "v";
export const TOTALS_KEY = "t";
/** Number of the last commit that changed records; a kept list order is valid for that commit only. */
export const COMMIT_KEY = "c";
export const PROJECT_PREFIX = "p/";
export const FINGERPRINT_PREFIX = "f/";
export const SUMMARY_PREFIX = "s/";
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

export function fingerprintKey(projectId: string): string {
  return `${FINGERPRINT_PREFIX}${projectId}`;
}

export function summaryKey(projectId: string): string {
  return `${SUMMARY_PREFIX}${bucketOf(projectId)}/${projectId}`;
}

/** Returns the prefix of every summary in `bucket`. */
export function summaryBucketPrefix(bucket: string): string {
  return `${SUMMARY_PREFIX}${bucket}/`;
}

export function bucketTotalsKey(bucket: string): string {
  return `${BUCKET_TOTALS_PREFIX}${bucket}`;
}

/** Returns the prefix of a project's clip records. */
export function clipPrefix(projectId: string): string {
  return `c/${projectId}/`;
}

/** Returns the key of the clip at `position` (0-based, file order) of `clips_metadata.json`. */
export function clipKey(projectId: string, position: number): string {
  return `${clipPrefix(projectId)}${String(position).padStart(POSITION_DIGITS, "0")}`;
}

/** Returns the prefix of a project's collection records. */
export function collectionPrefix(projectId: string): string {
  return `k/${projectId}/`;
}

/** Returns the key of the collection at `position` (0-based, file order) of `collections_metadata.json`. */
export function collectionKey(projectId: string, position: number): string {
  return `${collectionPrefix(projectId)}${String(position).padStart(POSITION_DIGITS, "0")}`;
}

/** Returns the key that maps a public clip or collection id back to its record. */
export function publicIdKey(publicId: string): string {
  return `${PUBLIC_ID_PREFIX}${publicId}`;
}

/** Returns the project id of a key `<prefix><projectId>`, or of a summary key `s/<bucket>/<projectId>`. */
export function projectIdOfKey(key: string, prefix: string): string {
  const rest = key.slice(prefix.length);

  if (prefix !== SUMMARY_PREFIX) return rest;

  return rest.slice(rest.indexOf("/") + 1);
}
