import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { ProjectIndex } from "../index/project-index.ts";
import { makeTempDir } from "../index/test-support.ts";
import { createApp } from "./app.ts";
import { type HttpServer, startHttpServer } from "./server.ts";

const INDEX_HTML = "<!doctype html><title>AutoClip</title>";
let root: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex;
let server: HttpServer;

before(async () => {
  const temp = await makeTempDir("http-frontend");
  root = temp.dir;
  removeTemp = temp.remove;
  const dist = path.join(root, "dist");
  await mkdir(path.join(dist, "assets"), { recursive: true });
  await mkdir(path.join(root, "projects"));
  await writeFile(path.join(dist, "index.html"), INDEX_HTML);
  await writeFile(path.join(dist, "favicon.ico"), "icon");
  await writeFile(path.join(dist, "assets", "index-3f9a1b2c.js"), "console.log(1)");
  await writeFile(path.join(dist, "assets", "index-aa77bb88.css"), "body{}");
  await writeFile(path.join(root, "secret.txt"), "canary outside the frontend");

  index = await ProjectIndex.open({
    indexDir: path.join(root, ".index"),
    projectsDir: path.join(root, "projects"),
  });
  await index.reconcile();
  const app = createApp({ index, version: "test", frontendDir: dist, apiToken: "t0ken" });
  server = await startHttpServer({ app, host: "127.0.0.1", port: 0 });
});

after(async () => {
  await server.close();
  await index.close();
  await removeTemp();
});

async function get(route: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}${route}`, init);
  return { response, text: await response.text() };
}

test("root serves index.html", async () => {
  const { response, text } = await get("/");

  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
  assert.equal(response.headers.get("cache-control"), "no-cache");
  assert.equal(text, INDEX_HTML);
});

test("client route falls back to index.html", async () => {
  const { response, text } = await get("/projects/abc/clips");

  assert.equal(response.status, 200);
  assert.equal(text, INDEX_HTML);
});

test("hashed assets are immutable", async () => {
  const script = await get("/assets/index-3f9a1b2c.js");
  const style = await get("/assets/index-aa77bb88.css");

  assert.equal(script.response.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(script.response.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.equal(style.response.headers.get("content-type"), "text/css; charset=utf-8");
});

test("missing asset is 404, not index.html", async () => {
  const asset = await get("/assets/missing-12345678.js");
  const file = await get("/missing.png");

  assert.equal(asset.response.status, 404);
  assert.equal(file.response.status, 404);
});

test("traversal never leaves the folder", async () => {
  const attempts = [
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/assets/%2e%2e/%2e%2e/secret.txt",
    "/..%2fsecret.txt",
  ];
  for (const attempt of attempts) {
    const { response, text } = await get(attempt);

    assert.ok(response.status < 500, attempt);
    assert.doesNotMatch(text, /canary/, attempt);
  }
});

test("encoded slash and NUL are 400", async () => {
  const slash = await get("/assets%2Findex-3f9a1b2c.js");
  const nul = await get("/index.html%00.js");

  assert.equal(slash.response.status, 400);
  assert.equal(nul.response.status, 400);
});

test("API routes are not the frontend", async () => {
  const api = await get("/api/v1/nothing", { headers: { Authorization: "Bearer t0ken" } });
  const post = await get("/", { method: "POST" });

  assert.equal(api.response.status, 404);
  assert.match(api.text, /ROUTE_NOT_FOUND/);
  assert.equal(post.response.status, 404);
});

test("frontend needs no token", async () => {
  const { response } = await get("/favicon.ico");

  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "image/x-icon");
});
