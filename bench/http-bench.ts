/**
 * HTTP throughput and latency of `GET /api/v1/stats` and `GET /api/v1/projects/?page=1&size=50`
 * on N generated projects (10,000 by default), next to a bare `node:http` server that sends the
 * same bytes, captured from ours, in the same run. The load generator is autocannon's CLI in a
 * child process, so it does not share the servers' event loop.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createApp } from "../src/http/app.ts";
import { responseCacheOf } from "../src/http/response-cache.ts";
import { startHttpServer } from "../src/http/server.ts";
import { ProjectIndex } from "../src/index/project-index.ts";
import type { Benchmark, BenchReport, BenchSettings, ResultRow } from "./support/bench-types.ts";
import { generateProjects } from "./support/generate-projects.ts";
import { readMachineInfo } from "./support/machine-info.ts";
import { renderReport } from "./support/report.ts";
import { median } from "./support/statistics.ts";

/** Settings of one load run. The defaults are the configuration that the report targets. */
export interface HttpBenchOptions {
  /** Open connections. @default 64 */
  connections?: number;
  /** Seconds of load per route, server and round. @default 4 */
  durationSeconds?: number;
  /** Seconds of load before the first measured run of each route and server, not counted. @default 2 */
  warmupSeconds?: number;
  /**
   * Measured runs per route and server. The servers take turns, so a change of the machine's
   * other load reaches both, and the report gives the median. @default 3
   */
  rounds?: number;
}

interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

const TARGETS = { ratio: 0.7, p99Ms: 10 } as const;
/** Milliseconds of idle time after the set-up, before the first load run. */
const SETTLE_MS = 2000;
const ROUTES = ["/api/v1/stats", "/api/v1/projects/?page=1&size=50"] as const;
/** Reads of each route timed one at a time, each right after a commit, so none is cached. */
const MISS_SAMPLES = 30;
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const AUTOCANNON = path.resolve(BENCH_DIR, "..", "node_modules", ".bin", "autocannon");
const BUILD_INDEX_SCRIPT = path.join(BENCH_DIR, "support", "build-index-process.ts");
const run = promisify(execFile);

/** Runs autocannon against `url` in a child process and reads its JSON summary. */
async function load(url: string, connections: number, durationSeconds: number): Promise<LoadResult> {
  const args = ["-j", "-c", String(connections), "-d", String(durationSeconds), url];
  // The timeout bounds a run that hangs: twice the duration plus start-up time.
  const { stdout } = await run(AUTOCANNON, args, {
    timeout: (durationSeconds * 2 + 30) * 1000,
    maxBuffer: 16 * 2 ** 20,
  });
  const summary = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };

  return {
    requestsPerSecond: summary.requests.average,
    requests: summary.requests.total,
    p99Ms: summary.latency.p99,
    errors: summary.errors + summary.timeouts,
    non2xx: summary.non2xx,
  };
}

/** Starts a bare node:http server that sends each route the bytes captured from ours. */
async function startBareServer(
  bodies: Map<string, { type: string; body: Buffer }>,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const captured = bodies.get(request.url ?? "");
    if (!captured) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": captured.type, "Content-Length": captured.body.length });
    response.end(captured.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** Formats the 1-minute load average of the machine. */
function loadAverage(): string {
  return (loadavg()[0] ?? 0).toFixed(2);
}

/**
 * Times `samples` reads of `url`, each right after a commit of `projectId` (derived again from
 * unchanged files), so each read misses the response cache and runs the route itself.
 */
async function timeUncachedReads(
  index: ProjectIndex,
  projectId: string,
  url: string,
  samples: number,
): Promise<number[]> {
  const timings: number[] = [];
  for (let i = 0; i < samples; i++) {
    await index.refreshProject(projectId);
    const started = performance.now();
    const response = await fetch(url);
    await response.arrayBuffer();
    timings.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`GET ${url} returned ${response.status}; expected 200.`);
  }
  return timings;
}

/** Formats the median of `values` with their range, such as `5,113 (4,980–5,301)`. */
function medianWithRange(values: readonly number[], format: (value: number) => string): string {
  return `${format(median(values))} (${format(Math.min(...values))}–${format(Math.max(...values))})`;
}

function formatLoads(results: readonly LoadResult[]): string {
  const errors = results.reduce((sum, result) => sum + result.errors, 0);
  const non2xx = results.reduce((sum, result) => sum + result.non2xx, 0);
  const failures = errors + non2xx > 0 ? `, ${errors} errors, ${non2xx} non-2xx` : "";
  const rate = medianWithRange(
    results.map((result) => result.requestsPerSecond),
    (value) => Math.round(value).toLocaleString("en"),
  );
  const p99 = medianWithRange(
    results.map((result) => result.p99Ms),
    (value) => String(value),
  );
  return `${rate} req/s, p99 ${p99} ms${failures}`;
}

/** Measures both routes on our server and on the bare one and returns the report rows. */
async function measure(settings: BenchSettings, options: HttpBenchOptions): Promise<BenchReport> {
  const connections = options.connections ?? 64;
  const durationSeconds = options.durationSeconds ?? 4;
  const warmupSeconds = options.warmupSeconds ?? 2;
  const rounds = options.rounds ?? 3;
  const work = await mkdtemp(path.join(tmpdir(), "autoclipd-http-bench-"));
  const dataDir = settings.fixturesDir ?? path.join(work, "data");
  const rows: ResultRow[] = [];

  settings.log(`generating ${settings.projects} projects in ${dataDir}`);
  const fixture = await generateProjects({ root: dataDir, count: settings.projects, seed: settings.seed });
  const indexDir = path.join(work, "index");
  settings.log("building the index in a child process");
  // A daemon serves an index that an earlier run built, so the build's garbage stays out of this
  // process's heap. Built in-process, it cut the throughput of the stats route by about a third.
  await run(process.execPath, ["--import", "tsx", BUILD_INDEX_SCRIPT, indexDir, fixture.projectsDir], {
    timeout: 30 * 60 * 1000,
    maxBuffer: 2 ** 20,
  });
  const index = await ProjectIndex.open({ indexDir, projectsDir: fixture.projectsDir });
  const app = createApp({ index, version: "bench" });
  const cache = responseCacheOf(app);
  const ours = await startHttpServer({ app, host: "127.0.0.1", port: 0 });
  const loadAverages = [loadAverage()];
  let oursRequests = 0;
  let oursHits = 0;
  let bare: { url: string; server: Server } | undefined;

  try {
    await index.reconcile();
    // Writing the fixture and the index leaves dirty pages that the kernel writes back during
    // the first load run, which then measured a fifth of the later throughput on a 2-core VM.
    await run("sync", [], { timeout: 120_000 });
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const bodies = new Map<string, { type: string; body: Buffer }>();
    for (const route of ROUTES) {
      const response = await fetch(`${ours.url}${route}`);
      if (response.status !== 200) throw new Error(`GET ${route} returned ${response.status}; expected 200.`);
      bodies.set(route, {
        type: response.headers.get("content-type") ?? "",
        body: Buffer.from(await response.arrayBuffer()),
      });
    }
    bare = await startBareServer(bodies);

    rows.push({
      measurement: "projects indexed",
      result: settings.projects.toLocaleString("en"),
      target: "",
      pass: null,
    });
    const servers = [
      ["ours", ours.url],
      ["bare", bare.url],
    ] as const;
    for (const route of ROUTES) {
      const results: Record<"ours" | "bare", LoadResult[]> = { ours: [], bare: [] };
      for (let round = 0; round < rounds; round++) {
        // Every other round starts with the bare server, so neither always runs first.
        for (const [name, base] of round % 2 === 0 ? servers : [...servers].reverse()) {
          settings.log(
            `loading ${name} ${route}, round ${round + 1} of ${rounds}: ${connections} connections for ${durationSeconds} s`,
          );
          if (round === 0 && warmupSeconds > 0) await load(`${base}${route}`, connections, warmupSeconds);
          const hitsBefore = cache?.counters.hits ?? 0;
          const result = await load(`${base}${route}`, connections, durationSeconds);
          results[name].push(result);
          if (name === "ours") {
            oursHits += (cache?.counters.hits ?? 0) - hitsBefore;
            oursRequests += result.requests;
          }
          loadAverages.push(loadAverage());
        }
      }

      // Each round's ratio compares two runs next to each other in time.
      const ratios = results.ours.map(
        (result, round) => result.requestsPerSecond / (results.bare[round]?.requestsPerSecond ?? Number.NaN),
      );
      const ratio = median(ratios);
      const p99Ms = median(results.ours.map((result) => result.p99Ms));
      const size = bodies.get(route)?.body.length ?? 0;
      const clean = results.ours.every((result) => result.errors + result.non2xx === 0);
      rows.push(
        {
          measurement: `GET ${route} (${size.toLocaleString("en")} bytes), autoclipd`,
          result: formatLoads(results.ours),
          target: "",
          pass: null,
        },
        {
          measurement: `GET ${route}, bare node:http, same bytes`,
          result: formatLoads(results.bare),
          target: "",
          pass: null,
        },
        {
          measurement: `GET ${route}, throughput vs bare`,
          result: `${medianWithRange(ratios, (value) => `${value.toFixed(2)}×`)}`,
          target: `≥ ${TARGETS.ratio}×`,
          pass: clean && ratio >= TARGETS.ratio,
        },
        {
          measurement: `GET ${route}, p99 latency`,
          result: `${p99Ms} ms`,
          target: `< ${TARGETS.p99Ms} ms`,
          pass: clean && p99Ms < TARGETS.p99Ms,
        },
      );
    }

    const projectId = fixture.projectIds[0];
    if (projectId === undefined) throw new Error("The fixture has no project to refresh.");
    for (const route of ROUTES) {
      settings.log(`timing ${MISS_SAMPLES} uncached reads of ${route}`);
      const timings = await timeUncachedReads(index, projectId, `${ours.url}${route}`, MISS_SAMPLES);
      rows.push({
        measurement: `GET ${route}, first read after a commit (not cached), one at a time`,
        result: `median ${median(timings).toFixed(1)} ms, max ${Math.max(...timings).toFixed(1)} ms`,
        target: "",
        pass: null,
      });
    }
  } finally {
    await new Promise<void>((resolve) => (bare ? bare.server.close(() => resolve()) : resolve()));
    await ours.close();
    await index.close();
    await rm(work, { recursive: true, force: true });
  }

  return {
    rows,
    notes: [
      `autoclipd keeps the bytes of each route's 200 response and serves equal requests from them until the next index commit. The cache served ${oursHits.toLocaleString("en")} requests during autoclipd's measured runs, in which autocannon counted ${oursRequests.toLocaleString("en")} responses (it leaves out those still open when it stops). The rows "first read after a commit" time the route without the cache. Their commit derives one project again from unchanged files, so the project list keeps its sort order. A commit that adds or removes a project or changes its status, name or creation time also sorts every summary again, which these rows do not time.`,
      `1-minute load average of the machine, before and after each load run: ${loadAverages.join(", ")}. Other work on the machine lowers both servers' numbers and raises p99.`,
      `Load from autocannon ${connections} connections for ${durationSeconds} s per route, server and round, ${rounds} rounds in which the two servers take turns, after ${warmupSeconds} s of warm-up per route and server. Each result is the median over the rounds with the range in brackets, and the throughput ratio is the median of the rounds' ratios. autocannon runs in a child process on the same machine, so it competes with the server for the CPU.`,
      "Both servers run in the benchmark's process, one at a time; the bare server sends the bytes captured from autoclipd with the same Content-Type, so the ratio is the cost of autoclipd's request path.",
      "autocannon reports p99 latency in whole milliseconds.",
    ],
  };
}

/** The HTTP benchmark for `bench/run.ts`. */
export const benchmark: Benchmark = {
  name: "http",
  title: "HTTP API throughput",
  run: (settings) => measure(settings, {}),
};

/**
 * Runs the HTTP benchmark on 10,000 generated projects (or `projects`) and returns the report
 * as Markdown. With `fixturesDir`, the generated projects are kept there and reused.
 */
export async function runHttpBench(
  options: HttpBenchOptions & { projects?: number; fixturesDir?: string } = {},
): Promise<string> {
  const settings: BenchSettings = {
    projects: options.projects ?? 10_000,
    seed: 1,
    repeat: 1,
    fixturesDir: options.fixturesDir ?? null,
    command: "npm run bench -- --only http",
    log: (line) => process.stderr.write(`[bench] ${line}\n`),
  };
  const report = await measure(settings, options);

  return renderReport(report, readMachineInfo(), settings.command, new Date());
}
