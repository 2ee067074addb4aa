import { hash } from "node:crypto";

/**
 * Namespace of the public clip and collection ids. Changing it changes every id the HTTP API
 * has served, so bookmarks and frontend caches would break.
 */
export const PUBLIC_ID_NAMESPACE = "5f1c7a3e-2b84-4d0a-9c61-8e2f4b7d9a10";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tells whether `value` is a UUID in the 8-4-4-4-12 hexadecimal form. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Bytes of each namespace used so far; a rebuild computes hundreds of thousands of ids in one. */
const namespaceBytesCache = new Map<string, Buffer>();

function namespaceBytesOf(namespace: string): Buffer {
  const cached = namespaceBytesCache.get(namespace);
  if (cached) return cached;

  if (!isUuid(namespace)) {
    throw new TypeError(
      `Expected the namespace as a UUID like 6ba7b810-9dad-11d1-80b4-00c04fd430c8, got "${namespace}".`,
    );
  }
  const bytes = Buffer.from(namespace.replaceAll("-", ""), "hex");
  namespaceBytesCache.set(namespace, bytes);
  return bytes;
}

/**
 * Computes the name-based UUID version 5 of `name` in `namespace`: the SHA-1 of the namespace's
 * 16 bytes followed by the UTF-8 name, cut to 16 bytes, with the version (5) and the RFC 4122
 * variant bits set.
 */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = namespaceBytesOf(namespace);
  const input = Buffer.allocUnsafe(16 + Buffer.byteLength(name, "utf8"));
  namespaceBytes.copy(input, 0);
  input.write(name, 16, "utf8");
  // One-shot crypto.hash (Node.js 20.12 and later) costs about half of a createHash object.
  const bytes = hash("sha1", input, "buffer").subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;

  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Kinds of record that get a public id. */
export type PublicIdKind = "clip" | "collection";

/**
 * Returns the public id of a clip or collection: a UUIDv5 of the project id, the kind and the
 * id in the metadata file. The kind is part of the name because AutoClip numbers clips and
 * collections from "1" alike, and both must not share an id.
 */
export function publicIdOf(projectId: string, kind: PublicIdKind, fileId: string): string {
  return uuidV5(`${projectId}/${kind}/${fileId}`, PUBLIC_ID_NAMESPACE);
}
