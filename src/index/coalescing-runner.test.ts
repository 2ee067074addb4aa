import assert from "node:assert/strict";
import { test } from "node:test";
import { CoalescingRunner } from "./coalescing-runner.ts";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

test("CoalescingRunner joins a queued run", async () => {
  const runner = new CoalescingRunner<string, number>();
  let calls = 0;
  const work = async () => ++calls;

  const results = await Promise.all([runner.run("a", work), runner.run("a", work), runner.run("a", work)]);

  assert.deepEqual(results, [1, 1, 1]);
  assert.equal(calls, 1);
});

test("CoalescingRunner queues one run behind a running one", async () => {
  const runner = new CoalescingRunner<string, number>();
  const started = deferred();
  const gate = deferred();
  let calls = 0;
  const first = runner.run("a", async () => {
    calls += 1;
    started.resolve();
    await gate.promise;
    return 1;
  });
  await started.promise;

  const second = runner.run("a", async () => ++calls);
  const third = runner.run("a", async () => ++calls);
  gate.resolve();

  assert.equal(await first, 1);
  assert.equal(await second, 2);
  assert.equal(second, third);
  assert.equal(calls, 2);
});

test("CoalescingRunner runs keys independently", async () => {
  const runner = new CoalescingRunner<string, string>();
  const gate = deferred();
  const slow = runner.run("a", async () => {
    await gate.promise;
    return "a";
  });

  const fast = await runner.run("b", async () => "b");
  gate.resolve();

  assert.equal(fast, "b");
  assert.equal(await slow, "a");
});

test("CoalescingRunner continues after a failed run", async () => {
  const runner = new CoalescingRunner<string, number>();

  await assert.rejects(
    runner.run("a", async () => {
      throw new Error("read failed");
    }),
    /read failed/,
  );

  assert.equal(await runner.run("a", async () => 7), 7);
});
