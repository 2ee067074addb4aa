import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { deriveProject } from "./derive-project.ts";
import { autoClipCollectionVideoName, listOutputVideos, matchVideosById } from "./output-videos.ts";
import { ProjectIndex } from "./project-index.ts";
import {
  makeClips,
  makeCollections,
  makeTempDir,
  writeAutoClipProject,
  writeProjectFolder,
} from "./test-support.ts";

let projectsDir: string;
let removeTemp: () => Promise<void>;

beforeEach(async () => {
  const temp = await makeTempDir("videos");
  projectsDir = temp.dir;
  removeTemp = temp.remove;
});

afterEach(async () => {
  await removeTemp();
});

async function writeVideos(projectDir: string, folder: string, names: string[]): Promise<void> {
  await mkdir(path.join(projectDir, folder), { recursive: true });
  for (const name of names) await writeFile(path.join(projectDir, folder, name), "video");
}

test("matchVideosById needs the id and an underscore", () => {
  const matches = matchVideosById(["1", "10", "2"], ["10_ten.mp4", "1_one.mp4", "2.mp4", "20_x.mp4"]);

  assert.equal(matches.get("1"), "1_one.mp4");
  assert.equal(matches.get("10"), "10_ten.mp4");
  assert.equal(matches.has("2"), false);
  assert.equal(matches.size, 2);
});

test("matchVideosById prefers the longest id", () => {
  const both = matchVideosById(["1", "1_2"], ["1_2_intro.mp4", "1_intro.mp4"]);
  const shortOnly = matchVideosById(["1"], ["1_2_intro.mp4"]);

  assert.equal(both.get("1_2"), "1_2_intro.mp4");
  assert.equal(both.get("1"), "1_intro.mp4");
  assert.equal(shortOnly.get("1"), "1_2_intro.mp4");
});

test("matchVideosById takes the first name", () => {
  const matches = matchVideosById(["3"], ["3_a.mp4", "3_b.mp4"]);

  assert.equal(matches.get("3"), "3_a.mp4");
});

test("autoClipCollectionVideoName cleans the title", () => {
  const cases: Array<[string, string]> = [
    ["Openings", "Openings.mp4"],
    ['A/B: "c"?', "A_B_ _c__.mp4"],
    [" .hidden title. ", "hidden title.mp4"],
    ["...", "untitled.mp4"],
    ["合集：开场白", "合集：开场白.mp4"],
    ["长".repeat(120), `${"长".repeat(100)}.mp4`],
  ];

  for (const [title, expected] of cases) {
    assert.equal(autoClipCollectionVideoName(title), expected, title);
  }
});

test("listOutputVideos skips temporary files", async () => {
  const dir = path.join(projectsDir, "clips");
  await writeVideos(projectsDir, "clips", [
    "2_b.mp4",
    "1_a.MP4",
    ".1_a.mp4.abc.partial",
    "3_c.mp4.partial",
    "notes.txt",
  ]);

  assert.deepEqual(await listOutputVideos(dir), ["1_a.MP4", "2_b.mp4"]);
  assert.deepEqual(await listOutputVideos(path.join(projectsDir, "missing")), []);
});

test("deriveProject finds AutoClip videos", async () => {
  const dir = await writeAutoClipProject(projectsDir, "autoclip-1", 8, 3);
  await writeVideos(
    dir,
    "output/clips",
    Array.from({ length: 8 }, (_, i) => `${i + 1}_Highlight ${i + 1}.mp4`),
  );
  await writeVideos(dir, "output/collections", ["Collection 1.mp4", "2_Collection 2.mp4"]);

  const derived = await deriveProject(projectsDir, "autoclip-1");

  assert.ok(derived);
  assert.equal(derived.record.total_clips, 8);
  assert.equal(derived.record.total_collections, 3);
  assert.deepEqual(
    derived.clips.map((clip) => clip.video_file),
    Array.from({ length: 8 }, (_, i) => `output/clips/${i + 1}_Highlight ${i + 1}.mp4`),
  );
  assert.equal(derived.collections[0]?.video_file, "output/collections/Collection 1.mp4");
  assert.equal(derived.collections[1]?.video_file, "output/collections/2_Collection 2.mp4");
  assert.equal(derived.collections[2]?.video_file, null);
  assert.ok(derived.fingerprints["output/clips"]);
  assert.ok(derived.fingerprints["output/collections"]);
});

test("deriveProject keeps the metadata video path", async () => {
  const clips = makeClips(2).map((clip) => ({ ...clip, video_file: "output/clips/custom.mp4" }));
  const dir = await writeProjectFolder(projectsDir, "p1", { clips, collections: makeCollections(1, 2) });
  await writeVideos(dir, "output/clips", ["1_Highlight 1.mp4", "2_Highlight 2.mp4"]);

  const derived = await deriveProject(projectsDir, "p1");

  assert.equal(derived?.clips[0]?.video_file, "output/clips/custom.mp4");
  assert.equal(derived?.clips[1]?.video_file, "output/clips/custom.mp4");
});

test("deriveProject matches renamed clips by id", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 2, 0);
  await writeVideos(dir, "output/clips", ["1_Highlight 1.mp4"]);
  await writeFile(
    path.join(dir, "edits.json"),
    JSON.stringify({ clip_titles: { "1": "New name" }, deleted_clip_ids: ["2"] }),
  );

  const derived = await deriveProject(projectsDir, "p1");

  assert.equal(derived?.clips.length, 1);
  assert.equal(derived?.clips[0]?.generated_title, "New name");
  assert.equal(derived?.clips[0]?.video_file, "output/clips/1_Highlight 1.mp4");
});

test("reconcile picks up a video added later", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 2, 1);
  await mkdir(path.join(dir, "output", "collections"), { recursive: true });
  const index = await ProjectIndex.open({ indexDir: path.join(projectsDir, ".index"), projectsDir });
  try {
    await index.reconcile();
    const before = index.listCollections("p1")[0]?.video_file;

    await writeFile(path.join(dir, "output", "collections", "1_Collection_1.mp4"), "video");
    const result = await index.reconcile();

    assert.equal(before, null);
    assert.equal(result.changed, 1);
    assert.equal(index.listCollections("p1")[0]?.video_file, "output/collections/1_Collection_1.mp4");
  } finally {
    await index.close();
  }
});
