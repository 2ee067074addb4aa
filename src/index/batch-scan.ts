import type { Logger } from "../shared/logger.ts";
import { DerivePool, type PoolOutcome } from "./derive-pool.ts";
import { deriveProject } from "./derive-project.ts";
import { type EncodedProject, encodeProject } from "./encoded-project.ts";
import { bucketOf } from "./keys.ts";
import { mapConcurrent } from "./map-concurrent.ts";
import { isFolderReadable } from "./project-folders.ts";

/** A derivation waiting to be committed; `seq` orders derivations of the same project. */
export interface PendingChange {
  projectId: string;
  seq: number;
  encoded: EncodedProject | null;
}

export interface BatchScanOptions {
  projectsDir: string;
  /** Project folders read at once on the main thread. */
  concurrency: number;
  /** Projects committed per transaction. */
  batchSize: number;
  /** Worker threads to derive with; 0 derives on the main thread. */
  deriveThreads: number;
  /** Projects a scan must have before it starts worker threads. */
  workerThreshold: number;
  /** Bundled sources of the derive workers, when another process made them. */
  workerSource?: string;
  logger: Logger;
  /** Returns the next derivation number; called as a project's derivation starts. */
  nextSeq(): number;
  /** Raises when the scan must stop; called before each commit. */
  assertOpen(): void;
  /** Commits one batch in one transaction and resolves with the number of projects it changed. */
  commit(changes: PendingChange[]): Promise<number>;
}

/**
 * Holds back the removals among `changes` while `projectsDir` itself is unreadable, because then
 * a missing project folder does not mean the project was deleted. `offline` is true when it is unreadable.
 */
export async function holdRemovalsWhileOffline<Change extends { encoded: EncodedProject | null }>(
  projectsDir: string,
  changes: Change[],
): Promise<{ changes: Change[]; offline: boolean }> {
  if (!changes.some((change) => change.encoded === null) || (await isFolderReadable(projectsDir))) {
    return { changes, offline: false };
  }

  return { changes: changes.filter((change) => change.encoded !== null), offline: true };
}

/** Orders project ids as their summaries are stored: by bucket, then by id. */
function sortByBucket(projectIds: readonly string[]): string[] {
  const keyed = projectIds.map((projectId) => ({ projectId, key: `${bucketOf(projectId)}/${projectId}` }));
  keyed.sort((a, b) => {
    if (a.key === b.key) return 0;
    return a.key < b.key ? -1 : 1;
  });

  return keyed.map(({ projectId }) => projectId);
}

/** Starts worker threads for a scan of `projects` projects, or returns null to derive on the main thread. */
async function startPool(projects: number, options: BatchScanOptions): Promise<DerivePool | null> {
  if (options.deriveThreads < 1 || projects < options.workerThreshold) return null;

  try {
    return await DerivePool.start(options.deriveThreads, options.logger, options.workerSource);
  } catch (error) {
    options.logger.warn({ err: error }, "could not start derive worker threads; deriving on the main thread");
    return null;
  }
}

/**
 * Derives `projectIds` with the worker threads of `pool`, or on the main thread `concurrency`
 * at a time. A project that cannot be read is logged and left out. When a worker stops, its
 * projects are derived on the main thread. Once `stopped()` returns true, the scan no longer
 * waits for the batch, so it derives no more projects and resolves with no changes.
 */
async function deriveBatch(
  projectIds: string[],
  pool: DerivePool | null,
  stopped: () => boolean,
  options: BatchScanOptions,
): Promise<PendingChange[]> {
  const { projectsDir, logger } = options;
  const seqs = projectIds.map(() => options.nextSeq());
  let outcomes: PoolOutcome[] | null = null;
  if (pool?.running) {
    try {
      outcomes = await pool.derive(projectsDir, projectIds);
    } catch (error) {
      // The scan stopped and closed the pool, so no worker failed.
      if (stopped()) return [];
      logger.warn({ err: error }, "a derive worker failed; deriving its projects on the main thread");
    }
  }
  outcomes ??= await mapConcurrent(
    projectIds,
    options.concurrency,
    async (projectId): Promise<PoolOutcome> => {
      if (stopped()) throw new Error("The scan stopped before this project was derived.");
      try {
        const derived = await deriveProject(projectsDir, projectId);
        return { projectId, encoded: derived && encodeProject(derived) };
      } catch (error) {
        return { projectId, error: error as Error };
      }
    },
  );

  if (stopped()) return [];

  const changes: PendingChange[] = [];
  outcomes.forEach((outcome, i) => {
    if ("error" in outcome) {
      const { projectId, error } = outcome;
      logger.error({ err: error, projectId }, "could not derive project; keeping its old records");
      return;
    }
    changes.push({ projectId: outcome.projectId, seq: seqs[i] as number, encoded: outcome.encoded });
  });
  return changes;
}

/**
 * Derives `projectIds` in batches and commits each batch with `options.commit`. A project whose
 * folder cannot be read is logged and skipped, keeping its old records. Resolves with the number
 * of projects whose records changed.
 */
export async function scanInBatches(
  projectIds: readonly string[],
  options: BatchScanOptions,
): Promise<number> {
  // In bucket order each batch touches a few buckets, so each commit re-derives the totals of
  // those few and a rebuild scans each summary about once instead of once per batch.
  const ordered = sortByBucket(projectIds);
  const batches: string[][] = [];
  for (let start = 0; start < ordered.length; start += options.batchSize) {
    batches.push(ordered.slice(start, start + options.batchSize));
  }

  const pool = await startPool(ordered.length, options);
  // With workers, two batches are derived ahead while one commits, so the workers never wait
  // for the writer. On the main thread the next batch is derived while one commits, which keeps
  // `concurrency` the limit of folders read at once.
  const batchesAhead = pool ? 2 : 0;
  const derivations = new Map<number, Promise<PendingChange[]>>();
  let stopped = false;
  const deriveAhead = (batch: number) => {
    const ids = batches[batch];
    if (!ids || derivations.has(batch)) return;
    const derivation = deriveBatch(ids, pool, () => stopped, options);
    // Handled here so a batch left behind by a failed commit is not reported as unhandled.
    derivation.catch(() => undefined);
    derivations.set(batch, derivation);
  };

  let changed = 0;
  let committing: Promise<number> | undefined;
  try {
    for (let batch = 0; batch < batches.length; batch++) {
      for (let ahead = batch; ahead <= batch + batchesAhead; ahead++) deriveAhead(ahead);
      const derived = await (derivations.get(batch) as Promise<PendingChange[]>);
      derivations.delete(batch);
      changed += (await committing) ?? 0;
      options.assertOpen();
      committing = options.commit(derived);
      committing.catch(() => undefined);
    }

    return changed + ((await committing) ?? 0);
  } finally {
    // Batches derived ahead of a failed commit or a close() are dropped. They stop before the
    // scan settles, so close(), which waits for the scan, returns after the last file read.
    stopped = true;
    await pool?.close();
    await Promise.allSettled(derivations.values());
  }
}
