import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { ProjectIndex } from "../index/project-index.ts";
import { makeTempDir, writeAutoClipProject } from "../index/test-support.ts";
import { createApp } from "./app.ts";
import { checkExposure } from "./auth.ts";
import { type HttpServer, startHttpServer } from "./server.ts";

const TOKEN = "s3cret-token-for-tests";
let removeTemp: () => Promise<void>;
let index: ProjectIndex;
let server: HttpServer;

before(async () => {
  const temp = await makeTempDir("http-auth");
  removeTemp = temp.remove;
  const projectsDir = path.join(temp.dir, "projects");
  await mkdir(projectsDir);
  await writeAutoClipProject(projectsDir, "p1", 2, 1);
  index = await ProjectIndex.open({ indexDir: path.join(temp.dir, ".index"), projectsDir });
  await index.reconcile();
  const app = createApp({
    index,
    version: "test",
    apiToken: TOKEN,
    corsOrigins: ["http://localhost:3000"],
    events: { heartbeatMs: 60_000 },
  });
  server = await startHttpServer({ app, host: "127.0.0.1", port: 0 });
});

after(async () => {
  await server.close();
  await index.close();
  await removeTemp();
});

describe("bearer auth", () => {
  test("health needs no token", async () => {
    const response = await fetch(`${server.url}/api/v1/health`);

    assert.equal(response.status, 200);
  });

  test("missing token is 401 in English", async () => {
    const response = await fetch(`${server.url}/api/v1/stats`);
    const body = (await response.json()) as { code: string; detail: string };

    assert.equal(response.status, 401);
    assert.equal(body.code, "UNAUTHORIZED");
    assert.match(body.detail, /Authorization: Bearer/);
    assert.equal(response.headers.get("www-authenticate"), 'Bearer realm="autoclipd"');
  });

  test("wrong token is 401 in Chinese", async () => {
    const response = await fetch(`${server.url}/api/v1/stats`, {
      headers: { Authorization: `Bearer ${TOKEN}x`, "Accept-Language": "zh-CN" },
    });
    const body = (await response.json()) as { code: string; detail: string };

    assert.equal(response.status, 401);
    assert.match(body.detail, /令牌/);
  });

  test("right token passes", async () => {
    const response = await fetch(`${server.url}/api/v1/stats`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });

    assert.equal(response.status, 200);
  });

  test("query token only on events", async () => {
    const stats = await fetch(`${server.url}/api/v1/stats?token=${TOKEN}`);
    const controller = new AbortController();
    const events = await fetch(`${server.url}/api/v1/events?token=${TOKEN}`, { signal: controller.signal });
    const status = events.status;
    controller.abort();

    assert.equal(stats.status, 401);
    assert.equal(status, 200);
  });

  test("query token on media reads only", async () => {
    const projectId = index.listProjects({ page: 1, size: 1 }).items[0]?.id ?? "";
    const media = `${server.url}/api/v1/projects/${projectId}`;

    const thumbnail = await fetch(`${media}/thumbnail?token=${TOKEN}`);
    const download = await fetch(`${media}/download?clip_id=1&token=${TOKEN}`, { method: "HEAD" });
    const wrong = await fetch(`${media}/thumbnail?token=wrong-${TOKEN}`);
    const project = await fetch(`${media}?token=${TOKEN}`);
    const remove = await fetch(`${media}?token=${TOKEN}`, { method: "DELETE" });

    assert.notEqual(thumbnail.status, 401, "thumbnail takes ?token=");
    assert.notEqual(download.status, 401, "download takes ?token=");
    assert.equal(wrong.status, 401, "a wrong query token is rejected");
    assert.equal(project.status, 401, "project JSON needs the header");
    assert.equal(remove.status, 401, "DELETE needs the header");
  });

  test("unknown route needs a token too", async () => {
    const response = await fetch(`${server.url}/api/v1/nothing-here`);

    assert.equal(response.status, 401);
  });

  test("CORS allows the listed origin", async () => {
    const preflight = await fetch(`${server.url}/api/v1/stats`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:3000",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
      },
    });
    const other = await fetch(`${server.url}/api/v1/health`, { headers: { Origin: "http://evil.example" } });

    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "http://localhost:3000");
    assert.equal(other.headers.get("access-control-allow-origin"), null);
  });
});

test("no CORS headers by default", async () => {
  const app = createApp({ index, version: "test" });

  const response = await app.request("/api/v1/health", { headers: { Origin: "http://localhost:3000" } });

  assert.equal(response.headers.get("access-control-allow-origin"), null);
});

test("checkExposure rules", () => {
  assert.equal(checkExposure({ host: "127.0.0.1", apiToken: undefined, insecureNoAuth: false }), null);
  assert.equal(checkExposure({ host: "::1", apiToken: undefined, insecureNoAuth: false }), null);
  assert.equal(checkExposure({ host: "localhost", apiToken: undefined, insecureNoAuth: false }), null);
  assert.equal(checkExposure({ host: "0.0.0.0", apiToken: "t", insecureNoAuth: false }), null);
  assert.equal(checkExposure({ host: "0.0.0.0", apiToken: undefined, insecureNoAuth: true }), null);
  assert.match(
    checkExposure({ host: "0.0.0.0", apiToken: undefined, insecureNoAuth: false }) ?? "",
    /--api-token/,
  );
  assert.match(checkExposure({ host: "192.168.1.5", apiToken: "", insecureNoAuth: false }) ?? "", /0|192/);
});
