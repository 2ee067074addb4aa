/**
 * Start-up time and resident memory of the real daemon (`bin/autoclipd.js`) on a data folder,
 * read from its pino log lines and from /proc (Linux only).
 */
import { readFile } from "node:fs/promises";
import { startDaemonProcess } from "../../test/helpers/daemon-process.ts";
import { waitFor } from "../../test/helpers/wait-for.ts";

export interface DaemonStartResult {
  /** Milliseconds from spawning the process to its "daemon started" line. */
  startedMs: number;
  /** Seconds the daemon logged for building or reconciling the index ("index ready"). */
  indexSeconds: number | null;
  /**
   * Milliseconds from spawning to the project watcher's reconcile after its initial scan. From
   * then on file changes reach the index. Null when it was not logged in time.
   */
  watcherReadyMs: number | null;
  /** VmRSS and VmHWM (peak) of the daemon process after it settled, in MB (10^6 bytes). */
  rssMB: number;
  peakRssMB: number;
  /**
   * The two parts of VmRSS, in MB: anonymous memory (the heap and native allocations) and mapped
   * file pages, most of them pages of the LMDB file that are also in the page cache.
   */
  anonymousMB: number;
  fileMB: number;
}

export interface DaemonStartOptions {
  dataDir: string;
  indexDir: string;
  /** Milliseconds to wait after the watcher is ready before memory is read. */
  settleMs: number;
  timeoutMs: number;
}

/** Reads a `kB` (1024 bytes) field such as VmRSS from /proc/<pid>/status, in MB (10^6 bytes). */
async function readStatusMB(pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no ${field} line; memory can be read on Linux only.`);

  return (Number(match[1]) * 1024) / 1e6;
}

function logTime(entry: Record<string, unknown>): number {
  return typeof entry.time === "number" ? entry.time : Number.NaN;
}

/**
 * Starts the daemon with debug logs on an ephemeral port of 127.0.0.1, waits until its project
 * watcher is ready and `settleMs` more, reads its memory, and stops it with SIGTERM.
 */
export async function measureDaemonStart(options: DaemonStartOptions): Promise<DaemonStartResult> {
  const spawnedAt = Date.now();
  const daemon = await startDaemonProcess(
    [
      "--data-dir",
      options.dataDir,
      "--index-dir",
      options.indexDir,
      "--log-level",
      "debug",
      "--host",
      "127.0.0.1",
    ],
    options.timeoutMs,
  );

  let result: DaemonStartResult;
  let exitCode: number | null;
  try {
    const pid = daemon.child.pid;
    if (pid === undefined) throw new Error("The daemon process has no pid.");
    const started = daemon.logs.find((entry) => entry.msg === "daemon started");
    const ready = daemon.logs.find((entry) => entry.msg === "index ready");
    const watching = await waitFor(
      "the project watcher's reconcile after its initial scan",
      () => {
        const scanned = daemon.logs.findIndex((entry) => entry.msg === "watching project folders");
        if (scanned < 0) return undefined;
        return daemon.logs
          .slice(scanned + 1)
          .find((entry) => typeof entry.msg === "string" && entry.msg.startsWith("index reconciled"));
      },
      options.timeoutMs,
      100,
    ).catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, options.settleMs));

    result = {
      startedMs: started ? logTime(started) - spawnedAt : Number.NaN,
      indexSeconds: typeof ready?.seconds === "number" ? ready.seconds : null,
      watcherReadyMs: watching ? logTime(watching) - spawnedAt : null,
      rssMB: await readStatusMB(pid, "VmRSS"),
      peakRssMB: await readStatusMB(pid, "VmHWM"),
      anonymousMB: await readStatusMB(pid, "RssAnon"),
      fileMB: await readStatusMB(pid, "RssFile"),
    };
  } finally {
    exitCode = await daemon.stop();
  }
  if (exitCode !== 0) throw new Error(`The daemon exited with code ${exitCode} after SIGTERM.`);

  return result;
}
