import assert from "node:assert/strict";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { ProjectIndex } from "../index/project-index.ts";
import { makeClips, makeTempDir, writeAutoClipProject } from "../index/test-support.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { PROJECT_FILES } from "../project/layout.ts";
import { createApp } from "./app.ts";
import { type HttpServer, startHttpServer } from "./server.ts";

let root: string;
let projectsDir: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex;
let server: HttpServer;

beforeEach(async () => {
  const temp = await makeTempDir("http-sync");
  root = temp.dir;
  removeTemp = temp.remove;
  projectsDir = path.join(root, "projects");
  await mkdir(projectsDir);
  await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await writeAutoClipProject(projectsDir, "p2", 2, 1);

  // No watcher runs, so the index changes only through the routes under test.
  index = await ProjectIndex.open({ indexDir: path.join(root, ".index"), projectsDir });
  await index.reconcile();
  server = await startHttpServer({ app: createApp({ index, version: "test" }), host: "127.0.0.1", port: 0 });
});

afterEach(async () => {
  await server.close();
  await index.close();
  await removeTemp();
});

async function request(method: string, route: string) {
  const response = await fetch(`${server.url}${route}`, { method });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test("sync-all-data derives every project", async () => {
  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.clipsMetadata), makeClips(6));
  await rm(path.join(projectsDir, "p2"), { recursive: true });
  await writeAutoClipProject(projectsDir, "p3", 4, 2);

  const { status, body } = await request("POST", "/api/v1/projects/sync-all-data");

  assert.equal(status, 200);
  assert.deepEqual(body, { projects: 2, clips: 6 + 4, collections: 3 + 2 });
  assert.equal(index.getProject("p2"), null);
  assert.equal(index.getProject("p3")?.total_clips, 4);
});

test("sync-all-data rereads unchanged fingerprints", async () => {
  const changes: string[] = [];
  index.on("change", (change) => changes.push(change.projectId));

  const { status, body } = await request("POST", "/api/v1/projects/sync-all-data/");

  assert.equal(status, 200);
  assert.deepEqual(body, { projects: 2, clips: 10, collections: 4 });
  assert.deepEqual(changes.sort(), ["p1", "p2"]);
});

test("sync-all-data is 503 without projects folder", async () => {
  await rename(projectsDir, path.join(root, "away"));

  const { status, body } = await request("POST", "/api/v1/projects/sync-all-data");

  assert.equal(status, 503);
  assert.equal(body.code, "PROJECTS_FOLDER_UNAVAILABLE");
  assert.equal(index.getProject("p1")?.total_clips, 8);
});

test("sync-data refreshes one project", async () => {
  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.edits), { deleted_clip_ids: ["1", "2"] });
  await writeJsonAtomic(path.join(projectsDir, "p2", PROJECT_FILES.clipsMetadata), makeClips(1));

  const { status, body } = await request("POST", "/api/v1/projects/p1/sync-data");

  assert.equal(status, 200);
  assert.deepEqual(body, { id: "p1", status: "completed", total_clips: 6, total_collections: 3 });
  assert.equal(index.getProject("p2")?.total_clips, 2);
  assert.equal(index.stats().clips, 6 + 2);
});

test("sync-data indexes a new folder", async () => {
  await writeAutoClipProject(projectsDir, "p9", 3, 1);

  const { status, body } = await request("POST", "/api/v1/projects/p9/sync-data");

  assert.equal(status, 200);
  assert.deepEqual(body, { id: "p9", status: "completed", total_clips: 3, total_collections: 1 });
});

test("sync-data is 404 for a removed project", async () => {
  await rm(path.join(projectsDir, "p2"), { recursive: true });

  const { status, body } = await request("POST", "/api/v1/projects/p2/sync-data");

  assert.equal(status, 404);
  assert.equal(body.code, "PROJECT_NOT_FOUND");
  assert.equal(index.getProject("p2"), null);
});

test("sync-data is 404 for a bad id", async () => {
  const { status, body } = await request("POST", "/api/v1/projects/..%2Fetc/sync-data");

  assert.equal(status, 404);
  assert.equal(body.code, "PROJECT_NOT_FOUND");
});

test("sync routes leave project detail alone", async () => {
  const detail = await request("GET", "/api/v1/projects/p1");
  const named = await request("GET", "/api/v1/projects/sync-all-data");

  assert.equal(detail.status, 200);
  assert.equal(detail.body.total_clips, 8);
  assert.equal(named.status, 404);
  assert.equal(named.body.code, "PROJECT_NOT_FOUND");
});
