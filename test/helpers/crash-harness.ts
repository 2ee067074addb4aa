import { execFile } from "node:child_process";
import { watch } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { type FfmpegBinaries, resolveFfmpegBinaries } from "../../src/pipeline/ffmpeg.ts";
import { PIPELINE_STEPS } from "../../src/pipeline/steps/index.ts";
import { projectPaths, TEMP_PROJECT_PREFIX } from "../../src/project/layout.ts";
import { BUILD_LOCK_SUFFIX } from "../../src/project/lock.ts";
import {
  checkExactlyOnce,
  findVisiblePartialData,
  listHeldLocks,
  listPartialFiles,
  listProjectIds,
  listTempProjects,
  readStatuses,
  takeCensus,
} from "./crash-checks.ts";
import { type DroppedVideo, dropBrokenFile, dropVideo, generateBaseVideo } from "./crash-fixtures.ts";
import { type LogEntry, type SpawnedDaemon, spawnDaemonProcess } from "./daemon-process.ts";
import { createRandom, type Random } from "./prng.ts";
import { childPids, commandLine, isAlive } from "./process-tree.ts";
import { waitFor } from "./wait-for.ts";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface CrashHarnessOptions {
  /** Kill-and-restart rounds before the final run to completion. */
  rounds: number;
  seed: number;
  /** Videos dropped into the inbox over the whole run. */
  videos: number;
  /** Chance that a round also drops a broken file (text named `.mp4`), which must be rejected. @default 0.15 */
  brokenFileChance?: number;
  /** `--stale-lock-seconds` of every daemon. @default 3 */
  staleLockSeconds?: number;
  /** Receives one line per round and per finding. */
  log?: (line: string) => void;
}

/** What a harness run did and every invariant it found broken. */
export interface CrashReport {
  seed: number;
  rounds: number;
  /** Valid videos dropped, each of which must become one completed project. */
  videos: number;
  /** Broken files dropped, each of which must be rejected. */
  brokenFiles: number;
  seconds: number;
  /** Rounds per aimed moment, such as `step:video` or `ingest`. */
  aims: Record<string, number>;
  /** Rounds per moment the daemon was found in when it was killed, read from its log. */
  killedDuring: Record<string, number>;
  /** Rounds whose aimed moment did not come within the wait, so the kill came at a random time. */
  missedAims: number;
  /** Rounds after whose kill a half-built project folder (`.tmp-*`) was found. */
  roundsWithTempFolders: number;
  /** Temporary files left in project folders after the final run. */
  leftoverPartialFiles: string[];
  /** Broken invariants; an empty list means the run passed. */
  findings: string[];
}

const STEP_NAMES = PIPELINE_STEPS.map((step) => step.name);
const AIMS = [
  "startup",
  "ingest",
  "ingest-build",
  ...STEP_NAMES.map((name) => `step:${name}`),
  "index-write",
  "random",
];
const TRIGGER_TIMEOUT_MS = 45_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function count(record: Record<string, number>, key: string): void {
  record[key] = (record[key] ?? 0) + 1;
}

/** Resolves true once a log line matches, false when the daemon exits or the wait times out. */
function waitForLog(daemon: SpawnedDaemon, matches: (entry: LogEntry) => boolean): Promise<boolean> {
  if (daemon.logs.some(matches)) return Promise.resolve(true);

  return new Promise((resolve) => {
    const finish = (hit: boolean) => {
      clearTimeout(timer);
      remove();
      resolve(hit);
    };
    const timer = setTimeout(() => finish(false), TRIGGER_TIMEOUT_MS);
    const remove = daemon.onLog((entry) => {
      if (matches(entry)) finish(true);
    });
    daemon.exited.then(() => finish(false));
  });
}

/**
 * Resolves true once a `.tmp-*` project folder appears in `projectsDir`, the moment ingest
 * starts to build a project, or false when the wait times out. The folder exists for a few
 * milliseconds only, too briefly to aim at through the log.
 */
function waitForTempFolder(projectsDir: string): Promise<boolean> {
  return new Promise((resolve) => {
    const watcher = watch(projectsDir, (_event, name) => {
      if (!name?.startsWith(TEMP_PROJECT_PREFIX) || name.endsWith(BUILD_LOCK_SUFFIX)) return;
      finish(true);
    });
    const finish = (hit: boolean) => {
      clearTimeout(timer);
      watcher.close();
      resolve(hit);
    };
    const timer = setTimeout(() => finish(false), TRIGGER_TIMEOUT_MS);
  });
}

/** Names what the daemon was doing when it died, from the log lines it printed. */
function describeKillMoment(logs: readonly LogEntry[]): string {
  if (!logs.some((entry) => entry.msg === "index ready")) return "startup (index)";
  if (!logs.some((entry) => entry.msg === "daemon started")) return "startup (queue and watchers)";

  const open = new Map<string, string>();
  let ingests = 0;
  for (const entry of logs) {
    const projectId = String(entry.projectId);
    if (entry.msg === "step started") open.set(projectId, String(entry.step));
    if (["step finished", "project failed", "step stopped by shutdown"].includes(String(entry.msg))) {
      open.delete(projectId);
    }
    if (entry.msg === "file settled; ingesting") ingests += 1;
    if (entry.msg === "video ingested" || entry.msg === "file rejected") ingests -= 1;
  }
  // Ingest runs beside the pipeline, so a kill can land in both at once.
  const moments = [...new Set([...open.values()].map((step) => `step:${step}`))];
  if (ingests > 0) moments.push("ingest");
  return moments.length > 0 ? moments.join(" + ") : "between jobs";
}

/** Names of the steps that some project, or a video still in the inbox, has yet to run. */
async function stepsAhead(dataDir: string, inboxHasVideo: boolean): Promise<Set<string>> {
  if (inboxHasVideo) return new Set(STEP_NAMES);

  const ahead = new Set<string>();
  for (const projectId of await listProjectIds(dataDir)) {
    const paths = projectPaths(path.join(dataDir, "projects", projectId));
    for (const step of PIPELINE_STEPS) {
      const done = await stat(paths.file(step.output)).then(
        () => true,
        () => false,
      );
      if (!done) ahead.add(step.name);
    }
  }
  return ahead;
}

/**
 * Runs the crash harness: drops generated videos with subtitles into a fresh data folder,
 * starts the real daemon, kills it with SIGKILL at a moment picked by a seeded generator, checks
 * the data folder while it is down, and repeats. A final start must then complete every
 * project, stop cleanly and pass `autoclipd verify`.
 */
export async function runCrashHarness(options: CrashHarnessOptions): Promise<CrashReport> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = createRandom(options.seed);
  const staleLockMs = (options.staleLockSeconds ?? 3) * 1000;
  const work = await mkdtemp(path.join(tmpdir(), "autoclipd-crash-"));
  const dataDir = path.join(work, "data");
  const inbox = path.join(dataDir, "inbox");
  const indexDir = path.join(work, "index");
  const binaries = resolveFfmpegBinaries();
  const base = path.join(work, "base.mp4");
  const dropped: DroppedVideo[] = [];
  const report: CrashReport = {
    seed: options.seed,
    rounds: options.rounds,
    videos: 0,
    brokenFiles: 0,
    seconds: 0,
    aims: {},
    killedDuring: {},
    missedAims: 0,
    roundsWithTempFolders: 0,
    leftoverPartialFiles: [],
    findings: [],
  };
  const finding = (text: string) => {
    report.findings.push(text);
    log(`FINDING: ${text}`);
  };
  const args = [
    ...["--data-dir", dataDir, "--index-dir", indexDir, "--log-level", "debug"],
    ...["--inbox-settle-ms", "200", "--min-clip-seconds", "4", "--max-clip-seconds", "12"],
    ...["--encoder-preset", "ultrafast", "--stale-lock-seconds", String(staleLockMs / 1000)],
  ];
  let videos = 0;
  const drop = async () => {
    videos += 1;
    dropped.push(await dropVideo(inbox, base, dropped.length + 1, binaries));
  };
  const dropBroken = async () => {
    dropped.push(await dropBrokenFile(inbox, dropped.length + 1));
  };
  const canDrop = () => videos < options.videos;

  try {
    await mkdir(inbox, { recursive: true });
    await mkdir(path.join(dataDir, "projects"));
    await generateBaseVideo(base, binaries);
    await drop();

    for (let round = 1; round <= options.rounds; round += 1) {
      if (random.chance(options.brokenFileChance ?? 0.15)) await dropBroken();
      await runRound({
        round,
        random,
        args,
        dataDir,
        dropped,
        staleLockMs,
        report,
        finding,
        log,
        drop,
        canDrop,
        options,
      });
      await checkWhileDown(dataDir, dropped, `round ${round}`, finding);
      if ((await listTempProjects(dataDir)).length > 0) report.roundsWithTempFolders += 1;
    }

    await finish({ args, staleLockMs, dataDir, indexDir, dropped, binaries, report, finding, log });
  } finally {
    report.seconds = Math.round((Date.now() - started) / 100) / 10;
    await rm(work, { recursive: true, force: true });
  }
  return report;
}

interface RoundContext {
  round: number;
  random: Random;
  args: string[];
  dataDir: string;
  dropped: DroppedVideo[];
  staleLockMs: number;
  report: CrashReport;
  finding: (text: string) => void;
  log: (line: string) => void;
  drop: () => Promise<void>;
  canDrop: () => boolean;
  options: CrashHarnessOptions;
}

/** Picks a moment, starts the daemon, waits for the moment and kills the daemon with SIGKILL. */
async function runRound(context: RoundContext): Promise<void> {
  const { random, dataDir, dropped, report, finding, options, canDrop } = context;
  const census = await takeCensus(dataDir);
  // A broken file waiting in the inbox starts no step, so only valid videos count as work.
  const inboxHasVideo = dropped
    .filter((file) => file.valid)
    .some((file) =>
      (census.get(file.videoHash) ?? []).some(
        (place) => place.startsWith("inbox/") && !place.startsWith("inbox/rejected/"),
      ),
    );
  let ahead = await stepsAhead(dataDir, inboxHasVideo);

  let aim = random.pick(AIMS);
  const isIngest = aim === "ingest" || aim === "ingest-build";
  if (isIngest && !canDrop()) aim = "random";
  const needsWork = aim.startsWith("step:") || aim === "index-write";
  const aimedStep = aim.slice("step:".length);
  if (needsWork && (ahead.size === 0 || (aim.startsWith("step:") && !ahead.has(aimedStep)))) {
    if (canDrop()) {
      await context.drop();
      ahead = new Set(STEP_NAMES);
    } else if (ahead.size > 0) aim = aim === "index-write" ? aim : `step:${random.pick([...ahead])}`;
    else aim = "random";
  }
  if (!aim.startsWith("ingest") && canDrop() && random.chance(0.35)) await context.drop();
  count(report.aims, aim);

  const roundStarted = Date.now();
  const daemon = spawnDaemonProcess(context.args, 120_000);
  let hit = true;
  let delay = 0;
  const stepName = aim.slice("step:".length);
  const trigger =
    aim === "ingest-build"
      ? waitForTempFolder(path.join(dataDir, "projects"))
      : aim === "ingest"
        ? waitForLog(daemon, (entry) => entry.msg === "file settled; ingesting")
        : aim === "index-write"
          ? waitForLog(daemon, (entry) => entry.msg === "step finished")
          : aim.startsWith("step:")
            ? waitForLog(daemon, (entry) => entry.msg === "step started" && entry.step === stepName)
            : Promise.resolve(true);

  if (aim === "startup") {
    delay = random.int(0, 2500);
    await sleep(delay);
  } else {
    const url = await daemon.started.catch((error: Error) => {
      finding(`round ${context.round}: the daemon did not start: ${error.message}`);
      return null;
    });
    if (url) await checkApi(url, dataDir, `round ${context.round}`, finding);
    if (aim.startsWith("ingest")) await context.drop();
    hit = await trigger;
    if (!hit) report.missedAims += 1;
    delay = aimDelay(aim, random);
    await sleep(delay);
  }

  await checkLocksAlive(dataDir, Date.now() - roundStarted, context.staleLockMs, context.round, finding);
  const children = daemon.child.pid ? await childPids(daemon.child.pid) : [];
  if (daemon.child.exitCode !== null) {
    finding(`round ${context.round}: the daemon exited by itself with code ${daemon.child.exitCode}`);
  }
  daemon.child.kill("SIGKILL");
  await daemon.exited;
  await checkOrphans(children, context.round, finding);

  const moment = describeKillMoment(daemon.logs);
  count(report.killedDuring, moment);
  context.log(
    `round ${context.round}/${options.rounds}: aim ${aim}${hit ? "" : " (missed)"}, +${delay} ms, killed during ${moment} after ${Date.now() - roundStarted} ms; ${dropped.length} files dropped`,
  );
}

/** Milliseconds to wait after the aimed log line, so the kill lands inside the work it starts. */
function aimDelay(aim: string, random: Random): number {
  if (aim === "step:video") return random.int(0, 3000);
  if (aim === "step:transcript") return random.int(0, 300);
  if (aim.startsWith("step:")) return random.int(0, 30);
  if (aim === "ingest") return random.int(0, 600);
  if (aim === "ingest-build") return random.int(0, 5);
  if (aim === "index-write") return random.int(0, 200);
  return random.int(0, 6000);
}

/** Checks that the API lists no temporary or half-built project. */
async function checkApi(url: string, dataDir: string, when: string, finding: (text: string) => void) {
  const response = await fetch(`${url}/api/v1/projects?size=100`).catch(() => null);
  if (!response?.ok) return;

  const { items } = (await response.json()) as { items: Array<{ id: string }> };
  const folders = new Set(await listProjectIds(dataDir));
  for (const item of items) {
    if (item.id.startsWith(".")) finding(`${when}: the API lists the temporary project ${item.id}`);
    else if (!folders.has(item.id)) finding(`${when}: the API lists ${item.id}, which has no folder`);
  }
}

/** While the daemon runs: a lock left by a killed daemon must be taken over after the stale time. */
async function checkLocksAlive(
  dataDir: string,
  uptimeMs: number,
  staleLockMs: number,
  round: number,
  finding: (text: string) => void,
): Promise<void> {
  // A locked project is tried again a stale time plus one second after the first attempt.
  if (uptimeMs < 2 * staleLockMs + 5000) return;

  for (const lock of await listHeldLocks(dataDir)) {
    if (lock.ageMs > staleLockMs + 2000) {
      finding(
        `round ${round}: the lock of ${lock.projectId} was not refreshed for ${lock.ageMs} ms while the daemon ran for ${uptimeMs} ms`,
      );
    }
  }
}

/** Child processes of a killed daemon, such as ffmpeg, must end by themselves. */
async function checkOrphans(children: number[], round: number, finding: (text: string) => void) {
  const deadline = Date.now() + 10_000;
  while (children.some(isAlive) && Date.now() < deadline) await sleep(100);

  for (const pid of children.filter(isAlive)) {
    finding(
      `round ${round}: child process ${pid} (${await commandLine(pid)}) outlived the killed daemon by 10 s`,
    );
    process.kill(pid, "SIGKILL");
  }
}

/** Checks the data folder while no daemon runs. */
async function checkWhileDown(
  dataDir: string,
  dropped: readonly DroppedVideo[],
  when: string,
  finding: (text: string) => void,
): Promise<void> {
  for (const problem of checkExactlyOnce(dropped, await takeCensus(dataDir))) finding(`${when}: ${problem}`);
  for (const problem of await findVisiblePartialData(dataDir)) finding(`${when}: ${problem}`);
}

interface FinishContext {
  args: string[];
  staleLockMs: number;
  dataDir: string;
  indexDir: string;
  dropped: DroppedVideo[];
  binaries: FfmpegBinaries;
  report: CrashReport;
  finding: (text: string) => void;
  log: (line: string) => void;
}

/** Starts the daemon a last time, waits for every project to complete, stops it and verifies. */
async function finish(context: FinishContext): Promise<void> {
  const { dataDir, dropped, finding } = context;
  const valid = dropped.filter((file) => file.valid);
  context.report.videos = valid.length;
  context.report.brokenFiles = dropped.length - valid.length;
  const daemon = spawnDaemonProcess(context.args, 120_000);
  const url = await daemon.started;
  await checkApi(url, dataDir, "final run", finding);

  const failed = await waitFor(
    `all ${valid.length} projects to complete`,
    async () => {
      const statuses = await readStatuses(dataDir);
      const failures = [...statuses].filter(([, status]) => status === "failed");
      if (failures.length > 0) return failures.map(([projectId]) => projectId);
      if (statuses.size !== valid.length || [...statuses.values()].some((status) => status !== "completed")) {
        return undefined;
      }
      const stats = (await (await fetch(`${url}/api/v1/stats`)).json()) as {
        projects: { by_status: Record<string, number> };
      };
      return stats.projects.by_status.completed === valid.length ? [] : undefined;
    },
    120_000 + 20_000 * valid.length,
    250,
  );
  for (const projectId of failed) finding(`final run: project ${projectId} failed`);

  // The lock of a project finished just before a kill is removed once it has turned stale.
  const lockWaitMs = 2 * context.staleLockMs + 10_000;
  await waitFor(
    "every project lock to be released",
    async () => ((await listHeldLocks(dataDir)).length === 0 ? true : undefined),
    lockWaitMs,
    250,
  ).catch(async () => {
    for (const lock of await listHeldLocks(dataDir)) {
      finding(`final run: the lock of ${lock.projectId} is left ${lock.ageMs} ms after its last refresh`);
    }
  });

  daemon.child.kill("SIGTERM");
  const exit = await daemon.exited;
  if (exit.code !== 0)
    finding(`final run: SIGTERM ended the daemon with code ${exit.code}, signal ${exit.signal}`);
  context.log(`final run: ${valid.length} projects completed; daemon stopped with code ${exit.code}`);

  const verify = await run(
    process.execPath,
    [
      path.join(root, "bin", "autoclipd.js"),
      "verify",
      "--data-dir",
      dataDir,
      "--index-dir",
      context.indexDir,
    ],
    { cwd: root, env: { ...process.env, LANG: "C" } },
  ).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (error: { code?: number; stdout?: string }) => ({ code: error.code ?? -1, stdout: error.stdout ?? "" }),
  );
  if (verify.code !== 0)
    finding(`final run: autoclipd verify exited ${verify.code}: ${verify.stdout.trim()}`);

  await checkWhileDown(dataDir, dropped, "final run", finding);
  const census = await takeCensus(dataDir);
  for (const file of dropped) {
    const place = census.get(file.videoHash)?.[0] ?? "";
    const expected = file.valid ? "projects/" : "inbox/rejected/";
    if (!place.startsWith(expected)) finding(`final run: ${file.name} is at ${place}, not under ${expected}`);

    const reason = path.join(dataDir, "inbox", "rejected", `${path.basename(place)}.error.json`);
    if (!file.valid && !(await stat(reason).catch(() => null))) {
      finding(`final run: ${place} was rejected without its ${path.basename(reason)}`);
    }
  }
  for (const folder of await listTempProjects(dataDir))
    finding(`final run: temporary folder ${folder} is left`);
  for (const lock of await listHeldLocks(dataDir))
    finding(`final run: the lock of ${lock.projectId} is left`);
  context.report.leftoverPartialFiles = await listPartialFiles(dataDir);
  for (const file of context.report.leftoverPartialFiles)
    finding(`final run: temporary file ${file} is left`);
}
