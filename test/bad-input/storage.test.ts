/**
 * A data folder on a small tmpfs that fills up during a render, and one remounted read-only
 * while a project runs. The tests need root and `mount -t tmpfs`; they are skipped with the
 * reason when either is missing.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { generateTestVideo } from "../../src/pipeline/ffmpeg.ts";
import type { DaemonProcess } from "../helpers/daemon-process.ts";
import { waitFor } from "../helpers/wait-for.ts";
import {
  type ApiProject,
  assertDaemonAlive,
  assertNoFatalLog,
  binaries,
  drop,
  dropContent,
  getJson,
  readProjectFiles,
  squeezedSampleSrt,
  startBadInputDaemon,
  waitForLog,
  waitForProject,
} from "./support.ts";

const run = promisify(execFile);
const SHORT_SECONDS = 24;
const LONG_SECONDS = 180;
/** Room left on the tmpfs once the long video is in: enough for the JSON steps, not for the clips. */
const SPARE_BYTES = 192 * 1024;

async function mount(args: string[]): Promise<void> {
  await run("mount", args);
}

/** Tells why tmpfs mounts cannot be made here, or null when they can. */
async function tmpfsUnavailable(folder: string): Promise<string | null> {
  if (process.getuid?.() !== 0) return "needs root to mount a tmpfs";
  try {
    await mount(["-t", "tmpfs", "-o", "size=1m", "tmpfs", folder]);
    await run("umount", [folder]);
    return null;
  } catch (error) {
    return `mount -t tmpfs failed here: ${(error as Error).message}`;
  }
}

const probeDir = await mkdtemp(path.join(tmpdir(), "autoclipd-tmpfs-probe-"));
const skipReason = await tmpfsUnavailable(probeDir);
await rm(probeDir, { recursive: true, force: true });

describe("bad input: full and read-only data folder", { timeout: 900_000, skip: skipReason ?? false }, () => {
  let work: string;
  let mountPoint: string;
  let dataDir: string;
  let video: string;
  let longVideo: string;
  let srt: string;
  let longSrt: string;
  let daemon: DaemonProcess;
  let keeper: ApiProject;

  async function usedBytes(): Promise<number> {
    const stats = await statfs(mountPoint);
    return (stats.blocks - stats.bfree) * stats.bsize;
  }

  async function keeperFiles(): Promise<string[]> {
    const dir = path.join(dataDir, "projects", keeper.id);
    const names = await readdir(dir, { recursive: true });
    return names.filter((name) => !name.includes(".lock")).sort();
  }

  async function assertKeeperIntact(files: string[]): Promise<void> {
    const now = await getJson<ApiProject>(`${daemon.url}/api/v1/projects/${keeper.id}`);
    assert.equal(now.status, "completed", "the other project is still completed");
    assert.equal(now.total_clips, keeper.total_clips);
    assert.deepEqual(await keeperFiles(), files, "the other project's files are unchanged");
    await assertDaemonAlive(daemon);
  }

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "autoclipd-bad-storage-"));
    mountPoint = path.join(work, "mnt");
    await mkdir(mountPoint);
    await mount(["-t", "tmpfs", "-o", "size=64m", "tmpfs", mountPoint]);
    dataDir = path.join(mountPoint, "data");
    video = path.join(work, "short.mp4");
    longVideo = path.join(work, "long.mp4");
    const size = { width: 160, height: 90, keyframeInterval: 2 };
    await generateTestVideo({ output: video, duration: SHORT_SECONDS, ...size }, binaries);
    await generateTestVideo({ output: longVideo, duration: LONG_SECONDS, ...size }, binaries);
    srt = await squeezedSampleSrt(352 / (SHORT_SECONDS - 1));
    longSrt = await squeezedSampleSrt(352 / (LONG_SECONDS - 1));
    // LMDB must not live on a shared or odd filesystem, so the index stays on the local disk.
    daemon = await startBadInputDaemon(dataDir, ["--index-dir", path.join(work, "index")]);

    await dropContent(dataDir, "keeper.srt", srt);
    await drop(dataDir, video, "keeper.mp4");
    keeper = await waitForProject(daemon, "keeper", ["completed"]);
  });

  after(async () => {
    if (daemon) assert.equal(await daemon.stop(), 0, "daemon exits with 0 on SIGTERM");
    await run("umount", [mountPoint]).catch(() => run("umount", ["-l", mountPoint]));
    await rm(work, { recursive: true, force: true });
  });

  it("disk full during a render fails the project", async () => {
    const files = await keeperFiles();
    await dropContent(dataDir, "full disk.srt", longSrt);
    await drop(dataDir, longVideo, "full disk.mp4");
    const project = await waitForProject(daemon, "full disk", ["processing"]);
    const limit = Math.ceil(((await usedBytes()) + SPARE_BYTES) / 4096) * 4096;
    await mount(["-o", `remount,size=${limit}`, mountPoint]);

    const failed = await waitForProject(daemon, "full disk", ["failed", "completed"]);
    assert.equal(failed.status, "failed", "the render ran out of space");
    const { pipeline } = await readProjectFiles(dataDir, project.id);
    const error = pipeline.error as { step: string; code: string; message: string; hint: string };
    assert.equal(error.step, "video");
    assert.equal(error.code, "DISK_FULL");
    assert.match(error.hint, /free/i);
    const leftovers = (await readdir(path.join(dataDir, "projects", project.id), { recursive: true })).filter(
      (name) => name.endsWith(".partial"),
    );
    assert.deepEqual(leftovers, [], "no partial render is left behind");
    await assertKeeperIntact(files);

    await mount(["-o", "remount,size=64m", mountPoint]);
    const retry = await fetch(`${daemon.url}/api/v1/projects/${project.id}/process`, { method: "POST" });
    assert.equal(retry.status, 202);
    const done = await waitForProject(daemon, "full disk", ["completed", "failed"]);
    assert.equal(done.status, "completed", "the retry completes once there is space");
  });

  it("read-only data folder keeps the daemon serving", async () => {
    const files = await keeperFiles();
    await dropContent(dataDir, "frozen.srt", longSrt);
    await drop(dataDir, longVideo, "frozen.mp4");
    const project = await waitForProject(daemon, "frozen", ["processing"]);
    // The remount fails while a file is open for writing (ffmpeg mid-clip), so it is retried.
    await waitFor(
      "a moment with no file open for writing, to remount read-only",
      () =>
        mount(["-o", "remount,ro", mountPoint]).then(
          () => true,
          () => undefined,
        ),
      120_000,
      10,
    );

    await waitForLog(
      daemon,
      "the frozen project's run to fail on the read-only folder",
      (entry) =>
        entry.projectId === project.id &&
        Number(entry.level) >= 50 &&
        JSON.stringify(entry.err ?? "").includes("EROFS"),
      120_000,
    );
    const clips = await getJson<{ items: { id: string }[] }>(
      `${daemon.url}/api/v1/clips/?project_id=${keeper.id}`,
    );
    const clipId = clips.items[0]?.id;
    assert.ok(clipId, "the other project's clips are still served");
    const rename = await fetch(`${daemon.url}/api/v1/clips/${clipId}/title`, {
      method: "PATCH",
      headers: { "content-type": "application/json", "accept-language": "zh-CN" },
      body: JSON.stringify({ title: "新标题" }),
    });
    assert.equal(rename.status, 503);
    const body = (await rename.json()) as { code: string; detail: string };
    assert.equal(body.code, "DATA_FOLDER_READ_ONLY");
    assert.match(body.detail, /只读/);
    await assertKeeperIntact(files);

    await mount(["-o", "remount,rw", mountPoint]);
    const retry = await fetch(`${daemon.url}/api/v1/projects/${project.id}/process`, { method: "POST" });
    assert.equal(retry.status, 202);
    const done = await waitForProject(daemon, "frozen", ["completed", "failed"], 300_000);
    assert.equal(done.status, "completed", "the project completes once the folder is writable");
    assertNoFatalLog(daemon);
  });
});
