import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  makeClips,
  makeCollections,
  makePipelineFile,
  makeProjectFile,
  writeProjectFolder,
} from "../index/test-support.ts";
import { lockProject } from "../project/lock.ts";
import { startTestApi, type TestApi } from "./route-test-support.ts";

let api: TestApi;

before(async () => {
  api = await startTestApi("http-clips", async (projectsDir) => {
    for (const id of ["p1", "p2"]) {
      await writeProjectFolder(projectsDir, id, {
        project: makeProjectFile(id),
        pipeline: makePipelineFile({ status: "completed", current_step: null, progress: 100 }),
        clips: makeClips(4, "seconds"),
        collections: makeCollections(2, 4),
      });
    }
  });
});

after(async () => {
  await api.close();
});

type Item = Record<string, unknown>;

async function clipsOf(projectId: string): Promise<Item[]> {
  const { body } = await api.request("GET", `/api/v1/clips/?project_id=${projectId}`);
  return body.items as Item[];
}

describe("clip routes", () => {
  test("list returns AutoClip's clip shape", async () => {
    const { status, body } = await api.request("GET", "/api/v1/clips?project_id=p1&size=3");
    const items = body.items as Item[];

    assert.equal(status, 200);
    assert.deepEqual(body.pagination, { page: 1, size: 3, total: 4, pages: 2 });
    assert.equal(items.length, 3);
    assert.deepEqual(Object.keys(items[0] ?? {}).sort(), [
      "clip_metadata",
      "created_at",
      "description",
      "duration",
      "end_time",
      "id",
      "project_id",
      "score",
      "start_time",
      "title",
      "updated_at",
      "video_path",
    ]);
    assert.equal(items[0]?.title, "Highlight 1");
    assert.equal(items[0]?.start_time, 5.5);
    assert.equal(items[0]?.duration, 60.25);
    assert.equal(items[0]?.score, 0.9);
    assert.equal((items[0]?.clip_metadata as Item | undefined)?.id, "1");
    assert.match(String(items[0]?.id), /^[0-9a-f-]{36}$/);
  });

  test("list needs a known project", async () => {
    const missing = await api.request("GET", "/api/v1/clips/");
    const unknown = await api.request("GET", "/api/v1/clips/?project_id=nope");

    assert.equal(missing.status, 400);
    assert.equal((missing.body.errors as Item[])[0]?.field, "project_id");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "PROJECT_NOT_FOUND");
  });

  test("one clip by public id", async () => {
    const [first] = await clipsOf("p2");
    const { status, body } = await api.request("GET", `/api/v1/clips/${first?.id}/`);
    const unknown = await api.request("GET", "/api/v1/clips/00000000-0000-5000-8000-000000000000");

    assert.equal(status, 200);
    assert.deepEqual(body, first);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "CLIP_NOT_FOUND");
  });

  test("rename writes edits and survives a rebuild", async () => {
    const [, second] = await clipsOf("p1");
    const { status, body } = await api.request("PATCH", `/api/v1/clips/${second?.id}/title`, {
      title: "  新标题  ",
    });
    const edits = JSON.parse(await readFile(path.join(api.projectsDir, "p1", "edits.json"), "utf8"));
    const rebuilt = await api.rebuilt();

    assert.equal(status, 200);
    assert.equal(body.title, "新标题");
    assert.deepEqual(edits.clip_titles, { "2": "新标题" });
    assert.equal((await clipsOf("p1"))[1]?.title, "新标题");
    assert.equal(rebuilt.listClips("p1")[1]?.generated_title, "新标题");
  });

  test("rename rejects bad bodies", async () => {
    const [first] = await clipsOf("p1");
    const route = `/api/v1/clips/${first?.id}/title`;

    const empty = await api.request("PATCH", route, { title: "   " });
    const notJson = await api.request("PATCH", route, "{not json");
    const huge = await api.request("PATCH", route, { title: "x".repeat(2 * 1024 * 1024) });

    assert.equal(empty.status, 400);
    assert.equal((empty.body.errors as Item[])[0]?.field, "title");
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.code, "INVALID_REQUEST");
    assert.equal(huge.status, 413);
    assert.equal(huge.body.code, "REQUEST_TOO_LARGE");
  });

  test("delete hides the clip everywhere", async () => {
    const [first] = await clipsOf("p2");
    const { status, body } = await api.request("DELETE", `/api/v1/clips/${first?.id}`);
    const project = await api.request("GET", "/api/v1/projects/p2");
    const collections = await api.request("GET", "/api/v1/collections/?project_id=p2");
    const rebuilt = await api.rebuilt();

    assert.equal(status, 200);
    assert.equal(body.deleted, true);
    assert.equal((await clipsOf("p2")).length, 3);
    assert.equal(project.body.total_clips, 3);
    assert.deepEqual(
      (collections.body.items as Item[]).map((entry) =>
        (entry.clip_ids as string[]).includes(String(first?.id)),
      ),
      [false, false],
    );
    assert.equal(rebuilt.getProject("p2")?.total_clips, 3);
    assert.equal(rebuilt.listCollections("p2")[0]?.clip_ids.includes("1"), false);
    assert.equal((await api.request("GET", `/api/v1/clips/${first?.id}`)).status, 404);
  });

  test("edit of a locked project is a 409", async () => {
    const [first] = await clipsOf("p1");
    const release = await lockProject(path.join(api.projectsDir, "p1"));

    try {
      const { status, body } = await api.request(
        "PATCH",
        `/api/v1/clips/${first?.id}/title`,
        { title: "blocked" },
        { "Accept-Language": "zh-CN" },
      );

      assert.equal(status, 409);
      assert.equal(body.code, "PROJECT_LOCKED");
      assert.match(String(body.detail), /锁定/);
    } finally {
      await release();
    }
  });
});
