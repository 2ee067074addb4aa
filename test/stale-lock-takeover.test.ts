import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateTestVideo, resolveFfmpegBinaries } from "../src/pipeline/ffmpeg.ts";
import { LOCK_NAME } from "../src/project/lock.ts";
import { checkExactlyOnce, takeCensus } from "./helpers/crash-checks.ts";
import { dropVideo, TALK_SECONDS } from "./helpers/crash-fixtures.ts";
import { type LogEntry, type SpawnedDaemon, spawnDaemonProcess } from "./helpers/daemon-process.ts";
import { waitFor } from "./helpers/wait-for.ts";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const STALE_LOCK_SECONDS = 3;

let work: string | undefined;
const daemons: SpawnedDaemon[] = [];

after(async () => {
  for (const daemon of daemons) {
    if (daemon.child.exitCode === null && daemon.child.signalCode === null) daemon.child.kill("SIGKILL");
    await daemon.exited;
  }
  if (work) await rm(work, { recursive: true, force: true });
});

type Stats = {
  projects: { total: number; by_status: Record<string, number> };
  clips: number;
  collections: number;
};

async function readStats(url: string): Promise<Stats> {
  const stats = (await (await fetch(`${url}/api/v1/stats`)).json()) as Stats & { index?: unknown };
  return { projects: stats.projects, clips: stats.clips, collections: stats.collections };
}

function findLog(logs: readonly LogEntry[], matches: (entry: LogEntry) => boolean): LogEntry | undefined {
  return logs.find(matches);
}

test("second daemon takes over a dead daemon's lock", { timeout: 300_000 }, async () => {
  work = await mkdtemp(path.join(tmpdir(), "autoclipd-takeover-"));
  const dataDir = path.join(work, "data");
  const inbox = path.join(dataDir, "inbox");
  const base = path.join(work, "base.mp4");
  const binaries = resolveFfmpegBinaries();
  await mkdir(inbox, { recursive: true });
  // A larger frame and the slowest x264 preset keep the video step running for seconds, so the
  // kill lands inside it on a fast machine too.
  await generateTestVideo(
    { output: base, duration: TALK_SECONDS + 1, width: 480, height: 270, fps: 25, keyframeInterval: 2 },
    binaries,
  );
  const argsFor = (name: string) => [
    ...["--data-dir", dataDir, "--index-dir", path.join(work as string, `index-${name}`)],
    ...["--log-level", "debug", "--inbox-settle-ms", "200", "--min-clip-seconds", "4"],
    ...["--max-clip-seconds", "12", "--encoder-preset", "veryslow"],
    ...["--stale-lock-seconds", String(STALE_LOCK_SECONDS)],
  ];

  const first = spawnDaemonProcess(argsFor("a"), 60_000);
  const second = spawnDaemonProcess(argsFor("b"), 60_000);
  daemons.push(first, second);
  const urls = await Promise.all([first.started, second.started]);
  const video = await dropVideo(inbox, base, 1, binaries);

  const videoStart = (entry: LogEntry) => entry.msg === "step started" && entry.step === "video";
  const holder = await waitFor(
    "one daemon to start the video step",
    () => [first, second].find((daemon) => findLog(daemon.logs, videoStart)),
    120_000,
    5,
  );
  const other = holder === first ? second : first;
  const projectId = String(findLog(holder.logs, videoStart)?.projectId);
  const projectDir = path.join(dataDir, "projects", projectId);
  holder.child.kill("SIGKILL");
  await holder.exited;
  const killedAt = Date.now();

  const lock = await stat(path.join(projectDir, LOCK_NAME));
  const output = await stat(path.join(projectDir, "metadata", "collections_metadata.json")).catch(() => null);
  assert.equal(output, null, "the kill landed before the video step finished");

  const completed = (entry: LogEntry) => entry.msg === "project completed" && entry.projectId === projectId;
  await waitFor(
    "the other daemon to complete the project",
    () => findLog(other.logs, completed),
    180_000,
    100,
  );

  const takeover = findLog(
    other.logs,
    (entry) => entry.msg === "step started" && entry.projectId === projectId,
  );
  assert.equal(takeover?.step, "video", "the other daemon resumes at the video step, not earlier");
  assert.ok(
    Number(takeover?.time) >= lock.mtimeMs + STALE_LOCK_SECONDS * 1000 - 50,
    `the lock is taken over only once stale: last refresh ${lock.mtimeMs}, taken ${takeover?.time}, killed ${killedAt}`,
  );
  assert.equal(
    holder.logs.filter((entry) => entry.msg === "step started" && entry.step === "transcript").length +
      other.logs.filter((entry) => entry.msg === "step started" && entry.step === "transcript").length,
    1,
    "the transcript step ran once over both daemons",
  );

  // The killed daemon comes back on its own index, which still records the project as processing.
  const restarted = spawnDaemonProcess(argsFor(holder === first ? "a" : "b"), 60_000);
  daemons.push(restarted);
  const restartedUrl = await restarted.started;
  const otherUrl = other === first ? urls[0] : urls[1];
  const [otherStats, restartedStats] = await waitFor(
    "both indexes to count one completed project",
    async () => {
      const both = await Promise.all([readStats(otherUrl), readStats(restartedUrl)]);
      return both.every((stats) => stats.projects.by_status.completed === 1) ? both : undefined;
    },
    60_000,
    200,
  );
  assert.deepEqual(restartedStats, otherStats, "both indexes agree");
  assert.equal(otherStats.projects.total, 1);
  assert.ok(otherStats.clips > 0, "the project has clips");

  for (const daemon of [other, restarted]) {
    daemon.child.kill("SIGTERM");
    assert.equal((await daemon.exited).code, 0, "SIGTERM stops the daemon with code 0");
  }
  for (const name of ["a", "b"]) {
    const verify = await run(
      process.execPath,
      [path.join(root, "bin", "autoclipd.js"), "verify", ...argsFor(name).slice(0, 4)],
      { cwd: root, env: { ...process.env, LANG: "C" } },
    );
    assert.match(verify.stdout, /matches the files of all 1 projects/, `index ${name} matches the files`);
  }
  assert.deepEqual(checkExactlyOnce([video], await takeCensus(dataDir)), []);
  assert.equal(
    (await readdir(projectDir)).includes(LOCK_NAME),
    false,
    "no lock is left once both daemons have stopped",
  );
});
