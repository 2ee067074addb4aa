/**
 * Bad files dropped into the inbox. Each is rejected into `inbox/rejected/` with a reason in
 * both languages, or left alone while it is still being written. A healthy video dropped beside
 * them is processed to the end by the same daemon.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rename, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { DaemonProcess } from "../helpers/daemon-process.ts";
import { waitFor } from "../helpers/wait-for.ts";
import {
  assertDaemonAlive,
  assertNoFatalLog,
  drop,
  dropContent,
  type Fixtures,
  ffmpeg,
  findLog,
  listFolder,
  makeFixtures,
  readProjectFiles,
  startBadInputDaemon,
  waitForProject,
  waitForRejection,
} from "./support.ts";

/** Seconds a subtitle dropped alone waits for its video in these tests. */
const SIDECAR_WAIT_SECONDS = 3;

/** Returns `bytes` without the top-level `moov` box, as a download cut off before its end leaves it. */
function withoutMoovBox(bytes: Buffer): Buffer {
  const kept: Buffer[] = [];
  let offset = 0;

  while (offset + 8 <= bytes.length) {
    const size = bytes.readUInt32BE(offset);
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    const end = size === 0 ? bytes.length : offset + size;
    if (type !== "moov") kept.push(bytes.subarray(offset, end));
    offset = end;
  }
  return Buffer.concat(kept);
}

describe("bad input: files dropped into the inbox", { timeout: 600_000 }, () => {
  let work: string;
  let dataDir: string;
  let inbox: string;
  let fixtures: Fixtures;
  let daemon: DaemonProcess;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "autoclipd-bad-files-"));
    dataDir = path.join(work, "data");
    fixtures = await makeFixtures(work);
    daemon = await startBadInputDaemon(dataDir, ["--sidecar-wait-seconds", String(SIDECAR_WAIT_SECONDS)]);
    inbox = path.join(dataDir, "inbox");

    // The healthy project processed beside every bad file below.
    await dropContent(dataDir, "healthy talk.srt", fixtures.talkSrt);
    await drop(dataDir, fixtures.talk, "healthy talk.mp4");
  });

  after(async () => {
    if (daemon) assert.equal(await daemon.stop(), 0, "daemon exits with 0 on SIGTERM");
    await rm(work, { recursive: true, force: true });
  });

  it("zero-byte video is rejected as unreadable", async () => {
    await dropContent(dataDir, "empty.mp4", "");

    const record = await waitForRejection(daemon, dataDir, "empty.mp4");
    assert.equal(record.code, "MEDIA_UNREADABLE");
    assert.match(record.message, /empty\.mp4/);
    await assertDaemonAlive(daemon);
  });

  it("MP4 without its moov box is rejected", async () => {
    const cut = withoutMoovBox(await readFile(fixtures.talk));
    await dropContent(dataDir, "no moov.mp4", cut);

    const record = await waitForRejection(daemon, dataDir, "no moov.mp4");
    assert.equal(record.code, "MEDIA_UNREADABLE");
    assert.match(record.hint, /complete/);
    await assertDaemonAlive(daemon);
  });

  it("audio-only file is rejected", async () => {
    await drop(dataDir, fixtures.audioOnly, "podcast.mp4");

    const record = await waitForRejection(daemon, dataDir, "podcast.mp4");
    assert.equal(record.code, "VIDEO_STREAM_MISSING");
    await assertDaemonAlive(daemon);
  });

  it("text file named .mp4 is rejected", async () => {
    await dropContent(dataDir, "notes.mp4", "These are meeting notes, not a video.\n");

    const record = await waitForRejection(daemon, dataDir, "notes.mp4");
    assert.equal(record.code, "MEDIA_UNREADABLE");
    await assertDaemonAlive(daemon);
  });

  it("random bytes named .mkv are rejected", async () => {
    await dropContent(dataDir, "junk.mkv", randomBytes(64 * 1024));

    const record = await waitForRejection(daemon, dataDir, "junk.mkv");
    assert.equal(record.code, "MEDIA_UNREADABLE");
    await assertDaemonAlive(daemon);
  });

  it("still image named .mp4 is rejected", async () => {
    const png = path.join(work, "still.png");
    await ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=160x90:rate=1", "-frames:v", "1", png]);
    await drop(dataDir, png, "poster.mp4");

    const record = await waitForRejection(daemon, dataDir, "poster.mp4");
    assert.equal(record.code, "MEDIA_UNREADABLE");
    assert.match(record.message, /no duration/);
    await assertDaemonAlive(daemon);
  });

  it("unsupported file type is rejected", async () => {
    await dropContent(dataDir, "report.docx", "PK not really a document");

    const record = await waitForRejection(daemon, dataDir, "report.docx");
    assert.equal(record.code, "UNSUPPORTED_FILE_TYPE");
    assert.match(record.hint, /\.mp4/);
    await assertDaemonAlive(daemon);
  });

  it("folder dropped into the inbox is rejected", async () => {
    const folder = path.join(work, "season 1");
    await mkdir(folder);
    await writeFile(path.join(folder, "episode.mp4"), "not checked");
    await rename(folder, path.join(inbox, "season 1"));

    const record = await waitForRejection(daemon, dataDir, "season 1");
    assert.equal(record.code, "FOLDER_NOT_SUPPORTED");
    const moved = await stat(path.join(inbox, "rejected", "season 1", "episode.mp4"));
    assert.ok(moved.isFile(), "the folder's content moved with it");
    await assertDaemonAlive(daemon);
  });

  it("symlink pointing outside the inbox is rejected", async () => {
    const outside = path.join(work, "outside.mp4");
    await writeFile(outside, "outside content");
    await symlink(outside, path.join(inbox, "linked.mp4"));

    const record = await waitForRejection(daemon, dataDir, "linked.mp4");
    assert.equal(record.code, "SYMLINK_NOT_ALLOWED");
    assert.equal(await readFile(outside, "utf8"), "outside content", "the link's target is untouched");
    await assertDaemonAlive(daemon);
  });

  it("second bad file of one name keeps both", async () => {
    await dropContent(dataDir, "twice.mp4", "first");
    await waitForRejection(daemon, dataDir, "twice.mp4");
    await dropContent(dataDir, "twice.mp4", "second");

    const rejected = path.join(inbox, "rejected");
    await waitFor(
      "the second twice.mp4 to be rejected under a free name",
      async () => ((await listFolder(rejected)).includes("twice (2).mp4.error.json") ? true : undefined),
      60_000,
    );
    assert.equal(await readFile(path.join(rejected, "twice.mp4"), "utf8"), "first");
    assert.equal(await readFile(path.join(rejected, "twice (2).mp4"), "utf8"), "second");
  });

  it("255-byte bad name still gets its reason", async () => {
    const longest = `${"长".repeat(83)}xx.mp4`;
    assert.equal(Buffer.byteLength(longest), 255);
    // No room for a `.part` suffix, so the file is written in place.
    await writeFile(path.join(inbox, longest), "not a video");

    const record = await waitForRejection(daemon, dataDir, longest);
    assert.equal(record.code, "MEDIA_UNREADABLE");
    const [moved] = record.files;
    assert.ok(moved?.endsWith(".mp4"), `the moved name keeps its extension: ${moved}`);
    assert.ok(Buffer.byteLength(moved ?? "") <= 255 - ".error.json".length, "the error file name fits");
    assert.ok(longest.startsWith(moved?.slice(0, 40) ?? "-"), "the moved name starts like the dropped one");
    await assertDaemonAlive(daemon);
  });

  it("subtitle alone is rejected after the wait", async () => {
    const droppedAt = Date.now();
    await dropContent(dataDir, "lonely.srt", "1\n00:00:01,000 --> 00:00:02,000\nhello\n");

    const record = await waitForRejection(daemon, dataDir, "lonely.srt", 60_000);
    assert.equal(record.code, "VIDEO_MISSING_FOR_SIDECAR");
    assert.match(record.hint, /lonely\.mp4/);
    assert.ok(
      Date.now() - droppedAt >= SIDECAR_WAIT_SECONDS * 1000,
      "the subtitle waited for its video before it was rejected",
    );
    await assertDaemonAlive(daemon);
  });

  it("project .json alone is rejected after the wait", async () => {
    await dropContent(dataDir, "lonely.json", JSON.stringify({ name: "Lonely" }));

    const record = await waitForRejection(daemon, dataDir, "lonely.json", 60_000);
    assert.equal(record.code, "VIDEO_MISSING_FOR_SIDECAR");
  });

  it("bad video takes its sidecars along", async () => {
    await dropContent(dataDir, "paired bad.srt", fixtures.talkSrt);
    await dropContent(
      dataDir,
      "paired bad.json",
      JSON.stringify({ name: "Paired", video_category: "speech" }),
    );
    await dropContent(dataDir, "paired bad.mp4", "this text is not a video\n");

    const record = await waitForRejection(daemon, dataDir, "paired bad.mp4");
    assert.equal(record.code, "MEDIA_UNREADABLE");
    assert.deepEqual([...record.files].sort(), ["paired bad.json", "paired bad.mp4", "paired bad.srt"]);
    const inboxNames = await listFolder(inbox);
    assert.ok(!inboxNames.some((name) => name.startsWith("paired bad")), `inbox still holds ${inboxNames}`);
    const rejectedNames = await listFolder(path.join(inbox, "rejected"));
    for (const name of ["paired bad.mp4", "paired bad.srt", "paired bad.json", "paired bad.mp4.error.json"]) {
      assert.ok(rejectedNames.includes(name), `${name} is in rejected/`);
    }

    // A subtitle dropped after the pair is rejected once its own wait is over. By then the
    // pair's sidecars would have been rejected too if they had stayed behind.
    await dropContent(dataDir, "paired marker.srt", fixtures.talkSrt);
    const marker = await waitForRejection(daemon, dataDir, "paired marker.srt", 60_000);
    assert.equal(marker.code, "VIDEO_MISSING_FOR_SIDECAR");
    const records = (await listFolder(path.join(inbox, "rejected"))).filter((name) =>
      name.endsWith(".error.json"),
    );
    assert.deepEqual(
      records.filter((name) => name.startsWith("paired bad")),
      ["paired bad.mp4.error.json"],
      "one rejection record explains the video and its sidecars",
    );
  });

  it("subtitle whose video comes late is used", async () => {
    await dropContent(dataDir, "late video.srt", fixtures.talkSrt);
    await new Promise((resolve) => setTimeout(resolve, (SIDECAR_WAIT_SECONDS * 1000) / 2));
    await drop(dataDir, fixtures.silent, "late video.mp4");

    const project = await waitForProject(daemon, "late video", ["processing", "completed", "failed"]);
    const { project: file } = await readProjectFiles(dataDir, project.id);
    assert.equal(file.subtitle_file, "late video.srt");
  });

  it("temporary and hidden files are left alone", async () => {
    await writeFile(path.join(inbox, "download.mp4.part"), "still downloading");
    await writeFile(path.join(inbox, "download.mp4.crdownload"), "still downloading");
    await writeFile(path.join(inbox, ".DS_Store"), "finder data");
    // Several settle times pass while the healthy project runs.
    await waitForProject(daemon, "healthy talk", ["completed"]);

    const names = await listFolder(inbox);
    for (const name of ["download.mp4.part", "download.mp4.crdownload", ".DS_Store"]) {
      assert.ok(names.includes(name), `${name} is still in the inbox`);
    }
    const rejected = await listFolder(path.join(inbox, "rejected"));
    assert.ok(!rejected.some((name) => name.startsWith("download") || name.startsWith(".DS")));
  });

  it("healthy project completes beside the bad files", async () => {
    const project = await waitForProject(daemon, "healthy talk", ["completed"]);

    assert.ok(project.total_clips > 0, "the healthy project has clips");
    const { pipeline } = await readProjectFiles(dataDir, project.id);
    assert.equal(pipeline.status, "completed");
    assert.equal(pipeline.error, null);
    const rejectedLogs = daemon.logs.filter((entry) => entry.msg === "file rejected");
    assert.ok(rejectedLogs.length >= 12, `every rejection is logged (${rejectedLogs.length})`);
    assert.ok(findLog(daemon, (entry) => entry.code === "SYMLINK_NOT_ALLOWED"));
    assertNoFatalLog(daemon);
    await assertDaemonAlive(daemon);
  });
});
