import { open, stat } from "node:fs/promises";
import type { z } from "zod";
import { describeIssues } from "../project/read-json.ts";
import { hasErrorCode, isNotFound } from "../shared/fs-errors.ts";
import type { Fingerprint } from "./records.ts";

/** Outcome of reading one JSON file of a project folder. */
export type ProjectFileResult<T> =
  | { state: "missing"; fingerprint: null }
  | { state: "valid"; value: T; fingerprint: Fingerprint }
  | { state: "invalid"; reason: string; fingerprint: Fingerprint };

function fingerprintOf(stats: { size: number; mtimeMs: number; ino: number }): Fingerprint {
  return [stats.size, stats.mtimeMs, stats.ino];
}

/** Returns a short reason for an error raised while opening or reading a file. */
function describeReadError(error: unknown): string {
  if (hasErrorCode(error, "EACCES", "EPERM")) return "permission denied";
  if (hasErrorCode(error, "EISDIR")) return "is a folder, not a file";

  return `could not be read (${error instanceof Error ? error.message : String(error)})`;
}

/**
 * Reads the JSON file `file` and validates it with `schema`. The fingerprint comes from the
 * open file handle, so it describes exactly the bytes that were parsed even when the file is
 * renamed over meanwhile. Read errors other than "not found" count as invalid files.
 */
export async function readProjectFile<Schema extends z.ZodType>(
  file: string,
  schema: Schema,
): Promise<ProjectFileResult<z.output<Schema>>> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if (isNotFound(error)) return { state: "missing", fingerprint: null };

    // With a fingerprint, reconcile re-reads the file only after its size, mtime or inode change.
    const fingerprint = await statFingerprint(file).catch(() => null);
    return { state: "invalid", reason: describeReadError(error), fingerprint };
  }

  let text: string;
  let fingerprint: Fingerprint;
  try {
    fingerprint = fingerprintOf(await handle.stat());
    text = await handle.readFile("utf8");
  } catch (error) {
    return { state: "invalid", reason: describeReadError(error), fingerprint: null };
  } finally {
    await handle.close();
  }

  let value: unknown;
  try {
    // A byte order mark is not JSON, but editors on Windows add one.
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    return { state: "invalid", reason: `not valid JSON (${(error as Error).message})`, fingerprint };
  }

  const result = schema.safeParse(value);
  if (!result.success) return { state: "invalid", reason: describeIssues(result.error), fingerprint };

  return { state: "valid", value: result.data, fingerprint };
}

/**
 * Returns the current fingerprint of `file` without reading it: null when it is missing.
 * Other stat errors are raised.
 */
export async function statFingerprint(file: string): Promise<Fingerprint> {
  try {
    return fingerprintOf(await stat(file));
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
