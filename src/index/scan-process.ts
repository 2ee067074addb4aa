import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Logger } from "../shared/logger.ts";
import type { ProjectChange } from "./records.ts";

/** Job of the scan process: the projects to derive and the index to write, sent as its first message. */
export interface ScanJob {
  indexDir: string;
  projectsDir: string;
  projectIds: string[];
  concurrency: number;
  batchSize: number;
  deriveThreads: number;
  workerThreshold: number;
  /** Bundled sources of the derive workers, so the process need not bundle them again. */
  workerSource: string | null;
  /** pino level of the lines the process sends back. */
  logLevel: string;
}

/** Messages from the parent to the scan process. */
export type ToScanProcess = { type: "start"; job: ScanJob } | { type: "commit-allowed" } | { type: "stop" };

/** Messages from the scan process to the parent. */
export type FromScanProcess =
  /** About to commit; waits for "commit-allowed". */
  | { type: "committing" }
  /** Committed, or failed to (then with no changes). */
  | { type: "commit"; changes: ProjectChange[] }
  | { type: "offline"; message: string }
  | { type: "log"; line: string }
  | { type: "done"; changed: number }
  | { type: "failed"; message: string };

/** Raised when the scan process could not start, failed or ended before it finished. */
export class ScanProcessError extends Error {
  override name = "ScanProcessError";
  readonly code = "SCAN_PROCESS_FAILED";
}

export interface ScanProcessOptions {
  logger: Logger;
  /**
   * Called before each transaction of the process can show to reads; the process waits for it.
   * Each call is followed by one `onCommit()`, unless the process dies first.
   */
  onCommitting(): void;
  /** Called after each transaction the process committed, with the projects it changed. */
  onCommit(changes: ProjectChange[]): void;
  /** Called when the process found `projects/` unreadable and held back removals. */
  onOffline(error: Error): void;
  /** Signal whose abort requests a stop after the current commit, and kills the process if it does not stop. */
  signal: AbortSignal;
  /** Script the process runs; tests pass one that fails. @default scan-process-child.ts */
  script?: string;
}

const CHILD_SCRIPT = fileURLToPath(new URL("./scan-process-child.ts", import.meta.url));

/**
 * Milliseconds a stopped process gets to finish its commit and exit before it is killed. LMDB
 * drops a transaction its process did not commit, so killing it loses nothing committed.
 */
const STOP_GRACE_MS = 2_000;

/** Characters of the process's standard error kept for the error message. */
const STDERR_TAIL = 2_000;

/**
 * Returns the last line of a process's standard error that can name its failure. Node.js ends
 * the report of an uncaught exception with indented stack frames and a `Node.js v20.…` line, so
 * those are skipped.
 */
function failureLineOf(stderr: string): string | undefined {
  const lines = stderr.split("\n").map((line) => line.trimEnd());
  return lines.filter((line) => line !== "" && !/^\s/.test(line) && !/^Node\.js v\d/.test(line)).at(-1);
}

/**
 * Returns the `err` field of a relayed line, which the scan process already serialized, in a
 * form that keeps its `type` through this process's error serializer. That serializer
 * (pino-std-serializers 7, `lib/err.js`) takes `type` from the constructor's name, which would be
 * `Object` here, unless the constructor is not a function, and then it takes `name`.
 */
function relayedError(err: unknown): unknown {
  if (typeof err !== "object" || err === null || typeof (err as { type?: unknown }).type !== "string") {
    return err;
  }

  const relayed = Object.assign(Object.create(null), err);
  Object.defineProperty(relayed, "name", { value: (err as { type: string }).type, enumerable: false });
  return relayed;
}

/** Logs a pino line of the scan process `pid` through `logger`, at its own level. */
function relayLogLine(logger: Logger, line: string, pid: number | undefined): void {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    logger.warn({ line }, "the scan process wrote a log line that is not JSON");
    return;
  }

  const { level, msg, time: _time, ...fields } = entry;
  const label = typeof level === "number" ? logger.levels.labels[level] : undefined;
  const log = label && label in logger ? logger[label as "info"].bind(logger) : logger.info.bind(logger);
  if ("err" in fields) fields.err = relayedError(fields.err);
  log({ ...fields, scanProcessPid: pid }, typeof msg === "string" ? msg : "");
}

/**
 * Runs a scan in a child process: it derives `job.projectIds` and commits them to the index in
 * `job.indexDir` batch by batch, as `scanInBatches()` does in this process. Its memory, the
 * derive workers' allocations and the LMDB pages its writes touch, goes back to the system when
 * it exits, where this long-running process would keep most of it. Resolves with the number of
 * projects whose records changed, after the process has exited. Rejects with ScanProcessError
 * when it fails, and once `signal` is aborted.
 */
export function scanInChildProcess(job: ScanJob, options: ScanProcessOptions): Promise<number> {
  const { logger, signal } = options;
  if (signal.aborted) return Promise.reject(new ScanProcessError("The scan was stopped before it started."));

  return new Promise((resolve, reject) => {
    // Own Node.js options: the daemon's small young generation would slow the scan down.
    const child = fork(options.script ?? CHILD_SCRIPT, [], {
      execArgv: ["--import", import.meta.resolve("tsx")],
      serialization: "advanced",
      stdio: ["ignore", "ignore", "pipe", "ipc"],
    });
    let stderr = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });

    let outcome: { changed: number } | { error: ScanProcessError } | null = null;
    const fail = (message: string) => {
      outcome ??= { error: new ScanProcessError(message) };
    };
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      fail("The scan was stopped.");
      if (child.connected) child.send({ type: "stop" } satisfies ToScanProcess);
      killTimer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    };
    signal.addEventListener("abort", onAbort, { once: true });

    child.on("message", (message: FromScanProcess) => {
      switch (message.type) {
        case "committing":
          options.onCommitting();
          if (child.connected) child.send({ type: "commit-allowed" } satisfies ToScanProcess);
          break;
        case "commit":
          options.onCommit(message.changes);
          break;
        case "offline":
          options.onOffline(new Error(message.message));
          break;
        case "log":
          relayLogLine(logger, message.line, child.pid);
          break;
        case "done":
          outcome ??= { changed: message.changed };
          break;
        case "failed":
          fail(`The scan process failed: ${message.message}`);
          break;
      }
    });
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      clearTimeout(killTimer);
      if (outcome && "changed" in outcome) resolve(outcome.changed);
      else reject(outcome?.error);
    };
    child.on("error", (error) => {
      fail(`Could not run the scan process: ${error.message}`);
      // A process that never started emits no "close".
      if (child.pid === undefined) settle();
    });
    child.on("close", (code, exitSignal) => {
      const detail = failureLineOf(stderr);
      fail(
        `The scan process exited with ${exitSignal ?? `code ${code}`} before it finished${detail ? `: ${detail}` : "."}`,
      );
      settle();
    });
    child.send({ type: "start", job } satisfies ToScanProcess);
  });
}
