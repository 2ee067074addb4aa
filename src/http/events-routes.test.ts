import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { ProjectIndex } from "../index/project-index.ts";
import {
  makeClips,
  makePipelineFile,
  makeProjectFile,
  makeTempDir,
  writeAutoClipProject,
  writeProjectFolder,
} from "../index/test-support.ts";
import { createApp } from "./app.ts";
import { type HttpServer, startHttpServer } from "./server.ts";

let projectsDir: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex;
let server: HttpServer;
let shutdown: AbortController;

/** An open event stream whose text is read as it arrives. */
interface OpenStream {
  status: number;
  text: () => string;
  waitFor(pattern: RegExp, what: string, timeoutMs?: number): Promise<string>;
  close(): void;
}

async function openStream(route = "/api/v1/events"): Promise<OpenStream> {
  const controller = new AbortController();
  const response = await fetch(`${server.url}${route}`, { signal: controller.signal });
  let received = "";
  let ended = false;
  const decoder = new TextDecoder();
  const reader = response.body?.getReader();
  const pump = (async () => {
    if (!reader) return;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        received += decoder.decode(value, { stream: true });
      }
    } catch {
      // Aborted by close().
    }
    ended = true;
  })();

  return {
    status: response.status,
    text: () => received,
    async waitFor(pattern, what, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const match = pattern.exec(received);
        if (match) return match[0];
        if (ended) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}; received: ${received.slice(-500)}`,
      );
    },
    close() {
      controller.abort();
      void pump;
    },
  };
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

beforeEach(async () => {
  const temp = await makeTempDir("http-events");
  removeTemp = temp.remove;
  projectsDir = path.join(temp.dir, "projects");
  await mkdir(projectsDir);
  await writeAutoClipProject(projectsDir, "p1", 3, 1);
  index = await ProjectIndex.open({ indexDir: path.join(temp.dir, ".index"), projectsDir });
  await index.reconcile();
  shutdown = new AbortController();
  const app = createApp({
    index,
    version: "test",
    events: { maxClients: 60, heartbeatMs: 100, signal: shutdown.signal },
  });
  server = await startHttpServer({ app, host: "127.0.0.1", port: 0 });
});

afterEach(async () => {
  shutdown.abort();
  await server.close();
  await index.close();
  await removeTemp();
});

test("stream starts with counts", async () => {
  const stream = await openStream();
  const counts = await stream.waitFor(/id: \d+\nevent: counts\ndata: .*\n\n/, "the first counts event");
  stream.close();

  assert.equal(stream.status, 200);
  assert.match(counts, /"clips":3/);
});

test("project change sends project and counts", async () => {
  const stream = await openStream();
  await stream.waitFor(/event: counts/, "the first counts event");

  await writeProjectFolder(projectsDir, "p2", {
    project: makeProjectFile("p2"),
    pipeline: makePipelineFile({ status: "processing", current_step: "scoring", progress: 40 }),
    clips: makeClips(2),
  });
  await index.refreshProject("p2");
  const project = await stream.waitFor(/event: project\ndata: \{"id":"p2".*\n\n/, "the p2 project event");
  await stream.waitFor(/event: counts\ndata: .*"clips":5/, "counts with 5 clips");
  stream.close();

  assert.match(project, /"status":"processing"/);
  assert.match(project, /"current_step":"scoring"/);
  assert.match(project, /"progress":40/);
});

test("unchanged project sends nothing", async () => {
  const stream = await openStream();
  await stream.waitFor(/event: counts/, "the first counts event");
  await index.refreshProject("p1");
  await stream.waitFor(/event: project\n/, "the first p1 event");
  const before = stream.text().split("event: project\n").length;

  await index.refreshProject("p1");
  await stream.waitFor(/: ping/, "a heartbeat after the second refresh");
  const after = stream.text().split("event: project\n").length;
  stream.close();

  assert.equal(after, before);
});

test("removed project is announced", async () => {
  const stream = await openStream();
  await stream.waitFor(/event: counts/, "the first counts event");
  const { rm } = await import("node:fs/promises");

  await rm(path.join(projectsDir, "p1"), { recursive: true });
  await index.refreshProject("p1");
  await stream.waitFor(/event: project-removed\ndata: \{"id":"p1"\}/, "the removal of p1");
  stream.close();
});

test("heartbeat comments arrive", async () => {
  const stream = await openStream();

  await stream.waitFor(/: ping\n\n/, "a heartbeat");
  stream.close();
});

test("50 streams leave no listener behind", async () => {
  const baseline = index.listenerCount("change");
  const streams = await Promise.all(Array.from({ length: 50 }, () => openStream()));
  await Promise.all(streams.map((stream) => stream.waitFor(/event: counts/, "the first counts event")));
  const during = index.listenerCount("change");

  for (const stream of streams) stream.close();
  await waitUntil(() => index.listenerCount("change") === baseline, "the change listener to be removed");

  assert.equal(during, baseline + 1);
  assert.equal(index.listenerCount("change"), baseline);
});

test("streams past the maximum get 503", async () => {
  const streams = await Promise.all(Array.from({ length: 60 }, () => openStream()));
  const extra = await fetch(`${server.url}/api/v1/events`);
  const body = (await extra.json()) as { code: string };
  for (const stream of streams) stream.close();

  assert.ok(streams.every((stream) => stream.status === 200));
  assert.equal(extra.status, 503);
  assert.equal(body.code, "TOO_MANY_EVENT_STREAMS");
});

test("shutdown signal ends open streams", async () => {
  const stream = await openStream();
  await stream.waitFor(/event: counts/, "the first counts event");
  const baseline = index.listenerCount("change");

  shutdown.abort();
  await server.close();

  assert.equal(baseline, 1);
  assert.equal(index.listenerCount("change"), 0);
});

test("changes of one tick arrive as one chunk", async () => {
  const app = createApp({ index, version: "test", events: { signal: shutdown.signal } });
  const response = await app.request("/api/v1/events");
  const reader = response.body?.getReader();
  assert.ok(reader, "the stream has a body");
  const decoder = new TextDecoder();
  let opening = "";
  while (!opening.includes("event: counts")) {
    const { value } = await reader.read();
    opening += decoder.decode(value);
  }

  const record = index.getProject("p1");
  assert.ok(record, "p1 is indexed");
  for (let i = 0; i < 100; i++)
    index.emit("change", { projectId: `x${i}`, record: { ...record, id: `x${i}` } });
  const { value } = await reader.read();
  const chunk = decoder.decode(value);

  assert.equal(chunk.match(/event: project\n/g)?.length, 100, "every project event is in the first chunk");
  await reader.cancel();
});
