/**
 * Benchmarks of the LMDB index on N generated projects (10,000 by default). They measure a full
 * rebuild next to the cost of only reading the files, the start-up reconcile with nothing changed,
 * the freshness of the HTTP API after a file change, and the start-up time and memory of the
 * real daemon.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { DEFAULT_CONCURRENCY, ProjectIndex } from "../src/index/project-index.ts";
import { daemonNodeFlags } from "../test/helpers/daemon-process.ts";
import { createRandom } from "../test/helpers/prng.ts";
import type { Benchmark, BenchReport, BenchSettings, ResultRow } from "./support/bench-types.ts";
import { measureDaemonStart } from "./support/daemon-memory.ts";
import { measureFreshness } from "./support/freshness.ts";
import { type GeneratedFixture, generateProjects } from "./support/generate-projects.ts";
import { readConcurrentAsync, readSequentialSync } from "./support/read-floor.ts";
import { describeRuns, median, percentile, seconds } from "./support/statistics.ts";

/** Targets, from the product's requirements for a data folder of 10,000 projects. */
const TARGETS = {
  rebuildOverFloor: 1.5,
  reconcileMs: 2000,
  freshnessP99Ms: 100,
  daemonRssMB: 200,
} as const;

const FRESHNESS_ITERATIONS = 200;
const FRESHNESS_GAP_MS = 100;
const DAEMON_SETTLE_MS = 3000;

/** Returns the user and system CPU time of a `process.cpuUsage()` difference, in milliseconds. */
function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function describeFixture(fixture: GeneratedFixture, projects: number): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const origin = fixture.reused ? "reused from an earlier run" : `generated in ${seconds(fixture.ms)}`;

  return `${projects.toLocaleString("en")} projects, ${fixture.files.toLocaleString("en")} JSON files (${(fixture.bytes / 2 ** 20).toFixed(0)} MiB), clips_metadata.json ${kb(fixture.clipsFileBytes.min)}–${kb(fixture.clipsFileBytes.max)} (mean ${kb(fixture.clipsFileBytes.mean)}); ${fixture.clips.toLocaleString("en")} clips, ${fixture.collections.toLocaleString("en")} collections; ${origin}`;
}

/** Rebuilds a fresh index in `indexDir` and checks its totals against the generated ones. */
async function rebuildInto(indexDir: string, fixture: GeneratedFixture): Promise<void> {
  const index = await ProjectIndex.open({ indexDir, projectsDir: fixture.projectsDir });
  try {
    await index.rebuild();
    const totals = index.stats();
    if (totals.clips !== fixture.clips || totals.projects.total !== fixture.projectIds.length) {
      throw new Error(
        `The rebuilt index counts ${totals.projects.total} projects and ${totals.clips} clips; the fixture has ${fixture.projectIds.length} and ${fixture.clips}.`,
      );
    }
  } finally {
    await index.close();
  }
}

async function run(settings: BenchSettings): Promise<BenchReport> {
  const work = await mkdtemp(path.join(tmpdir(), "autoclipd-bench-"));
  const dataDir = settings.fixturesDir ?? path.join(work, "data");
  const rows: ResultRow[] = [];
  const loadAtStart = loadavg()[0] ?? 0;

  try {
    settings.log(`generating ${settings.projects} projects in ${dataDir}`);
    const fixture = await generateProjects({ root: dataDir, count: settings.projects, seed: settings.seed });
    rows.push({
      measurement: "fixture",
      result: describeFixture(fixture, settings.projects),
      target: "",
      pass: null,
    });

    // Floors and rebuilds alternate, so a slow phase of the machine hits both alike.
    const syncRuns: number[] = [];
    const asyncRuns: number[] = [];
    const rebuildRuns: number[] = [];
    // CPU time of this process (user + system, every thread) moves less than wall time when
    // other work shares the machine's cores.
    const syncCpuRuns: number[] = [];
    const rebuildCpuRuns: number[] = [];
    const indexDir = path.join(work, "index");
    for (let i = 0; i < settings.repeat; i++) {
      settings.log(`floor and rebuild, run ${i + 1} of ${settings.repeat}`);
      let started = performance.now();
      let cpuStarted = process.cpuUsage();
      readSequentialSync(fixture.projectsDir, fixture.projectIds);
      syncRuns.push(performance.now() - started);
      syncCpuRuns.push(cpuMs(process.cpuUsage(cpuStarted)));

      started = performance.now();
      await readConcurrentAsync(fixture.projectsDir, fixture.projectIds, DEFAULT_CONCURRENCY);
      asyncRuns.push(performance.now() - started);

      await rm(indexDir, { recursive: true, force: true });
      started = performance.now();
      cpuStarted = process.cpuUsage();
      await rebuildInto(indexDir, fixture);
      rebuildRuns.push(performance.now() - started);
      rebuildCpuRuns.push(cpuMs(process.cpuUsage(cpuStarted)));
    }

    const floorMs = Math.min(median(syncRuns), median(asyncRuns));
    const rebuildMs = median(rebuildRuns);
    const ratio = rebuildMs / floorMs;
    rows.push(
      {
        measurement: "floor A: readFileSync + JSON.parse, one file at a time",
        result: describeRuns(syncRuns),
        target: "",
        pass: null,
      },
      {
        measurement: `floor B: fs/promises readFile + JSON.parse, ${DEFAULT_CONCURRENCY} projects at once (the index's concurrency)`,
        result: describeRuns(asyncRuns),
        target: "",
        pass: null,
      },
      {
        measurement: "full rebuild (`--reindex`): ProjectIndex.rebuild() into an empty index",
        result: `${describeRuns(rebuildRuns)}; ${(rebuildMs / median(syncRuns)).toFixed(2)}× floor A, ${(rebuildMs / median(asyncRuns)).toFixed(2)}× floor B`,
        target: `≤ ${TARGETS.rebuildOverFloor}× the faster floor (${seconds(floorMs * TARGETS.rebuildOverFloor)})`,
        pass: ratio <= TARGETS.rebuildOverFloor,
      },
      {
        measurement: "CPU time of the process (user + system): floor A, full rebuild",
        result: `${describeRuns(syncCpuRuns)}; ${describeRuns(rebuildCpuRuns)}; ${(median(rebuildCpuRuns) / median(syncCpuRuns)).toFixed(2)}× floor A`,
        target: "",
        pass: null,
      },
    );

    settings.log("start-up reconcile with nothing changed");
    const reconcileRuns: number[] = [];
    let index: ProjectIndex | undefined;
    for (let i = 0; i < settings.repeat; i++) {
      await index?.close();
      const started = performance.now();
      index = await ProjectIndex.open({ indexDir, projectsDir: fixture.projectsDir });
      const result = await index.reconcile();
      reconcileRuns.push(performance.now() - started);
      if (result.changed !== 0)
        throw new Error(`Reconcile changed ${result.changed} projects; expected none.`);
    }
    const reconcileMs = median(reconcileRuns);
    rows.push({
      measurement: "start-up reconcile, nothing changed: ProjectIndex.open() + reconcile()",
      result: describeRuns(reconcileRuns),
      target: `< ${seconds(TARGETS.reconcileMs)}`,
      pass: reconcileMs < TARGETS.reconcileMs,
    });

    settings.log(`freshness: ${FRESHNESS_ITERATIONS} renames of one clips_metadata.json`);
    const freshness = await measureFreshness({
      index: index as ProjectIndex,
      projectsDir: fixture.projectsDir,
      projectId: fixture.projectIds[Math.floor(fixture.projectIds.length / 2)] as string,
      iterations: FRESHNESS_ITERATIONS,
      gapMs: FRESHNESS_GAP_MS,
      timeoutMs: 5000,
      random: createRandom(settings.seed),
    });
    await index?.close();
    const latencies = freshness.latenciesMs;
    const p99 = latencies.length > 0 ? percentile(latencies, 99) : Number.POSITIVE_INFINITY;
    const ms = (value: number) => `${value.toFixed(1)} ms`;
    rows.push(
      {
        measurement: "ProjectWatcher.start(): the initial scan of the folders + one reconcile",
        result: seconds(freshness.watcherStartMs),
        target: "",
        pass: null,
      },
      {
        measurement: `freshness: rename of a new clips_metadata.json → new total in GET /api/v1/stats (${FRESHNESS_ITERATIONS} times)`,
        result:
          latencies.length > 0
            ? `p50 ${ms(percentile(latencies, 50))}, p90 ${ms(percentile(latencies, 90))}, p99 ${ms(p99)}, max ${ms(Math.max(...latencies))}; ${freshness.timeouts} timed out`
            : `all ${freshness.timeouts} timed out`,
        target: `p99 < ${TARGETS.freshnessP99Ms} ms, none timed out`,
        pass: p99 < TARGETS.freshnessP99Ms && freshness.timeouts === 0,
      },
    );

    const daemonIndexDir = path.join(work, "daemon-index");
    settings.log("daemon start with an empty index");
    const cold = await measureDaemonStart({
      dataDir,
      indexDir: daemonIndexDir,
      settleMs: DAEMON_SETTLE_MS,
      timeoutMs: 300_000,
    });
    settings.log("daemon start with its index in place");
    const warm = await measureDaemonStart({
      dataDir,
      indexDir: daemonIndexDir,
      settleMs: DAEMON_SETTLE_MS,
      timeoutMs: 300_000,
    });
    settings.log("daemon start on an empty data folder, for comparison");
    const emptyDataDir = path.join(work, "empty-data");
    const empty = await measureDaemonStart({
      dataDir: emptyDataDir,
      indexDir: path.join(emptyDataDir, ".index"),
      settleMs: DAEMON_SETTLE_MS,
      timeoutMs: 60_000,
    });
    const describeMemory = (start: typeof cold) =>
      `${start.rssMB.toFixed(0)} MB (anonymous ${start.anonymousMB.toFixed(0)} MB + file pages ${start.fileMB.toFixed(0)} MB; peak VmHWM ${start.peakRssMB.toFixed(0)} MB)`;
    const describeStart = (start: typeof cold) =>
      `"daemon started" after ${seconds(start.startedMs)} (index ready in ${start.indexSeconds ?? "?"} s); watcher ready after ${start.watcherReadyMs === null ? "not seen" : seconds(start.watcherReadyMs)}`;
    rows.push(
      {
        measurement: "daemon start, empty index (derives every project in its scan process)",
        result: describeStart(cold),
        target: "",
        pass: null,
      },
      { measurement: "daemon start, index in place", result: describeStart(warm), target: "", pass: null },
      {
        measurement: "daemon resident memory on an empty data folder, for comparison",
        result: describeMemory(empty),
        target: "",
        pass: null,
      },
      {
        measurement: `daemon resident memory (VmRSS) ${DAEMON_SETTLE_MS / 1000} s after its watcher is ready, index in place`,
        result: describeMemory(warm),
        target: `< ${TARGETS.daemonRssMB} MB`,
        pass: warm.rssMB < TARGETS.daemonRssMB,
      },
      {
        measurement: `the same after a start with an empty index, which derives every project first`,
        result: describeMemory(cold),
        target: `< ${TARGETS.daemonRssMB} MB`,
        pass: cold.rssMB < TARGETS.daemonRssMB,
      },
    );

    return {
      rows,
      notes: [
        "The files are in the page cache for every measurement: they were just generated or read.",
        `The 1-minute load average of the machine (2 cores) was ${loadAtStart.toFixed(1)} when the benchmark started and ${(loadavg()[0] ?? 0).toFixed(1)} when it ended. Other work on the machine raises wall times far more than CPU times.`,
        "Floors only read and parse, on one thread; the rebuild also stats the tracked files and video folders, lists the video folders, validates every file with zod, builds the records with their public ids, encodes them with msgpack and commits them to LMDB. It derives in worker threads (one per core, here 2), and its wall time includes starting them. Its ratio is taken to the faster floor.",
        `Freshness runs the watcher, the HTTP server and the polling client in one process, with ${FRESHNESS_GAP_MS} ms between renames; the time runs from just before the rename to the first response showing the new total.`,
        `The daemon runs as \`${["node", ...daemonNodeFlags(), "bin/autoclipd.js"].join(" ")} --log-level debug\` (the Node.js flags of the bin script's shebang, as \`npx autoclipd\` and \`npm start\` run it) on 127.0.0.1 with an ephemeral port; its times come from its own log lines. Its memory excludes esbuild's service process, which tsx starts beside it, and the scan process that derives and writes the projects when at least 2,000 need it (it has exited when memory is read).`,
        "File pages in VmRSS are mostly pages of the LMDB file mapped by lmdb, which the kernel can drop at any time. A page mapped twice, as after lmdb remaps a growing file, counts twice.",
        "Each project also has empty clip and collection videos under output/, which the watcher watches; thumbnails and input videos are left out.",
      ],
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = {
  name: "index",
  title: "Index: rebuild, reconcile, freshness and daemon memory",
  run,
};
