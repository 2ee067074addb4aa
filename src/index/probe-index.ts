import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isNotFound } from "../shared/fs-errors.ts";
import { STORE_FILE_NAME } from "./lmdb-store.ts";

/** State of an index folder as found at start-up. */
export type IndexHealth =
  | { state: "missing" }
  | { state: "ok"; entries: number }
  | { state: "corrupt"; reason: string };

const CHILD_SCRIPT = fileURLToPath(new URL("./probe-index-child.ts", import.meta.url));

/** Milliseconds the probe may take before the index counts as unreadable. */
const PROBE_TIMEOUT_MS = 60_000;

/**
 * Checks in a child process that the index folder can be opened and every key read. LMDB
 * crashes its process with a segmentation fault on some corrupt files, and the daemon must
 * survive that to move the folder aside and rebuild it.
 */
export async function probeIndex(indexDir: string): Promise<IndexHealth> {
  try {
    await stat(path.join(indexDir, STORE_FILE_NAME));
  } catch (error) {
    if (isNotFound(error)) return { state: "missing" };
    throw error;
  }

  const tsx = import.meta.resolve("tsx");
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", tsx, CHILD_SCRIPT, indexDir],
      { timeout: PROBE_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) {
          const entries = Number((JSON.parse(stdout) as { entries: number }).entries);
          resolve({ state: "ok", entries });
          return;
        }

        const signal = (error as { signal?: string | null }).signal;
        const detail = stderr.trim().split("\n").at(-1) ?? "";
        resolve({
          state: "corrupt",
          reason: signal ? `reading the index crashed with ${signal}` : detail || error.message,
        });
      },
    );
  });
}
