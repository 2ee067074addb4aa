/**
 * Damage done to the data folder while the daemon runs: hand-edited project files, a project
 * folder removed during a step, and the inbox deleted. Each shows up as a specific message in
 * the API and the log, and the other projects carry on.
 */
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
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
  listFolder,
  listProjects,
  squeezedSampleSrt,
  startBadInputDaemon,
  waitForLog,
  waitForProject,
} from "./support.ts";

const SHORT_SECONDS = 24;
/** A longer video, so its video step runs long enough to remove its folder meanwhile. */
const LONG_SECONDS = 180;

interface ProjectDetail extends ApiProject {
  edit_warnings?: { field: string; id: string | null; reason: string }[];
}

describe("bad input: damaged project files and folders", { timeout: 900_000 }, () => {
  let work: string;
  let dataDir: string;
  let video: string;
  let longVideo: string;
  let srt: string;
  let longSrt: string;
  let daemon: DaemonProcess;
  let keeper: ApiProject;
  let edited: ApiProject;

  const projectDir = (id: string) => path.join(dataDir, "projects", id);

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "autoclipd-bad-projects-"));
    dataDir = path.join(work, "data");
    video = path.join(work, "short.mp4");
    longVideo = path.join(work, "long.mp4");
    const size = { width: 160, height: 90, keyframeInterval: 2 };
    await generateTestVideo({ output: video, duration: SHORT_SECONDS, ...size }, binaries);
    await generateTestVideo({ output: longVideo, duration: LONG_SECONDS, ...size }, binaries);
    srt = await squeezedSampleSrt(352 / (SHORT_SECONDS - 1));
    longSrt = await squeezedSampleSrt(352 / (LONG_SECONDS - 1));
    daemon = await startBadInputDaemon(dataDir, ["--max-clip-seconds", "60"]);

    await dropContent(dataDir, "keeper.srt", srt);
    await drop(dataDir, video, "keeper.mp4");
    await dropContent(dataDir, "edited.srt", srt);
    await drop(dataDir, video, "edited.mp4");
    keeper = await waitForProject(daemon, "keeper", ["completed"]);
    edited = await waitForProject(daemon, "edited", ["completed"]);
  });

  after(async () => {
    if (daemon) assert.equal(await daemon.stop(), 0, "daemon exits with 0 on SIGTERM");
    await rm(work, { recursive: true, force: true });
  });

  async function detail(id: string): Promise<ProjectDetail> {
    return getJson<ProjectDetail>(`${daemon.url}/api/v1/projects/${id}`);
  }

  async function assertKeeperIntact(): Promise<void> {
    const now = await detail(keeper.id);
    assert.equal(now.status, "completed", "the other project is still completed");
    assert.equal(now.total_clips, keeper.total_clips, "the other project keeps its clips");
    await assertDaemonAlive(daemon);
  }

  it("invalid clips_metadata.json marks the project invalid", async () => {
    const file = path.join(projectDir(edited.id), "metadata", "clips_metadata.json");
    const original = await readFile(file, "utf8");
    await writeFile(file, '[{ "id": "1", "title": ');

    const invalid = await waitFor(
      "the hand-broken project to turn invalid",
      async () => {
        const now = await detail(edited.id);
        return now.status === "invalid" ? now : undefined;
      },
      30_000,
      100,
    );
    assert.match(String(invalid.error_message), /clips_metadata\.json/);
    await assertKeeperIntact();

    await writeFile(file, original);
    await waitFor(
      "the repaired project to be completed again",
      async () => ((await detail(edited.id)).status === "completed" ? true : undefined),
      30_000,
      100,
    );
  });

  it("clip whose video file is missing answers 404", async () => {
    const clipsDir = path.join(projectDir(edited.id), "output", "clips");
    const [first] = (await readdir(clipsDir)).filter((name) => name.endsWith(".mp4")).sort();
    assert.ok(first, "the project has a clip video");
    await unlink(path.join(clipsDir, first));
    const clipId = first.split("_")[0] as string;

    const url = `${daemon.url}/api/v1/projects/${edited.id}/clips/${clipId}`;
    const english = await fetch(url);
    assert.equal(english.status, 404);
    const body = (await english.json()) as { code?: string; detail?: string };
    assert.equal(body.code, "MEDIA_NOT_FOUND");
    assert.match(String(body.detail), new RegExp(edited.id));
    const chinese = await fetch(url, { headers: { "Accept-Language": "zh-CN" } });
    assert.equal(chinese.status, 404);
    assert.match(String(((await chinese.json()) as { detail?: string }).detail), /[\u4e00-\u9fff]/);
    await assertKeeperIntact();
  });

  it("edits.json naming unknown clips is ignored with warnings", async () => {
    const before = await detail(edited.id);
    const edits = {
      clip_titles: { "no-such-clip": "Ghost title" },
      deleted_clip_ids: ["no-such-clip-either"],
      deleted_collection_ids: [],
      collection_titles: {},
      manual_collections: [],
      collection_order: {},
      updated_at: new Date().toISOString(),
    };
    await writeFile(path.join(projectDir(edited.id), "edits.json"), JSON.stringify(edits));

    const warned = await waitFor(
      "edit warnings to appear on the project",
      async () => {
        const now = await detail(edited.id);
        return (now.edit_warnings?.length ?? 0) >= 2 ? now : undefined;
      },
      30_000,
      100,
    );
    assert.equal(warned.status, "completed");
    assert.equal(warned.total_clips, before.total_clips, "no clip was deleted");
    const ids = warned.edit_warnings?.map((warning) => warning.id);
    assert.ok(ids?.includes("no-such-clip"));
    assert.ok(ids?.includes("no-such-clip-either"));
    await assertKeeperIntact();
  });

  it("invalid edits.json marks the project invalid", async () => {
    await writeFile(path.join(projectDir(edited.id), "edits.json"), "{ not json");

    const invalid = await waitFor(
      "the project with a broken edits.json to turn invalid",
      async () => {
        const now = await detail(edited.id);
        return now.status === "invalid" ? now : undefined;
      },
      30_000,
      100,
    );
    assert.match(String(invalid.error_message), /edits\.json/);
    await assertKeeperIntact();
    await unlink(path.join(projectDir(edited.id), "edits.json"));
  });

  it("project folder removed during a step", async () => {
    await dropContent(dataDir, "doomed.srt", longSrt);
    await drop(dataDir, longVideo, "doomed.mp4");
    const doomed = await waitForProject(daemon, "doomed", ["processing"]);
    const pipelineFile = path.join(projectDir(doomed.id), "pipeline.json");
    await waitFor(
      "the doomed project to reach its video step",
      async () => {
        const text = await readFile(pipelineFile, "utf8").catch(() => "{}");
        const state = JSON.parse(text) as { current_step?: string; status?: string };
        assert.notEqual(state.status, "completed", "the video step outlasts the test's poll");
        return state.current_step === "video" ? true : undefined;
      },
      LONG_SECONDS * 1000,
      20,
    );
    // ffmpeg keeps writing into the folder while it goes, so the removal is retried.
    await rm(projectDir(doomed.id), { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });

    const logged = await waitForLog(
      daemon,
      "the run of the removed project to end",
      (entry) => entry.projectId === doomed.id && entry.msg === "project folder was removed while it ran",
      120_000,
    );
    assert.equal(logged.level, 40, "logged as a warning");
    await waitFor(
      "the removed project to leave the API",
      async () => ((await listProjects(daemon)).some((item) => item.id === doomed.id) ? undefined : true),
      30_000,
      100,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const left = await listFolder(path.join(dataDir, "projects"));
    assert.ok(!left.includes(doomed.id), "no part of the removed folder came back");
    await assertKeeperIntact();

    await dropContent(dataDir, "after doomed.srt", srt);
    await drop(dataDir, video, "after doomed.mp4");
    const next = await waitForProject(daemon, "after doomed", ["completed"]);
    assert.ok(next.total_clips > 0, "the next project completes");
  });

  it("inbox deleted while running is recreated", async () => {
    const inbox = path.join(dataDir, "inbox");
    await rm(inbox, { recursive: true, force: true });

    await waitFor(
      "the daemon to create the inbox again",
      async () => ((await stat(inbox).catch(() => null))?.isDirectory() ? true : undefined),
      60_000,
      100,
    );
    await waitForLog(daemon, "a warning about the missing inbox", (entry) =>
      String(entry.msg).includes("inbox folder was missing"),
    );
    await dropContent(dataDir, "after inbox.srt", srt);
    await drop(dataDir, video, "after inbox.mp4");
    const next = await waitForProject(daemon, "after inbox", ["completed"]);
    assert.ok(next.total_clips > 0);
    await assertKeeperIntact();
    assertNoFatalLog(daemon);
  });
});
