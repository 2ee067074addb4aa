import assert from "node:assert/strict";
import { test } from "node:test";
import { mapInBatches } from "./map-in-batches.ts";

test("mapInBatches keeps order and bounds calls", async () => {
  let running = 0;
  let maxRunning = 0;
  const items = Array.from({ length: 10 }, (_, index) => index);

  const results = await mapInBatches(items, 3, async (item) => {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    await new Promise((resolve) => setTimeout(resolve, 10 - item));
    running -= 1;
    return item * 2;
  });

  assert.deepEqual(results, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  assert.equal(maxRunning, 3);
});

test("mapInBatches maps nothing to nothing", async () => {
  assert.deepEqual(await mapInBatches([], 4, async () => 1), []);
});
