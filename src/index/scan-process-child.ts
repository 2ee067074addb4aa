/**
 * Child process of {@link scanInChildProcess}: runs one scan job from its parent and exits.
 * Not imported by other code.
 */
import { pino } from "pino";
import { holdRemovalsWhileOffline, scanInBatches } from "./batch-scan.ts";
import { applyChanges } from "./index-writes.ts";
import { openStore } from "./lmdb-store.ts";
import type { ProjectChange } from "./records.ts";
import type { FromScanProcess, ScanJob, ToScanProcess } from "./scan-process.ts";

if (!process.send) {
  process.stderr.write("scan-process-child.ts runs only as a child process of scanInChildProcess().\n");
  process.exit(2);
}

/** Sends `message` to the parent and resolves once it was handed to the channel. */
function send(message: FromScanProcess): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send?.(message, undefined, {}, () => resolve());
  });
}

let stopped = false;
/** Resolves the commit waiting for the parent's "commit-allowed". */
let allowCommit: (() => void) | null = null;

async function run(job: ScanJob): Promise<void> {
  const logger = pino(
    { level: job.logLevel, base: null },
    { write: (line: string) => void send({ type: "log", line }) },
  );
  logger.debug({ projects: job.projectIds.length }, "scan process started");
  const store = await openStore(job.indexDir);
  try {
    const changed = await scanInBatches(job.projectIds, {
      projectsDir: job.projectsDir,
      concurrency: job.concurrency,
      batchSize: job.batchSize,
      deriveThreads: job.deriveThreads,
      workerThreshold: job.workerThreshold,
      workerSource: job.workerSource ?? undefined,
      logger,
      nextSeq: () => 0,
      assertOpen: () => {
        if (stopped) throw new Error("The scan was stopped.");
      },
      commit: async (derived) => {
        const { changes, offline } = await holdRemovalsWhileOffline(job.projectsDir, derived);
        if (offline)
          await send({ type: "offline", message: `${job.projectsDir} is missing or not readable` });
        // The parent marks its reads as changing before the commit can show, as for its own writes.
        await new Promise<void>((resolve) => {
          allowCommit = resolve;
          void send({ type: "committing" });
        });
        let applied: ProjectChange[] = [];
        try {
          applied = await store.write((writer) => applyChanges(writer, changes));
        } finally {
          await send({ type: "commit", changes: applied });
        }
        return applied.length;
      },
    });
    await send({ type: "done", changed });
  } catch (error) {
    if (!stopped)
      await send({ type: "failed", message: error instanceof Error ? error.message : String(error) });
  } finally {
    await store.close();
  }
}

let finished = false;

process.on("message", (message: ToScanProcess) => {
  if (message.type === "start") {
    void run(message.job).finally(() => {
      finished = true;
      process.disconnect();
    });
    return;
  }
  if (message.type === "commit-allowed") {
    allowCommit?.();
    allowCommit = null;
    return;
  }

  // The scan stops before its next commit. A thread blocked on a file (a FIFO, a hung mount)
  // keeps the process from exiting, and the parent kills it after a grace period.
  stopped = true;
});
// Ctrl-C sends SIGINT to the terminal's whole foreground process group, and systemd's default
// KillMode=control-group sends SIGTERM to every process of the service. The parent stops this
// process as it shuts down. If this process died first, the parent would take that for a failed
// scan and start the scan again in its own process.
process.on("SIGINT", () => undefined);
process.on("SIGTERM", () => undefined);
// The parent is gone before the scan finished: no process reads the results, and the next start
// scans again. Exit at once, because process.exit() waits for threads blocked on a file.
process.on("disconnect", () => {
  if (!finished) process.kill(process.pid, "SIGKILL");
});
