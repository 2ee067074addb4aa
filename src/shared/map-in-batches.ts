/**
 * Maps `items` with `work`, running `batchSize` calls at once and each batch after the previous
 * one, and returns the results in the order of `items`. Suits many cheap file-system calls,
 * such as one `stat` per project folder, which one after another take seconds at 10,000 folders.
 */
export async function mapInBatches<Item, Result>(
  items: readonly Item[],
  batchSize: number,
  work: (item: Item) => Promise<Result>,
): Promise<Result[]> {
  const results: Result[] = [];
  for (let start = 0; start < items.length; start += batchSize) {
    results.push(...(await Promise.all(items.slice(start, start + batchSize).map(work))));
  }
  return results;
}
