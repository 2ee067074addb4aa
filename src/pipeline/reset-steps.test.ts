import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { makePipelineFile, makeTempDir } from "../index/test-support.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { PROJECT_FILES, projectPaths } from "../project/layout.ts";
import { lockProject, ProjectLockedError } from "../project/lock.ts";
import { prepareRetry, resetFromStep, UnknownStepError } from "./reset-steps.ts";

let projectDir: string;
let removeTemp: () => Promise<void>;

beforeEach(async () => {
  const temp = await makeTempDir("reset-steps");
  removeTemp = temp.remove;
  projectDir = path.join(temp.dir, "p1");
  const paths = projectPaths(projectDir);

  for (const folder of [paths.input, paths.metadata, paths.clips, paths.collections, paths.thumbnails]) {
    await mkdir(folder, { recursive: true });
  }
  for (const file of Object.values(PROJECT_FILES)) await writeFile(path.join(projectDir, file), "{}");
  await writeJsonAtomic(
    paths.file("pipeline"),
    makePipelineFile({
      status: "failed",
      current_step: "video",
      error: {
        step: "video",
        code: "FFMPEG",
        message: "boom",
        hint: "retry",
        at: "2025-01-02T03:10:00.000Z",
      },
    }),
  );
  await writeFile(path.join(paths.input, "talk.mp4"), "video");
  await writeFile(path.join(paths.clips, "1_intro.mp4"), "clip");
  await writeFile(path.join(paths.collections, "1_best.mp4"), "collection");
  await writeFile(path.join(paths.collections, "manual-abc_mine.mp4"), "manual");
  await writeFile(path.join(paths.thumbnails, "clip_1.jpg"), "jpg");
});

afterEach(async () => {
  await removeTemp();
});

async function present(relative: string): Promise<boolean> {
  const names = await readdir(path.dirname(path.join(projectDir, relative)));
  return names.includes(path.basename(relative));
}

test("reset from titles keeps earlier steps", async () => {
  const result = await resetFromStep(projectDir, "titles");

  for (const kept of ["transcript", "outline", "timeline", "allScored", "highScore"] as const) {
    assert.equal(await present(PROJECT_FILES[kept]), true, `${kept} should stay`);
  }
  for (const gone of [
    "titles",
    "collectionsPlan",
    "videoOutput",
    "clipsMetadata",
    "collectionsMetadata",
  ] as const) {
    assert.equal(await present(PROJECT_FILES[gone]), false, `${gone} should be deleted`);
  }
  assert.equal(await present("output/clips/1_intro.mp4"), false);
  assert.equal(await present("output/collections/1_best.mp4"), false);
  assert.equal(await present("output/thumbnails/clip_1.jpg"), false);
  assert.equal(await present("output/collections/manual-abc_mine.mp4"), true);
  assert.equal(await present("input/talk.mp4"), true);
  assert.equal(await present("project.json"), true);
  assert.equal(await present("edits.json"), true);
  assert.equal(result.step, "titles");
  assert.ok(result.removed.includes("metadata/step4_titles.json"));
});

test("reset marks pipeline pending", async () => {
  await resetFromStep(projectDir, "scoring");
  const pipeline = JSON.parse(await readFile(path.join(projectDir, PROJECT_FILES.pipeline), "utf8"));

  assert.equal(pipeline.status, "pending");
  assert.equal(pipeline.error, null);
  assert.equal(pipeline.steps.scoring.status, "pending");
  assert.equal(pipeline.steps.video.status, "pending");
  assert.equal(pipeline.steps.timeline, undefined);
  assert.equal(await present(PROJECT_FILES.timeline), true);
  assert.equal(await present(PROJECT_FILES.allScored), false);
  assert.equal(await present(PROJECT_FILES.highScore), false);
});

test("reset from transcript clears every step", async () => {
  await resetFromStep(projectDir, "transcript");

  assert.deepEqual(await readdir(path.join(projectDir, "metadata")), []);
  assert.equal(await present("input/talk.mp4"), true);
});

test("reset rejects an unknown step", async () => {
  await assert.rejects(resetFromStep(projectDir, "encode"), UnknownStepError);
  assert.equal(await present(PROJECT_FILES.titles), true);
});

test("reset of a locked project raises", async () => {
  const release = await lockProject(projectDir);

  try {
    await assert.rejects(resetFromStep(projectDir, "video", { waitMs: 0 }), ProjectLockedError);
    assert.equal(await present(PROJECT_FILES.videoOutput), true);
  } finally {
    await release();
  }
});

test("retry clears the error and keeps files", async () => {
  await prepareRetry(projectDir);
  const pipeline = JSON.parse(await readFile(path.join(projectDir, PROJECT_FILES.pipeline), "utf8"));

  assert.equal(pipeline.status, "pending");
  assert.equal(pipeline.error, null);
  assert.equal(await present(PROJECT_FILES.collectionsMetadata), true);
});
