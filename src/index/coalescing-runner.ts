/**
 * Runs asynchronous work one call at a time per key. A request for a key whose run is queued
 * but has not started joins that run instead of queuing another, because the queued run will
 * see every change made before it starts.
 */
export class CoalescingRunner<Key, Result> {
  readonly #queued = new Map<Key, Promise<Result>>();
  readonly #running = new Map<Key, Promise<Result>>();

  /** Queues `work` for `key` after its running call, or returns the queued call for `key`. */
  run(key: Key, work: () => Promise<Result>): Promise<Result> {
    const queued = this.#queued.get(key);
    if (queued) return queued;

    const previous = this.#running.get(key) ?? Promise.resolve();
    const next: Promise<Result> = previous
      .catch(() => undefined)
      .then(async () => {
        this.#queued.delete(key);
        this.#running.set(key, next);
        try {
          return await work();
        } finally {
          if (this.#running.get(key) === next) this.#running.delete(key);
        }
      });
    this.#queued.set(key, next);

    return next;
  }
}
