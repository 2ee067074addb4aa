import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { cp, mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { PROJECT_FILES } from "../project/layout.ts";
import { FORMAT_KEY, INDEX_FORMAT_VERSION } from "./keys.ts";
import { IndexNotFoundError, openStore, STORE_FILE_NAME } from "./lmdb-store.ts";
import { ProjectIndex } from "./project-index.ts";
import {
  makeClips,
  makeCollections,
  makePipelineFile,
  makeProjectFile,
  makeTempDir,
  writeAutoClipProject,
  writeProjectFolder,
} from "./test-support.ts";
import { type IndexDifference, type VerifyResult, verifyIndex } from "./verify-index.ts";

const runFile = promisify(execFile);

let root: string;
let projectsDir: string;
let indexDir: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex | undefined;

beforeEach(async () => {
  const temp = await makeTempDir("verify");
  root = temp.dir;
  removeTemp = temp.remove;
  projectsDir = path.join(root, "projects");
  indexDir = path.join(root, ".index");
  await mkdir(projectsDir);
});

afterEach(async () => {
  await index?.close();
  index = undefined;
  await removeTemp();
});

/** Writes p1 (8 clips), p2 (processing) and p3 (2 clips) and indexes them. */
async function writeAndIndexProjects(): Promise<ProjectIndex> {
  await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await writeProjectFolder(projectsDir, "p2", {
    project: makeProjectFile("p2"),
    pipeline: makePipelineFile({ status: "processing", current_step: "scoring", progress: 40 }),
  });
  await writeProjectFolder(projectsDir, "p3", {
    project: makeProjectFile("p3"),
    pipeline: makePipelineFile({ status: "completed", current_step: null, progress: 100 }),
    clips: makeClips(2, "seconds"),
    collections: makeCollections(1, 2),
  });
  index = await ProjectIndex.open({ indexDir, projectsDir });
  await index.reconcile();
  return index;
}

function findDifference(
  result: VerifyResult,
  projectId: string | null,
  field: string,
): IndexDifference | undefined {
  return result.differences.find(
    (difference) => difference.projectId === projectId && difference.field === field,
  );
}

async function hashFile(file: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(file))
    .digest("hex");
}

test("verifyIndex finds nothing on a fresh index", async () => {
  const open = await writeAndIndexProjects();

  const live = await verifyIndex({ index: open });
  const standalone = await verifyIndex({ indexDir, projectsDir });

  assert.deepEqual(live.differences, []);
  assert.equal(live.projects, 3);
  assert.deepEqual(standalone.differences, []);
  assert.equal(standalone.projects, 3);
});

test("verifyIndex lists each difference of a stale index", async () => {
  const open = await writeAndIndexProjects();
  await open.close();
  index = undefined;
  const staleDir = path.join(root, "stale-index");
  await cp(indexDir, staleDir, { recursive: true });

  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.clipsMetadata), makeClips(7));
  await writeJsonAtomic(
    path.join(projectsDir, "p2", PROJECT_FILES.pipeline),
    makePipelineFile({ status: "failed", current_step: "scoring", progress: 40 }),
  );
  await rm(path.join(projectsDir, "p3"), { recursive: true });
  await writeAutoClipProject(projectsDir, "p4", 4, 1);
  const before = await hashFile(path.join(staleDir, STORE_FILE_NAME));

  const result = await verifyIndex({ indexDir: staleDir, projectsDir });

  assert.equal(result.projects, 3);
  assert.deepEqual(findDifference(result, "p1", "clips.8"), {
    projectId: "p1",
    field: "clips.8",
    index: { position: 7, generated_title: "Highlight 8" },
    files: null,
  });
  assert.deepEqual(findDifference(result, "p1", "total_clips"), {
    projectId: "p1",
    field: "total_clips",
    index: 8,
    files: 7,
  });
  assert.deepEqual(findDifference(result, "p2", "status"), {
    projectId: "p2",
    field: "status",
    index: "processing",
    files: "failed",
  });
  assert.deepEqual(findDifference(result, "p3", "project"), {
    projectId: "p3",
    field: "project",
    index: { name: "Project p3", status: "completed", total_clips: 2, total_collections: 1 },
    files: null,
  });
  assert.deepEqual(findDifference(result, "p4", "project"), {
    projectId: "p4",
    field: "project",
    index: null,
    files: { name: "p4", status: "completed", total_clips: 4, total_collections: 1 },
  });
  assert.deepEqual(findDifference(result, null, "totals.clips"), {
    projectId: null,
    field: "totals.clips",
    index: 8 + 2,
    files: 7 + 4,
  });
  assert.deepEqual(findDifference(result, null, "totals.projects.by_status.failed"), {
    projectId: null,
    field: "totals.projects.by_status.failed",
    index: 0,
    files: 1,
  });
  assert.equal(findDifference(result, "p1", "clips.1"), undefined);
  assert.equal(findDifference(result, "p1", "status"), undefined);
  assert.equal(await hashFile(path.join(staleDir, STORE_FILE_NAME)), before);
});

test("verifyIndex compares clip and collection fields", async () => {
  const open = await writeAndIndexProjects();

  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.edits), {
    clip_titles: { "2": "Renamed" },
    collection_order: { "1": ["2", "1"] },
  });
  const result = await verifyIndex({ index: open });

  assert.deepEqual(findDifference(result, "p1", "clips.2.generated_title"), {
    projectId: "p1",
    field: "clips.2.generated_title",
    index: "Highlight 2",
    files: "Renamed",
  });
  assert.deepEqual(findDifference(result, "p1", "collections.1.clip_ids"), {
    projectId: "p1",
    field: "collections.1.clip_ids",
    index: ["1", "2"],
    files: ["2", "1"],
  });
  assert.equal(findDifference(result, "p1", "total_clips"), undefined);
});

test("verifyIndex finds nothing once refreshed", async () => {
  const open = await writeAndIndexProjects();
  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.clipsMetadata), makeClips(5));
  const stale = await verifyIndex({ index: open });

  await open.refreshProject("p1");
  const fresh = await verifyIndex({ index: open });

  assert.ok(stale.differences.length > 0);
  assert.deepEqual(fresh.differences, []);
});

test("verifyIndex reads an index another process holds open", async () => {
  await writeAndIndexProjects();
  const script = [
    `const { verifyIndex } = await import(${JSON.stringify(path.join(path.dirname(fileURLToPath(import.meta.url)), "verify-index.ts"))});`,
    `const result = await verifyIndex({ indexDir: ${JSON.stringify(indexDir)}, projectsDir: ${JSON.stringify(projectsDir)} });`,
    "process.stdout.write(JSON.stringify(result));",
  ].join("\n");

  const { stdout } = await runFile(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script],
    {
      timeout: 20_000,
    },
  );
  const result = JSON.parse(stdout) as VerifyResult;

  assert.deepEqual(result.differences, []);
  assert.equal(result.projects, 3);
});

test("verifyIndex reports an index of another format", async () => {
  const open = await writeAndIndexProjects();
  await open.close();
  index = undefined;
  const store = await openStore(indexDir);
  await store.write((writer) => writer.put(FORMAT_KEY, 1));
  await store.close();

  const result = await verifyIndex({ indexDir, projectsDir });

  assert.deepEqual(result.differences, [
    { projectId: null, field: "format_version", index: 1, files: INDEX_FORMAT_VERSION },
  ]);
  assert.equal(result.projects, 3);
});

test("verifyIndex rejects a missing index folder", async () => {
  await assert.rejects(
    verifyIndex({ indexDir: path.join(root, "nothing"), projectsDir }),
    IndexNotFoundError,
  );
});

test("verifyIndex rejects an unreadable projects folder", async () => {
  const open = await writeAndIndexProjects();
  await rm(projectsDir, { recursive: true });

  await assert.rejects(verifyIndex({ index: open }), { code: "ENOENT" });
});
