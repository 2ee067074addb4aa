import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  symlink,
  utimes,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { promisify } from "node:util";
import { pipelineFileSchema } from "../../schemas/pipeline.ts";
import { projectFileSchema } from "../../schemas/project.ts";
import { generateTestVideo, resolveFfmpegBinaries } from "../pipeline/ffmpeg.ts";
import { type DataLayout, dataLayout, TEMP_PROJECT_PREFIX } from "../project/layout.ts";
import { BUILD_LOCK_SUFFIX, lockBuild } from "../project/lock.ts";
import { silentLogger } from "../shared/logger.ts";
import { ingestVideo, recoverUnfinishedIngests, rejectFile } from "./ingest.ts";
import { unsupportedFile } from "./rejection-reasons.ts";

const run = promisify(execFile);
const binaries = resolveFfmpegBinaries();
const HAN = /\p{Script=Han}/u;
/** Spaces, both quotes, command substitution, backticks, CJK and emoji. */
const AWKWARD_BASE = `it's a "talk" $(touch pwned) \`touch pwned\` 演讲 🎬`;
const SRT = "1\n00:00:00,000 --> 00:00:01,500\nHello there.\n";

/** The fields of `NAME.error.json` that the tests read. */
interface ErrorReport {
  file: string;
  files: string[];
  code: string;
  message: string;
  hint: string;
  message_zh: string;
  hint_zh: string;
  rejected_at: string;
}

let fixtures: string;
let sampleVideo: string;
let audioOnly: string;
let root: string;
let layout: DataLayout;

before(async () => {
  fixtures = await mkdtemp(path.join(tmpdir(), "autoclipd-ingest-fixtures-"));
  sampleVideo = path.join(fixtures, "sample.mp4");
  audioOnly = path.join(fixtures, "audio.mp4");
  await generateTestVideo({ output: sampleVideo, duration: 2, width: 160, height: 90, fps: 10 }, binaries);
  await run(binaries.ffmpeg, [
    ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=8000"],
    ...["-t", "1", "-c:a", "aac", "-f", "mp4", audioOnly],
  ]);
});

after(async () => {
  await rm(fixtures, { recursive: true, force: true });
});

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-ingest-"));
  layout = dataLayout(root);
  await mkdir(layout.inbox, { recursive: true });
  await mkdir(layout.projects, { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function dependencies() {
  return { layout, binaries, logger: silentLogger };
}

async function readErrorReport(name: string): Promise<ErrorReport> {
  return JSON.parse(await readFile(path.join(layout.rejected, `${name}.error.json`), "utf8")) as ErrorReport;
}

/** Asserts the parts of an error report that every rejection shares. */
function assertBilingualReport(report: ErrorReport, name: string, code: string): void {
  assert.equal(report.code, code);
  assert.equal(report.file, name);
  assert.ok(report.message.includes(name), `message names the file: ${report.message}`);
  assert.ok(report.hint.length > 0, "hint is empty");
  assert.doesNotMatch(report.message.replaceAll(name, ""), HAN);
  assert.match(report.message_zh, HAN);
  assert.match(report.hint_zh, HAN);
  assert.ok(!Number.isNaN(Date.parse(report.rejected_at)), `rejected_at ${report.rejected_at}`);
}

test("ingestVideo builds a project folder", async () => {
  await copyFile(sampleVideo, path.join(layout.inbox, "talk.mp4"));
  await writeFile(path.join(layout.inbox, "talk.srt"), SRT);

  const result = await ingestVideo(path.join(layout.inbox, "talk.mp4"), dependencies());

  assert.equal(result.kind, "ingested");
  const projectId = (result as { projectId: string }).projectId;
  const dir = path.join(layout.projects, projectId);
  assert.deepEqual((await readdir(path.join(dir, "input"))).sort(), ["talk.mp4", "talk.srt"]);
  assert.deepEqual(await readFile(path.join(dir, "input", "talk.mp4")), await readFile(sampleVideo));
  assert.equal(await readFile(path.join(dir, "input", "talk.srt"), "utf8"), SRT);
  assert.deepEqual(await readdir(layout.inbox), []);
  assert.deepEqual(await readdir(layout.projects), [projectId]);
});

test("ingestVideo writes valid project.json", async () => {
  await copyFile(sampleVideo, path.join(layout.inbox, "talk.mp4"));
  await writeFile(path.join(layout.inbox, "talk.srt"), SRT);

  const result = await ingestVideo(path.join(layout.inbox, "talk.mp4"), dependencies());
  const projectId = (result as { projectId: string }).projectId;
  const raw: unknown = JSON.parse(
    await readFile(path.join(layout.projects, projectId, "project.json"), "utf8"),
  );
  const parsed = projectFileSchema.safeParse(raw);

  assert.ok(parsed.success, parsed.error?.message);
  const project = parsed.data;
  assert.equal(project.id, projectId);
  assert.equal(project.name, "talk");
  assert.equal(project.source_file, "talk.mp4");
  assert.equal(project.subtitle_file, "talk.srt");
  assert.equal(project.video?.width, 160);
  assert.equal(project.video?.height, 90);
  assert.equal(project.video?.fps, 10);
  assert.equal(project.video?.has_audio, true);
  assert.ok(Math.abs((project.video?.duration ?? 0) - 2) < 0.1, `duration ${project.video?.duration}`);
});

test("ingestVideo applies a project sidecar", async () => {
  await copyFile(sampleVideo, path.join(layout.inbox, "talk.mp4"));
  await writeFile(
    path.join(layout.inbox, "talk.json"),
    JSON.stringify({ name: "我的演讲", video_category: "speech", description: "demo" }),
  );

  const result = await ingestVideo(path.join(layout.inbox, "talk.mp4"), dependencies());
  const projectId = (result as { projectId: string }).projectId;
  const dir = path.join(layout.projects, projectId);
  const project = projectFileSchema.parse(JSON.parse(await readFile(path.join(dir, "project.json"), "utf8")));

  assert.equal(project.name, "我的演讲");
  assert.equal(project.video_category, "speech");
  assert.equal(project.description, "demo");
  assert.deepEqual((await readdir(path.join(dir, "input"))).sort(), ["talk.json", "talk.mp4"]);
  assert.deepEqual(await readdir(layout.inbox), []);
});

test("ingestVideo ignores an invalid sidecar", async () => {
  await copyFile(sampleVideo, path.join(layout.inbox, "talk.mp4"));
  await writeFile(path.join(layout.inbox, "talk.json"), JSON.stringify({ video_category: "cooking" }));

  const result = await ingestVideo(path.join(layout.inbox, "talk.mp4"), dependencies());
  const projectId = (result as { projectId: string }).projectId;
  const project = projectFileSchema.parse(
    JSON.parse(await readFile(path.join(layout.projects, projectId, "project.json"), "utf8")),
  );

  assert.equal(result.kind, "ingested");
  assert.equal(project.name, "talk");
  assert.equal(project.video_category, "knowledge");
});

test("ingestVideo writes pending pipeline.json", async () => {
  await copyFile(sampleVideo, path.join(layout.inbox, "talk.mp4"));

  const result = await ingestVideo(path.join(layout.inbox, "talk.mp4"), dependencies());
  const projectId = (result as { projectId: string }).projectId;
  const raw: unknown = JSON.parse(
    await readFile(path.join(layout.projects, projectId, "pipeline.json"), "utf8"),
  );
  const parsed = pipelineFileSchema.safeParse(raw);

  assert.ok(parsed.success, parsed.error?.message);
  assert.equal(parsed.data.status, "pending");
  assert.equal(parsed.data.current_step, null);
  assert.equal(parsed.data.progress, 0);
  assert.equal(parsed.data.error, null);
});

test("ingestVideo leaves no temp folder", async () => {
  await copyFile(sampleVideo, path.join(layout.inbox, "talk.mp4"));

  await ingestVideo(path.join(layout.inbox, "talk.mp4"), dependencies());

  const names = await readdir(layout.projects);
  assert.equal(
    names.some((name) => name.startsWith(TEMP_PROJECT_PREFIX)),
    false,
    names.join(", "),
  );
});

test("ingestVideo without subtitle", async () => {
  await copyFile(sampleVideo, path.join(layout.inbox, "talk.mp4"));
  await writeFile(path.join(layout.inbox, "other.srt"), SRT);

  const result = await ingestVideo(path.join(layout.inbox, "talk.mp4"), dependencies());
  const projectId = (result as { projectId: string }).projectId;
  const project = projectFileSchema.parse(
    JSON.parse(await readFile(path.join(layout.projects, projectId, "project.json"), "utf8")),
  );

  assert.equal(project.subtitle_file, null);
  assert.deepEqual(await readdir(path.join(layout.projects, projectId, "input")), ["talk.mp4"]);
  assert.deepEqual(await readdir(layout.inbox), ["other.srt"]);
});

test("ingestVideo takes awkward names", async () => {
  const videoName = `${AWKWARD_BASE}.mp4`;
  const subtitleName = `${AWKWARD_BASE}.srt`;
  await copyFile(sampleVideo, path.join(layout.inbox, videoName));
  await writeFile(path.join(layout.inbox, subtitleName), SRT);

  const result = await ingestVideo(path.join(layout.inbox, videoName), dependencies());

  assert.equal(result.kind, "ingested");
  const dir = path.join(layout.projects, (result as { projectId: string }).projectId);
  const project = projectFileSchema.parse(JSON.parse(await readFile(path.join(dir, "project.json"), "utf8")));
  assert.deepEqual((await readdir(path.join(dir, "input"))).sort(), [videoName, subtitleName].sort());
  assert.equal(project.name, AWKWARD_BASE);
  assert.equal(project.source_file, videoName);
  assert.equal(project.subtitle_file, subtitleName);
  await assert.rejects(lstat(path.join(root, "pwned")), { code: "ENOENT" });
  await assert.rejects(lstat(path.join(process.cwd(), "pwned")), { code: "ENOENT" });
});

test("ingestVideo rejects a text file", async () => {
  const text = "this is not a video\n".repeat(20);
  await writeFile(path.join(layout.inbox, "notes.mp4"), text);
  await writeFile(path.join(layout.inbox, "notes.srt"), SRT);

  const result = await ingestVideo(path.join(layout.inbox, "notes.mp4"), dependencies());

  assert.equal(result.kind, "rejected");
  assert.equal((result as { reason: { code: string } }).reason.code, "MEDIA_UNREADABLE");
  assert.deepEqual(await readdir(layout.inbox), ["rejected"]);
  assert.equal(await readFile(path.join(layout.rejected, "notes.mp4"), "utf8"), text);
  assert.equal(await readFile(path.join(layout.rejected, "notes.srt"), "utf8"), SRT);
  const report = await readErrorReport("notes.mp4");
  assertBilingualReport(report, "notes.mp4", "MEDIA_UNREADABLE");
  assert.deepEqual(report.files, ["notes.mp4", "notes.srt"]);
  assert.deepEqual(await readdir(layout.projects), []);
});

test("rejected video takes every same-named sidecar", async () => {
  await writeFile(path.join(layout.inbox, "talk.mp4"), "not a video\n");
  await writeFile(path.join(layout.inbox, "talk.srt"), SRT);
  await writeFile(path.join(layout.inbox, "talk.vtt"), "WEBVTT\n");
  await writeFile(path.join(layout.inbox, "talk.json"), JSON.stringify({ name: "Talk" }));
  await writeFile(path.join(layout.inbox, "talker.srt"), SRT);

  const result = await ingestVideo(path.join(layout.inbox, "talk.mp4"), dependencies());

  assert.equal(result.kind, "rejected");
  assert.deepEqual((await readdir(layout.inbox)).sort(), ["rejected", "talker.srt"]);
  const report = await readErrorReport("talk.mp4");
  assert.equal(report.files[0], "talk.mp4");
  assert.equal(report.files[1], "talk.srt", "the subtitle ingest would use comes first");
  assert.deepEqual([...report.files].sort(), ["talk.json", "talk.mp4", "talk.srt", "talk.vtt"]);
  assert.deepEqual((await readdir(layout.rejected)).sort(), [
    "talk.json",
    "talk.mp4",
    "talk.mp4.error.json",
    "talk.srt",
    "talk.vtt",
  ]);
});

test("rejected video leaves sidecars to a same-named video", async () => {
  await writeFile(path.join(layout.inbox, "talk.mp4"), "not a video\n");
  await copyFile(sampleVideo, path.join(layout.inbox, "talk.mkv.part"));
  await writeFile(path.join(layout.inbox, "talk.json"), JSON.stringify({ name: "Talk" }));

  const result = await ingestVideo(path.join(layout.inbox, "talk.mp4"), dependencies());

  assert.equal(result.kind, "rejected");
  assert.deepEqual((await readdir(layout.inbox)).sort(), ["rejected", "talk.json", "talk.mkv.part"]);
  assert.deepEqual((await readErrorReport("talk.mp4")).files, ["talk.mp4"]);
});

test("ingestVideo rejects an empty file", async () => {
  await writeFile(path.join(layout.inbox, "empty.mp4"), "");

  const result = await ingestVideo(path.join(layout.inbox, "empty.mp4"), dependencies());

  assert.equal(result.kind, "rejected");
  assertBilingualReport(await readErrorReport("empty.mp4"), "empty.mp4", "MEDIA_UNREADABLE");
});

test("ingestVideo rejects audio only", async () => {
  await copyFile(audioOnly, path.join(layout.inbox, "song.mp4"));

  const result = await ingestVideo(path.join(layout.inbox, "song.mp4"), dependencies());

  assert.equal(result.kind, "rejected");
  assert.equal((result as { reason: { code: string } }).reason.code, "VIDEO_STREAM_MISSING");
  assertBilingualReport(await readErrorReport("song.mp4"), "song.mp4", "VIDEO_STREAM_MISSING");
  assert.deepEqual(await readFile(path.join(layout.rejected, "song.mp4")), await readFile(audioOnly));
  assert.deepEqual(await readdir(layout.projects), []);
});

test("ingestVideo rejects a symlink", async () => {
  const target = path.join(root, "elsewhere.mp4");
  await copyFile(sampleVideo, target);
  await symlink(target, path.join(layout.inbox, "link.mp4"));

  const result = await ingestVideo(path.join(layout.inbox, "link.mp4"), dependencies());

  assert.equal(result.kind, "rejected");
  assertBilingualReport(await readErrorReport("link.mp4"), "link.mp4", "SYMLINK_NOT_ALLOWED");
  assert.ok((await lstat(path.join(layout.rejected, "link.mp4"))).isSymbolicLink());
  assert.equal(await readlink(path.join(layout.rejected, "link.mp4")), target);
  assert.deepEqual(await readFile(target), await readFile(sampleVideo));
  assert.deepEqual(await readdir(layout.projects), []);
});

test("ingestVideo returns gone for a missing file", async () => {
  const result = await ingestVideo(path.join(layout.inbox, "vanished.mp4"), dependencies());

  assert.deepEqual(result, { kind: "gone" });
});

test("ingestVideo rejects a long CJK name", async () => {
  // 80 CJK characters and ".mp4" make a valid 244-byte name, and its error report adds 11 bytes.
  const name = `${"长".repeat(80)}.mp4`;
  await writeFile(path.join(layout.inbox, name), "not a video");

  const result = await ingestVideo(path.join(layout.inbox, name), dependencies());

  assert.equal(result.kind, "rejected");
  assert.equal(await readFile(path.join(layout.rejected, name), "utf8"), "not a video");
  assertBilingualReport(await readErrorReport(name), name, "MEDIA_UNREADABLE");
});

test("rejectFile numbers name collisions", async () => {
  const reason = unsupportedFile("bad.mp4", ".mp4");
  await writeFile(path.join(layout.inbox, "bad.mp4"), "first");
  await rejectFile(path.join(layout.inbox, "bad.mp4"), null, reason, dependencies());
  await writeFile(path.join(layout.inbox, "bad.mp4"), "second");

  await rejectFile(path.join(layout.inbox, "bad.mp4"), null, reason, dependencies());

  assert.deepEqual((await readdir(layout.rejected)).sort(), [
    "bad (2).mp4",
    "bad (2).mp4.error.json",
    "bad.mp4",
    "bad.mp4.error.json",
  ]);
  assert.equal(await readFile(path.join(layout.rejected, "bad.mp4"), "utf8"), "first");
  assert.equal(await readFile(path.join(layout.rejected, "bad (2).mp4"), "utf8"), "second");
  assert.deepEqual((await readErrorReport("bad (2).mp4")).files, ["bad (2).mp4"]);
  assert.equal((await readErrorReport("bad (2).mp4")).file, "bad.mp4");
});

test("rejectFile numbers a third collision", async () => {
  const reason = unsupportedFile("notes.txt", ".mp4");
  for (const content of ["one", "two", "three"]) {
    await writeFile(path.join(layout.inbox, "notes.txt"), content);
    await rejectFile(path.join(layout.inbox, "notes.txt"), null, reason, dependencies());
  }

  assert.equal(await readFile(path.join(layout.rejected, "notes (3).txt"), "utf8"), "three");
  assert.equal((await readErrorReport("notes (3).txt")).code, "UNSUPPORTED_FILE_TYPE");
});

test("recoverUnfinishedIngests returns the inputs", async () => {
  const temp = path.join(layout.projects, `${TEMP_PROJECT_PREFIX}x`);
  await mkdir(path.join(temp, "input"), { recursive: true });
  await mkdir(path.join(temp, "metadata"));
  await copyFile(sampleVideo, path.join(temp, "input", "talk.mp4"));
  await writeFile(path.join(temp, "input", "talk.srt"), SRT);
  await writeFile(path.join(temp, "project.json"), "{");

  const result = await recoverUnfinishedIngests(layout, silentLogger);

  assert.deepEqual(result, { recovered: 1, skipped: 0 });
  assert.deepEqual((await readdir(layout.inbox)).sort(), ["talk.mp4", "talk.srt"]);
  assert.deepEqual(await readFile(path.join(layout.inbox, "talk.mp4")), await readFile(sampleVideo));
  assert.equal(await readFile(path.join(layout.inbox, "talk.srt"), "utf8"), SRT);
  assert.deepEqual(await readdir(layout.projects), []);
});

test("recoverUnfinishedIngests keeps finished projects", async () => {
  await mkdir(path.join(layout.projects, "p1", "input"), { recursive: true });
  await writeFile(path.join(layout.projects, "p1", "input", "talk.mp4"), "video");
  await mkdir(path.join(layout.projects, `${TEMP_PROJECT_PREFIX}empty`));

  const result = await recoverUnfinishedIngests(layout, silentLogger);

  assert.deepEqual(result, { recovered: 1, skipped: 0 });
  assert.deepEqual(await readdir(layout.projects), ["p1"]);
  assert.deepEqual(await readdir(path.join(layout.projects, "p1", "input")), ["talk.mp4"]);
  assert.deepEqual(await readdir(layout.inbox), []);
});

test("recoverUnfinishedIngests avoids inbox collisions", async () => {
  const temp = path.join(layout.projects, `${TEMP_PROJECT_PREFIX}y`);
  await mkdir(path.join(temp, "input"), { recursive: true });
  await writeFile(path.join(temp, "input", "talk.mp4"), "from the half-built project");
  await writeFile(path.join(layout.inbox, "talk.mp4"), "dropped again meanwhile");

  await recoverUnfinishedIngests(layout, silentLogger);

  assert.equal(await readFile(path.join(layout.inbox, "talk.mp4"), "utf8"), "dropped again meanwhile");
  assert.equal(
    await readFile(path.join(layout.inbox, "talk (2).mp4"), "utf8"),
    "from the half-built project",
  );
});

test("recoverUnfinishedIngests skips a folder being built", async () => {
  const temp = path.join(layout.projects, `${TEMP_PROJECT_PREFIX}busy`);
  await mkdir(path.join(temp, "input"), { recursive: true });
  await writeFile(path.join(temp, "input", "talk.mp4"), "video");
  const release = await lockBuild(temp);

  const whileLocked = await recoverUnfinishedIngests(layout, silentLogger);

  assert.deepEqual(whileLocked, { recovered: 0, skipped: 1 });
  assert.deepEqual(await readdir(path.join(temp, "input")), ["talk.mp4"]);
  assert.deepEqual(await readdir(layout.inbox), []);

  await release();
  const afterRelease = await recoverUnfinishedIngests(layout, silentLogger);

  assert.deepEqual(afterRelease, { recovered: 1, skipped: 0 });
  assert.deepEqual(await readdir(layout.inbox), ["talk.mp4"]);
  assert.deepEqual(await readdir(layout.projects), []);
});

test("recoverUnfinishedIngests takes over a stale build lock", async () => {
  const temp = path.join(layout.projects, `${TEMP_PROJECT_PREFIX}dead`);
  await mkdir(path.join(temp, "input"), { recursive: true });
  await writeFile(path.join(temp, "input", "talk.mp4"), "video");
  const orphanLock = path.join(layout.projects, `${TEMP_PROJECT_PREFIX}gone${BUILD_LOCK_SUFFIX}`);
  await mkdir(`${temp}${BUILD_LOCK_SUFFIX}`);
  await mkdir(orphanLock);
  const longAgo = new Date(Date.now() - 60_000);
  await utimes(`${temp}${BUILD_LOCK_SUFFIX}`, longAgo, longAgo);
  await utimes(orphanLock, longAgo, longAgo);

  const result = await recoverUnfinishedIngests(layout, silentLogger, 2000);

  assert.deepEqual(result, { recovered: 1, skipped: 0 });
  assert.deepEqual(await readdir(layout.inbox), ["talk.mp4"]);
  assert.deepEqual(await readdir(layout.projects), [], "the folder and both build locks are gone");
});

test("recoverUnfinishedIngests keeps a fresh build lock without a folder", async () => {
  const lock = path.join(layout.projects, `${TEMP_PROJECT_PREFIX}starting${BUILD_LOCK_SUFFIX}`);
  await mkdir(lock);

  const result = await recoverUnfinishedIngests(layout, silentLogger, 2000);

  assert.deepEqual(result, { recovered: 0, skipped: 0 });
  assert.deepEqual(await readdir(layout.projects), [path.basename(lock)]);
});
