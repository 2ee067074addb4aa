import { close, fstat, open, read, readFileSync, type Stats, statSync } from "node:fs";
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

/** A whole file's bytes with the stats of the open file taken before they were read. */
interface FileBytes {
  bytes: Buffer;
  stats: Stats;
}

/** Reads from `fd` until the end of the file, starting with a buffer one byte larger than `size`. */
function readToEnd(fd: number, size: number, done: (error: Error | null, bytes?: Buffer) => void): void {
  let buffer = Buffer.allocUnsafe(size + 1);
  let length = 0;

  const next = () =>
    read(fd, buffer, length, buffer.length - length, length, (error, bytesRead) => {
      if (error) return done(error);

      length += bytesRead;
      if (bytesRead === 0 || length < buffer.length) return done(null, buffer.subarray(0, length));

      // The file grew after fstat; keep reading.
      const larger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(larger, 0, 0, length);
      buffer = larger;
      next();
    });
  next();
}

/**
 * Opens, stats, reads and closes `file` with the callback API: four thread-pool round trips and
 * no FileHandle, about half the work of `fs/promises` `open` + `stat` + `readFile`. Rejects with
 * the file-system error, tagged with `stage: "open"` when the file could not be opened.
 *
 * NOTE: a FIFO named like a tracked file blocks the open until a writer appears, on this path
 * and in `readProjectFileSync`, so a rebuild or reconcile waits for it (requests are still served).
 */
function readWithStats(file: string): Promise<FileBytes> {
  return new Promise((resolve, reject) => {
    open(file, "r", (openError, fd) => {
      if (openError) {
        reject(Object.assign(openError, { stage: "open" }));
        return;
      }

      const finish = (error: Error | null, result?: FileBytes) =>
        close(fd, () => (error || !result ? reject(error) : resolve(result)));
      fstat(fd, (statError, stats) => {
        if (statError) return finish(statError);
        // A read error keeps the stats, so the file gets the fingerprint the blocking read gives it.
        readToEnd(fd, stats.size, (readError, bytes) =>
          finish(readError && Object.assign(readError, { stats }), bytes && { bytes, stats }),
        );
      });
    });
  });
}

/**
 * Reads the JSON file `file` and validates it with `schema`. The fingerprint comes from the
 * open file, so it describes the bytes that were parsed even when the file is renamed over
 * meanwhile. A file that grows while it is read keeps its smaller size in the fingerprint, so
 * reconcile reads it again. Read errors other than "not found" count as invalid files.
 */
export async function readProjectFile<Schema extends z.ZodType>(
  file: string,
  schema: Schema,
): Promise<ProjectFileResult<z.output<Schema>>> {
  let loaded: FileBytes;
  try {
    loaded = await readWithStats(file);
  } catch (error) {
    return readFailure(file, error);
  }

  return parseProjectFile(loaded, schema);
}

/**
 * Does what {@link readProjectFile} does with blocking calls. Only for worker threads: on the
 * main thread a file that blocks (a FIFO, a hung network mount) would stop every request.
 */
export function readProjectFileSync<Schema extends z.ZodType>(
  file: string,
  schema: Schema,
): ProjectFileResult<z.output<Schema>> {
  let stats: Stats | undefined;
  try {
    stats = statSync(file, { throwIfNoEntry: false });
  } catch (error) {
    // ENOTDIR (a file where a parent folder should be) is "not found", as when opening it.
    if (isNotFound(error)) return { state: "missing", fingerprint: null };
    return { state: "invalid", reason: describeReadError(error), fingerprint: null };
  }
  if (!stats) return { state: "missing", fingerprint: null };

  // The stats are taken before the read, so a file replaced in between is read again by the
  // next reconcile. readFileSync with an encoding opens, reads, decodes and closes in one native
  // call, which costs far less CPU time than the same steps from JavaScript.
  const fingerprint = fingerprintOf(stats);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (isNotFound(error)) return { state: "missing", fingerprint: null };
    return { state: "invalid", reason: describeReadError(error), fingerprint };
  }

  return parseProjectText(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, fingerprint, schema);
}

/** Turns an error from opening or reading `file` into the result of a missing or invalid file. */
function readFailure(file: string, error: unknown): ProjectFileResult<never> {
  if ((error as { stage?: string }).stage !== "open") {
    // Reading a folder opens it and then fails with EISDIR. Its stats from fstat are its fingerprint.
    const stats = (error as { stats?: Stats }).stats;
    return {
      state: "invalid",
      reason: describeReadError(error),
      fingerprint: stats ? fingerprintOf(stats) : null,
    };
  }
  if (isNotFound(error)) return { state: "missing", fingerprint: null };

  // With a fingerprint, reconcile re-reads the file only after its size, mtime or inode change.
  let fingerprint: Fingerprint = null;
  try {
    fingerprint = statFingerprint(file);
  } catch {
    // Without a fingerprint, reconcile reads the file again every time.
  }
  return { state: "invalid", reason: describeReadError(error), fingerprint };
}

/** Parses a file's bytes as JSON and validates the value with `schema`. */
function parseProjectFile<Schema extends z.ZodType>(
  loaded: FileBytes,
  schema: Schema,
): ProjectFileResult<z.output<Schema>> {
  const { bytes } = loaded;
  // A byte order mark is not JSON, but editors on Windows add one.
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;

  return parseProjectText(bytes.toString("utf8", start), fingerprintOf(loaded.stats), schema);
}

/** Parses a file's text, without a byte order mark, as JSON and validates the value with `schema`. */
function parseProjectText<Schema extends z.ZodType>(
  text: string,
  fingerprint: Fingerprint,
  schema: Schema,
): ProjectFileResult<z.output<Schema>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
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
export function statFingerprint(file: string): Fingerprint {
  try {
    return fingerprintOf(statSync(file));
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
