/** Milliseconds of work between two turns given back to the event loop. */
const YIELD_AFTER_MS = 10;

/**
 * Calls `work` on every item with at most `limit` calls running at once, and returns the
 * results in item order. A rejection rejects the whole call after the running calls settle.
 * `work` may do most of its work synchronously: every {@link YIELD_AFTER_MS} ms the loop waits
 * for one turn of the event loop, so timers and requests are served in between.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`Expected limit to be an integer of at least 1, got ${limit}.`);
  }

  const results = new Array<R>(items.length);
  let next = 0;
  let lastYield = performance.now();
  const runWorker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
      if (performance.now() - lastYield >= YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
  };

  const workers = Array.from({ length: Math.min(limit, items.length) }, runWorker);
  const settled = await Promise.allSettled(workers);
  const failure = settled.find((outcome) => outcome.status === "rejected");
  if (failure) throw failure.reason;

  return results;
}
