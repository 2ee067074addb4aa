import assert from "node:assert/strict";
import { appendFile, cp, mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { waitFor } from "../../test/helpers/wait-for.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { PROJECT_FILES } from "../project/layout.ts";
import { ProjectIndex } from "./project-index.ts";
import { isIgnoredProjectPath, ProjectWatcher } from "./project-watcher.ts";
import type { ProjectChange } from "./records.ts";
import { makeClips, makeTempDir, waitForEvent, writeAutoClipProject } from "./test-support.ts";

let root: string;
let projectsDir: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex;
let watcher: ProjectWatcher;

beforeEach(async () => {
  const temp = await makeTempDir("watcher");
  root = temp.dir;
  removeTemp = temp.remove;
  projectsDir = path.join(root, "projects");
  await mkdir(projectsDir);
  index = await ProjectIndex.open({ indexDir: path.join(root, ".index"), projectsDir });
  watcher = new ProjectWatcher({ index, projectsDir, reconcileIntervalMs: 0 });
});

afterEach(async () => {
  await watcher.close();
  await index.close();
  await removeTemp();
});

function changeOf(projectId: string, accept: (change: ProjectChange) => boolean = () => true) {
  return (change: ProjectChange) => change.projectId === projectId && accept(change);
}

test("isIgnoredProjectPath keeps only tracked files", () => {
  const cases: Array<[string, boolean]> = [
    ["p1", false],
    ["p1/project.json", false],
    ["p1/pipeline.json", false],
    ["p1/metadata", false],
    ["p1/metadata/clips_metadata.json", false],
    ["p1/metadata/collections_metadata.json", false],
    ["p1/edits.json", false],
    ["p1/output", false],
    ["p1/output/clips", false],
    ["p1/output/collections", false],
    ["p1/output/clips/1_title.mp4", false],
    ["p1/output/collections/1_title.MP4", false],
    ["p1/output/clips/.1_title.mp4.abc.partial", true],
    ["p1/output/clips/1_title.mp4.partial", true],
    ["p1/output/clips/notes.txt", true],
    ["p1/output/clips/sub/1_title.mp4", true],
    ["p1/output/thumbnails", true],
    ["p1/output/thumbnails/clip_1.jpg", true],
    ["p1/output/step6_video_output.json", true],
    ["p1/metadata/step1_outline.json", true],
    ["p1/metadata/.clips_metadata.json.1a2b3c.partial", true],
    ["p1/metadata/clips_metadata.json.partial", true],
    ["p1/metadata/clips_metadata.json.edit-tmp", true],
    ["p1/.pipeline.json.1a2b3c.partial", true],
    ["p1/.lock", true],
    ["p1/input", true],
    ["p1/input/talk.mp4", true],
    [".tmp-abc", true],
    [".tmp-abc/project.json", true],
    [".index", true],
    ["bad name", true],
  ];

  for (const [relative, ignored] of cases) {
    assert.equal(isIgnoredProjectPath(relative.split("/")), ignored, relative);
  }
});

test("watcher follows an atomic rename within a second", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await watcher.start();
  assert.equal(index.getProject("p1")?.total_clips, 8);

  const updated = waitForEvent<ProjectChange>(
    index,
    "change",
    "total_clips of p1 to drop from 8 to 7",
    changeOf("p1", (change) => change.record?.total_clips === 7),
    1000,
  );
  const renamedAt = performance.now();
  const temp = path.join(dir, "metadata", ".clips_metadata.json.edit.partial");
  await writeFile(temp, JSON.stringify(makeClips(7)));
  await rename(temp, path.join(dir, PROJECT_FILES.clipsMetadata));
  await updated;

  assert.ok(performance.now() - renamedAt < 1000);
  assert.equal(index.getProject("p1")?.total_clips, 7);
  assert.equal(index.stats().clips, 7);
});

test("watcher indexes a folder renamed from .tmp-", async () => {
  await watcher.start();
  const indexed = waitForEvent<ProjectChange>(
    index,
    "change",
    "project p2 to be indexed after its rename",
    changeOf("p2", (change) => change.record?.total_clips === 4),
  );

  await writeAutoClipProject(projectsDir, ".tmp-p2", 4, 2);
  await rename(path.join(projectsDir, ".tmp-p2"), path.join(projectsDir, "p2"));
  await indexed;

  assert.equal(index.getProject("p2")?.total_collections, 2);
  assert.equal(index.getProject(".tmp-p2"), null);
  assert.equal(index.stats().projects.total, 1);
});

test("watcher removes a deleted project", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await watcher.start();
  const removed = waitForEvent<ProjectChange>(
    index,
    "change",
    "project p1 to be removed",
    changeOf("p1", (change) => change.record === null),
  );

  await rm(dir, { recursive: true });
  await removed;

  assert.equal(index.getProject("p1"), null);
  assert.equal(index.stats().clips, 0);
});

test("watcher follows pipeline.json progress", async () => {
  await writeAutoClipProject(projectsDir, "p1", 0, 0);
  await watcher.start();
  const running = waitForEvent<ProjectChange>(
    index,
    "change",
    "p1 to report progress 55",
    changeOf("p1", (change) => change.record?.progress === 55),
  );

  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.pipeline), {
    status: "processing",
    current_step: "titles",
    progress: 55,
    message: "Writing titles",
    steps: {},
    error: null,
    updated_at: new Date().toISOString(),
    completed_at: null,
  });
  const change = await running;

  assert.equal(change.record?.status, "processing");
  assert.equal(change.record?.current_step, "titles");
});

test("watcher skips media and temporary files", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await writeAutoClipProject(projectsDir, "p2", 1, 1);
  for (const folder of ["input", "output/thumbnails", "output/clips"]) {
    await mkdir(path.join(dir, folder), { recursive: true });
  }
  await writeFile(path.join(dir, "output", "clips", "1_title.mp4"), "first bytes");
  await watcher.start();
  const changed: string[] = [];
  index.on("change", (change) => changed.push(change.projectId));
  const p2Updated = waitForEvent<ProjectChange>(index, "change", "p2 to be refreshed", changeOf("p2"));

  await writeFile(path.join(dir, "output", "thumbnails", "clip_1.jpg"), "not a real image");
  await writeFile(path.join(dir, "input", "talk.mp4"), "not a real video");
  // Bytes written to a video that is already listed change no record.
  await appendFile(path.join(dir, "output", "clips", "1_title.mp4"), "more bytes");
  await writeFile(path.join(dir, "metadata", ".clips_metadata.json.abc.partial"), "[");
  await mkdir(path.join(dir, ".lock"));
  await writeFile(path.join(dir, "metadata", "step4_titles.json"), "{}");
  // p1's files were written first, so an event for them would arrive before this one.
  await writeJsonAtomic(path.join(projectsDir, "p2", PROJECT_FILES.clipsMetadata), makeClips(2));
  await p2Updated;

  assert.deepEqual(changed, ["p2"]);
});

test("watcher start and close are idempotent", async () => {
  const first = watcher.start();
  const second = watcher.start();

  assert.equal(first, second);
  await first;
  await Promise.all([watcher.close(), watcher.close()]);
  assert.equal(watcher.close(), watcher.close());
});

test("watcher ignores changes after close", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 8, 3);
  let refreshes = 0;
  const countingWatcher = new ProjectWatcher({
    index: {
      refreshProject: (projectId) => {
        refreshes += 1;
        return index.refreshProject(projectId);
      },
      reconcile: () => index.reconcile(),
    },
    projectsDir,
    reconcileIntervalMs: 0,
    debounceMs: 10,
  });
  await countingWatcher.start();
  await countingWatcher.close();

  await writeJsonAtomic(path.join(dir, PROJECT_FILES.clipsMetadata), makeClips(1));
  // NOTE: no event marks the absence of a refresh, so this waits 20 debounce periods.
  await new Promise((resolve) => setTimeout(resolve, 200));

  assert.equal(refreshes, 0);
  assert.equal(index.getProject("p1")?.total_clips, 8);
});

test("watcher start catches changes made before it", async () => {
  await writeAutoClipProject(projectsDir, "early", 3, 1);

  await watcher.start();

  assert.equal(index.getProject("early")?.total_clips, 3);
});

test("watcher applies a new edits.json", async () => {
  await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await watcher.start();
  const edited = waitForEvent<ProjectChange>(
    index,
    "change",
    "total_clips of p1 to drop from 8 to 6 after edits.json deletes two clips",
    changeOf("p1", (change) => change.record?.total_clips === 6),
  );

  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.edits), {
    deleted_clip_ids: ["1", "2"],
    clip_titles: { "3": "Renamed" },
  });
  await edited;

  assert.equal(index.listClips("p1")[0]?.clip_id, "3");
  assert.equal(index.listClips("p1")[0]?.generated_title, "Renamed");
  assert.equal(index.stats().clips, 6);
});

test("watcher indexes a copied AutoClip folder with videos", async () => {
  const staging = path.join(root, "staging");
  await mkdir(staging);
  const source = await writeAutoClipProject(staging, "autoclip-copy", 8, 3);
  await mkdir(path.join(source, "output", "clips"), { recursive: true });
  await mkdir(path.join(source, "output", "collections"), { recursive: true });
  for (let id = 1; id <= 8; id++) {
    await writeFile(path.join(source, "output", "clips", `${id}_Highlight ${id}.mp4`), `clip ${id}`);
  }
  // AutoClip names collection videos after the title alone.
  for (let id = 1; id <= 3; id++) {
    await writeFile(path.join(source, "output", "collections", `Collection ${id}.mp4`), `collection ${id}`);
  }
  await watcher.start();
  const indexed = waitForEvent<ProjectChange>(
    index,
    "change",
    "the copied AutoClip folder to show 8 clips and 3 collections",
    changeOf(
      "autoclip-copy",
      (change) => change.record?.total_clips === 8 && change.record?.total_collections === 3,
    ),
  );

  await cp(source, path.join(projectsDir, "autoclip-copy"), { recursive: true });
  const change = await indexed;
  // The copy may list the metadata before the videos, so their paths can arrive in a later refresh.
  const clips = await waitFor(
    "all 8 clips of autoclip-copy to have a video_file",
    () => {
      const listed = index.listClips("autoclip-copy");
      return listed.every((clip) => clip.video_file !== null) ? listed : undefined;
    },
    2000,
  );
  const collections = await waitFor(
    "all 3 collections of autoclip-copy to have a video_file",
    () => {
      const listed = index.listCollections("autoclip-copy");
      return listed.every((collection) => collection.video_file !== null) ? listed : undefined;
    },
    2000,
  );

  assert.equal(change.record?.status, "completed");
  assert.equal(index.stats().clips, 8);
  assert.equal(index.stats().collections, 3);
  assert.equal(clips.length, 8);
  assert.equal(clips[0]?.video_file, "output/clips/1_Highlight 1.mp4");
  assert.equal(clips[7]?.video_file, "output/clips/8_Highlight 8.mp4");
  assert.equal(collections.length, 3);
  assert.equal(collections[2]?.video_file, "output/collections/Collection 3.mp4");
});

test("watcher picks up a clip video added later", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 2, 1);
  await mkdir(path.join(dir, "output", "clips"), { recursive: true });
  await watcher.start();
  assert.equal(index.listClips("p1")[1]?.video_file, null);
  const updated = waitForEvent<ProjectChange>(
    index,
    "change",
    "p1 to be refreshed after a video is added",
    changeOf("p1"),
  );

  await writeFile(path.join(dir, "output", "clips", "2_Highlight_2.mp4"), "video");
  await updated;

  assert.equal(index.listClips("p1")[1]?.video_file, "output/clips/2_Highlight_2.mp4");
  assert.equal(index.listClips("p1")[0]?.video_file, null);
});

test("watcher follows output/clips made again", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 2, 1);
  await mkdir(path.join(dir, "output", "clips"), { recursive: true });
  await mkdir(path.join(dir, "output", "collections"), { recursive: true });
  await writeFile(path.join(dir, "output", "clips", "2_Highlight_2.mp4"), "video");
  await watcher.start();
  await index.refreshProject("p1");
  assert.equal(index.listClips("p1")[1]?.video_file, "output/clips/2_Highlight_2.mp4");
  const removed = waitForEvent<ProjectChange>(
    index,
    "change",
    "p1 to be refreshed after output/clips is removed",
    changeOf("p1", () => index.listClips("p1")[1]?.video_file === null),
  );

  // Both tracked folders exist, so output/ itself is not watched until output/clips goes.
  await rm(path.join(dir, "output", "clips"), { recursive: true });
  await removed;
  const added = waitForEvent<ProjectChange>(
    index,
    "change",
    "p1 to be refreshed after output/clips is made again",
    changeOf("p1", () => index.listClips("p1")[0]?.video_file !== null),
  );
  await mkdir(path.join(dir, "output", ".next-clips"));
  await writeFile(path.join(dir, "output", ".next-clips", "1_Highlight_1.mp4"), "video");
  await rename(path.join(dir, "output", ".next-clips"), path.join(dir, "output", "clips"));
  await added;

  assert.equal(index.listClips("p1")[0]?.video_file, "output/clips/1_Highlight_1.mp4");
  assert.equal(index.listClips("p1")[1]?.video_file, null);
});
