import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { request } from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ProjectIndex } from "../index/project-index.ts";
import { makeTempDir } from "../index/test-support.ts";
import { createApp } from "./app.ts";
import { type HttpServer, startHttpServer } from "./server.ts";

const PAGE = '<!doctype html><link rel="stylesheet" href="/dashboard/app.css"><title>dashboard</title>';
let root: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex;
let alone: HttpServer;
let beside: HttpServer;
let bundled: HttpServer;

before(async () => {
  const temp = await makeTempDir("http-dashboard");
  root = temp.dir;
  removeTemp = temp.remove;
  const dashboard = path.join(root, "dashboard");
  const frontend = path.join(root, "frontend");
  await mkdir(path.join(dashboard, "js"), { recursive: true });
  await mkdir(frontend);
  await mkdir(path.join(root, "projects"));
  await writeFile(path.join(dashboard, "index.html"), PAGE);
  await writeFile(path.join(dashboard, "app.css"), "body{}");
  await writeFile(path.join(dashboard, "js", "main.js"), "export {};");
  await writeFile(path.join(dashboard, "notes.md"), "not served: unknown extension");
  await writeFile(path.join(dashboard, ".hidden.js"), "not served: dotfile");
  await writeFile(path.join(frontend, "index.html"), "<title>other frontend</title>");
  await writeFile(path.join(root, "secret.js"), "canary outside the dashboard");

  index = await ProjectIndex.open({
    indexDir: path.join(root, ".index"),
    projectsDir: path.join(root, "projects"),
  });
  await index.reconcile();
  const start = (options: Parameters<typeof createApp>[0]) =>
    startHttpServer({ app: createApp(options), host: "127.0.0.1", port: 0 });
  alone = await start({ index, version: "test", dashboard: { dir: dashboard }, apiToken: "t0ken" });
  beside = await start({ index, version: "test", dashboard: { dir: dashboard }, frontendDir: frontend });
  bundled = await start({ index, version: "test" });
});

after(async () => {
  await Promise.all([alone.close(), beside.close(), bundled.close()]);
  await index.close();
  await removeTemp();
});

async function get(server: HttpServer, route: string, init: RequestInit = {}) {
  const response = await fetch(`${server.url}${route}`, { redirect: "manual", ...init });
  return { response, text: await response.text() };
}

/** Sends a GET with the path exactly as given, since fetch and URL resolve `..` segments first. */
function rawGet(server: HttpServer, rawPath: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: hostname, port, path: rawPath, method: "GET" }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("dashboard alone", () => {
  test("root serves the page", async () => {
    const { response, text } = await get(alone, "/");

    assert.equal(response.status, 200);
    assert.equal(text, PAGE);
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(response.headers.get("cache-control"), "no-cache");
    assert.match(response.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
  });

  test("prefix serves page and assets", async () => {
    const page = await get(alone, "/dashboard/");
    const css = await get(alone, "/dashboard/app.css");
    const script = await get(alone, "/dashboard/js/main.js");

    assert.equal(page.text, PAGE);
    assert.equal(css.response.headers.get("content-type"), "text/css; charset=utf-8");
    assert.equal(script.response.headers.get("content-type"), "text/javascript; charset=utf-8");
    assert.equal(script.text, "export {};");
  });

  test("bare prefix redirects", async () => {
    const { response } = await get(alone, "/dashboard");

    assert.equal(response.status, 301);
    assert.equal(response.headers.get("location"), "/dashboard/");
  });

  test("matching ETag gets 304", async () => {
    const first = await get(alone, "/dashboard/app.css");
    const etag = first.response.headers.get("etag") ?? "";
    const second = await get(alone, "/dashboard/app.css", { headers: { "If-None-Match": etag } });
    const stale = await get(alone, "/dashboard/app.css", { headers: { "If-None-Match": '"other"' } });

    assert.match(etag, /^"[\w-]+"$/);
    assert.equal(second.response.status, 304);
    assert.equal(second.text, "");
    assert.equal(stale.response.status, 200);
  });

  test("HEAD sends headers only", async () => {
    const { response, text } = await get(alone, "/dashboard/app.css", { method: "HEAD" });

    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-length"), "6");
    assert.equal(text, "");
  });

  test("pages need no token", async () => {
    const page = await get(alone, "/dashboard/js/main.js");
    const api = await get(alone, "/api/v1/stats");

    assert.equal(page.response.status, 200);
    assert.equal(api.response.status, 401);
  });

  test("paths outside the folder are not served", async () => {
    const attempts = [
      "/dashboard/../secret.js",
      "/dashboard/%2e%2e/secret.js",
      "/dashboard/js/%2e%2e/%2e%2e/secret.js",
      "/dashboard/..%2fsecret.js",
      "/dashboard/..%5csecret.js",
      "/dashboard/js%2fmain.js",
      "/dashboard//etc/passwd",
      "/dashboard/notes.md",
      "/dashboard/.hidden.js",
      "/dashboard/index.html%00.js",
      "/dashboard/JS/MAIN.JS",
    ];
    for (const attempt of attempts) {
      const { status, text } = await rawGet(alone, attempt);
      assert.notEqual(status, 200, `${attempt} is not served`);
      assert.ok(!text.includes("canary"), `${attempt} does not leak a file outside the folder`);
    }
  });

  test("other methods fall through", async () => {
    const { response } = await get(alone, "/dashboard/app.css", { method: "POST" });

    assert.equal(response.status, 404);
  });
});

describe("dashboard beside a frontend", () => {
  test("root is the other frontend", async () => {
    const { text } = await get(beside, "/");

    assert.equal(text, "<title>other frontend</title>");
  });

  test("prefix is the dashboard", async () => {
    const page = await get(beside, "/dashboard/");
    const css = await get(beside, "/dashboard/app.css");

    assert.equal(page.text, PAGE);
    assert.equal(css.text, "body{}");
  });
});

test("bundled dashboard is small", async () => {
  const page = await get(bundled, "/");
  const assets = [...page.text.matchAll(/(?:href|src)="(\/dashboard\/[^"]+)"/g)].map(
    (match) => match[1] ?? "",
  );
  let bytes = Buffer.byteLength(page.text);
  const seen = new Set<string>();
  // Follow the module imports, as the browser does, to count every file the page loads.
  while (assets.length > 0) {
    const asset = assets.pop() ?? "";
    if (seen.has(asset)) continue;
    seen.add(asset);
    const { response, text } = await get(bundled, asset);
    assert.equal(response.status, 200, `${asset} is served`);
    bytes += Buffer.byteLength(text);
    for (const match of text.matchAll(/import\s[^"]*"(\.{1,2}\/[^"]+)"/g)) {
      assets.push(new URL(match[1] ?? "", `http://host${asset}`).pathname);
    }
    assert.doesNotMatch(text, /https?:\/\/(?!host)/, `${asset} loads nothing from another host`);
  }

  assert.ok(seen.has("/dashboard/js/main.js"), "the entry module is found");
  assert.ok(seen.size >= 8, `every module is followed, found ${seen.size}`);
  assert.ok(bytes < 200 * 1024, `the dashboard is ${bytes} bytes`);
});
