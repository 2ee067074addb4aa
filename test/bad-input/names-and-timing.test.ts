/**
 * File names that break shells and naive code, files still being written, and the same video
 * dropped twice: each video becomes exactly one project that completes under its own name.
 */
import assert from "node:assert/strict";
import { appendFile, mkdtemp, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { generateTestVideo } from "../../src/pipeline/ffmpeg.ts";
import type { DaemonProcess } from "../helpers/daemon-process.ts";
import { waitFor } from "../helpers/wait-for.ts";
import {
  assertDaemonAlive,
  assertNoFatalLog,
  binaries,
  drop,
  dropContent,
  listFolder,
  listProjects,
  readProjectFiles,
  squeezedSampleSrt,
  startBadInputDaemon,
  waitForProject,
  waitForRejection,
} from "./support.ts";

/** Settle time of this daemon: longer than the pauses of the slow writer below. */
const SETTLE_MS = 1500;
/** Seconds of the short video every name test drops. */
const SHORT_SECONDS = 24;

/** Names that a shell, a naive split or a byte-length limit would get wrong, by case. */
const HOSTILE_NAMES: Record<string, string> = {
  spaces: "  my   talk  ",
  quotes: `it's a "quoted" talk`,
  "command substitution": "$(touch pwned-subst)",
  backticks: "`touch pwned-tick` talk",
  emoji: "🎬 vlog 🎉 第1集",
  "CJK punctuation": "讲座：第一讲（上）《咖啡》、睡眠！",
  newline: "first line\nsecond line",
  "leading dash": "-i talk --help",
  "255 bytes": `${"长".repeat(82)}xxxxx`,
};

describe("bad input: names, slow writes and duplicates", { timeout: 900_000 }, () => {
  let work: string;
  let dataDir: string;
  let inbox: string;
  let video: string;
  let srt: string;
  let daemon: DaemonProcess;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "autoclipd-bad-names-"));
    dataDir = path.join(work, "data");
    inbox = path.join(dataDir, "inbox");
    video = path.join(work, "short.mp4");
    await generateTestVideo(
      { output: video, duration: SHORT_SECONDS, width: 160, height: 90, keyframeInterval: 2 },
      binaries,
    );
    srt = await squeezedSampleSrt(352 / (SHORT_SECONDS - 1));
    daemon = await startBadInputDaemon(dataDir, ["--inbox-settle-ms", String(SETTLE_MS)]);
  });

  after(async () => {
    if (daemon) assert.equal(await daemon.stop(), 0, "daemon exits with 0 on SIGTERM");
    await rm(work, { recursive: true, force: true });
  });

  for (const [label, base] of Object.entries(HOSTILE_NAMES)) {
    it(`name with ${label} completes`, async () => {
      const subtitleName = `${base}.srt`;
      assert.ok(Buffer.byteLength(subtitleName) <= 255, "the subtitle name fits");
      if (label === "255 bytes") {
        // No room for a `.part` suffix: both files are written in place and settle.
        await writeFile(path.join(inbox, subtitleName), srt);
        await writeFile(path.join(inbox, `${base}.mp4`), await readFile(video));
      } else {
        await dropContent(dataDir, subtitleName, srt);
        await drop(dataDir, video, `${base}.mp4`);
      }

      const project = await waitForProject(daemon, base, ["completed", "failed"]);
      assert.equal(project.status, "completed", `the project completed: ${project.error_message}`);
      assert.ok(project.total_clips > 0, "the project has clips");
      const { project: file } = await readProjectFiles(dataDir, project.id);
      assert.equal(file.source_file, `${base}.mp4`);
      assert.equal(file.subtitle_file, subtitleName);
      const input = await stat(path.join(dataDir, "projects", project.id, "input", `${base}.mp4`));
      assert.equal(input.size, (await stat(video)).size, "the input is the whole video");
    });
  }

  it("names run no shell command", async () => {
    for (const folder of [process.cwd(), inbox, dataDir, work]) {
      const names = await listFolder(folder);
      assert.ok(!names.some((name) => name.startsWith("pwned")), `no pwned file in ${folder}`);
    }
  });

  it("NFC and NFD names stay two projects", async () => {
    const nfc = "café NFC".normalize("NFC");
    const nfd = "café NFD".normalize("NFD");
    const sameNfc = "crème".normalize("NFC");
    const sameNfd = "crème".normalize("NFD");
    assert.notEqual(sameNfc, sameNfd);
    await dropContent(dataDir, `${nfc}.srt`, srt);
    await drop(dataDir, video, `${nfc}.mp4`);
    await dropContent(dataDir, `${nfd}.srt`, srt);
    await drop(dataDir, video, `${nfd}.mp4`);
    await dropContent(dataDir, `${sameNfc}.srt`, srt);
    await drop(dataDir, video, `${sameNfc}.mp4`);
    await drop(dataDir, video, `${sameNfd}.mp4`);

    for (const name of [nfc, nfd]) {
      const project = await waitForProject(daemon, name, ["completed"]);
      const { project: file } = await readProjectFiles(dataDir, project.id);
      assert.equal(file.subtitle_file, `${name}.srt`, "each form found its own subtitle");
    }
    const twins = await waitFor(
      "both forms of crème to be ingested",
      async () => {
        const found = (await listProjects(daemon)).filter((item) => item.name.normalize("NFC") === sameNfc);
        return found.length === 2 ? found : undefined;
      },
      120_000,
      250,
    );
    const names = twins.map((item) => item.name).sort();
    assert.deepEqual(names, [sameNfc, sameNfd].sort(), "the two forms are two projects with their own names");
  });

  it("NFD video finds its NFC subtitle", async () => {
    const name = "naïve talk";
    await dropContent(dataDir, `${name.normalize("NFC")}.srt`, srt);
    await drop(dataDir, video, `${name.normalize("NFD")}.mp4`);

    const project = await waitForProject(daemon, name.normalize("NFD"), ["processing", "completed"]);
    const { project: file } = await readProjectFiles(dataDir, project.id);
    assert.equal(file.subtitle_file, `${name.normalize("NFC")}.srt`);
  });

  it("slow writer is not taken early", async () => {
    const bytes = await readFile(video);
    const target = path.join(inbox, "slow writer.mp4");
    const pieces = 12;
    const pauseMs = SETTLE_MS / 3;
    const pieceSize = Math.ceil(bytes.length / pieces);
    for (let offset = 0; offset < bytes.length; offset += pieceSize) {
      await appendFile(target, bytes.subarray(offset, offset + pieceSize));
      const names = await listFolder(inbox);
      assert.ok(names.includes("slow writer.mp4"), "the file stays in the inbox while it is written");
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }

    const project = await waitForProject(daemon, "slow writer", ["processing", "completed", "failed"]);
    const input = await readFile(path.join(dataDir, "projects", project.id, "input", "slow writer.mp4"));
    assert.equal(input.length, bytes.length, "the whole file was taken");
    assert.ok(input.equals(bytes), "the taken file is byte-identical");
  });

  it(".part file is taken only after its rename", async () => {
    const part = path.join(inbox, "renamed later.mp4.part");
    await writeFile(part, await readFile(video));
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS * 3));
    assert.ok((await listFolder(inbox)).includes("renamed later.mp4.part"), "the .part file is left alone");
    assert.ok(!(await listProjects(daemon)).some((item) => item.name.startsWith("renamed later")));

    await rename(part, path.join(inbox, "renamed later.mp4"));
    const project = await waitForProject(daemon, "renamed later", ["processing", "completed", "failed"]);
    assert.ok(project.id);
  });

  it("same video dropped twice is one project", async () => {
    await dropContent(dataDir, "twice.srt", srt);
    await drop(dataDir, video, "twice.mp4");
    const first = await waitForProject(daemon, "twice", ["processing", "completed"]);
    await drop(dataDir, video, "twice.mp4");

    const record = await waitForRejection(daemon, dataDir, "twice.mp4");
    assert.equal(record.code, "VIDEO_ALREADY_INGESTED");
    assert.ok(record.message.includes(first.id), "the message names the existing project");
    const twins = (await listProjects(daemon)).filter((item) => item.name === "twice");
    assert.equal(twins.length, 1, "one project for the video");
  });

  it("same name with other content is a new project", async () => {
    await generateTestVideo(
      { output: path.join(work, "other.mp4"), duration: 6, width: 160, height: 90 },
      binaries,
    );
    await drop(dataDir, path.join(work, "other.mp4"), "twice.mp4");

    await waitFor(
      "a second project named twice",
      async () => {
        const twins = (await listProjects(daemon)).filter((item) => item.name === "twice");
        return twins.length === 2 ? twins : undefined;
      },
      120_000,
      250,
    );
  });

  it("daemon survives every name", async () => {
    for (const project of await listProjects(daemon)) {
      await waitForProject(daemon, project.name, ["completed", "failed"]);
    }
    assertNoFatalLog(daemon);
    await assertDaemonAlive(daemon);
  });
});
