import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";
import { ProjectIndex } from "../index/project-index.ts";
import { makeTempDir } from "../index/test-support.ts";
import { createApp } from "./app.ts";
import { toOpenApiPath } from "./openapi.ts";

let removeTemp: () => Promise<void>;
let index: ProjectIndex;

before(async () => {
  const temp = await makeTempDir("http-openapi");
  removeTemp = temp.remove;
  index = await ProjectIndex.open({ indexDir: path.join(temp.dir, ".index"), projectsDir: temp.dir });
});

after(async () => {
  await index.close();
  await removeTemp();
});

test("toOpenApiPath converts parameters", () => {
  assert.equal(toOpenApiPath("/api/v1/projects/:id/clips/:clipId/"), "/api/v1/projects/{id}/clips/{clipId}");
  assert.equal(toOpenApiPath("/"), "/");
});

test("document lists every mounted route", async () => {
  const app = createApp({ index, version: "9.9.9" });
  const response = await app.request("/api/v1/openapi.json");
  const document = (await response.json()) as {
    openapi: string;
    info: { version: string };
    paths: Record<string, Record<string, unknown>>;
  };
  const documented = new Set(
    Object.entries(document.paths).flatMap(([route, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${route}`),
    ),
  );
  const mounted = new Set(
    app.routes
      .filter((route) => route.method !== "ALL" && route.path.startsWith("/api/"))
      .map((route) => `${route.method} ${toOpenApiPath(route.path)}`),
  );

  assert.equal(response.status, 200);
  assert.equal(document.openapi, "3.1.0");
  assert.equal(document.info.version, "9.9.9");
  assert.deepEqual(
    [...mounted].filter((route) => !documented.has(route)),
    [],
    "mounted routes missing from the document",
  );
  assert.deepEqual(
    [...documented].filter((route) => !mounted.has(route)),
    [],
    "documented routes that are not mounted",
  );
});

test("schemas come from zod", async () => {
  const app = createApp({ index, version: "test", apiToken: "t" });
  const response = await app.request("/api/v1/openapi.json", { headers: { Authorization: "Bearer t" } });
  const document = (await response.json()) as {
    paths: Record<
      string,
      Record<string, { parameters?: Array<{ name: string; in: string; required: boolean }> }>
    >;
    security?: unknown[];
  };
  const download = document.paths["/api/v1/projects/{id}/download"]?.get;
  const names = download?.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`);

  assert.deepEqual(names, ["path:id", "query:clip_id", "query:collection_id"]);
  assert.deepEqual(document.security, [{ bearer: [] }]);
});
