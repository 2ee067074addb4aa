import PQueue from "p-queue";
import type { RunResult } from "../pipeline/pipeline-runner.ts";
import type { Logger } from "../shared/logger.ts";

export interface JobQueueOptions {
  /** Pipeline runs at once. */
  concurrency: number;
  /** Runs the pipeline of one project. */
  run: (projectId: string, signal: AbortSignal) => Promise<RunResult>;
  /** Milliseconds to wait before trying a project again whose lock another process held. */
  lockedRetryMs: number;
  logger: Logger;
}

/**
 * Runs project pipelines with bounded concurrency. A project is queued at most once at a time.
 * A project locked by another process is tried again later, so a project whose lock holder
 * died is taken over once its lock turns stale.
 */
export class JobQueue {
  readonly #queue: PQueue;
  readonly #options: JobQueueOptions;
  readonly #logger: Logger;
  readonly #abort = new AbortController();
  readonly #queued = new Set<string>();
  readonly #retryTimers = new Map<string, NodeJS.Timeout>();
  #closing: Promise<void> | undefined;

  constructor(options: JobQueueOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ module: "queue" });
    this.#queue = new PQueue({ concurrency: options.concurrency });
  }

  /**
   * Queues a project unless it is already queued or running, waiting to retry another
   * process's lock, or the queue is closed.
   */
  enqueue(projectId: string): void {
    if (this.#abort.signal.aborted || this.#queued.has(projectId)) return;
    // A project waiting for another process's lock is tried again when its timer fires.
    if (this.#retryTimers.has(projectId)) return;

    this.#queued.add(projectId);
    this.#logger.debug({ projectId }, "project queued");
    this.#queue
      .add(async () => {
        try {
          const result = await this.#options.run(projectId, this.#abort.signal);
          if (result === "locked") this.#retryLater(projectId);
        } finally {
          this.#queued.delete(projectId);
        }
      })
      .catch((error: unknown) => this.#logger.error({ err: error, projectId }, "pipeline run failed"));
  }

  /** Number of projects queued or running. */
  get size(): number {
    return this.#queued.size;
  }

  /** Resolves when nothing is queued or running. */
  onIdle(): Promise<void> {
    return this.#queue.onIdle();
  }

  /** Stops taking jobs, aborts running ones and waits for them to stop. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const timer of this.#retryTimers.values()) clearTimeout(timer);
      this.#retryTimers.clear();
      this.#queue.clear();
      this.#abort.abort(new Error("daemon is shutting down"));
      await this.#queue.onIdle();
      this.#queued.clear();
    })();
    return this.#closing;
  }

  #retryLater(projectId: string): void {
    if (this.#abort.signal.aborted || this.#retryTimers.has(projectId)) return;

    const timer = setTimeout(() => {
      this.#retryTimers.delete(projectId);
      this.enqueue(projectId);
    }, this.#options.lockedRetryMs);
    timer.unref();
    this.#retryTimers.set(projectId, timer);
  }
}
