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
import { startTestApi, type TestApi } from "./route-test-support.ts";

let api: TestApi;

before(async () => {
  api = await startTestApi("http-collections", async (projectsDir) => {
    for (const id of ["p1", "p2"]) {
      await writeProjectFolder(projectsDir, id, {
        project: makeProjectFile(id),
        pipeline: makePipelineFile({ status: "completed", current_step: null, progress: 100 }),
        clips: makeClips(4, "seconds"),
        // Collection 1 contains clips 1 and 2, and collection 2 contains clips 2 and 3.
        collections: makeCollections(2, 4),
      });
    }
  });
});

after(async () => {
  await api.close();
});

type Item = Record<string, unknown>;

async function listOf(kind: "clips" | "collections", projectId: string): Promise<Item[]> {
  const { body } = await api.request("GET", `/api/v1/${kind}/?project_id=${projectId}`);
  return body.items as Item[];
}

async function clipIdsOf(projectId: string): Promise<string[]> {
  return (await listOf("clips", projectId)).map((clip) => String(clip.id));
}

async function readEditsFile(projectId: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(api.projectsDir, projectId, "edits.json"), "utf8"));
}

describe("collection routes", () => {
  test("list returns AutoClip's collection shape", async () => {
    const items = await listOf("collections", "p1");
    const clipIds = await clipIdsOf("p1");

    assert.equal(items.length, 2);
    assert.deepEqual(Object.keys(items[0] ?? {}).sort(), [
      "clip_ids",
      "collection_summary",
      "collection_title",
      "collection_type",
      "created_at",
      "description",
      "id",
      "name",
      "project_id",
      "thumbnail_path",
      "total_clips",
      "video_outdated",
      "video_path",
    ]);
    assert.deepEqual(items[0]?.clip_ids, [clipIds[0], clipIds[1]]);
    assert.equal(items[0]?.collection_type, "ai_recommended");
    assert.equal(items[0]?.name, "Collection 1");
    assert.equal(items[0]?.total_clips, 2);
    assert.equal(items[0]?.video_path, null);
  });

  test("one collection by public id", async () => {
    const [first] = await listOf("collections", "p1");
    const { status, body } = await api.request("GET", `/api/v1/collections/${first?.id}`);
    const unknown = await api.request("GET", "/api/v1/collections/1");

    assert.equal(status, 200);
    assert.deepEqual(body, first);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "COLLECTION_NOT_FOUND");
  });

  test("create makes a manual collection", async () => {
    const clipIds = await clipIdsOf("p1");
    const { status, body } = await api.request("POST", "/api/v1/collections/", {
      project_id: "p1",
      collection_title: "我的合集",
      collection_summary: "hand-picked",
      clip_ids: [clipIds[3], "1"],
    });
    const rebuilt = await api.rebuilt();
    const stored = rebuilt.listCollections("p1").find((entry) => entry.id === body.id);

    assert.equal(status, 201);
    assert.equal(body.collection_type, "manual");
    assert.deepEqual(body.clip_ids, [clipIds[3], clipIds[0]]);
    assert.equal((await api.request("GET", "/api/v1/projects/p1")).body.total_collections, 3);
    assert.deepEqual(stored?.clip_ids, ["4", "1"]);
    assert.equal(stored?.collection_title, "我的合集");
    assert.equal(rebuilt.getProject("p1")?.total_collections, 3);
  });

  test("create rejects unknown clips and fields", async () => {
    const unknownClip = await api.request("POST", "/api/v1/collections", {
      project_id: "p1",
      collection_title: "x",
      clip_ids: ["99"],
    });
    const noTitle = await api.request("POST", "/api/v1/collections", { project_id: "p1", clip_ids: [] });
    const noProject = await api.request("POST", "/api/v1/collections", {
      project_id: "nope",
      collection_title: "x",
    });

    assert.equal(unknownClip.status, 400);
    assert.equal(unknownClip.body.code, "CLIP_IDS_NOT_IN_PROJECT");
    assert.equal(noTitle.status, 400);
    assert.equal((noTitle.body.errors as Item[])[0]?.field, "collection_title");
    assert.equal(noProject.status, 404);
  });

  test("put changes a manual collection", async () => {
    const clipIds = await clipIdsOf("p2");
    const created = await api.request("POST", "/api/v1/collections", {
      project_id: "p2",
      collection_title: "draft",
      clip_ids: [clipIds[0]],
    });

    const { status, body } = await api.request("PUT", `/api/v1/collections/${created.body.id}`, {
      collection_title: "final",
      collection_summary: "two clips",
      clip_ids: [clipIds[2], clipIds[1]],
    });
    const stored = (await api.rebuilt()).listCollections("p2").find((entry) => entry.id === created.body.id);

    assert.equal(status, 200);
    assert.equal(body.collection_title, "final");
    assert.equal(body.collection_summary, "two clips");
    assert.deepEqual(body.clip_ids, [clipIds[2], clipIds[1]]);
    assert.deepEqual(stored?.clip_ids, ["3", "2"]);
    assert.equal(stored?.collection_title, "final");
  });

  test("put on a pipeline collection", async () => {
    const [first] = await listOf("collections", "p2");
    const clipIds = await clipIdsOf("p2");

    const renamed = await api.request("PUT", `/api/v1/collections/${first?.id}/title`, { title: "Renamed" });
    const summary = await api.request("PUT", `/api/v1/collections/${first?.id}`, {
      collection_summary: "new",
    });
    const foreign = await api.request("PUT", `/api/v1/collections/${first?.id}`, { clip_ids: [clipIds[3]] });
    const empty = await api.request("PUT", `/api/v1/collections/${first?.id}`, {});
    const edits = await readEditsFile("p2");

    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.collection_title, "Renamed");
    assert.equal(summary.body.collection_summary, "new");
    assert.equal(summary.body.collection_title, "Renamed");
    assert.equal(foreign.status, 400);
    assert.equal(foreign.body.code, "CLIP_IDS_NOT_IN_COLLECTION");
    assert.equal(empty.status, 400);
    assert.deepEqual(edits.collection_titles, { "1": "Renamed" });
    assert.equal((await api.rebuilt()).listCollections("p2")[0]?.collection_title, "Renamed");
  });

  test("reorder takes file ids and public ids", async () => {
    const [first] = await listOf("collections", "p1");
    const clipIds = await clipIdsOf("p1");

    const byFileIds = await api.request("PATCH", "/api/v1/projects/p1/collections/1/reorder", ["2", "1"]);
    const byPublicIds = await api.request("PATCH", `/api/v1/projects/p1/collections/${first?.id}/reorder/`, [
      clipIds[1],
      clipIds[0],
    ]);
    const otherProject = await api.request(
      "PATCH",
      `/api/v1/projects/p2/collections/${first?.id}/reorder`,
      [],
    );
    const rebuilt = await api.rebuilt();

    assert.equal(byFileIds.status, 200);
    assert.deepEqual(byFileIds.body.clip_ids, [clipIds[1], clipIds[0]]);
    assert.equal(byPublicIds.status, 200);
    assert.deepEqual(rebuilt.listCollections("p1")[0]?.clip_ids, ["2", "1"]);
    assert.deepEqual((await readEditsFile("p1")).collection_order, { "1": ["2", "1"] });
    assert.equal(otherProject.status, 404);
  });

  test("delete removes pipeline and manual collections", async () => {
    const created = await api.request("POST", "/api/v1/collections", {
      project_id: "p1",
      collection_title: "temporary",
    });
    const [, second] = await listOf("collections", "p1");
    const before = (await listOf("collections", "p1")).length;

    const manual = await api.request("DELETE", `/api/v1/collections/${created.body.id}`);
    const pipeline = await api.request("DELETE", `/api/v1/collections/${second?.id}`);
    const edits = await readEditsFile("p1");
    const rebuilt = await api.rebuilt();

    assert.equal(manual.status, 200);
    assert.equal(pipeline.status, 200);
    assert.equal((await listOf("collections", "p1")).length, before - 2);
    assert.deepEqual(edits.deleted_collection_ids, ["2"]);
    assert.equal(
      (edits.manual_collections as Item[]).some((entry) => entry.collection_title === "temporary"),
      false,
    );
    assert.equal(rebuilt.getProject("p1")?.total_collections, before - 2);
    assert.equal((await api.request("GET", `/api/v1/collections/${second?.id}`)).status, 404);
  });

  test("generate without ffmpeg is a 501", async () => {
    const created = await api.request("POST", "/api/v1/collections", {
      project_id: "p2",
      collection_title: "video",
      clip_ids: ["1"],
    });
    const [pipeline] = await listOf("collections", "p2");

    const manual = await api.request("POST", `/api/v1/projects/p2/collections/${created.body.id}/generate`);
    const notManual = await api.request("POST", `/api/v1/projects/p2/collections/${pipeline?.id}/generate`);

    assert.equal(manual.status, 501);
    assert.equal(manual.body.code, "VIDEO_TOOLS_UNAVAILABLE");
    assert.equal(notManual.status, 409);
    assert.equal(notManual.body.code, "COLLECTION_NOT_MANUAL");
  });
});
