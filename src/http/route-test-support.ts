/**
 * Helpers for the route tests of src/http. Each test API is a real server on 127.0.0.1 port 0
 * over a real LMDB index and a fresh temporary data folder. Its job queue records the project
 * ids it is given, and `rebuilt()` derives a second index from the files.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { ProjectIndex } from "../index/project-index.ts";
import { makeTempDir } from "../index/test-support.ts";
import { type AppOptions, createApp } from "./app.ts";
import { type HttpServer, startHttpServer } from "./server.ts";

export interface TestApi {
  dataDir: string;
  projectsDir: string;
  index: ProjectIndex;
  server: HttpServer;
  /** Project ids passed to `jobs.enqueue`, in order. */
  queued: string[];
  request(
    method: string,
    route: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> & unknown[] }>;
  /** Opens a new index in a new folder and rebuilds it from the files, like `--reindex`. */
  rebuilt(): Promise<ProjectIndex>;
  close(): Promise<void>;
}

/** Starts the API on a fresh data folder, after `prepare` has written its project folders. */
export async function startTestApi(
  label: string,
  prepare: (projectsDir: string) => Promise<void>,
  options: Partial<AppOptions> = {},
): Promise<TestApi> {
  const temp = await makeTempDir(label);
  const dataDir = path.join(temp.dir, "data");
  const projectsDir = path.join(dataDir, "projects");
  await mkdir(projectsDir, { recursive: true });
  await prepare(projectsDir);

  const index = await ProjectIndex.open({ indexDir: path.join(temp.dir, "index"), projectsDir });
  await index.reconcile();
  const queued: string[] = [];
  const server = await startHttpServer({
    app: createApp({ index, version: "test", jobs: { enqueue: (id) => queued.push(id) }, ...options }),
    host: "127.0.0.1",
    port: 0,
  });
  const opened: ProjectIndex[] = [];
  let rebuilds = 0;

  return {
    dataDir,
    projectsDir,
    index,
    server,
    queued,
    async request(method, route, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (body !== undefined) {
        init.body = typeof body === "string" ? body : JSON.stringify(body);
        (init.headers as Record<string, string>)["content-type"] = "application/json";
      }
      const response = await fetch(`${server.url}${route}`, init);
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : {} };
    },
    async rebuilt() {
      rebuilds += 1;
      const fresh = await ProjectIndex.open({
        indexDir: path.join(temp.dir, `rebuilt-${rebuilds}`),
        projectsDir,
      });
      await fresh.rebuild();
      opened.push(fresh);
      return fresh;
    },
    async close() {
      await server.close();
      await index.close();
      for (const fresh of opened) await fresh.close();
      await temp.remove();
    },
  };
}
