import assert from "node:assert/strict";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ProjectIndex } from "../index/project-index.ts";
import {
  makeClips,
  makeCollections,
  makeProjectFile,
  makeTempDir,
  writeProjectFolder,
} from "../index/test-support.ts";
import { generateTestVideo, resolveFfmpegBinaries } from "../pipeline/ffmpeg.ts";
import { createApp } from "./app.ts";
import { type HttpServer, startHttpServer } from "./server.ts";

let root: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex;
let server: HttpServer;
let video: Buffer;
let clipPublicId: string;
let collectionPublicId: string;
const THUMBNAIL = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9]);
const CHINESE_TITLE = "人工智能的未来 第1集";

before(async () => {
  const temp = await makeTempDir("http-media");
  root = temp.dir;
  removeTemp = temp.remove;
  const projectsDir = path.join(root, "projects");
  await mkdir(projectsDir);
  await writeFile(path.join(root, "canary.txt"), "outside the project folder");

  const clips = makeClips(4, "seconds");
  clips[0] = {
    ...clips[0],
    generated_title: CHINESE_TITLE,
    thumbnail_file: "output/thumbnails/clip_1.jpg",
  } as (typeof clips)[0];
  clips[1] = {
    ...clips[1],
    video_file: "../../canary.txt",
    thumbnail_file: "../../canary.txt",
  } as (typeof clips)[1];
  clips[2] = { ...clips[2], video_file: "output/clips/3_link.mp4" } as (typeof clips)[2];
  const dir = await writeProjectFolder(projectsDir, "p1", {
    project: makeProjectFile("p1", { source_file: "talk.mp4" }),
    clips,
    collections: makeCollections(2, 4),
  });
  await mkdir(path.join(dir, "output", "clips"), { recursive: true });
  await mkdir(path.join(dir, "output", "collections"), { recursive: true });
  await mkdir(path.join(dir, "output", "thumbnails"), { recursive: true });
  await mkdir(path.join(dir, "input"), { recursive: true });

  const videoFile = path.join(dir, "output", "clips", "1_clip.mp4");
  await generateTestVideo(
    { output: videoFile, duration: 1, width: 160, height: 90, fps: 10 },
    resolveFfmpegBinaries(),
  );
  video = await readFile(videoFile);
  await writeFile(path.join(dir, "output", "collections", "1_collection.mp4"), video);
  await writeFile(path.join(dir, "input", "talk.mp4"), video);
  await writeFile(path.join(dir, "output", "thumbnails", "clip_1.jpg"), THUMBNAIL);
  await symlink(path.join(root, "canary.txt"), path.join(dir, "output", "clips", "3_link.mp4"));

  index = await ProjectIndex.open({ indexDir: path.join(root, ".index"), projectsDir });
  await index.reconcile();
  clipPublicId = index.listClips("p1")[0]?.id ?? "";
  collectionPublicId = index.listCollections("p1")[0]?.id ?? "";
  server = await startHttpServer({ app: createApp({ index, version: "test" }), host: "127.0.0.1", port: 0 });
});

after(async () => {
  await server.close();
  await index.close();
  await removeTemp();
});

async function get(route: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}${route}`, init);
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

describe("media routes", () => {
  test("clip video by file id", async () => {
    const { response, body } = await get("/api/v1/projects/p1/clips/1");

    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "video/mp4");
    assert.equal(response.headers.get("accept-ranges"), "bytes");
    assert.equal(response.headers.get("content-length"), String(video.length));
    assert.ok(body.equals(video));
  });

  test("clip video by public id", async () => {
    const { response, body } = await get(`/api/v1/projects/p1/clips/${clipPublicId}`);

    assert.equal(response.status, 200);
    assert.ok(body.equals(video));
  });

  test("public id of another project is 404", async () => {
    const { response } = await get(`/api/v1/projects/p2/clips/${clipPublicId}`);

    assert.equal(response.status, 404);
  });

  test("range returns 206 with the bytes", async () => {
    const { response, body } = await get("/api/v1/projects/p1/clips/1", {
      headers: { Range: "bytes=10-99" },
    });

    assert.equal(response.status, 206);
    assert.equal(response.headers.get("content-range"), `bytes 10-99/${video.length}`);
    assert.equal(response.headers.get("content-length"), "90");
    assert.ok(body.equals(video.subarray(10, 100)));
  });

  test("open and suffix ranges", async () => {
    const open = await get("/api/v1/projects/p1/clips/1", {
      headers: { Range: `bytes=${video.length - 5}-` },
    });
    const suffix = await get("/api/v1/projects/p1/clips/1", { headers: { Range: "bytes=-7" } });
    const past = await get("/api/v1/projects/p1/clips/1", { headers: { Range: "bytes=0-999999999" } });

    assert.equal(open.response.status, 206);
    assert.ok(open.body.equals(video.subarray(video.length - 5)));
    assert.equal(suffix.response.status, 206);
    assert.ok(suffix.body.equals(video.subarray(video.length - 7)));
    assert.equal(past.response.headers.get("content-range"), `bytes 0-${video.length - 1}/${video.length}`);
    assert.equal(past.body.length, video.length);
  });

  test("unsatisfiable range is 416", async () => {
    const { response, body } = await get("/api/v1/projects/p1/clips/1", {
      headers: { Range: `bytes=${video.length}-` },
    });

    assert.equal(response.status, 416);
    assert.equal(response.headers.get("content-range"), `bytes */${video.length}`);
    assert.equal(JSON.parse(body.toString()).code, "RANGE_NOT_SATISFIABLE");
  });

  test("malformed range sends the whole file", async () => {
    for (const range of ["bytes=abc", "items=0-5", "bytes=5-1", "bytes=0-1,5-9"]) {
      const { response, body } = await get("/api/v1/projects/p1/clips/1", { headers: { Range: range } });

      assert.equal(response.status, 200, range);
      assert.equal(body.length, video.length, range);
    }
  });

  test("HEAD sends headers only", async () => {
    const { response, body } = await get("/api/v1/projects/p1/clips/1", {
      method: "HEAD",
      headers: { Range: "bytes=0-9" },
    });

    assert.equal(response.status, 206);
    assert.equal(response.headers.get("content-length"), "10");
    assert.equal(body.length, 0);
  });

  test("collection video by both ids", async () => {
    const byFileId = await get("/api/v1/files/projects/p1/collections/1");
    const byPublicId = await get(`/api/v1/files/projects/p1/collections/${collectionPublicId}`);

    assert.equal(byFileId.response.status, 200);
    assert.ok(byFileId.body.equals(video));
    assert.equal(byPublicId.response.status, 200);
  });

  test("collection without video is 404", async () => {
    const { response, body } = await get("/api/v1/files/projects/p1/collections/2");

    assert.equal(response.status, 404);
    assert.equal(JSON.parse(body.toString()).code, "MEDIA_NOT_FOUND");
  });

  test("video_file outside the project is 404", async () => {
    const escaped = await get("/api/v1/projects/p1/clips/2");
    const linked = await get("/api/v1/projects/p1/clips/3");
    const thumbnail = await get("/api/v1/projects/p1/clips/2/thumbnail");

    assert.equal(escaped.response.status, 404);
    assert.equal(linked.response.status, 404);
    assert.equal(thumbnail.response.status, 404);
    for (const { body } of [escaped, linked, thumbnail]) {
      assert.doesNotMatch(body.toString(), /outside the project folder/);
    }
  });

  test("download names the file in UTF-8", async () => {
    const { response, body } = await get("/api/v1/projects/p1/download?clip_id=1");
    const disposition = response.headers.get("content-disposition") ?? "";

    assert.equal(response.status, 200);
    assert.ok(body.equals(video));
    assert.match(disposition, /^attachment; filename="[\x20-\x7e]+\.mp4"; filename\*=UTF-8''/);
    assert.equal(decodeURIComponent(disposition.split("UTF-8''")[1] ?? ""), `${CHINESE_TITLE}.mp4`);
    assert.match(disposition, /filename="clip-1\.mp4"/);
  });

  test("download of a collection", async () => {
    const { response } = await get(`/api/v1/projects/p1/download?collection_id=${collectionPublicId}`);

    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-disposition") ?? "", /filename="Collection 1\.mp4"/);
  });

  test("download needs exactly one id", async () => {
    const none = await get("/api/v1/projects/p1/download");
    const both = await get("/api/v1/projects/p1/download?clip_id=1&collection_id=1");
    const unknown = await get("/api/v1/projects/p1/download?clip_id=1&path=/etc/passwd");

    assert.equal(none.response.status, 400);
    assert.equal(both.response.status, 400);
    assert.equal(unknown.response.status, 400);
  });

  test("clip and collection thumbnails", async () => {
    const clip = await get("/api/v1/projects/p1/clips/1/thumbnail");
    const collection = await get("/api/v1/projects/p1/collections/1/thumbnail");
    const project = await get("/api/v1/projects/p1/thumbnail");
    const none = await get("/api/v1/projects/p1/clips/4/thumbnail");

    assert.equal(clip.response.status, 200);
    assert.equal(clip.response.headers.get("content-type"), "image/jpeg");
    assert.ok(clip.body.equals(THUMBNAIL));
    assert.ok(collection.body.equals(THUMBNAIL));
    assert.ok(project.body.equals(THUMBNAIL));
    assert.equal(none.response.status, 404);
  });

  test("files route serves whitelisted names", async () => {
    const input = await get("/api/v1/projects/p1/files/talk.mp4");
    const thumbnail = await get("/api/v1/projects/p1/files/clip_1.jpg");
    const metadata = await get("/api/v1/projects/p1/files/project.json");
    const escaped = await get("/api/v1/projects/p1/files/..%2F..%2Fcanary.txt");

    assert.equal(input.response.status, 200);
    assert.ok(input.body.equals(video));
    assert.equal(thumbnail.response.headers.get("content-type"), "image/jpeg");
    assert.equal(metadata.response.status, 404);
    assert.equal(escaped.response.status, 404);
    assert.doesNotMatch(escaped.body.toString(), /outside the project folder/);
  });

  test("unknown project and clip are 404", async () => {
    const project = await get("/api/v1/projects/nope/clips/1");
    const clip = await get("/api/v1/projects/p1/clips/99");

    assert.equal(project.response.status, 404);
    assert.equal(JSON.parse(project.body.toString()).code, "PROJECT_NOT_FOUND");
    assert.equal(JSON.parse(clip.body.toString()).code, "CLIP_NOT_FOUND");
  });
});
