/** Returns the `p`-th percentile (0 to 100) of `values` by the nearest-rank method. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError("Expected at least one value for a percentile.");

  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Formats milliseconds as seconds with two decimals, such as `1.23 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** Formats repeated timings as `median (min–max, n runs)`. */
export function describeRuns(runsMs: readonly number[]): string {
  if (runsMs.length === 1) return seconds(runsMs[0] as number);

  return `${seconds(median(runsMs))} (${seconds(Math.min(...runsMs))}–${seconds(Math.max(...runsMs))}, median of ${runsMs.length})`;
}

/** Runs `measure` `times` times one after another and returns each duration in milliseconds. */
export async function timeRuns(times: number, measure: () => Promise<void>): Promise<number[]> {
  const runs: number[] = [];

  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await measure();
    runs.push(performance.now() - started);
  }
  return runs;
}
