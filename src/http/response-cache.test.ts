import assert from "node:assert/strict";
import { mkdir, rename } from "node:fs/promises";
import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { serve } from "@hono/node-server";
import { waitFor } from "../../test/helpers/wait-for.ts";
import { ProjectIndex } from "../index/project-index.ts";
import { ProjectWatcher } from "../index/project-watcher.ts";
import {
  makeClips,
  makeCollections,
  makePipelineFile,
  makeProjectFile,
  makeTempDir,
  writeProjectFolder,
} from "../index/test-support.ts";
import { createApp } from "./app.ts";
import { type ResponseCache, responseCacheOf } from "./response-cache.ts";
import { type HttpServer, startHttpServer } from "./server.ts";

const TOKEN = "cache-test-token";
const ORIGIN = "http://localhost:3000";
const AUTH = { authorization: `Bearer ${TOKEN}` };

let root: string;
let projectsDir: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex;
let cache: ResponseCache;
/** The API as the daemon serves it: the response cache in front of the app. */
let cached: HttpServer;
/** The same app served by @hono/node-server alone, with no cache. */
let plain: Server;
let plainUrl: string;

interface RawResponse {
  status: number;
  /** Header names in lower case with their values, without `date`, sorted by name. */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** Sends a request with exactly the given raw headers and reads the whole response. */
function rawRequest(
  base: string,
  target: string,
  headers: Array<[string, string]> = [],
  method = "GET",
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const request = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: target,
        method,
        headers: [["host", url.host], ...headers].flat(),
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", reject);
        response.on("end", () => {
          const pairs: Array<[string, string]> = [];
          for (let i = 0; i < response.rawHeaders.length; i += 2) {
            const name = (response.rawHeaders[i] as string).toLowerCase();
            if (name !== "date") pairs.push([name, response.rawHeaders[i + 1] as string]);
          }
          pairs.sort(([a], [b]) => a.localeCompare(b));
          resolve({ status: response.statusCode ?? 0, headers: pairs, body: Buffer.concat(chunks) });
        });
      },
    );
    request.on("error", reject);
    request.end();
  });
}

async function getJson(route: string): Promise<Record<string, unknown>> {
  const response = await rawRequest(cached.url, route, Object.entries(AUTH));
  assert.equal(response.status, 200, `GET ${route}`);
  return JSON.parse(response.body.toString("utf8")) as Record<string, unknown>;
}

/** Sends the same request to both servers and asserts that the responses are equal. */
async function assertSameAnswer(
  target: string,
  headers: Array<[string, string]>,
  method = "GET",
): Promise<RawResponse> {
  const ours = await rawRequest(cached.url, target, headers, method);
  const reference = await rawRequest(plainUrl, target, headers, method);
  assert.equal(ours.status, reference.status, `status of ${method} ${target}`);
  assert.deepEqual(ours.headers, reference.headers, `headers of ${method} ${target}`);
  assert.deepEqual(ours.body, reference.body, `body of ${method} ${target}`);
  return ours;
}

before(async () => {
  const temp = await makeTempDir("response-cache");
  root = temp.dir;
  removeTemp = temp.remove;
  projectsDir = path.join(root, "projects");
  await mkdir(projectsDir);
  for (let i = 0; i < 4; i++) {
    await writeProjectFolder(projectsDir, `talk-${i}`, {
      project: makeProjectFile(`talk-${i}`, { created_at: `2025-05-0${i + 1}T08:00:00.000Z` }),
      pipeline: makePipelineFile({ status: "completed", current_step: null, progress: 100 }),
      clips: makeClips(3, "seconds"),
      collections: makeCollections(1, 3),
    });
  }

  index = await ProjectIndex.open({ indexDir: path.join(root, ".index"), projectsDir });
  await index.reconcile();
  const app = createApp({ index, version: "cache-test", apiToken: TOKEN, corsOrigins: [ORIGIN] });
  const registered = responseCacheOf(app);
  assert.ok(registered, "createApp registers a response cache");
  cache = registered;
  cached = await startHttpServer({ app, host: "127.0.0.1", port: 0 });
  plain = await new Promise<Server>((resolve) => {
    const server = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () =>
      resolve(server as Server),
    );
  });
  plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
});

after(async () => {
  await cached.close();
  await new Promise<void>((resolve) => plain.close(() => resolve()));
  await index.close();
  await removeTemp();
});

describe("response cache", () => {
  test("repeated reads match the app", async () => {
    const variants: Array<[string, Array<[string, string]>]> = [
      ["/api/v1/stats", [["authorization", `Bearer ${TOKEN}`]]],
      ["/api/v1/stats/", [["Authorization", `bearer   ${TOKEN}`]]],
      ["/api/v1/projects/?page=1&size=2", [["authorization", `Bearer ${TOKEN}`]]],
      [
        "/api/v1/projects?status=completed&page=2&size=1",
        [
          ["authorization", `Bearer ${TOKEN}`],
          ["accept-language", "zh-CN,zh;q=0.9"],
        ],
      ],
      [
        "/api/v1/projects/?search=TALK-1",
        [
          ["authorization", `Bearer ${TOKEN}`],
          ["origin", ORIGIN],
        ],
      ],
      [
        "/api/v1/stats",
        [
          ["authorization", `Bearer ${TOKEN}`],
          ["origin", "http://elsewhere.example"],
        ],
      ],
    ];

    for (const [target, headers] of variants) {
      const first = await assertSameAnswer(target, headers);
      assert.equal(first.status, 200, `GET ${target}`);
      const hits = cache.counters.hits;
      const again = await assertSameAnswer(target, headers);
      assert.equal(cache.counters.hits, hits + 1, `the second GET ${target} came from the cache`);
      assert.deepEqual(again, first);
    }
    const withOrigin = await rawRequest(cached.url, "/api/v1/projects/?search=TALK-1", [
      ["authorization", `Bearer ${TOKEN}`],
      ["origin", ORIGIN],
    ]);
    assert.ok(
      withOrigin.headers.some(([name, value]) => name === "access-control-allow-origin" && value === ORIGIN),
    );
  });

  test("rejected requests reach the app", async () => {
    const target = "/api/v1/stats";
    await assertSameAnswer(target, [["authorization", `Bearer ${TOKEN}`]]);
    const hits = cache.counters.hits;

    const rejected: Array<[string, Array<[string, string]>, number]> = [
      [target, [], 401],
      [target, [["authorization", "Bearer wrong-token"]], 401],
      [target, [["authorization", TOKEN]], 401],
      [
        target,
        [
          ["authorization", `Bearer ${TOKEN}`],
          ["authorization", "Bearer wrong-token"],
        ],
        401,
      ],
      ["/api/v1/projects/?size=1000", [["authorization", `Bearer ${TOKEN}`]], 400],
      [
        "/api/v1/projects/?page=0",
        [
          ["authorization", `Bearer ${TOKEN}`],
          ["accept-language", "zh-CN"],
        ],
        400,
      ],
    ];
    for (const [route, headers, status] of rejected) {
      // Twice, so a second request could have come from the cache if the first had been stored.
      for (let i = 0; i < 2; i++) {
        const response = await assertSameAnswer(route, headers);
        assert.equal(response.status, status, `GET ${route} with ${JSON.stringify(headers)}`);
      }
    }
    const head = await assertSameAnswer(target, [["authorization", `Bearer ${TOKEN}`]], "HEAD");
    assert.equal(head.body.length, 0);
    assert.equal(cache.counters.hits, hits, "no rejected request came from the cache");
  });

  test("changed file shows at once", async () => {
    const before = (await getJson("/api/v1/stats")) as { clips: number };
    await getJson("/api/v1/projects/?page=1&size=10");
    const hits = cache.counters.hits;
    await getJson("/api/v1/stats");
    await getJson("/api/v1/projects/?page=1&size=10");
    assert.equal(cache.counters.hits, hits + 2, "both routes are cached before the change");

    await writeProjectFolder(projectsDir, "talk-2", { clips: makeClips(7, "seconds") });
    await index.refreshProject("talk-2");

    const stats = (await getJson("/api/v1/stats")) as { clips: number };
    assert.equal(stats.clips, before.clips + 4);
    const page = (await getJson("/api/v1/projects/?page=1&size=10")) as {
      items: Array<{ id: string; total_clips: number }>;
    };
    assert.equal(page.items.find((item) => item.id === "talk-2")?.total_clips, 7);
  });

  test("watcher change reaches cached stats", async () => {
    const watcher = new ProjectWatcher({ index, projectsDir, reconcileIntervalMs: 0 });
    await watcher.start();
    try {
      const before = (await getJson("/api/v1/stats")) as { clips: number };
      await getJson("/api/v1/stats");
      await writeProjectFolder(projectsDir, "talk-3", { clips: makeClips(1, "seconds") });

      await waitFor(
        "the stats to count the rewritten clips file",
        async () => ((await getJson("/api/v1/stats")).clips === before.clips - 2 ? true : undefined),
        30_000,
      );
    } finally {
      await watcher.close();
    }
  });

  test("stats match the index during writes", async () => {
    const watcher = new ProjectWatcher({ index, projectsDir, reconcileIntervalMs: 0 });
    await watcher.start();
    let reading = true;
    // Other clients keep reading, so the cache is filled whenever it may be.
    const readers = Array.from({ length: 3 }, async () => {
      while (reading) await getJson("/api/v1/stats");
    });
    try {
      for (let i = 0; i < 30; i++) {
        const count = 1 + (i % 5);
        await writeProjectFolder(projectsDir, "talk-0", { clips: makeClips(count, "seconds") });
        const expected = await waitFor(
          "the index to show the rewritten clips file",
          () => (index.getProject("talk-0")?.total_clips === count ? index.stats().clips : undefined),
          30_000,
          1,
        );

        // The records are readable before the write resolves, and the cache must not hide them.
        assert.equal((await getJson("/api/v1/stats")).clips, expected, `round ${i}`);
      }
    } finally {
      reading = false;
      await Promise.all(readers);
      await watcher.close();
    }
  });

  test("new project shows in list", async () => {
    const route = "/api/v1/projects/?page=1&size=50";
    const before = (await getJson(route)) as { pagination: { total: number } };
    await getJson(route);

    await writeProjectFolder(projectsDir, "talk-new", {
      project: makeProjectFile("talk-new", { created_at: "2025-06-01T08:00:00.000Z" }),
      pipeline: makePipelineFile({ status: "pending", current_step: null, progress: 0 }),
    });
    await index.refreshProject("talk-new");

    const after = (await getJson(route)) as { items: Array<{ id: string }>; pagination: { total: number } };
    assert.equal(after.pagination.total, before.pagination.total + 1);
    assert.equal(after.items[0]?.id, "talk-new");
  });

  test("stats follow offline and online", async () => {
    await getJson("/api/v1/stats");
    await getJson("/api/v1/stats");
    const moved = path.join(root, "projects-away");
    await rename(projectsDir, moved);
    try {
      await index.reconcile();
      assert.equal((await getJson("/api/v1/stats")).index, "offline");
      await getJson("/api/v1/stats");
    } finally {
      await rename(moved, projectsDir);
    }
    await index.reconcile();
    assert.equal((await getJson("/api/v1/stats")).index, "online");
  });

  test("closed index gets 503", async () => {
    await getJson("/api/v1/stats");
    await getJson("/api/v1/stats");
    await index.close();

    const response = await rawRequest(cached.url, "/api/v1/stats", Object.entries(AUTH));
    assert.equal(response.status, 503);
  });
});
