import assert from "node:assert/strict";
import { test } from "node:test";
import { waitFor } from "../../test/helpers/wait-for.ts";
import type { ReconcileResult } from "./project-index.ts";
import { ReconcileTimer } from "./reconcile-timer.ts";

const RESULT: ReconcileResult = { folders: 0, changed: 0, offline: false };

test("ReconcileTimer runs periodically until closed", async () => {
  let runs = 0;
  const timer = new ReconcileTimer({
    index: {
      reconcile: async () => {
        runs += 1;
        return RESULT;
      },
    },
    intervalMs: 20,
  });

  timer.start();
  timer.start();
  await waitFor("three periodic reconciles", () => (runs >= 3 ? runs : undefined), 2000, 10);
  await timer.close();
  const afterClose = runs;
  // NOTE: no event marks the absence of a run, so this waits five intervals.
  await new Promise((resolve) => setTimeout(resolve, 100));

  assert.equal(runs, afterClose);
});

test("ReconcileTimer logs a failed run and keeps going", async () => {
  let runs = 0;
  const timer = new ReconcileTimer({
    index: {
      reconcile: async () => {
        runs += 1;
        if (runs === 1) throw new Error("disk unplugged");
        return RESULT;
      },
    },
    intervalMs: 10,
  });

  timer.start();
  await waitFor("a reconcile after the failed one", () => (runs >= 2 ? runs : undefined), 2000, 10);
  await timer.close();
});

test("ReconcileTimer with interval 0 runs only on request", async () => {
  let runs = 0;
  const timer = new ReconcileTimer({
    index: {
      reconcile: async () => {
        runs += 1;
        return RESULT;
      },
    },
    intervalMs: 0,
  });

  timer.start();
  await timer.runNow();
  await timer.close();

  assert.equal(runs, 1);
});

test("ReconcileTimer rejects a negative interval", () => {
  assert.throws(
    () => new ReconcileTimer({ index: { reconcile: async () => RESULT }, intervalMs: -1 }),
    /Expected intervalMs to be 0 \(off\) or a positive number/,
  );
});
