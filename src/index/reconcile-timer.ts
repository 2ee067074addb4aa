import { type Logger, silentLogger } from "../shared/logger.ts";
import type { ProjectIndex } from "./project-index.ts";

export interface ReconcileTimerOptions {
  index: Pick<ProjectIndex, "reconcile">;
  /** Milliseconds between the end of one reconcile and the start of the next; 0 turns the timer off. */
  intervalMs: number;
  logger?: Logger;
}

/**
 * Runs `index.reconcile()` periodically, to catch changes a file watcher missed (network file
 * systems, exhausted inotify watches). The next timed run is scheduled when the previous one has
 * finished, and the index runs overlapping requests one after the other. The timer does not keep the process alive.
 */
export class ReconcileTimer {
  readonly #index: Pick<ProjectIndex, "reconcile">;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #started = false;
  #closed = false;

  constructor(options: ReconcileTimerOptions) {
    if (!Number.isFinite(options.intervalMs) || options.intervalMs < 0) {
      throw new RangeError(
        `Expected intervalMs to be 0 (off) or a positive number of milliseconds, got ${options.intervalMs}.`,
      );
    }

    this.#index = options.index;
    this.#intervalMs = options.intervalMs;
    this.#logger = (options.logger ?? silentLogger).child({ module: "reconcile-timer" });
  }

  /** Schedules the first run one interval from now; safe to call twice. */
  start(): void {
    if (this.#started || this.#closed || this.#intervalMs === 0) return;

    this.#started = true;
    this.#schedule();
  }

  /** Runs a reconcile now, whether or not the timer is on, and logs a failure instead of raising it. */
  runNow(): Promise<void> {
    if (this.#closed) return Promise.resolve();

    const run = this.#index.reconcile().then(
      () => undefined,
      (error: unknown) => {
        if (this.#closed) return;
        this.#logger.error({ err: error }, "periodic reconcile failed; retrying at the next interval");
      },
    );
    this.#running = run;
    return run;
  }

  /** Stops the timer and waits for a running reconcile; safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    this.#timer = setTimeout(() => {
      void this.runNow().then(() => {
        if (!this.#closed) this.#schedule();
      });
    }, this.#intervalMs);
    this.#timer.unref();
  }
}
