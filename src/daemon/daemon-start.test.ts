import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { open, rename, stat } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { startDaemonProcess } from "../../test/helpers/daemon-process.ts";
import { waitFor } from "../../test/helpers/wait-for.ts";
import {
  makeClips,
  makeCollections,
  makePipelineFile,
  makeProjectFile,
  makeTempDir,
  writeProjectFolder,
} from "../index/test-support.ts";
import { createLogger } from "../shared/logger.ts";
import { type Daemon, StartAbortedError, startDaemon } from "./daemon.ts";
import { settingsSchema } from "./settings.ts";

const run = promisify(execFile);
const PROJECTS = 6;

/** Captures a logger's JSON lines and resolves `waitFor(msg)` once a line with that message appears. */
function captureLogs() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  const waiters: Array<{ msg: string; resolve: (entry: Record<string, unknown>) => void }> = [];
  let pending = "";
  stream.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const part of parts) {
      const entry = JSON.parse(part) as Record<string, unknown>;
      lines.push(entry);
      for (const waiter of waiters.filter((candidate) => candidate.msg === entry.msg)) waiter.resolve(entry);
    }
  });

  return {
    logger: createLogger("info", stream),
    lines,
    waitFor(msg: string): Promise<Record<string, unknown>> {
      const seen = lines.find((entry) => entry.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ msg, resolve }));
    },
  };
}

/**
 * Writes PROJECTS finished projects under `root/data`. The last one's project.json is a FIFO,
 * so a rebuild cannot end until `release()` is called.
 */
async function prepareBlockedData(root: string) {
  const dataDir = path.join(root, "data");
  const projectsDir = path.join(dataDir, "projects");
  const ids = Array.from({ length: PROJECTS }, (_, i) => `project-${i}`);
  for (const id of ids) {
    await writeProjectFolder(projectsDir, id, {
      project: makeProjectFile(id),
      pipeline: makePipelineFile({
        status: "completed",
        current_step: null,
        progress: 100,
        message: "done",
        completed_at: "2025-01-02T03:20:00.000Z",
      }),
      clips: makeClips(3),
      collections: makeCollections(1, 3),
    });
  }
  const blockedProject = ids[PROJECTS - 1] as string;
  const blockedFile = path.join(projectsDir, blockedProject, "project.json");
  await rename(blockedFile, `${blockedFile}.regular`);
  await run("mkfifo", [blockedFile]);

  const logs = captureLogs();
  const settings = settingsSchema.parse({
    dataDir,
    port: 0,
    reindex: true,
    inboxSettleMs: 100,
    reconcileIntervalSeconds: 0,
  });
  // Opening the FIFO for writing releases the rebuild's blocked open. Non-blocking, so it
  // fails instead of waiting when no reader holds it. The read then fails too, because a FIFO
  // cannot be read at an offset, so the project is first indexed as invalid. The regular file
  // renamed over it brings it back through the project watcher.
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    const writer = await open(blockedFile, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => null);
    await rename(`${blockedFile}.regular`, blockedFile);
    await writer?.close();
  };

  return { dataDir, blockedFile, settings, logs, release };
}

/** Waits for the server's listening line, or fails when the start-up ends first. */
async function waitForListening(logs: ReturnType<typeof captureLogs>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const listening = await Promise.race([
      logs.waitFor("HTTP server listening"),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("the server did not listen before the rebuild ended")),
          30_000,
        );
      }),
    ]);
    return listening.url as string;
  } finally {
    clearTimeout(timer);
  }
}

describe("daemon start-up with --reindex", { timeout: 120_000 }, () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let daemon: Daemon | undefined;

  before(async () => {
    temp = await makeTempDir("daemon-start");
  });

  after(async () => {
    await daemon?.stop();
    await temp.remove();
  });

  it("serves HTTP during the rebuild", async (t) => {
    const { blockedFile, settings, logs, release } = await prepareBlockedData(temp.dir);
    t.after(release);
    const starting = startDaemon(settings, logs.logger, "test");
    let started = false;
    starting.then(
      () => {
        started = true;
      },
      () => undefined,
    );

    const url = await waitForListening(logs);
    const stats = await fetch(`${url}/api/v1/stats`);
    assert.equal(stats.status, 200, "the stats route responds during the rebuild");
    const during = (await stats.json()) as { projects: { total: number }; clips: number };
    assert.ok(
      during.projects.total < PROJECTS,
      `the blocked project is not indexed yet (${during.projects.total})`,
    );
    assert.equal(during.clips, during.projects.total * 3, "every indexed project counts whole");
    const list = await fetch(`${url}/api/v1/projects/?page=1&size=50`);
    assert.equal(list.status, 200, "the project list responds during the rebuild");
    await list.arrayBuffer();
    assert.equal(started, false, "startDaemon has not resolved while the rebuild waits");
    assert.equal(
      logs.lines.some((entry) => entry.msg === "index ready"),
      false,
      "the index is not ready yet",
    );

    await release();

    daemon = await starting;
    const ready = (await (await fetch(`${url}/api/v1/stats`)).json()) as { projects: { total: number } };
    assert.equal(ready.projects.total, PROJECTS, "every project is indexed once startDaemon resolves");
    await waitFor(
      "the renamed project.json to reach the index",
      async () => {
        const stats = (await (await fetch(`${url}/api/v1/stats`)).json()) as { clips: number };
        return stats.clips === PROJECTS * 3 ? true : undefined;
      },
      60_000,
      100,
    );
    assert.equal((await stat(blockedFile)).isFile(), true, "project.json is a regular file again");
  });

  it("stops every part on abort during the rebuild", async (t) => {
    const { settings, logs, release } = await prepareBlockedData(path.join(temp.dir, "aborted"));
    t.after(release);
    const controller = new AbortController();
    const starting = startDaemon(settings, logs.logger, "test", { signal: controller.signal });
    const failed = starting.then(
      () => null,
      (error: unknown) => error,
    );
    const url = await waitForListening(logs);

    controller.abort();
    await release();
    const error = await failed;

    assert.ok(error instanceof StartAbortedError, `startDaemon rejects with StartAbortedError: ${error}`);
    assert.ok(
      logs.lines.some((entry) => entry.msg === "daemon stopped"),
      "the daemon logs that it stopped",
    );
    await assert.rejects(fetch(`${url}/api/v1/stats`), "the server no longer accepts connections");
  });

  it("exits with 0 on SIGTERM during the rebuild", async (t) => {
    const { dataDir, release } = await prepareBlockedData(path.join(temp.dir, "process"));
    t.after(release);
    const child = await startDaemonProcess(
      ["--data-dir", dataDir, "--reindex", "--log-level", "info"],
      60_000,
      "HTTP server listening",
    );
    t.after(() => child.child.kill("SIGKILL"));

    const exited = child.stop();
    await waitFor(
      "the shutdown log line",
      () => child.logs.find((entry) => entry.msg === "shutting down"),
      30_000,
    );
    await release();

    assert.equal(await exited, 0);
    assert.ok(
      child.logs.some((entry) => entry.msg === "daemon stopped"),
      "the daemon logs that it stopped",
    );
  });
});
