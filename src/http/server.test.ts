import assert from "node:assert/strict";
import { test } from "node:test";
import { Hono } from "hono";
import { startHttpServer } from "./server.ts";

function helloApp(): Hono {
  const app = new Hono();
  app.get("/", (c) => c.text("hello"));
  return app;
}

test("startHttpServer serves on a free port", async () => {
  const server = await startHttpServer({ app: helloApp(), host: "127.0.0.1", port: 0 });

  const response = await fetch(server.url);
  const text = await response.text();
  await server.close();

  assert.ok(server.port > 0);
  assert.equal(server.url, `http://127.0.0.1:${server.port}`);
  assert.equal(text, "hello");
});

test("startHttpServer close is idempotent", async () => {
  const server = await startHttpServer({ app: helloApp(), host: "127.0.0.1", port: 0 });

  const first = server.close();
  const second = server.close();
  await Promise.all([first, second]);

  assert.equal(first, second);
  await assert.rejects(fetch(server.url));
});

test("startHttpServer rejects a busy port", async () => {
  const taken = await startHttpServer({ app: helloApp(), host: "127.0.0.1", port: 0 });

  await assert.rejects(startHttpServer({ app: helloApp(), host: "127.0.0.1", port: taken.port }), {
    code: "EADDRINUSE",
  });
  await taken.close();
});

test("startHttpServer rejects an invalid port", async () => {
  await assert.rejects(startHttpServer({ app: helloApp(), host: "127.0.0.1", port: 70_000 }), RangeError);
});
