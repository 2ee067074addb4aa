import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { PROJECT_FILES } from "../project/layout.ts";
import { currentFingerprints, deriveProject, InvalidProjectIdError } from "./derive-project.ts";
import { isUuid, publicIdOf } from "./public-id.ts";
import {
  makeClips,
  makeCollections,
  makePipelineFile,
  makeProjectFile,
  makeTempDir,
  writeAutoClipProject,
  writeProjectFolder,
  writeRawFile,
} from "./test-support.ts";

let projectsDir: string;
let removeTemp: () => Promise<void>;

beforeEach(async () => {
  const temp = await makeTempDir("derive");
  projectsDir = temp.dir;
  removeTemp = temp.remove;
});

afterEach(async () => {
  await removeTemp();
});

test("deriveProject counts an AutoClip folder", async () => {
  await writeAutoClipProject(projectsDir, "autoclip-1", 8, 3);

  const derived = await deriveProject(projectsDir, "autoclip-1");

  assert.ok(derived);
  assert.equal(derived.record.status, "completed");
  assert.equal(derived.record.total_clips, 8);
  assert.equal(derived.record.total_collections, 3);
  assert.equal(derived.record.name, "autoclip-1");
  assert.equal(derived.record.progress, 100);
  assert.equal(derived.record.invalid_file, null);
  assert.equal(derived.record.source_file, null);
  assert.ok(derived.record.completed_at);
  assert.equal(derived.clips.length, 8);
  assert.equal(derived.collections.length, 3);
});

test("deriveProject converts HH:MM:SS,mmm times to seconds", async () => {
  await writeAutoClipProject(projectsDir, "autoclip-1", 8, 3);

  const derived = await deriveProject(projectsDir, "autoclip-1");
  const second = derived?.clips[1];

  assert.ok(second);
  assert.equal(second.clip_id, "2");
  assert.equal(second.position, 1);
  assert.equal(second.start_time, 95.5);
  assert.equal(second.end_time, 155.75);
  assert.equal(second.duration, 60.25);
  assert.equal(second.id, publicIdOf("autoclip-1", "clip", "2"));
  assert.ok(isUuid(second.id));
});

test("deriveProject maps collection clip ids to public ids", async () => {
  await writeAutoClipProject(projectsDir, "autoclip-1", 8, 3);

  const derived = await deriveProject(projectsDir, "autoclip-1");
  const first = derived?.collections[0];

  assert.ok(first);
  assert.deepEqual(first.clip_ids, ["1", "2"]);
  assert.deepEqual(first.clip_public_ids, [
    publicIdOf("autoclip-1", "clip", "1"),
    publicIdOf("autoclip-1", "clip", "2"),
  ]);
  assert.equal(first.id, publicIdOf("autoclip-1", "collection", "1"));
});

test("deriveProject fingerprints every tracked file", async () => {
  await writeAutoClipProject(projectsDir, "autoclip-1", 8, 3);

  const derived = await deriveProject(projectsDir, "autoclip-1");
  const current = await currentFingerprints(projectsDir, "autoclip-1");

  assert.ok(derived);
  assert.equal(derived.fingerprints[PROJECT_FILES.project], null);
  assert.equal(derived.fingerprints[PROJECT_FILES.pipeline], null);
  assert.ok(derived.fingerprints[PROJECT_FILES.clipsMetadata]);
  assert.ok(derived.fingerprints[PROJECT_FILES.collectionsMetadata]);
  assert.deepEqual(current, derived.fingerprints);
});

test("deriveProject marks broken JSON invalid with null counts", async () => {
  const dir = await writeAutoClipProject(projectsDir, "autoclip-1", 8, 3);
  await writeRawFile(dir, PROJECT_FILES.clipsMetadata, '[{"id": "1",');

  const derived = await deriveProject(projectsDir, "autoclip-1");

  assert.ok(derived);
  assert.equal(derived.record.status, "invalid");
  assert.equal(derived.record.invalid_file, "metadata/clips_metadata.json");
  assert.match(derived.record.invalid_reason ?? "", /not valid JSON/);
  assert.equal(derived.record.total_clips, null);
  assert.equal(derived.record.total_collections, null);
  assert.equal(derived.clips.length, 0);
  assert.equal(derived.collections.length, 0);
});

test("deriveProject recovers once the file is fixed", async () => {
  const dir = await writeAutoClipProject(projectsDir, "autoclip-1", 8, 3);
  await writeRawFile(dir, PROJECT_FILES.clipsMetadata, "not json");
  const broken = await deriveProject(projectsDir, "autoclip-1");
  await writeJsonAtomic(path.join(dir, PROJECT_FILES.clipsMetadata), makeClips(8));

  const fixed = await deriveProject(projectsDir, "autoclip-1");

  assert.equal(broken?.record.status, "invalid");
  assert.equal(fixed?.record.status, "completed");
  assert.equal(fixed?.record.total_clips, 8);
  assert.equal(fixed?.record.total_collections, 3);
  assert.equal(fixed?.record.invalid_reason, null);
});

test("deriveProject names the field that fails the schema", async () => {
  const clips: unknown[] = makeClips(3);
  clips[2] = { ...(clips[2] as object), start_time: "five seconds" };
  await writeProjectFolder(projectsDir, "p1", { collections: makeCollections(1, 3) });
  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.clipsMetadata), clips);

  const derived = await deriveProject(projectsDir, "p1");

  assert.equal(derived?.record.status, "invalid");
  assert.equal(derived?.record.invalid_file, "metadata/clips_metadata.json");
  assert.match(derived?.record.invalid_reason ?? "", /2\.start_time/);
});

test("deriveProject rejects duplicate clip ids", async () => {
  const clips = makeClips(3);
  clips[2] = { ...clips[2], id: "1" } as (typeof clips)[number];
  await writeProjectFolder(projectsDir, "p1", { clips, collections: [] });

  const derived = await deriveProject(projectsDir, "p1");

  assert.equal(derived?.record.status, "invalid");
  assert.match(derived?.record.invalid_reason ?? "", /clip id "1" more than once/);
});

test("deriveProject marks a bad pipeline.json invalid", async () => {
  await writeProjectFolder(projectsDir, "p1", { project: makeProjectFile("p1") });
  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.pipeline), { status: "running" });

  const derived = await deriveProject(projectsDir, "p1");

  assert.equal(derived?.record.status, "invalid");
  assert.equal(derived?.record.invalid_file, "pipeline.json");
  assert.match(derived?.record.invalid_reason ?? "", /status/);
  assert.equal(derived?.record.name, "Project p1");
});

test("deriveProject reads status from pipeline.json", async () => {
  await writeProjectFolder(projectsDir, "p1", {
    project: makeProjectFile("p1", { name: "演讲 2025" }),
    pipeline: makePipelineFile({ status: "processing", current_step: "titles", progress: 70 }),
    clips: makeClips(2, "seconds"),
  });

  const record = (await deriveProject(projectsDir, "p1"))?.record;

  assert.equal(record?.status, "processing");
  assert.equal(record?.name, "演讲 2025");
  assert.equal(record?.current_step, "titles");
  assert.equal(record?.progress, 70);
  assert.equal(record?.message, "Scoring topics");
  assert.equal(record?.total_clips, 2);
  assert.equal(record?.total_collections, 0);
  assert.equal(record?.source_file, "talk.mp4");
  assert.equal(record?.video_category, "knowledge");
  assert.equal(record?.created_at, "2025-01-02T03:04:05.000Z");
  assert.equal(record?.completed_at, null);
});

test("deriveProject reports pending for an empty folder", async () => {
  await writeProjectFolder(projectsDir, "p1", {});

  const record = (await deriveProject(projectsDir, "p1"))?.record;

  assert.equal(record?.status, "pending");
  assert.equal(record?.total_clips, 0);
  assert.equal(record?.total_collections, 0);
  assert.equal(record?.progress, 0);
});

test("deriveProject returns null for a missing folder", async () => {
  const dir = await writeAutoClipProject(projectsDir, "gone");
  await rm(dir, { recursive: true });

  assert.equal(await deriveProject(projectsDir, "gone"), null);
  assert.equal(await deriveProject(projectsDir, "never-existed"), null);
  assert.equal(await currentFingerprints(projectsDir, "gone"), null);
});

test("deriveProject rejects an id that is no folder name", async () => {
  await assert.rejects(deriveProject(projectsDir, "../etc"), InvalidProjectIdError);
  await assert.rejects(deriveProject(projectsDir, ".tmp-abc"), InvalidProjectIdError);
});
