import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import type { ProjectFile } from "../../schemas/project.ts";
import { waitFor } from "../../test/helpers/wait-for.ts";
import { createEmbeddedAnalyzer } from "../pipeline/analyzer/embedded/index.ts";
import { resolveFfmpegBinaries } from "../pipeline/ffmpeg.ts";
import { type RunResult, runPipeline } from "../pipeline/pipeline-runner.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { lockProject } from "../project/lock.ts";
import { silentLogger } from "../shared/logger.ts";
import { JobQueue } from "./job-queue.ts";

/** Milliseconds a timer may fire before its delay as measured with Date.now(), which rounds to whole ms. */
const TIMER_SLACK_MS = 5;

const WAIT_MS = 5000;

/** A promise with its resolve function, for holding a job until the test lets it finish. */
interface Gate<T> {
  promise: Promise<T>;
  open: (value: T) => void;
}

function gate<T = RunResult>(): Gate<T> {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

let root: string;
const queues: JobQueue[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-queue-"));
});

afterEach(async () => {
  await Promise.all(queues.splice(0).map((queue) => queue.close()));
  await rm(root, { recursive: true, force: true });
});

function createQueue(options: Partial<ConstructorParameters<typeof JobQueue>[0]>): JobQueue {
  const queue = new JobQueue({
    concurrency: 1,
    lockedRetryMs: 100,
    logger: silentLogger,
    run: async () => "completed",
    ...options,
  });
  queues.push(queue);
  return queue;
}

test("JobQueue runs a queued project", async () => {
  const runs: string[] = [];
  const queue = createQueue({
    run: async (projectId) => {
      runs.push(projectId);
      return "completed";
    },
  });

  queue.enqueue("p1");
  await queue.onIdle();

  assert.deepEqual(runs, ["p1"]);
  assert.equal(queue.size, 0);
});

test("JobQueue skips a running project", async () => {
  const hold = gate();
  const runs: string[] = [];
  const queue = createQueue({
    run: (projectId) => {
      runs.push(projectId);
      return hold.promise;
    },
  });

  queue.enqueue("p1");
  await waitFor("p1 to start", () => (runs.length > 0 ? true : undefined), WAIT_MS);
  queue.enqueue("p1");
  queue.enqueue("p1");
  assert.equal(queue.size, 1);

  hold.open("completed");
  await queue.onIdle();
  assert.deepEqual(runs, ["p1"]);
});

test("JobQueue skips a waiting project", async () => {
  const hold = gate();
  const runs: string[] = [];
  const queue = createQueue({
    run: (projectId) => {
      runs.push(projectId);
      return projectId === "p1" ? hold.promise : Promise.resolve("completed");
    },
  });

  queue.enqueue("p1");
  queue.enqueue("p2");
  queue.enqueue("p2");
  assert.equal(queue.size, 2);

  hold.open("completed");
  await queue.onIdle();
  assert.deepEqual(runs, ["p1", "p2"]);
});

test("JobQueue requeues after a run ends", async () => {
  const runs: string[] = [];
  const queue = createQueue({
    run: async (projectId) => {
      runs.push(projectId);
      return "completed";
    },
  });

  queue.enqueue("p1");
  await queue.onIdle();
  queue.enqueue("p1");
  await queue.onIdle();

  assert.deepEqual(runs, ["p1", "p1"]);
});

test("JobQueue respects concurrency", async () => {
  const gates = new Map<string, Gate<RunResult>>();
  let running = 0;
  let maxRunning = 0;
  const queue = createQueue({
    concurrency: 2,
    run: async (projectId) => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      const hold = gate();
      gates.set(projectId, hold);
      const result = await hold.promise;
      running -= 1;
      return result;
    },
  });

  const projectIds = ["p1", "p2", "p3", "p4", "p5"];
  for (const projectId of projectIds) queue.enqueue(projectId);
  await waitFor("two jobs to start", () => (gates.size === 2 ? true : undefined), WAIT_MS);
  assert.equal(running, 2);
  assert.deepEqual([...gates.keys()], ["p1", "p2"]);

  for (const [index, projectId] of projectIds.entries()) {
    const current = gates.get(projectId);
    assert.ok(current, `${projectId} started`);
    current.open("completed");

    const waiting = projectIds[index + 2];
    if (waiting) await waitFor(`${waiting} to start`, () => gates.get(waiting), WAIT_MS);
  }
  await queue.onIdle();

  assert.equal(maxRunning, 2);
  assert.equal(gates.size, 5);
});

test("JobQueue keeps going after a run throws", async () => {
  const runs: string[] = [];
  const queue = createQueue({
    run: async (projectId) => {
      runs.push(projectId);
      if (projectId === "p1") throw new Error("pipeline crashed");
      return "completed";
    },
  });

  queue.enqueue("p1");
  queue.enqueue("p2");
  await queue.onIdle();
  queue.enqueue("p1");
  await queue.onIdle();

  assert.deepEqual(runs, ["p1", "p2", "p1"]);
});

test("JobQueue retries a locked project", async () => {
  // A project without subtitles fails at its first step, so a run that gets the lock ends fast.
  const projectDir = path.join(root, "projects", "p1");
  await mkdir(projectDir, { recursive: true });
  const project: ProjectFile = {
    id: "p1",
    name: "talk",
    source_file: "talk.mp4",
    subtitle_file: null,
    video_category: "knowledge",
    description: "",
    created_at: new Date().toISOString(),
  };
  await writeJsonAtomic(path.join(projectDir, "project.json"), project);
  const release = await lockProject(projectDir);
  const lockedRetryMs = 300;
  const results: Array<{ result: RunResult; at: number }> = [];
  const queue = createQueue({
    lockedRetryMs,
    run: async (projectId, signal) => {
      const result = await runPipeline(
        path.join(root, "projects", projectId),
        {
          createAnalyzer: () => createEmbeddedAnalyzer(),
          analyzerOptions: {
            minClipSeconds: 10,
            maxClipSeconds: 60,
            scoreThreshold: 0.5,
            minCollectionSize: 2,
          },
          binaries: resolveFfmpegBinaries(),
          encoderPreset: "ultrafast",
          logger: silentLogger,
          staleLockMs: 30_000,
        },
        signal,
      );
      results.push({ result, at: Date.now() });
      return result;
    },
  });

  queue.enqueue("p1");
  const first = await waitFor("the first run of p1", () => results[0], WAIT_MS);
  await release();
  const second = await waitFor("the retry of p1", () => results[1], WAIT_MS);

  assert.equal(first.result, "locked");
  assert.equal(second.result, "failed");
  assert.ok(
    second.at - first.at >= lockedRetryMs - TIMER_SLACK_MS,
    `retried after ${second.at - first.at} ms`,
  );
  await queue.onIdle();
  assert.equal(results.length, 2);
});

test("JobQueue retries a locked result once per delay", async () => {
  const runs: number[] = [];
  const lockedRetryMs = 150;
  const queue = createQueue({
    lockedRetryMs,
    run: async () => {
      runs.push(Date.now());
      return runs.length < 3 ? "locked" : "completed";
    },
  });

  queue.enqueue("p1");
  await waitFor("the third run of p1", () => (runs.length >= 3 ? true : undefined), WAIT_MS);
  await queue.onIdle();

  assert.equal(runs.length, 3);
  assert.ok((runs[1] ?? 0) - (runs[0] ?? 0) >= lockedRetryMs - TIMER_SLACK_MS, "first retry came early");
  assert.ok((runs[2] ?? 0) - (runs[1] ?? 0) >= lockedRetryMs - TIMER_SLACK_MS, "second retry came early");
});

test("JobQueue close aborts running jobs", async () => {
  let seenSignal: AbortSignal | undefined;
  let endedAt = 0;
  const queue = createQueue({
    run: async (_projectId, signal) => {
      seenSignal = signal;
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      // A step needs a moment to kill ffmpeg and record its state after the abort.
      await new Promise((resolve) => setTimeout(resolve, 100));
      endedAt = Date.now();
      return "aborted";
    },
  });

  queue.enqueue("p1");
  await waitFor("p1 to start", () => seenSignal, WAIT_MS);
  assert.equal(seenSignal?.aborted, false);
  await queue.close();
  const closedAt = Date.now();

  assert.equal(seenSignal?.aborted, true);
  assert.ok(endedAt > 0, "close resolved before the job ended");
  assert.ok(endedAt <= closedAt);
});

test("JobQueue close drops waiting jobs", async () => {
  const runs: string[] = [];
  const queue = createQueue({
    run: async (projectId, signal) => {
      runs.push(projectId);
      await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
      return "aborted";
    },
  });

  queue.enqueue("p1");
  queue.enqueue("p2");
  await waitFor("p1 to start", () => (runs.length > 0 ? true : undefined), WAIT_MS);
  await queue.close();
  queue.enqueue("p3");
  await queue.onIdle();

  assert.deepEqual(runs, ["p1"]);
});

test("JobQueue close cancels a retry", async () => {
  const runs: number[] = [];
  const queue = createQueue({
    lockedRetryMs: 100,
    run: async () => {
      runs.push(Date.now());
      return "locked";
    },
  });

  queue.enqueue("p1");
  await waitFor("p1 to run", () => (runs.length > 0 ? true : undefined), WAIT_MS);
  await queue.onIdle();
  await queue.close();

  // Wait past the retry delay: the cancelled timer has no event of its own to wait for.
  await new Promise((resolve) => setTimeout(resolve, 250));
  assert.equal(runs.length, 1);
});

test("JobQueue close is idempotent", async () => {
  const queue = createQueue({});

  const first = queue.close();
  const second = queue.close();
  await first;

  assert.equal(first, second);
});
