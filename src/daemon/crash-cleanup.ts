import { readdir } from "node:fs/promises";
import path from "node:path";
import type { DataLayout } from "../project/layout.ts";
import { releaseStaleLocks } from "../project/lock.ts";
import type { Logger } from "../shared/logger.ts";
import { recoverUnfinishedIngests } from "./ingest.ts";

/** Leftovers that one cleanup pass could not clear because a lock was still live. */
export interface CleanupPending {
  /** Half-built project folders whose build lock was live. */
  skippedFolders: number;
  /** Project folders whose lock was live. */
  lockedProjects: string[];
}

async function listProjectDirs(layout: DataLayout): Promise<string[]> {
  const entries = await readdir(layout.projects, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => path.join(layout.projects, entry.name));
}

/**
 * Clears what a killed process leaves behind: returns the inputs of half-built project folders
 * to the inbox and removes stale project locks. Checks only `projectDirs` for locks when given,
 * else every project folder. Runs at start-up, before the inbox is watched and jobs are queued.
 */
export async function cleanUpAfterCrash(
  layout: DataLayout,
  staleLockMs: number,
  logger: Logger,
  projectDirs?: readonly string[],
): Promise<CleanupPending> {
  const recovery = await recoverUnfinishedIngests(layout, logger, staleLockMs);
  if (recovery.recovered > 0) {
    logger.warn({ recovered: recovery.recovered }, "returned half-ingested videos to the inbox");
  }

  const locks = await releaseStaleLocks(projectDirs ?? (await listProjectDirs(layout)), staleLockMs);
  if (locks.released.length > 0) {
    const projectIds = locks.released.map((dir) => path.basename(dir));
    logger.info({ projectIds }, "removed project locks left by a stopped process");
  }
  return { skippedFolders: recovery.skipped, lockedProjects: locks.live };
}

/**
 * Runs the cleanup again a stale-lock time plus a second after a pass that found live locks.
 * A daemon restarted quickly after a crash finds its own locks still fresh, and only a later
 * pass can clear them. Half-built folders are tried until none is locked. Project locks are
 * tried once more only, because a lock that is live again belongs to a running process.
 */
export function retryCleanup(
  pending: CleanupPending,
  layout: DataLayout,
  staleLockMs: number,
  logger: Logger,
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const schedule = (next: CleanupPending) => {
    if (stopped || (next.skippedFolders === 0 && next.lockedProjects.length === 0)) return;

    logger.info(
      { folders: next.skippedFolders, projects: next.lockedProjects.length },
      "some leftovers of a stopped process are still locked; trying them again later",
    );
    timer = setTimeout(() => {
      cleanUpAfterCrash(layout, staleLockMs, logger, next.lockedProjects).then(
        (result) => schedule({ skippedFolders: result.skippedFolders, lockedProjects: [] }),
        (error: unknown) => logger.error({ err: error }, "could not clean up after a stopped process"),
      );
    }, staleLockMs + 1000);
    timer.unref();
  };

  schedule(pending);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
