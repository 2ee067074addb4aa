import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { startTestApi, type TestApi } from "./route-test-support.ts";

let api: TestApi;
let inbox: string;

beforeEach(async () => {
  api = await startTestApi("http-upload", async () => undefined, { maxUploadBytes: 64 * 1024 });
  inbox = path.join(api.dataDir, "inbox");
});

afterEach(async () => {
  await api.close();
});

function form(fields: Record<string, string | [string, string]>): FormData {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value === "string") body.append(name, value);
    else body.append(name, new Blob([value[1]]), value[0]);
  }
  return body;
}

async function upload(body: FormData, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.server.url}/api/v1/projects/upload`, { method: "POST", body, headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Sends a multipart body of `bytes` file bytes in chunks, without a Content-Length header. */
function uploadChunked(bytes: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const boundary = "----autoclipd-test";
  const url = new URL(`${api.server.url}/api/v1/projects/upload`);

  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` } },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    request.on("error", reject);
    request.write(
      `--${boundary}\r\nContent-Disposition: form-data; name="video_file"; filename="big.mp4"\r\n` +
        "Content-Type: video/mp4\r\n\r\n",
    );
    const chunk = Buffer.alloc(8 * 1024, 1);
    let sent = 0;
    const writeMore = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!request.write(chunk)) {
          request.once("drain", writeMore);
          return;
        }
      }
      request.end(`\r\n--${boundary}--\r\n`);
    };
    writeMore();
  });
}

test("upload lands in the inbox with sidecars", async () => {
  const { status, body } = await upload(
    form({
      project_name: "我的讲座",
      video_category: "speech",
      srt_file: ["talk.srt", "1\n00:00:00,000 --> 00:00:01,000\n你好\n"],
      video_file: ["talk.MP4", "not really a video"],
    }),
  );
  const names = (await readdir(inbox)).sort();

  assert.equal(status, 202);
  assert.equal(body.status, "queued");
  assert.equal(body.file, "talk.mp4");
  assert.match(String(body.upload_id), /^[0-9a-f-]{36}$/);
  assert.deepEqual(names, ["talk.json", "talk.mp4", "talk.srt"]);
  assert.deepEqual(JSON.parse(await readFile(path.join(inbox, "talk.json"), "utf8")), {
    name: "我的讲座",
    video_category: "speech",
  });
  assert.equal(await readFile(path.join(inbox, "talk.mp4"), "utf8"), "not really a video");
});

test("upload never pairs with inbox files", async () => {
  await mkdir(inbox, { recursive: true });
  await writeFile(path.join(inbox, "talk.srt"), "someone else's subtitle");

  const { status, body } = await upload(form({ video_file: ["../talk.mp4", "video"] }));
  const sidecar = JSON.parse(await readFile(path.join(inbox, "talk-2.json"), "utf8"));

  assert.equal(status, 202);
  assert.equal(body.file, "talk-2.mp4");
  assert.deepEqual(sidecar, { name: "talk", video_category: "knowledge" });
});

test("upload rejects bad fields", async () => {
  const noVideo = await upload(form({ project_name: "x" }));
  const badType = await upload(form({ video_file: ["notes.txt", "text"] }));
  const badCategory = await upload(form({ video_file: ["a.mp4", "v"], video_category: "cooking" }));
  const notMultipart = await api.request("POST", "/api/v1/projects/upload", { video_file: "a.mp4" });

  assert.equal(noVideo.status, 400);
  assert.equal((noVideo.body.errors as Array<{ field: string }>)[0]?.field, "video_file");
  assert.equal(badType.status, 400);
  assert.equal((badType.body.errors as Array<{ field: string }>)[0]?.field, "video_file.filename");
  assert.equal(badCategory.status, 400);
  assert.equal((badCategory.body.errors as Array<{ field: string }>)[0]?.field, "video_category");
  assert.equal(notMultipart.status, 400);
  assert.deepEqual(await readdir(inbox), []);
});

test("oversize upload by length is a 413", async () => {
  const { status, body } = await upload(form({ video_file: ["big.mp4", "x".repeat(100 * 1024)] }), {
    "Accept-Language": "zh-CN",
  });

  assert.equal(status, 413);
  assert.equal(body.code, "UPLOAD_TOO_LARGE");
  assert.match(String(body.detail), /64 KiB/);
  assert.deepEqual(await readdir(inbox).catch(() => []), []);
});

test("oversize streamed upload leaves no temp file", async () => {
  const { status, body } = await uploadChunked(512 * 1024);

  assert.equal(status, 413);
  assert.equal(body.code, "UPLOAD_TOO_LARGE");
  assert.deepEqual(await readdir(inbox), []);
});
