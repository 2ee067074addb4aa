import { BUCKET_COUNT, bucketIndexOf } from "./keys.ts";

/**
 * Public ids of clips and collections: UUIDs of version 8 (RFC 9562) whose bits come from the
 * project and the record, so they depend only on the files and stay the same across rebuilds.
 *
 *     BBBBBBBB-PPPP-8PPP-VIII-IIIIIIIIIIII
 *
 * - The first 32 bits hold the project's summary bucket (6 bits) and 26 bits of a hash of the
 *   project id. With the next 28 bits (`PPPP-8PPP`) a project is named by 60 bits, so every id
 *   of one project starts with the same 18 characters.
 * - The last 62 bits (`V` carries the RFC variant) are a hash of the kind and the id in the file.
 *
 * The bucket lets the index find a public id's project by reading one bucket table instead of
 * keeping a key for each of hundreds of thousands of clips (see README.md).
 */

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Length of the part that all public ids of one project share: `BBBBBBBB-PPPP-8PPP`. */
export const PROJECT_PREFIX_LENGTH = 18;

/** Kinds of record that get a public id. */
export type PublicIdKind = "clip" | "collection";

/** Tells whether `value` is a UUID in the 8-4-4-4-12 hexadecimal form. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * Hashes the UTF-16 code units of `text` to 32 bits: FNV-1a style steps with the multiplier
 * `step`, then a final mix so that every input bit reaches every output bit. Two calls with
 * different seeds and multipliers give two hashes that do not collide together.
 */
function hash32(text: string, seed: number, step: number): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), step);

  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Two hexadecimal digits of each byte value; formatting ids byte by byte avoids padStart. */
const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Formats the low 16 bits of `value` as four hexadecimal digits. */
function hex4(value: number): string {
  return (BYTE_HEX[(value >>> 8) & 0xff] as string) + (BYTE_HEX[value & 0xff] as string);
}

/** Formats a 32-bit unsigned `value` as eight hexadecimal digits. */
function hex8(value: number): string {
  return hex4(value >>> 16) + hex4(value);
}

/** The last project whose prefix was computed; deriving a project needs it once per record. */
let lastPrefix = { projectId: "", prefix: "" };

/** Returns the first 18 characters shared by every public id of `projectId`. */
export function projectPrefixOf(projectId: string): string {
  if (lastPrefix.projectId === projectId) return lastPrefix.prefix;

  const a = hash32(projectId, 0x811c9dc5, 0x01000193);
  const b = hash32(projectId, 0x9747b28c, 0x5bd1e995);
  const first = ((bucketIndexOf(projectId) << 26) | (a & 0x3ffffff)) >>> 0;
  const prefix = `${hex8(first)}-${hex4(b >>> 16)}-${hex4(0x8000 | (b & 0x0fff))}`;
  lastPrefix = { projectId, prefix };
  return prefix;
}

/**
 * Returns the public id of a clip or collection of `projectId`, given its id in the metadata
 * file. The kind is part of the hash because AutoClip numbers clips and collections from "1"
 * alike, and both must not share an id.
 */
export function publicIdOf(projectId: string, kind: PublicIdKind, fileId: string): string {
  const name = `${kind}/${fileId}`;
  const a = hash32(name, 0x811c9dc5, 0x01000193);
  const b = hash32(name, 0x9747b28c, 0x5bd1e995);

  return `${projectPrefixOf(projectId)}-${hex4(0x8000 | (a >>> 18))}-${hex4(a)}${hex8(b)}`;
}

/**
 * Returns the summary bucket (0 to 63) named by a public id, or null when `value` is not a
 * public id of this scheme (not a UUID, or not version 8 with the RFC variant).
 */
export function bucketOfPublicId(value: string): number | null {
  if (!isUuid(value) || value[14] !== "8" || !"89abAB".includes(value[19] ?? "")) return null;

  const bucket = Number.parseInt(value.slice(0, 8), 16) >>> 26;
  return bucket < BUCKET_COUNT ? bucket : null;
}
