/**
 * Hostile requests against the real server: each must get a 4xx (never a 5xx), and no response
 * may contain a byte of the canary file that sits beside the data folder.
 */
import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { createApp } from "../src/http/app.ts";
import { type HttpServer, startHttpServer } from "../src/http/server.ts";
import { ProjectIndex } from "../src/index/project-index.ts";
import {
  makeClips,
  makeCollections,
  makeProjectFile,
  makeTempDir,
  writeProjectFolder,
} from "../src/index/test-support.ts";
import { generateTestVideo, resolveFfmpegBinaries } from "../src/pipeline/ffmpeg.ts";

const TOKEN = "hostile-test-token";
const CANARY = `canary-${process.pid}-8c1f0e7a`;
const AUTH = { Authorization: `Bearer ${TOKEN}` };

let root: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex;
let server: HttpServer;
let videoSize: number;
let clipPublicId: string;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends a request with the path exactly as given, since fetch() would normalize `..` and encodings. */
function rawRequest(
  method: string,
  rawPath: string,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port: server.port, method, path: rawPath, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          }),
        );
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.setTimeout(10_000, () =>
      request.destroy(new Error(`Timed out waiting for ${method} ${rawPath.slice(0, 80)}`)),
    );
    request.end(body);
  });
}

before(async () => {
  const temp = await makeTempDir("http-hostile");
  root = temp.dir;
  removeTemp = temp.remove;
  const dataDir = path.join(root, "data");
  const projectsDir = path.join(dataDir, "projects");
  await mkdir(projectsDir, { recursive: true });
  await writeFile(path.join(root, "canary.txt"), CANARY);

  const dir = await writeProjectFolder(projectsDir, "p1", {
    project: makeProjectFile("p1", { source_file: "talk.mp4" }),
    clips: makeClips(3, "seconds"),
    collections: makeCollections(1, 3),
  });
  await mkdir(path.join(dir, "output", "clips"), { recursive: true });
  await mkdir(path.join(dir, "input"), { recursive: true });
  const videoFile = path.join(dir, "output", "clips", "1_clip.mp4");
  await generateTestVideo(
    { output: videoFile, duration: 1, width: 160, height: 90, fps: 10 },
    resolveFfmpegBinaries(),
  );
  videoSize = (await readFile(videoFile)).length;
  await writeFile(path.join(dir, "input", "talk.mp4"), "input video");

  index = await ProjectIndex.open({ indexDir: path.join(root, ".index"), projectsDir });
  await index.reconcile();
  clipPublicId = index.listClips("p1")[0]?.id ?? "";
  const app = createApp({ index, version: "test", apiToken: TOKEN, dataDir, maxUploadBytes: 1024 * 1024 });
  server = await startHttpServer({ app, host: "127.0.0.1", port: 0 });
});

after(async () => {
  await server.close();
  await index.close();
  await removeTemp();
});

const HOSTILE_IDS = [
  "../../etc/passwd",
  "..%2F..%2Fetc%2Fpasswd",
  "..%2F..%2F..%2Fcanary.txt",
  "%2e%2e%2f%2e%2e%2f%2e%2e%2fcanary.txt",
  "%252e%252e%252f%252e%252e%252fcanary.txt",
  "..%5c..%5c..%5ccanary.txt",
  "....//....//canary.txt",
  "p1%00",
  "%00",
  "p1%00.mp4",
  "..",
  "%2e%2e",
  "%2F",
  "%2Fetc%2Fpasswd",
  "a".repeat(10_000),
  "%E4%BD%A0%FF%FE",
];

/** Routes with ids, as templates: `{P}` takes a project id and `{X}` a clip, collection or file id. */
const ID_ROUTES = [
  "/api/v1/projects/{P}",
  "/api/v1/projects/{P}/status",
  "/api/v1/projects/{P}/thumbnail",
  "/api/v1/projects/{P}/clips/{X}",
  "/api/v1/projects/{P}/clips/{X}/thumbnail",
  "/api/v1/projects/{P}/collections/{X}/thumbnail",
  "/api/v1/files/projects/{P}/collections/{X}",
  "/api/v1/projects/{P}/download?clip_id={X}",
  "/api/v1/projects/{P}/download?collection_id={X}",
  "/api/v1/projects/{P}/files/{X}",
  "/api/v1/clips/{X}",
  "/api/v1/collections/{X}",
];

interface HostileCase {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** A bare dot segment, which URL parsing resolves to the parent route, so a 2xx is fine there. */
  dotSegment?: boolean;
}

/** Ids that URL parsing (WHATWG, as Node's server adapter applies it) removes as dot segments. */
const DOT_SEGMENTS = new Set(["..", "%2e%2e"]);

function idCases(): HostileCase[] {
  const cases: HostileCase[] = [];
  for (const route of ID_ROUTES) {
    for (const id of HOSTILE_IDS) {
      const label = id.length > 40 ? `${id.slice(0, 10)}…(${id.length})` : id;
      if (route.includes("{P}")) {
        const asProject = route.replace("{P}", id).replace("{X}", "1");
        cases.push({
          name: `${route} P=${label}`,
          method: "GET",
          path: asProject,
          headers: AUTH,
          dotSegment: DOT_SEGMENTS.has(id),
        });
      }
      if (route.includes("{X}")) {
        const asItem = route.replace("{P}", "p1").replace("{X}", id);
        cases.push({
          name: `${route} X=${label}`,
          method: "GET",
          path: asItem,
          headers: AUTH,
          dotSegment: DOT_SEGMENTS.has(id),
        });
      }
    }
  }
  return cases;
}

const json = { ...AUTH, "Content-Type": "application/json" };
const BODY_CASES: HostileCase[] = [
  {
    name: "huge JSON title",
    method: "PATCH",
    path: "/api/v1/clips/{C}/title",
    headers: json,
    body: `{"title":"${"x".repeat(2 * 1024 * 1024)}"}`,
  },
  {
    name: "malformed JSON",
    method: "PATCH",
    path: "/api/v1/clips/{C}/title",
    headers: json,
    body: '{"title": "a",',
  },
  {
    name: "JSON array body",
    method: "PATCH",
    path: "/api/v1/clips/{C}/title",
    headers: json,
    body: "[1,2,3]",
  },
  {
    name: "wrong content type",
    method: "PATCH",
    path: "/api/v1/clips/{C}/title",
    headers: { ...AUTH, "Content-Type": "text/plain" },
    body: "title=a",
  },
  {
    name: "title of wrong type",
    method: "PATCH",
    path: "/api/v1/clips/{C}/title",
    headers: json,
    body: '{"title": 42}',
  },
  { name: "empty body", method: "PATCH", path: "/api/v1/clips/{C}/title", headers: json, body: "" },
  {
    name: "collection with bad clip ids",
    method: "POST",
    path: "/api/v1/collections",
    headers: json,
    body: '{"project_id":"../../etc","collection_title":"x","clip_ids":["../x"]}',
  },
  {
    name: "collection unknown project",
    method: "POST",
    path: "/api/v1/collections",
    headers: json,
    body: '{"project_id":"p1%00","collection_title":"x","clip_ids":[]}',
  },
  {
    name: "huge upload",
    method: "POST",
    path: "/api/v1/projects/upload",
    headers: { ...AUTH, "Content-Type": "multipart/form-data; boundary=x" },
    body: Buffer.alloc(2 * 1024 * 1024, 0x61),
  },
  {
    name: "upload not multipart",
    method: "POST",
    path: "/api/v1/projects/upload",
    headers: json,
    body: "{}",
  },
  {
    name: "unknown download query field",
    method: "GET",
    path: "/api/v1/projects/p1/download?clip_id=1&file=../../canary.txt",
    headers: AUTH,
  },
  {
    name: "download both ids",
    method: "GET",
    path: "/api/v1/projects/p1/download?clip_id=1&collection_id=1",
    headers: AUTH,
  },
  { name: "bad page query", method: "GET", path: "/api/v1/projects/?page=-1&size=1000000", headers: AUTH },
];

const AUTH_CASES: HostileCase[] = [
  { name: "missing token", method: "GET", path: "/api/v1/stats" },
  {
    name: "wrong token",
    method: "GET",
    path: "/api/v1/stats",
    headers: { Authorization: `Bearer ${TOKEN}x` },
  },
  {
    name: "token prefix",
    method: "GET",
    path: "/api/v1/stats",
    headers: { Authorization: `Bearer ${TOKEN.slice(0, -1)}` },
  },
  { name: "empty bearer", method: "GET", path: "/api/v1/stats", headers: { Authorization: "Bearer " } },
  {
    name: "basic scheme",
    method: "GET",
    path: "/api/v1/stats",
    headers: { Authorization: `Basic ${TOKEN}` },
  },
  { name: "query token off events", method: "GET", path: `/api/v1/stats?token=${TOKEN}` },
  { name: "wrong query token on events", method: "GET", path: "/api/v1/events?token=nope" },
  { name: "clip video without token", method: "GET", path: "/api/v1/projects/p1/clips/1" },
  { name: "openapi without token", method: "GET", path: "/api/v1/openapi.json" },
  {
    name: "traversal without token",
    method: "GET",
    path: "/api/v1/projects/..%2F..%2F..%2Fcanary.txt/files/x",
  },
];

const RANGE_CASES: HostileCase[] = [
  {
    name: "range past the end",
    method: "GET",
    path: "/api/v1/projects/p1/clips/1",
    headers: { ...AUTH, Range: "bytes=99999999-" },
  },
  {
    name: "range of zero suffix",
    method: "GET",
    path: "/api/v1/projects/p1/clips/1",
    headers: { ...AUTH, Range: "bytes=-0" },
  },
  {
    name: "range with huge number",
    method: "GET",
    path: "/api/v1/projects/p1/clips/1",
    headers: { ...AUTH, Range: `bytes=${"9".repeat(40)}-` },
  },
];

/** Malformed ranges are ignored as RFC 9110 allows, so they get the whole file: never a 5xx. */
const IGNORED_RANGES = [
  "bytes=abc",
  "bytes=-",
  "bytes=5-1",
  "bytes=0-1,2-3",
  "bytes=--1",
  "pages=0-1",
  "bytes=0-1\u0000",
];

function assertSafe(testCase: HostileCase, response: RawResponse): void {
  const label = `${testCase.name}: ${testCase.method} ${testCase.path.slice(0, 120)} got ${response.status}`;

  const lowest = testCase.dotSegment ? 200 : 400;
  assert.ok(response.status >= lowest, label);
  assert.ok(response.status < 500, label);
  assert.ok(!response.body.includes(CANARY), `${label} leaked the canary`);
  assert.ok(!/root:.*:0:0:/.test(response.body.toString("latin1")), `${label} leaked /etc/passwd`);
}

describe("hostile requests", () => {
  test("traversal in every id is 4xx", async () => {
    const failures: string[] = [];
    for (const testCase of idCases()) {
      try {
        assertSafe(testCase, await rawRequest(testCase.method, testCase.path, testCase.headers));
      } catch (error) {
        failures.push((error as Error).message.split("\n")[0] ?? "");
      }
    }

    assert.deepEqual(failures, []);
  });

  test("bad bodies and queries are 4xx", async () => {
    for (const testCase of BODY_CASES) {
      const route = testCase.path.replace("{C}", clipPublicId);
      assertSafe(testCase, await rawRequest(testCase.method, route, testCase.headers, testCase.body));
    }
  });

  test("bad tokens are 401", async () => {
    for (const testCase of AUTH_CASES) {
      const response = await rawRequest(testCase.method, testCase.path, testCase.headers);

      assertSafe(testCase, response);
      assert.equal(response.status, 401, testCase.name);
    }
  });

  test("unsatisfiable ranges are 416", async () => {
    for (const testCase of RANGE_CASES) {
      const response = await rawRequest(testCase.method, testCase.path, testCase.headers);

      assertSafe(testCase, response);
      assert.equal(response.status, 416, testCase.name);
      assert.equal(response.headers["content-range"], `bytes */${videoSize}`, testCase.name);
    }
  });

  test("malformed ranges send the whole file", async () => {
    for (const range of IGNORED_RANGES) {
      const response = await rawRequest("GET", "/api/v1/projects/p1/clips/1", {
        ...AUTH,
        Range: range,
      }).catch((error: Error) => ({ status: 400, headers: {}, body: Buffer.from(error.message) }));

      assert.ok(response.status === 200 || response.status === 400, `${range} got ${response.status}`);
      assert.ok(!response.body.includes(CANARY), range);
      if (response.status === 200) assert.equal(response.body.length, videoSize, range);
    }
  });

  test("raw dot segments in paths are 4xx", async () => {
    const paths = [
      "/api/v1/projects/p1/files/../../../canary.txt",
      "/api/v1/projects/p1/../../../canary.txt",
      "/api/v1/../../canary.txt",
      "/../../canary.txt",
      "//canary.txt",
      "/api/v1/projects/p1/files/%2e%2e%2f%2e%2e%2f%2e%2e%2fcanary.txt",
    ];
    for (const rawPath of paths) {
      assertSafe(
        { name: "dot segments", method: "GET", path: rawPath },
        await rawRequest("GET", rawPath, AUTH),
      );
    }
  });
});
