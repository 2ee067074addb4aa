import assert from "node:assert/strict";
import { mkdir, rename } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ProjectIndex } from "../index/project-index.ts";
import {
  makeClips,
  makeCollections,
  makePipelineFile,
  makeProjectFile,
  makeTempDir,
  writeAutoClipProject,
  writeProjectFolder,
} from "../index/test-support.ts";
import { createApp } from "./app.ts";
import { type HttpServer, startHttpServer } from "./server.ts";

let root: string;
let projectsDir: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex;
let server: HttpServer;

async function getJson(
  route: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${route}`, { headers });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

before(async () => {
  const temp = await makeTempDir("http");
  root = temp.dir;
  removeTemp = temp.remove;
  projectsDir = path.join(root, "projects");
  await mkdir(projectsDir);

  await writeAutoClipProject(projectsDir, "autoclip-1", 8, 3);
  for (let i = 0; i < 5; i++) {
    await writeProjectFolder(projectsDir, `talk-${i}`, {
      project: makeProjectFile(`talk-${i}`, { created_at: `2025-05-0${i + 1}T08:00:00.000Z` }),
      pipeline: makePipelineFile({ status: "completed", current_step: null, progress: 100 }),
      clips: makeClips(2, "seconds"),
      collections: makeCollections(1, 2),
    });
  }

  index = await ProjectIndex.open({ indexDir: path.join(root, ".index"), projectsDir });
  await index.reconcile();
  server = await startHttpServer({
    app: createApp({ index, version: "1.2.3-test" }),
    host: "127.0.0.1",
    port: 0,
  });
});

after(async () => {
  await server.close();
  await index.close();
  await removeTemp();
});

describe("http app", () => {
  test("health reports the index and version", async () => {
    const { status, body } = await getJson("/api/v1/health");

    assert.equal(status, 200);
    assert.deepEqual(body, { status: "ok", index: "online", version: "1.2.3-test" });
  });

  test("stats sum the project files", async () => {
    const { status, body } = await getJson("/api/v1/stats");

    assert.equal(status, 200);
    assert.deepEqual(body, {
      projects: {
        total: 6,
        by_status: { pending: 0, processing: 0, completed: 6, failed: 0, invalid: 0 },
      },
      clips: 8 + 5 * 2,
      collections: 3 + 5 * 1,
      index: "online",
    });
  });

  test("projects list pages newest first", async () => {
    // autoclip-1 has no project.json, so its files' mtime (today) makes it the newest.
    const { status, body } = await getJson("/api/v1/projects?page=2&size=2");
    const items = body.items as Array<Record<string, unknown>>;

    assert.equal(status, 200);
    assert.deepEqual(body.pagination, { page: 2, size: 2, total: 6, pages: 3 });
    assert.deepEqual(
      items.map((item) => item.id),
      ["talk-3", "talk-2"],
    );
    assert.deepEqual(Object.keys(items[0] ?? {}).sort(), [
      "completed_at",
      "created_at",
      "current_step",
      "current_step_name",
      "description",
      "error_message",
      "id",
      "name",
      "progress",
      "source_file",
      "status",
      "thumbnail",
      "total_clips",
      "total_collections",
      "total_steps",
      "updated_at",
      "video_category",
    ]);
  });

  test("projects list accepts a trailing slash", async () => {
    const { status, body } = await getJson("/api/v1/projects/?size=100&search=autoclip");
    const items = body.items as Array<Record<string, unknown>>;

    assert.equal(status, 200);
    assert.equal(items.length, 1);
    assert.equal(items[0]?.total_clips, 8);
    assert.equal(items[0]?.total_collections, 3);
  });

  test("projects list rejects a bad page with its field", async () => {
    const { status, body } = await getJson("/api/v1/projects?page=0&size=101");
    const errors = body.errors as Array<{ field: string; message: string }>;

    assert.equal(status, 400);
    assert.equal(body.code, "INVALID_REQUEST");
    assert.deepEqual(
      errors.map((entry) => entry.field),
      ["page", "size"],
    );
    assert.match(String(body.detail), /Invalid request parameters: page, size/);
  });

  test("projects list rejects an unknown status", async () => {
    const { status, body } = await getJson("/api/v1/projects?status=done");
    const errors = body.errors as Array<{ field: string }>;

    assert.equal(status, 400);
    assert.equal(errors[0]?.field, "status");
  });

  test("project detail returns the record", async () => {
    const withSlash = await getJson("/api/v1/projects/autoclip-1/");
    const { status, body } = await getJson("/api/v1/projects/autoclip-1");

    assert.equal(status, 200);
    assert.equal(withSlash.status, 200);
    assert.equal(body.status, "completed");
    assert.equal(body.total_clips, 8);
    assert.equal(body.total_collections, 3);
    assert.equal(body.name, "autoclip-1");
  });

  test("unknown project is a 404 in English", async () => {
    const { status, type, body } = await getJson("/api/v1/projects/nope", {
      "Accept-Language": "en-US,en;q=0.9",
    });

    assert.equal(status, 404);
    assert.match(type ?? "", /application\/json/);
    assert.equal(body.code, "PROJECT_NOT_FOUND");
    assert.equal(
      body.detail,
      'Project "nope" was not found. Check the id against the list at /api/v1/projects.',
    );
  });

  test("unknown project is a 404 in Chinese", async () => {
    const { status, body } = await getJson("/api/v1/projects/nope", {
      "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
    });

    assert.equal(status, 404);
    assert.equal(body.code, "PROJECT_NOT_FOUND");
    assert.equal(body.detail, "未找到项目“nope”。请对照 /api/v1/projects 的列表核对项目 id。");
  });

  test("404 falls back to English", async () => {
    const { body } = await getJson("/api/v1/projects/nope", { "Accept-Language": "fr-FR" });

    assert.match(String(body.detail), /^Project "nope" was not found/);
  });

  test("bad page in Chinese keeps the field", async () => {
    const { status, body } = await getJson("/api/v1/projects?page=abc", { "Accept-Language": "zh-CN" });
    const errors = body.errors as Array<{ field: string; message: string }>;

    assert.equal(status, 400);
    assert.equal(errors[0]?.field, "page");
    assert.match(String(body.detail), /^请求参数无效：page/);
    assert.match(errors[0]?.message ?? "", /[\u4e00-\u9fff]/);
  });

  test("unknown route is a JSON 404", async () => {
    const { status, body } = await getJson("/api/v2/anything");

    assert.equal(status, 404);
    assert.equal(body.code, "ROUTE_NOT_FOUND");
  });

  test("stats and health report an offline index", async () => {
    const away = path.join(root, "projects-away");
    await rename(projectsDir, away);
    await index.reconcile();

    const health = await getJson("/api/v1/health");
    const stats = await getJson("/api/v1/stats");
    await rename(away, projectsDir);
    await index.reconcile();

    assert.equal(health.body.index, "offline");
    assert.equal(stats.body.index, "offline");
    assert.equal((stats.body.projects as { total: number }).total, 6);
    assert.equal((await getJson("/api/v1/health")).body.index, "online");
  });
});

describe("http error boundary", () => {
  test("unexpected error is a generic 500", async () => {
    const temp = await makeTempDir("http-500");
    const failing = await ProjectIndex.open({
      indexDir: path.join(temp.dir, ".index"),
      projectsDir: temp.dir,
    });
    const app = createApp({ index: failing, version: "test" });
    app.get("/api/v1/boom", () => {
      throw new Error("secret internal detail");
    });

    const response = await app.request("/api/v1/boom");
    const body = (await response.json()) as Record<string, unknown>;
    await failing.close();
    await temp.remove();

    assert.equal(response.status, 500);
    assert.equal(body.code, "INTERNAL_ERROR");
    assert.doesNotMatch(JSON.stringify(body), /secret/);
  });

  test("closed index is a 503", async () => {
    const temp = await makeTempDir("http-503");
    const closed = await ProjectIndex.open({
      indexDir: path.join(temp.dir, ".index"),
      projectsDir: temp.dir,
    });
    const app = createApp({ index: closed, version: "test" });
    await closed.close();

    const response = await app.request("/api/v1/stats");
    const body = (await response.json()) as Record<string, unknown>;
    await temp.remove();

    assert.equal(response.status, 503);
    assert.equal(body.code, "INDEX_UNAVAILABLE");
  });
});
