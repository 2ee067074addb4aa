import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { type Logger, silentLogger } from "../shared/logger.ts";
import type { ProjectSummary } from "./bucket-table.ts";
import type { EncodedProject } from "./encoded-project.ts";
import type { ProjectRecord } from "./records.ts";
import { bundleWorkerSource } from "./worker-bundle.ts";

/** Projects a worker derives per message: enough to amortize a message, few enough to share the work evenly. */
const PROJECTS_PER_JOB = 32;

/** Work for one worker message. */
export interface DeriveJob {
  projectsDir: string;
  projectIds: string[];
}

/** A worker's result for one project; byte ranges point into the job's buffer. */
export type WorkerOutcome =
  | {
      projectId: string;
      state: "derived";
      record: ProjectRecord;
      summary: ProjectSummary;
      recordBytes: [offset: number, length: number];
      recordsBytes: [offset: number, length: number];
    }
  | { projectId: string; state: "missing" }
  | { projectId: string; state: "failed"; message: string; code: string | null };

/** A worker's reply to one {@link DeriveJob}. */
export interface DeriveJobResult {
  outcomes: WorkerOutcome[];
  /** Every encoded value of the job, back to back. */
  bytes: Uint8Array;
}

/** One project derived by the pool: encoded, null when its folder is gone, or the error it raised. */
export type PoolOutcome =
  | { projectId: string; encoded: EncodedProject | null }
  | { projectId: string; error: Error };

/** Raised for every job a worker held or would have taken when it stopped unexpectedly. */
export class DeriveWorkerError extends Error {
  override name = "DeriveWorkerError";
  readonly code = "DERIVE_WORKER_FAILED";
}

interface QueuedJob {
  job: DeriveJob;
  resolve: (result: DeriveJobResult) => void;
  reject: (error: Error) => void;
}

interface PoolWorker {
  worker: Worker;
  current: QueuedJob | null;
}

/** The module each worker runs. */
const WORKER_ENTRY = new URL("./derive-worker.ts", import.meta.url);

/**
 * Returns the source of a worker that runs the TypeScript sources through tsx, for when the
 * bundle of {@link bundleWorkerSource} is missing. A worker thread gets no module hooks from the
 * main thread, so it registers tsx itself before it imports `derive-worker.ts`.
 *
 * It imports zod and msgpackr, which are plain JavaScript, before tsx, because each module
 * loaded after `register()` costs a round trip to tsx's hooks thread. That cut the time until a
 * worker was ready from about 540 ms to 220 ms (medians of six starts on a busy 2-core machine).
 */
function tsxWorkerSource(): string {
  const tsx = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const preloads = ["zod", "msgpackr"].map((name) => `import(${JSON.stringify(import.meta.resolve(name))})`);
  const entry = JSON.stringify(WORKER_ENTRY.href);

  return `Promise.all([${preloads.join(", ")}]).then(() => import(${tsx})).then((api) => { api.register(); return import(${entry}); });`;
}

/** Set once a failed bundle has been logged, so a process logs it only once. */
let warnedAboutBundle = false;

/** Returns the default number of worker threads: one per core, at most four. */
export function defaultDeriveThreads(): number {
  return Math.min(4, availableParallelism());
}

function errorOf(outcome: Extract<WorkerOutcome, { state: "failed" }>): Error {
  return Object.assign(new Error(outcome.message), outcome.code ? { code: outcome.code } : {});
}

function toPoolOutcome(outcome: WorkerOutcome, bytes: Uint8Array): PoolOutcome {
  const { projectId } = outcome;
  if (outcome.state === "missing") return { projectId, encoded: null };
  if (outcome.state === "failed") return { projectId, error: errorOf(outcome) };

  const [recordOffset, recordLength] = outcome.recordBytes;
  const [recordsOffset, recordsLength] = outcome.recordsBytes;
  return {
    projectId,
    encoded: {
      record: outcome.record,
      summary: outcome.summary,
      recordBytes: bytes.subarray(recordOffset, recordOffset + recordLength),
      recordsBytes: bytes.subarray(recordsOffset, recordsOffset + recordsLength),
    },
  };
}

/**
 * Worker threads that derive and encode projects for rebuild and reconcile, so reading, parsing,
 * validating and encoding run on the other cores while the main thread writes to LMDB and
 * serves requests. A worker that stops fails the jobs it held, and the caller derives those
 * projects on the main thread instead.
 */
export class DerivePool {
  readonly #workers: PoolWorker[] = [];
  readonly #queue: QueuedJob[] = [];
  readonly #source: string;
  readonly #logger: Logger;
  #closed = false;

  /**
   * Starts `threads` workers that run `source`: the bundle from {@link DerivePool.start}, the
   * sources through tsx by default, or other code in tests of a worker that fails.
   */
  constructor(threads: number, options: { source?: string; logger?: Logger } = {}) {
    this.#source = options.source ?? tsxWorkerSource();
    this.#logger = options.logger ?? silentLogger;
    try {
      for (let i = 0; i < threads; i++) this.#startWorker();
    } catch (error) {
      // Workers started before the failure would otherwise keep running with no pool to stop them.
      void this.close();
      throw error;
    }
  }

  /** Resolves with the bundled sources of the workers, or null when bundling failed. */
  static async bundledSource(): Promise<string | null> {
    return (await bundleWorkerSource(WORKER_ENTRY)).source;
  }

  /** Starts bundling the workers' sources ahead of {@link DerivePool.start}, which then waits less. */
  static prepare(): void {
    void bundleWorkerSource(WORKER_ENTRY);
  }

  /**
   * Starts `threads` workers from `source`, made by {@link DerivePool.bundledSource} in another
   * process, or else from the bundled sources, or from the sources through tsx when bundling
   * failed, which is logged once.
   */
  static async start(threads: number, logger: Logger = silentLogger, source?: string): Promise<DerivePool> {
    if (source !== undefined) return new DerivePool(threads, { source, logger });

    const bundle = await bundleWorkerSource(WORKER_ENTRY);
    if (bundle.problem !== null && !warnedAboutBundle) {
      warnedAboutBundle = true;
      logger.warn(
        { problem: bundle.problem },
        "could not bundle the derive worker; running its sources through tsx",
      );
    }

    return new DerivePool(threads, { source: bundle.source ?? undefined, logger });
  }

  /** False once every worker has stopped or the pool was closed, and derive() then rejects. */
  get running(): boolean {
    return !this.#closed && this.#workers.length > 0;
  }

  #startWorker(): void {
    // NOTE: a `--max-semi-space-size` on node's command line (the daemon's launch passes 1) also
    // caps each worker's young generation, and `resourceLimits` cannot raise it, so the daemon's
    // rebuild spends more time in garbage collection than the benchmark's in-process one.
    const worker = new Worker(this.#source, { eval: true });
    const entry: PoolWorker = { worker, current: null };
    this.#workers.push(entry);

    worker.on("message", (result: DeriveJobResult) => {
      const done = entry.current;
      entry.current = null;
      done?.resolve(result);
      this.#dispatch();
    });
    const fail = (error: Error) => this.#dropWorker(entry, error);
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (!this.#closed) fail(new DeriveWorkerError(`A derive worker exited with code ${code}.`));
    });
  }

  #dropWorker(entry: PoolWorker, cause: Error): void {
    const at = this.#workers.indexOf(entry);
    if (at === -1) return;
    this.#workers.splice(at, 1);
    void entry.worker.terminate();

    const error =
      cause instanceof DeriveWorkerError
        ? cause
        : new DeriveWorkerError(`A derive worker stopped: ${cause.message}`, { cause });
    this.#logger.warn(
      { err: error, workersLeft: this.#workers.length, projectIds: entry.current?.job.projectIds ?? [] },
      "a derive worker stopped",
    );
    entry.current?.reject(error);
    entry.current = null;
    if (this.#workers.length === 0) {
      for (const queued of this.#queue.splice(0)) queued.reject(error);
    }
  }

  #dispatch(): void {
    for (const entry of this.#workers) {
      if (entry.current) continue;
      const next = this.#queue.shift();
      if (!next) return;
      entry.current = next;
      entry.worker.postMessage(next.job);
    }
  }

  #run(projectsDir: string, projectIds: string[]): Promise<DeriveJobResult> {
    if (this.#closed || this.#workers.length === 0) {
      return Promise.reject(new DeriveWorkerError("The derive pool has no running worker."));
    }

    return new Promise((resolve, reject) => {
      this.#queue.push({ job: { projectsDir, projectIds }, resolve, reject });
      this.#dispatch();
    });
  }

  /**
   * Derives and encodes `projectIds`, in jobs spread over the workers, and returns one outcome
   * per project in the same order. Rejects with DeriveWorkerError when a worker stopped.
   */
  async derive(projectsDir: string, projectIds: readonly string[]): Promise<PoolOutcome[]> {
    const jobs: Array<Promise<DeriveJobResult>> = [];
    for (let start = 0; start < projectIds.length; start += PROJECTS_PER_JOB) {
      jobs.push(this.#run(projectsDir, projectIds.slice(start, start + PROJECTS_PER_JOB)));
    }

    const results = await Promise.all(jobs);
    return results.flatMap((result) =>
      result.outcomes.map((outcome) => toPoolOutcome(outcome, result.bytes)),
    );
  }

  /** Stops every worker; jobs still waiting are rejected. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    const error = new DeriveWorkerError("The derive pool was closed.");
    for (const queued of this.#queue.splice(0)) queued.reject(error);
    const workers = this.#workers.splice(0);
    for (const entry of workers) entry.current?.reject(error);
    await Promise.all(workers.map((entry) => entry.worker.terminate()));
  }
}
