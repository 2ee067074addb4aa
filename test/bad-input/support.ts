/**
 * Shared fixtures and checks of the bad-input tests: generated media, a daemon per test file,
 * and waits for a rejection, a project state or a log line.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { generateTestVideo, resolveFfmpegBinaries } from "../../src/pipeline/ffmpeg.ts";
import { type DaemonProcess, startDaemonProcess } from "../helpers/daemon-process.ts";
import { waitFor } from "../helpers/wait-for.ts";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const binaries = resolveFfmpegBinaries();

/** Seconds of the generated talk video; the sample subtitles are squeezed to fit it. */
export const TALK_SECONDS = 60;
/** Factor the sample subtitle's times are divided by, so its 352 s fit into the talk video. */
const SQUEEZE = 6;

/** Maximum wait for one project or rejection, generous because the tests share 2 cores. */
export const LONG_WAIT_MS = 240_000;

/** Fixture files generated once per test file. */
export interface Fixtures {
  /** A 60 s video with audio. */
  talk: string;
  /** The sample subtitles squeezed to 60 s, as UTF-8 SRT text. */
  talkSrt: string;
  /** A 60 s video without an audio stream. */
  silent: string;
  /** An AAC audio-only file in an MP4 container. */
  audioOnly: string;
}

/** Returns the sample SRT with every time divided by `factor`. */
export async function squeezedSampleSrt(factor = SQUEEZE): Promise<string> {
  const text = await readFile(path.join(root, "samples", "talk.zh.srt"), "utf8");

  return text.replace(/(\d+):(\d+):(\d+),(\d+)/g, (_match, h, m, s, ms) => {
    const total = (Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000) / factor;
    return formatSrtTime(total);
  });
}

/** Formats seconds as an SRT time, `HH:MM:SS,mmm`. */
export function formatSrtTime(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (value: number, size = 2) => String(value).padStart(size, "0");
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)},${pad(ms % 1000, 3)}`;
}

/** Generates the fixture videos into `folder`. */
export async function makeFixtures(folder: string): Promise<Fixtures> {
  const talk = path.join(folder, "talk.mp4");
  const silent = path.join(folder, "silent.mp4");
  const audioOnly = path.join(folder, "audio-only.mp4");
  const size = { width: 160, height: 90, keyframeInterval: 2 };

  await generateTestVideo({ output: talk, duration: TALK_SECONDS, ...size }, binaries);
  await generateTestVideo({ output: silent, duration: TALK_SECONDS, withAudio: false, ...size }, binaries);
  await run(binaries.ffmpeg, [
    ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=300:duration=5"],
    ...["-c:a", "aac", "-b:a", "32k", "-y", audioOnly],
  ]);
  return { talk, talkSrt: await squeezedSampleSrt(), silent, audioOnly };
}

/** Runs the bundled ffmpeg with an argument array. */
export async function ffmpeg(args: string[]): Promise<void> {
  await run(binaries.ffmpeg, ["-hide_banner", "-loglevel", "error", "-y", ...args]);
}

/** Flags every bad-input daemon runs with: a short settle time and small, fast clips. */
export const DAEMON_FLAGS = [
  ...["--inbox-settle-ms", "400", "--encoder-preset", "ultrafast", "--log-level", "debug"],
  ...["--min-clip-seconds", "4", "--max-clip-seconds", "20", "--reconcile-interval", "2"],
];

/** Starts a daemon on `dataDir` with {@link DAEMON_FLAGS} and `extra` flags. */
export function startBadInputDaemon(dataDir: string, extra: string[] = []): Promise<DaemonProcess> {
  return startDaemonProcess(["--data-dir", dataDir, ...DAEMON_FLAGS, ...extra], 60_000);
}

/** Copies `source` into the inbox under `name` the way a careful tool does: a `.part` file, then a rename. */
export async function drop(dataDir: string, source: string, name: string): Promise<string> {
  const target = path.join(dataDir, "inbox", name);
  await copyFile(source, `${target}.part`);
  await rename(`${target}.part`, target);
  return target;
}

/** Writes `content` into the inbox under `name` through a `.part` file and a rename. */
export async function dropContent(
  dataDir: string,
  name: string,
  content: string | Uint8Array,
): Promise<string> {
  const target = path.join(dataDir, "inbox", name);
  await writeFile(`${target}.part`, content);
  await rename(`${target}.part`, target);
  return target;
}

/** The contents of a `NAME.error.json` file. */
export interface RejectionRecord {
  file: string;
  files: string[];
  code: string;
  message: string;
  hint: string;
  message_zh: string;
  hint_zh: string;
}

/**
 * Waits for the rejection record of `name`, checks that it is complete in both languages, and
 * that the API lists it with its Chinese text for a Chinese request.
 */
export async function waitForRejection(
  daemon: DaemonProcess,
  dataDir: string,
  name: string,
  timeoutMs = 60_000,
): Promise<RejectionRecord> {
  const rejected = path.join(dataDir, "inbox", "rejected");
  const record = await waitFor(
    `a rejection record for ${JSON.stringify(name)}`,
    async () => {
      const names = await readdir(rejected).catch(() => [] as string[]);
      for (const candidate of names.filter((entry) => entry.endsWith(".error.json"))) {
        const parsed = JSON.parse(await readFile(path.join(rejected, candidate), "utf8")) as RejectionRecord;
        if (parsed.file === name) return parsed;
      }
      return undefined;
    },
    timeoutMs,
    100,
  );

  assert.ok(record.message.length > 0, "the rejection has an English message");
  assert.ok(record.hint.length > 0, "the rejection has an English hint");
  assert.match(record.message_zh, /[\u4e00-\u9fff]/, "the rejection has a Chinese message");
  assert.match(record.hint_zh, /[\u4e00-\u9fff]/, "the rejection has a Chinese hint");
  for (const moved of record.files) {
    await stat(path.join(rejected, moved));
  }

  const response = await fetch(`${daemon.url}/api/v1/inbox/rejected`, {
    headers: { "Accept-Language": "zh-CN" },
  });
  assert.equal(response.status, 200, "the rejected files route answers 200");
  const listed = (await response.json()) as { items: (RejectionRecord & { detail: string })[] };
  const item = listed.items.find((entry) => entry.file === name);
  assert.ok(item, `the API lists the rejection of ${JSON.stringify(name)}`);
  assert.equal(item.code, record.code, "the API shows the code");
  assert.equal(item.detail, record.message_zh, "the API shows the Chinese message to a Chinese request");
  return record;
}

/** The project fields the tests read from the API. */
export interface ApiProject {
  id: string;
  name: string;
  status: string;
  total_clips: number;
  total_collections: number;
  error_message: string | null;
}

/** Returns the parsed JSON body of a GET request that must return 200. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url} returned ${response.status}`);
  return (await response.json()) as T;
}

/** Lists every project the API returns. */
export async function listProjects(daemon: DaemonProcess): Promise<ApiProject[]> {
  const body = await getJson<{ items: ApiProject[] }>(`${daemon.url}/api/v1/projects/?page_size=100`);
  return body.items;
}

/** Waits for a project with `name` to reach one of `statuses` and returns it. */
export async function waitForProject(
  daemon: DaemonProcess,
  name: string,
  statuses: readonly string[],
  timeoutMs = LONG_WAIT_MS,
): Promise<ApiProject> {
  return waitFor(
    `project ${JSON.stringify(name)} to reach ${statuses.join(" or ")}`,
    async () => {
      const project = (await listProjects(daemon)).find((item) => item.name === name);
      return project && statuses.includes(project.status) ? project : undefined;
    },
    timeoutMs,
    250,
  ).catch((error: Error) => {
    const tail = daemon.logs.slice(-15).map((entry) => JSON.stringify(entry));
    throw new Error(`${error.message}\nlast daemon log lines:\n${tail.join("\n")}`, { cause: error });
  });
}

/** Reads a project's `project.json` and `pipeline.json` from disk. */
export async function readProjectFiles(
  dataDir: string,
  projectId: string,
): Promise<{ project: Record<string, unknown>; pipeline: Record<string, unknown> }> {
  const dir = path.join(dataDir, "projects", projectId);
  return {
    project: JSON.parse(await readFile(path.join(dir, "project.json"), "utf8")),
    pipeline: JSON.parse(await readFile(path.join(dir, "pipeline.json"), "utf8")),
  };
}

/** Finds the first daemon log line that `match` accepts. */
export function findLog(
  daemon: DaemonProcess,
  match: (entry: Record<string, unknown>) => boolean,
): Record<string, unknown> | undefined {
  return daemon.logs.find(match);
}

/** Waits for a daemon log line that `match` accepts. */
export function waitForLog(
  daemon: DaemonProcess,
  what: string,
  match: (entry: Record<string, unknown>) => boolean,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  return waitFor(`log line: ${what}`, () => findLog(daemon, match), timeoutMs, 100);
}

/** Checks that the daemon process still runs and its API responds. */
export async function assertDaemonAlive(daemon: DaemonProcess): Promise<void> {
  assert.equal(daemon.child.exitCode, null, "the daemon process is still running");
  const health = await fetch(`${daemon.url}/api/v1/health`);
  assert.equal(health.status, 200, "the health route answers 200");
}

/** Checks that no log line at level fatal (60) was printed. */
export function assertNoFatalLog(daemon: DaemonProcess): void {
  const fatal = daemon.logs.filter((entry) => Number(entry.level) >= 60);
  assert.deepEqual(fatal, [], "no fatal log line");
}

/** Lists the entries of a folder, or an empty list when it is missing. */
export async function listFolder(folder: string): Promise<string[]> {
  return readdir(folder).catch(() => []);
}
