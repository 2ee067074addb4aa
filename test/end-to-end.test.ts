import assert from "node:assert/strict";
import { copyFile, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { generateTestVideo, probeMedia, resolveFfmpegBinaries } from "../src/pipeline/ffmpeg.ts";
import { parseSubtitle } from "../src/pipeline/subtitles/index.ts";
import { type DaemonProcess, startDaemonProcess } from "./helpers/daemon-process.ts";
import { waitFor } from "./helpers/wait-for.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sample = path.join(root, "samples", "talk.zh.srt");
const binaries = resolveFfmpegBinaries();

interface ProjectItem {
  id: string;
  status: string;
  total_clips: number;
  total_collections: number;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url} returned ${response.status}`);
  return (await response.json()) as T;
}

describe("end to end: inbox to clips over HTTP", { timeout: 600_000 }, () => {
  let work: string;
  let dataDir: string;
  let daemon: DaemonProcess;
  let projectId: string;

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "autoclipd-e2e-"));
    dataDir = path.join(work, "data");
    const srt = await readFile(sample, "utf8");
    const ends = [...srt.matchAll(/--> (\d+):(\d+):(\d+),(\d+)/g)].map(
      (m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000,
    );
    await generateTestVideo(
      {
        output: path.join(work, "talk.mp4"),
        duration: Math.ceil(Math.max(...ends)) + 1,
        width: 320,
        height: 180,
      },
      binaries,
    );
    daemon = await startDaemonProcess([
      "--data-dir",
      dataDir,
      "--inbox-settle-ms",
      "300",
      "--encoder-preset",
      "ultrafast",
      "--log-level",
      "info",
    ]);
  });

  after(async () => {
    if (daemon) assert.equal(await daemon.stop(), 0, "daemon exits with 0 on SIGTERM");
    await rm(work, { recursive: true, force: true });
  });

  it("processes a dropped video into clips", async () => {
    const inbox = path.join(dataDir, "inbox");
    await copyFile(sample, path.join(inbox, "my talk.srt"));
    await copyFile(path.join(work, "talk.mp4"), path.join(inbox, "my talk.mp4.part"));
    await rename(path.join(inbox, "my talk.mp4.part"), path.join(inbox, "my talk.mp4"));

    const project = await waitFor(
      "the dropped video to become a completed project",
      async () => {
        const list = await getJson<{ items: ProjectItem[] }>(`${daemon.url}/api/v1/projects/`);
        const item = list.items[0];
        assert.notEqual(item?.status, "failed", `project failed: ${JSON.stringify(item)}`);
        return item?.status === "completed" ? item : undefined;
      },
      300_000,
      250,
    ).catch((error: Error) => {
      const tail = daemon.logs.slice(-20).map((entry) => JSON.stringify(entry));
      throw new Error(`${error.message}\nlast daemon log lines:\n${tail.join("\n")}`, { cause: error });
    });
    projectId = project.id;

    const projectDir = path.join(dataDir, "projects", projectId);
    const clips = JSON.parse(
      await readFile(path.join(projectDir, "metadata", "clips_metadata.json"), "utf8"),
    ) as {
      id: string;
      start_time: number;
      end_time: number;
      duration: number;
      video_file: string;
    }[];
    const collections = JSON.parse(
      await readFile(path.join(projectDir, "metadata", "collections_metadata.json"), "utf8"),
    ) as unknown[];

    assert.ok(clips.length > 0, "at least one clip");
    assert.ok(collections.length > 0, "at least one collection");
    assert.equal(project.total_clips, clips.length);
    assert.equal(project.total_collections, collections.length);

    const stats = await getJson<{ clips: number; collections: number; projects: { total: number } }>(
      `${daemon.url}/api/v1/stats`,
    );
    assert.equal(stats.clips, clips.length);
    assert.equal(stats.collections, collections.length);
    assert.equal(stats.projects.total, 1);

    const detail = await getJson<ProjectItem>(`${daemon.url}/api/v1/projects/${projectId}`);
    assert.equal(detail.total_clips, clips.length);

    const cues = parseSubtitle(await readFile(sample), "talk.zh.srt").cues;
    const starts = new Set(cues.map((cue) => cue.start.toFixed(3)));
    const ends = new Set(cues.map((cue) => cue.end.toFixed(3)));
    for (const clip of clips) {
      assert.ok(
        starts.has(clip.start_time.toFixed(3)),
        `clip ${clip.id} starts at a cue start (${clip.start_time})`,
      );
      assert.ok(ends.has(clip.end_time.toFixed(3)), `clip ${clip.id} ends at a cue end (${clip.end_time})`);
      const media = await probeMedia(path.join(projectDir, clip.video_file), binaries);
      assert.ok(
        Math.abs(media.duration - clip.duration) <= 0.1,
        `clip ${clip.id} lasts ${media.duration} s, metadata says ${clip.duration} s`,
      );
    }
  });

  it("follows a hand edit of clips_metadata.json", async (t) => {
    const file = path.join(dataDir, "projects", projectId, "metadata", "clips_metadata.json");
    const clips = JSON.parse(await readFile(file, "utf8")) as unknown[];
    const temp = `${file}.edit-tmp`;
    await writeFile(temp, JSON.stringify(clips.slice(1)));
    const renamedAt = Date.now();
    await rename(temp, file);

    await waitFor(
      "total_clips to drop by one after the hand edit",
      async () => {
        const detail = await getJson<ProjectItem>(`${daemon.url}/api/v1/projects/${projectId}`);
        return detail.total_clips === clips.length - 1 ? true : undefined;
      },
      5_000,
      20,
    );
    // Freshness is measured by the benchmark; here it is only reported.
    t.diagnostic(`index followed the edit in ${Date.now() - renamedAt} ms`);
  });

  it("serves the same counts after --reindex", async () => {
    const before = await getJson<unknown>(`${daemon.url}/api/v1/stats`);
    assert.equal(await daemon.stop(), 0);
    await rm(path.join(dataDir, ".index"), { recursive: true, force: true });

    daemon = await startDaemonProcess(["--data-dir", dataDir, "--reindex"]);
    const afterStats = await getJson<unknown>(`${daemon.url}/api/v1/stats`);
    assert.deepEqual(afterStats, before);
  });
});
