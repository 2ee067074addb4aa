import assert from "node:assert/strict";
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { makeClips, makePipelineFile, makeProjectFile, writeProjectFolder } from "../index/test-support.ts";
import { generateTestVideo, probeMedia, resolveFfmpegBinaries } from "../pipeline/ffmpeg.ts";
import { startTestApi, type TestApi } from "./route-test-support.ts";

const binaries = resolveFfmpegBinaries();
let api: TestApi;

before(async () => {
  api = await startTestApi(
    "http-collection-video",
    async (projectsDir) => {
      const clips = makeClips(3, "seconds").map((clip) => ({
        ...clip,
        video_file: `output/clips/${clip.id}_clip.mp4`,
      }));
      const dir = await writeProjectFolder(projectsDir, "p1", {
        project: makeProjectFile("p1"),
        pipeline: makePipelineFile({ status: "completed", current_step: null, progress: 100 }),
        clips,
        collections: [],
      });
      await mkdir(path.join(dir, "output", "clips"), { recursive: true });
      for (const clip of clips) {
        await generateTestVideo(
          { output: path.join(dir, clip.video_file), duration: 1, width: 160, height: 90, fps: 10 },
          binaries,
        );
      }
    },
    { binaries },
  );
});

after(async () => {
  await api.close();
});

test("generate joins a manual collection", async () => {
  const created = await api.request("POST", "/api/v1/collections", {
    project_id: "p1",
    collection_title: "精选 合集",
    clip_ids: ["3", "1"],
  });

  const { status } = await api.request("POST", `/api/v1/projects/p1/collections/${created.body.id}/generate`);
  const folder = path.join(api.projectsDir, "p1", "output", "collections");
  const names = await readdir(folder);
  const duration = (await probeMedia(path.join(folder, names[0] ?? ""), binaries)).duration;

  assert.equal(status, 200);
  assert.equal(names.length, 1);
  assert.match(names[0] ?? "", /^manual-[0-9a-f-]+_精选_合集\.mp4$/);
  assert.ok(Math.abs(duration - 2) < 0.3, `expected about 2 s of video, got ${duration} s`);
});

test("generated video reaches the index", async () => {
  const created = await api.request("POST", "/api/v1/collections", {
    project_id: "p1",
    collection_title: "indexed",
    clip_ids: ["2"],
  });
  const collectionId = String(created.body.id);

  const { body } = await api.request("POST", `/api/v1/projects/p1/collections/${collectionId}/generate`);
  const stored = (await api.rebuilt()).listCollections("p1").find((entry) => entry.id === collectionId);

  assert.equal(body.video_path, `/api/v1/files/projects/p1/collections/${collectionId}`);
  assert.match(stored?.video_file ?? "", /^output\/collections\/manual-/);
});

test("generate of an empty collection is a 409", async () => {
  const created = await api.request("POST", "/api/v1/collections", {
    project_id: "p1",
    collection_title: "empty",
  });

  const { status, body } = await api.request(
    "POST",
    `/api/v1/projects/p1/collections/${created.body.id}/generate`,
  );

  assert.equal(status, 409);
  assert.equal(body.code, "COLLECTION_VIDEO_EMPTY");
});
