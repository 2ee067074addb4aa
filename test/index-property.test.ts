/**
 * Property test of the index: random file operations across many project folders, with a real
 * ProjectIndex and ProjectWatcher running, must leave the index equal to a derivation from the
 * files once the watcher has caught up. The periodic reconcile is off, so the watcher alone has
 * to converge; one reconcile at the end checks that it left nothing stale.
 *
 * Settings, read from the environment because this is a test (`npm run stress` sets them):
 * AUTOCLIP_PROPERTY_SEED (repeat a run), AUTOCLIP_PROPERTY_ROUNDS, AUTOCLIP_PROPERTY_PROJECTS
 * (most project folders at once) and AUTOCLIP_PROPERTY_OPERATIONS (most operations per round).
 */
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { ProjectIndex } from "../src/index/project-index.ts";
import { ProjectWatcher } from "../src/index/project-watcher.ts";
import { INDEXED_STATUSES } from "../src/index/records.ts";
import { makeTempDir } from "../src/index/test-support.ts";
import { verifyIndex } from "../src/index/verify-index.ts";
import { createLogger } from "../src/shared/logger.ts";
import { createRandom, parseSeed } from "./helpers/prng.ts";
import { OperationPlanner, type PlannedOperation, runOperations } from "./helpers/project-operations.ts";

/** Milliseconds without an index change or a finished operation after which the index counts as idle. */
const QUIET_MS = 300;
/** Milliseconds a round may take to converge after it first looked idle, on a loaded machine. */
const CONVERGE_TIMEOUT_MS = 15_000;
/** Differences and log lines shown in a failure message; the full log goes to a file. */
const SHOWN_LINES = 40;

function positiveIntegerFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === "") return fallback;

  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Expected ${name} to be a positive integer, got "${text}".`);
  }
  return value;
}

const seed = parseSeed(process.env.AUTOCLIP_PROPERTY_SEED);
const rounds = positiveIntegerFromEnv("AUTOCLIP_PROPERTY_ROUNDS", 12);
const maxProjects = positiveIntegerFromEnv("AUTOCLIP_PROPERTY_PROJECTS", 50);
const maxOperations = positiveIntegerFromEnv("AUTOCLIP_PROPERTY_OPERATIONS", 30);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Time of the last index change or finished operation, shared by the listeners and the waits. */
interface Activity {
  lastMs: number;
}

/** Waits until nothing has happened for {@link QUIET_MS}; fails after `timeoutMs`. */
async function waitForQuiet(activity: Activity, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;

  while (Date.now() - activity.lastMs < QUIET_MS) {
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for the index to stay idle for ${QUIET_MS} ms.`,
      );
    }
    await sleep(25);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? "undefined";
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** Lists every project id in the index, sorted. */
function indexedIds(index: ProjectIndex): string[] {
  return INDEXED_STATUSES.flatMap((status) => index.projectIdsWithStatus(status)).sort();
}

/**
 * Compares `reference`, rebuilt from the files just now, with `index`: totals, the project list,
 * and each project's record, clips and collections.
 */
async function differencesFromRebuild(index: ProjectIndex, reference: ProjectIndex): Promise<string[]> {
  await reference.rebuild();
  const out: string[] = [];

  if (!isDeepStrictEqual(index.stats(), reference.stats())) {
    out.push(`rebuild: totals index=${show(index.stats())} rebuilt=${show(reference.stats())}`);
  }

  const ids = new Set([...indexedIds(index), ...indexedIds(reference)]);
  for (const projectId of [...ids].sort()) {
    const checks: Array<[string, unknown, unknown]> = [
      ["record", index.getProject(projectId), reference.getProject(projectId)],
      ["clips", index.listClips(projectId), reference.listClips(projectId)],
      ["collections", index.listCollections(projectId), reference.listCollections(projectId)],
    ];
    for (const [what, stored, rebuilt] of checks) {
      if (!isDeepStrictEqual(stored, rebuilt)) {
        out.push(`rebuild: ${projectId} ${what} index=${show(stored)} rebuilt=${show(rebuilt)}`);
      }
    }
  }

  return out;
}

/** Lists every difference between the index and the files, by verifyIndex and by a fresh rebuild. */
async function differencesFromFiles(index: ProjectIndex, reference: ProjectIndex): Promise<string[]> {
  const verified = await verifyIndex({ index });
  const out = verified.differences.map(
    (difference) =>
      `verify: ${difference.projectId ?? "(totals)"} ${difference.field} index=${show(difference.index)} files=${show(difference.files)}`,
  );

  return [...out, ...(await differencesFromRebuild(index, reference))];
}

test("index follows random file operations", { timeout: 120_000 + rounds * 20_000 }, async (t) => {
  t.diagnostic(
    `seed=${seed} rounds=${rounds} projects<=${maxProjects} operations<=${maxOperations} (AUTOCLIP_PROPERTY_SEED=${seed} repeats this run)`,
  );
  const temp = await makeTempDir("property");
  const projectsDir = path.join(temp.dir, "projects");
  await mkdir(projectsDir);
  const index = await ProjectIndex.open({ indexDir: path.join(temp.dir, "index"), projectsDir });
  // The reference derives in worker threads even for a few projects, so the watcher's
  // main-thread refreshes are checked against the workers' rebuild every round.
  const reference = await ProjectIndex.open({
    indexDir: path.join(temp.dir, "reference-index"),
    projectsDir,
    deriveThreads: 2,
    workerThreshold: 0,
  });
  let scanProcesses = 0;
  const scanProcessLog = new Writable({
    write(chunk, _encoding, done) {
      scanProcesses += String(chunk).split('"msg":"scan process started"').length - 1;
      done();
    },
  });
  // Every second round the reference is rebuilt in a scan process instead, as the daemon does
  // for 2,000 projects or more, which checks that path and its relayed commits as well.
  const processReference = await ProjectIndex.open({
    indexDir: path.join(temp.dir, "process-reference-index"),
    projectsDir,
    deriveThreads: 2,
    workerThreshold: 0,
    scanProcessThreshold: 1,
    logger: createLogger("debug", scanProcessLog),
  });
  const watcher = new ProjectWatcher({ index, projectsDir, reconcileIntervalMs: 0 });
  const activity: Activity = { lastMs: Date.now() };
  index.on("change", () => {
    activity.lastMs = Date.now();
  });

  const random = createRandom(seed);
  const planner = new OperationPlanner(random, projectsDir, maxProjects);
  const log: string[] = [];
  const counts = new Map<string, number>();
  let operationNumber = 0;
  let lateRounds = 0;

  const fail = async (round: number | "final", differences: string[]): Promise<never> => {
    const logFile = path.join(tmpdir(), `autoclipd-property-${seed}-${Date.now()}.log`);
    await writeFile(logFile, `${log.join("\n")}\n\n${differences.join("\n")}\n`);
    assert.fail(
      [
        `The index differs from the files after round ${round} (seed ${seed}; AUTOCLIP_PROPERTY_SEED=${seed} repeats it).`,
        `${differences.length} differences, the first ${Math.min(SHOWN_LINES, differences.length)}:`,
        ...differences.slice(0, SHOWN_LINES),
        `Last ${Math.min(SHOWN_LINES, log.length)} of ${log.length} operations (full log: ${logFile}):`,
        ...log.slice(-SHOWN_LINES),
      ].join("\n"),
    );
  };

  try {
    await watcher.start();

    for (let round = 1; round <= rounds; round++) {
      const operations: PlannedOperation[] = [];
      const initial = round === 1 ? Math.min(maxProjects, Math.max(1, Math.round(maxProjects * 0.8))) : 0;
      for (let i = 0; i < initial; i++) operations.push(planner.planCreate());
      const extra = random.int(Math.ceil(maxOperations / 3), maxOperations);
      for (let i = 0; i < extra; i++) operations.push(planner.plan());

      for (const operation of operations) {
        operationNumber += 1;
        log.push(`#${operationNumber} round ${round}: ${operation.describe}`);
        counts.set(operation.kind, (counts.get(operation.kind) ?? 0) + 1);
      }
      await runOperations(random, operations, 15, () => {
        activity.lastMs = Date.now();
      });

      // A refresh may still be running on a loaded machine; look again until the deadline.
      const deadline = Date.now() + CONVERGE_TIMEOUT_MS;
      let differences: string[] = [];
      for (let attempt = 0; ; attempt++) {
        await waitForQuiet(activity, CONVERGE_TIMEOUT_MS);
        differences = await differencesFromFiles(index, round % 2 === 0 ? processReference : reference);
        if (differences.length === 0) {
          if (attempt > 0) lateRounds += 1;
          break;
        }
        if (Date.now() > deadline) await fail(round, differences);
        await sleep(QUIET_MS);
      }
      log.push(`round ${round}: index equals the files (${planner.projectCount} projects)`);
    }

    // The watcher alone must have caught every change, fingerprints included.
    const reconciled = await index.reconcile();
    assert.equal(
      reconciled.changed,
      0,
      `reconcile found ${reconciled.changed} projects the watcher left stale (seed ${seed})`,
    );
    const finalDifferences = await differencesFromFiles(index, reference);
    if (finalDifferences.length > 0) await fail("final", finalDifferences);
    assert.ok(
      scanProcesses >= Math.floor(rounds / 2),
      `expected a scan process in every second round, counted ${scanProcesses}`,
    );

    const kinds = [...counts].map(([kind, count]) => `${kind}=${count}`).join(" ");
    t.diagnostic(
      `${operationNumber} operations in ${rounds} rounds, ${lateRounds} rounds needed a second look: ${kinds}`,
    );
  } finally {
    await watcher.close();
    await index.close();
    await reference.close();
    await processReference.close();
    await temp.remove();
  }
});
