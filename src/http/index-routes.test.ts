import assert from "node:assert/strict";
import { mkdir, rename } from "node:fs/promises";
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
  const temp = await makeTempDir("http-verify");
  root = temp.dir;
  removeTemp = temp.remove;
  projectsDir = path.join(root, "projects");
  await mkdir(projectsDir);
  await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await writeAutoClipProject(projectsDir, "p2", 2, 1);

  index = await ProjectIndex.open({ indexDir: path.join(root, ".index"), projectsDir });
  await index.reconcile();
  server = await startHttpServer({ app: createApp({ index, version: "test" }), host: "127.0.0.1", port: 0 });
});

afterEach(async () => {
  await server.close();
  await index.close();
  await removeTemp();
});

async function getVerify(headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/v1/index/verify`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test("verify route reports an index in step", async () => {
  const { status, body } = await getVerify();

  assert.equal(status, 200);
  assert.deepEqual(body, { ok: true, differences: [], projects: 2 });
});

test("verify route lists differences", async () => {
  await writeJsonAtomic(path.join(projectsDir, "p2", PROJECT_FILES.clipsMetadata), makeClips(1));

  const { status, body } = await getVerify();
  const differences = body.differences as Array<Record<string, unknown>>;

  assert.equal(status, 200);
  assert.equal(body.ok, false);
  assert.equal(body.projects, 2);
  assert.deepEqual(
    differences.find((difference) => difference.field === "total_clips"),
    { projectId: "p2", field: "total_clips", index: 2, files: 1 },
  );
  assert.deepEqual(
    differences.find((difference) => difference.field === "totals.clips"),
    { projectId: null, field: "totals.clips", index: 10, files: 9 },
  );
});

test("verify route is 503 without projects folder", async () => {
  await rename(projectsDir, path.join(root, "away"));

  const { status, body } = await getVerify({ "Accept-Language": "zh-CN" });

  assert.equal(status, 503);
  assert.equal(body.code, "PROJECTS_FOLDER_UNAVAILABLE");
  assert.match(String(body.detail), /项目文件夹/);
});
