import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { generateTestVideo, resolveFfmpegBinaries } from "../pipeline/ffmpeg.ts";
import { startTestApi, type TestApi } from "./route-test-support.ts";

const binaries = resolveFfmpegBinaries();
const SUBTITLE = "1\n00:00:00,000 --> 00:00:01,000\n你好\n";

let api: TestApi;
let inbox: string;
let video: Buffer;

before(async () => {
  api = await startTestApi("http-upload-check", async () => undefined, {
    binaries,
    maxUploadBytes: 16 * 1024 ** 2,
  });
  inbox = path.join(api.dataDir, "inbox");
  const file = path.join(api.dataDir, "talk.mp4");
  await generateTestVideo({ output: file, duration: 2, width: 160, height: 90 }, binaries);
  video = await readFile(file);
});

after(async () => {
  await api.close();
});

function form(fields: Record<string, string | [string, string | Buffer]>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === "string") body.append(name, value);
    else {
      const content = typeof value[1] === "string" ? value[1] : new Uint8Array(value[1]);
      body.append(name, new Blob([content]), value[0]);
    }
  }
  return body;
}

async function upload(body: FormData, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.server.url}/api/v1/projects/upload`, { method: "POST", body, headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Lists the inbox, hidden staging files included. */
async function inboxNames(): Promise<string[]> {
  return (await readdir(inbox).catch(() => [] as string[])).sort();
}

test("text named .mp4 gets 422 in both languages", async () => {
  const fields = () =>
    form({ video_file: ["up.mp4", "just some text\n"], srt_file: ["talk.zh.srt", SUBTITLE] });

  const english = await upload(fields());
  const chinese = await upload(fields(), { "Accept-Language": "zh-CN,zh;q=0.9" });

  assert.equal(english.status, 422);
  assert.equal(english.body.code, "UPLOAD_NOT_A_VIDEO");
  assert.match(String(english.body.detail), /^up\.mp4 could not be read as a video: /);
  assert.match(String(english.body.detail), /complete video/);
  assert.match(String(english.body.detail), /MEDIA_UNREADABLE/);
  assert.equal(chinese.status, 422);
  assert.equal(chinese.body.code, "UPLOAD_NOT_A_VIDEO");
  assert.match(String(chinese.body.detail), /^无法将 up\.mp4 读取为视频/);
  assert.match(String(chinese.body.detail), /上传内容已丢弃/);
  assert.deepEqual(await inboxNames(), [], "nothing of the refused uploads is left in the inbox");
});

test("audio-only upload gets 422", async () => {
  const audio = path.join(api.dataDir, "voice.m4a");
  await generateTestVideo({ output: audio, duration: 1, width: 160, height: 90 }, binaries);
  // Keep only the audio track, as a voice recording named .mp4 would be.
  const audioOnly = path.join(api.dataDir, "voice-only.mp4");
  await new Promise<void>((resolve, reject) =>
    execFile(
      binaries.ffmpeg,
      ["-v", "error", "-y", "-i", audio, "-vn", "-c:a", "copy", audioOnly],
      (error) => (error ? reject(error) : resolve()),
    ),
  );

  const { status, body } = await upload(form({ video_file: ["voice.mp4", await readFile(audioOnly)] }));

  assert.equal(status, 422);
  assert.match(String(body.detail), /voice\.mp4 has no video stream/);
  assert.match(String(body.detail), /VIDEO_STREAM_MISSING/);
  assert.deepEqual(await inboxNames(), []);
});

test("unknown subtitle extension gets 400", async () => {
  const { status, body } = await upload(
    form({ video_file: ["talk.mp4", video], srt_file: ["talk.docx", SUBTITLE] }),
    { "Accept-Language": "zh-CN" },
  );

  assert.equal(status, 400);
  assert.equal(body.code, "INVALID_REQUEST");
  assert.equal((body.errors as Array<{ field: string }>)[0]?.field, "srt_file.filename");
  assert.deepEqual(await inboxNames(), []);
});

test("valid video upload is queued", async () => {
  const { status, body } = await upload(
    form({ video_file: ["talk.mp4", video], srt_file: ["talk.zh.srt", SUBTITLE], project_name: "讲座" }),
  );

  assert.equal(status, 202);
  assert.equal(body.status, "queued");
  assert.equal(body.file, "talk.mp4");
  assert.equal(body.subtitle_file, "talk.srt");
  assert.deepEqual(await inboxNames(), ["talk.json", "talk.mp4", "talk.srt"]);
  assert.deepEqual(await readFile(path.join(inbox, "talk.mp4")), video);
});
