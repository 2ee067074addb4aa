import { stat } from "node:fs/promises";
import path from "node:path";
import lockfile from "proper-lockfile";
import { hasErrorCode } from "../shared/fs-errors.ts";
import { mapInBatches } from "../shared/map-in-batches.ts";

/** Name of the lock folder that proper-lockfile creates inside a project folder. */
export const LOCK_NAME = ".lock";

/**
 * Suffix of the lock folder that guards a project folder while ingest builds it. It sits beside
 * the folder (`.tmp-ID.lock` next to `.tmp-ID`), so renaming the finished folder leaves it behind.
 */
export const BUILD_LOCK_SUFFIX = ".lock";

export interface LockOptions {
  /**
   * Milliseconds after which a lock whose holder stopped refreshing it is taken over. @default 30000
   * NOTE: the HTTP edit routes use this default, not `--stale-lock-seconds`, so an edit of a
   * project whose lock a killed daemon left can fail with 409 for up to 30 s.
   */
  staleMs?: number;
  /** Milliseconds to keep retrying while another process holds the lock; 0 fails at once. @default 0 */
  waitMs?: number;
  /** Called when the lock was lost (its folder removed or taken over), so work can stop. */
  onCompromised?: (error: Error) => void;
}

/** Raised when another process holds a project's lock. */
export class ProjectLockedError extends Error {
  override name = "ProjectLockedError";
  readonly code = "PROJECT_LOCKED";

  constructor(
    readonly projectDir: string,
    options?: { cause?: unknown },
  ) {
    super(
      `Project folder ${projectDir} is locked by another process; try again when its step has finished.`,
      options,
    );
  }
}

export type ReleaseLock = () => Promise<void>;

/**
 * Takes the lock of the project folder `dir`. Only its holder writes inside the folder.
 * Raises {@link ProjectLockedError} when another live process holds it.
 */
export function lockProject(dir: string, options: LockOptions = {}): Promise<ReleaseLock> {
  return lockAt(dir, path.join(dir, LOCK_NAME), options);
}

/**
 * Takes the lock of a project folder that ingest builds under a temporary name, so that the
 * start-up recovery of another daemon sharing the data folder leaves it alone. The folder need
 * not exist yet. Raises {@link ProjectLockedError} when another live process holds it.
 */
export function lockBuild(tempDir: string, options: LockOptions = {}): Promise<ReleaseLock> {
  return lockAt(tempDir, `${tempDir}${BUILD_LOCK_SUFFIX}`, options);
}

async function lockAt(dir: string, lockfilePath: string, options: LockOptions): Promise<ReleaseLock> {
  const staleMs = options.staleMs ?? 30_000;
  const waitMs = options.waitMs ?? 0;
  const retries =
    waitMs > 0 ? { retries: Math.max(1, Math.ceil(waitMs / 100)), minTimeout: 100, maxTimeout: 100 } : 0;

  try {
    const release = await lockfile.lock(dir, {
      lockfilePath,
      realpath: false,
      stale: staleMs,
      update: Math.max(1000, Math.floor(staleMs / 3)),
      retries,
      onCompromised: (error) => options.onCompromised?.(error),
    });
    let released = false;

    return async () => {
      if (released) return;
      released = true;
      await release().catch((error: unknown) => {
        // A lock folder removed with its project (or taken over) has nothing left to release.
        if (!hasErrorCode(error, "ERELEASED", "ENOTACQUIRED", "ENOENT")) throw error;
      });
    };
  } catch (error) {
    if (hasErrorCode(error, "ELOCKED")) throw new ProjectLockedError(dir, { cause: error });
    throw error;
  }
}

/** Runs `work` while holding the project's lock, and releases it afterwards. */
export async function withProjectLock<T>(
  dir: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const release = await lockProject(dir, options);

  try {
    return await work();
  } finally {
    await release();
  }
}

/** Tells whether a live process holds the project's lock. */
export async function isProjectLocked(dir: string, staleMs = 30_000): Promise<boolean> {
  return lockfile.check(dir, { lockfilePath: path.join(dir, LOCK_NAME), realpath: false, stale: staleMs });
}

/** Project folders whose lock is looked for at once. */
const LOCK_STAT_BATCH = 64;

/**
 * Removes the lock of each project folder in `dirs` whose holder stopped refreshing it more
 * than `staleMs` ago, such as a daemon killed after its last step. Without this, the lock of a
 * project that no step runs again stays in its folder for good. Resolves with the folders whose
 * lock was removed and those whose lock is still live.
 */
export async function releaseStaleLocks(
  dirs: readonly string[],
  staleMs: number,
): Promise<{ released: string[]; live: string[] }> {
  const released: string[] = [];
  const live: string[] = [];

  // Most folders have no lock, so their locks are looked for in parallel batches. One after
  // another, 10,000 folders took about 0.6 s of daemon start-up.
  const locks = await mapInBatches(dirs, LOCK_STAT_BATCH, (dir) =>
    stat(path.join(dir, LOCK_NAME)).catch(() => null),
  );
  const locked = dirs.filter((_, index) => locks[index] !== null);

  for (const dir of locked) {
    try {
      // Taking a stale lock removes it first; releasing the new one removes the folder.
      const release = await lockProject(dir, { staleMs });
      await release();
      released.push(dir);
    } catch (error) {
      if (!(error instanceof ProjectLockedError)) throw error;
      live.push(dir);
    }
  }
  return { released, live };
}
