import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import {
  makeClips,
  makeCollections,
  makePipelineFile,
  makeProjectFile,
  writeProjectFolder,
} from "../index/test-support.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { PROJECT_FILES } from "../project/layout.ts";
import { lockProject } from "../project/lock.ts";
import { startTestApi, type TestApi } from "./route-test-support.ts";

let api: TestApi;

const FAILED_PIPELINE = makePipelineFile({
  status: "failed",
  current_step: "titles",
  progress: 50,
  message: "titles failed",
  error: {
    step: "titles",
    code: "ANALYZER",
    message: "titles failed",
    hint: "retry",
    at: "2025-01-02T03:10:00.000Z",
  },
});

const BILINGUAL_PIPELINE = makePipelineFile({
  status: "failed",
  current_step: "transcript",
  progress: 0,
  message: "no subtitles",
  error: {
    step: "transcript",
    code: "SUBTITLE_MISSING",
    message: "The video came without subtitles.",
    hint: "Add a subtitle file.",
    message_zh: "视频没有附带字幕。",
    hint_zh: "请添加字幕文件。",
    at: "2025-01-02T03:10:00.000Z",
  },
});

before(async () => {
  api = await startTestApi("http-projects", async (projectsDir) => {
    await writeProjectFolder(projectsDir, "speechless", {
      project: makeProjectFile("speechless"),
      pipeline: BILINGUAL_PIPELINE,
    });
    await writeProjectFolder(projectsDir, "done", {
      project: makeProjectFile("done", { video_category: "business" }),
      pipeline: makePipelineFile({ status: "completed", current_step: null, progress: 100 }),
      clips: makeClips(3, "seconds"),
      collections: makeCollections(1, 3),
    });
    await writeProjectFolder(projectsDir, "waiting", {
      project: makeProjectFile("waiting"),
      pipeline: makePipelineFile({ status: "pending", current_step: null, progress: 0 }),
    });
    await writeProjectFolder(projectsDir, "broken", {
      project: makeProjectFile("broken"),
      pipeline: FAILED_PIPELINE,
    });
    await writeProjectFolder(projectsDir, "running", {
      project: makeProjectFile("running"),
      pipeline: makePipelineFile({ status: "processing", current_step: "scoring", progress: 40 }),
    });
    for (const id of ["trash-me", "locked", "restart"]) {
      await writeProjectFolder(projectsDir, id, {
        project: makeProjectFile(id),
        pipeline: makePipelineFile({ status: "completed", current_step: null, progress: 100 }),
        clips: makeClips(2, "seconds"),
        collections: makeCollections(1, 2),
      });
    }
  });
});

after(async () => {
  await api.close();
});

type Item = Record<string, unknown>;

describe("project routes", () => {
  test("error message follows the locale", async () => {
    const english = await api.request("GET", "/api/v1/projects/speechless");
    const chinese = await api.request("GET", "/api/v1/projects/speechless", undefined, {
      "accept-language": "zh-CN,zh;q=0.9",
    });
    const status = await api.request("GET", "/api/v1/projects/speechless/status", undefined, {
      "accept-language": "zh",
    });
    const list = await api.request("GET", "/api/v1/projects/?page_size=100", undefined, {
      "accept-language": "zh",
    });
    const broken = await api.request("GET", "/api/v1/projects/broken", undefined, {
      "accept-language": "zh",
    });

    assert.equal(english.body.error_message, "The video came without subtitles. Add a subtitle file.");
    assert.equal(chinese.body.error_message, "视频没有附带字幕。请添加字幕文件。");
    assert.equal(status.body.error_message, "视频没有附带字幕。请添加字幕文件。");
    const item = (list.body.items as Item[]).find((entry) => entry.id === "speechless");
    assert.equal(item?.error_message, "视频没有附带字幕。请添加字幕文件。");
    assert.equal(broken.body.error_message, "titles failed retry", "English when the step wrote no Chinese");
  });

  test("detail includes clips and collections", async () => {
    const plain = await api.request("GET", "/api/v1/projects/done");
    const full = await api.request("GET", "/api/v1/projects/done?include_clips=true&include_collections=1");
    const bad = await api.request("GET", "/api/v1/projects/done?include_clips=yes");

    assert.equal(plain.status, 200);
    assert.equal(plain.body.clips, undefined);
    assert.equal(plain.body.video_category, "business");
    assert.equal(plain.body.current_step, 7);
    assert.equal(plain.body.total_steps, 7);
    assert.equal(plain.body.thumbnail, "/api/v1/projects/done/thumbnail");
    assert.equal((full.body.clips as Item[]).length, 3);
    assert.equal((full.body.collections as Item[]).length, 1);
    assert.equal((full.body.clips as Item[])[0]?.video_path, null);
    assert.equal(bad.status, 400);
    assert.equal((bad.body.errors as Item[])[0]?.field, "include_clips");
  });

  test("status reports the step", async () => {
    const { status, body } = await api.request("GET", "/api/v1/projects/running/status");

    assert.equal(status, 200);
    assert.equal(body.status, "processing");
    assert.equal(body.current_step, 4);
    assert.equal(body.current_step_name, "scoring");
    assert.equal(body.progress, 40);
    assert.equal((await api.request("GET", "/api/v1/projects/nope/status")).status, 404);
  });

  test("delete moves the folder to the trash", async () => {
    const { status, body } = await api.request("DELETE", "/api/v1/projects/trash-me");
    const trash = await readdir(path.join(api.dataDir, "trash"));
    const rebuilt = await api.rebuilt();

    assert.equal(status, 200);
    assert.equal(trash.length, 1);
    assert.match(trash[0] ?? "", /^trash-me-\d{4}-\d\d-\d\dT/);
    assert.equal(body.trash, path.join("trash", trash[0] ?? ""));
    assert.deepEqual((await readdir(path.join(api.dataDir, "trash", trash[0] ?? ""))).sort(), [
      "metadata",
      "pipeline.json",
      "project.json",
    ]);
    assert.equal((await api.request("GET", "/api/v1/projects/trash-me")).status, 404);
    assert.equal(rebuilt.getProject("trash-me"), null);
    assert.equal((await api.request("DELETE", "/api/v1/projects/trash-me")).status, 404);
  });

  test("delete of a locked project is a 409", async () => {
    const release = await lockProject(path.join(api.projectsDir, "locked"));
    try {
      const { status, body } = await api.request("DELETE", "/api/v1/projects/locked");

      assert.equal(status, 409);
      assert.equal(body.code, "PROJECT_LOCKED");
      assert.equal((await api.request("GET", "/api/v1/projects/locked")).status, 200);
    } finally {
      await release();
    }
  });

  test("process queues a pending project", async () => {
    const pending = await api.request("POST", "/api/v1/projects/waiting/process");
    const completed = await api.request("POST", "/api/v1/projects/done/process");

    assert.equal(pending.status, 202);
    assert.deepEqual(pending.body, { id: "waiting", status: "queued" });
    assert.ok(api.queued.includes("waiting"));
    assert.equal(completed.status, 409);
    assert.equal(completed.body.code, "PROJECT_STATUS_CONFLICT");
    assert.equal(api.queued.includes("done"), false);
  });

  test("retry clears the error and queues", async () => {
    const { status } = await api.request("POST", "/api/v1/projects/broken/retry");
    const pipeline = JSON.parse(
      await readFile(path.join(api.projectsDir, "broken", PROJECT_FILES.pipeline), "utf8"),
    );
    const record = (await api.request("GET", "/api/v1/projects/broken")).body;
    const rebuilt = await api.rebuilt();

    assert.equal(status, 202);
    assert.equal(pipeline.status, "pending");
    assert.equal(pipeline.error, null);
    assert.equal(record.status, "pending");
    assert.equal(record.error_message, null);
    assert.equal(rebuilt.getProject("broken")?.status, "pending");
    assert.ok(api.queued.includes("broken"));
    assert.equal((await api.request("POST", "/api/v1/projects/done/retry")).status, 409);
  });

  test("restart-step deletes later outputs", async () => {
    const dir = path.join(api.projectsDir, "restart");
    for (const key of [
      "transcript",
      "outline",
      "timeline",
      "allScored",
      "highScore",
      "titles",
      "collectionsPlan",
    ] as const) {
      await writeFile(path.join(dir, PROJECT_FILES[key]), "{}");
    }
    await mkdir(path.join(dir, "output", "clips"), { recursive: true });
    await writeFile(path.join(dir, "output", "clips", "1_intro.mp4"), "clip");
    await writeJsonAtomic(path.join(dir, PROJECT_FILES.videoOutput), { clips: [], collections: [] });

    const { status, body } = await api.request("POST", "/api/v1/projects/restart/restart-step", {
      step: "titles",
    });
    const metadata = (await readdir(path.join(dir, "metadata"))).sort();
    const record = (await api.request("GET", "/api/v1/projects/restart")).body;

    assert.equal(status, 202);
    assert.equal(body.step, "titles");
    assert.deepEqual(metadata, [
      "step0_transcript.json",
      "step1_outline.json",
      "step2_timeline.json",
      "step3_all_scored.json",
      "step3_high_score_clips.json",
    ]);
    assert.deepEqual(await readdir(path.join(dir, "output")), ["clips"]);
    assert.deepEqual(await readdir(path.join(dir, "output", "clips")), []);
    assert.equal(record.status, "pending");
    assert.equal(record.total_clips, 0);
    assert.ok(api.queued.includes("restart"));
  });

  test("restart-step rejects an unknown step", async () => {
    const { status, body } = await api.request("POST", "/api/v1/projects/done/restart-step", {
      step: "encode",
    });

    assert.equal(status, 400);
    assert.equal((body.errors as Item[])[0]?.field, "step");
    assert.equal((await api.request("GET", "/api/v1/projects/done")).body.total_clips, 3);
  });

  test("video categories list seven", async () => {
    const { status, body } = await api.request("GET", "/api/v1/video-categories");
    const categories = body.categories as Item[];

    assert.equal(status, 200);
    assert.equal(categories.length, 7);
    assert.equal(body.default_category, "knowledge");
    assert.deepEqual(categories[0], { value: "knowledge", name: "知识科普", name_en: "Knowledge" });
  });

  test("progress snapshot reads the index", async () => {
    const { status, body } = await api.request(
      "GET",
      "/api/v1/simple-progress/snapshot?project_ids=running,done,nope&project_ids=waiting",
    );
    const tooMany = await api.request(
      "GET",
      `/api/v1/simple-progress/snapshot?project_ids=${Array.from({ length: 101 }, (_, i) => `p${i}`).join(",")}`,
    );

    assert.equal(status, 200);
    assert.deepEqual(
      (body as unknown as Item[]).map((entry) => [entry.project_id, entry.stage, entry.percent]),
      [
        ["running", "HIGHLIGHT", 40],
        ["done", "DONE", 100],
        ["waiting", "INGEST", 0],
      ],
    );
    assert.equal(typeof (body as unknown as Item[])[0]?.ts, "number");
    assert.equal(tooMany.status, 400);
  });
});

describe("project routes without a queue", () => {
  test("process is a 503", async () => {
    const bare = await startTestApi(
      "http-projects-bare",
      async (projectsDir) => {
        await writeProjectFolder(projectsDir, "waiting", {
          project: makeProjectFile("waiting"),
          pipeline: makePipelineFile({ status: "pending", current_step: null, progress: 0 }),
        });
      },
      { jobs: undefined },
    );

    const { status, body } = await bare.request("POST", "/api/v1/projects/waiting/process");
    await bare.close();

    assert.equal(status, 503);
    assert.equal(body.code, "PROCESSING_UNAVAILABLE");
  });
});
