import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, test } from "node:test";
import { promisify } from "node:util";
import { createLogger } from "../shared/logger.ts";
import { bucketOf } from "./keys.ts";
import { ProjectIndex, type ProjectIndexOptions } from "./project-index.ts";
import type { ProjectChange } from "./records.ts";
import {
  makeClips,
  makeCollections,
  makePipelineFile,
  makeProjectFile,
  makeTempDir,
  writeAutoClipProject,
  writeProjectFolder,
  writeRawFile,
} from "./test-support.ts";
import { verifyIndex } from "./verify-index.ts";

let temp: { dir: string; remove: () => Promise<void> };
let projectsDir: string;
let index: ProjectIndex | undefined;

beforeEach(async () => {
  temp = await makeTempDir("scan-process");
  projectsDir = path.join(temp.dir, "projects");
  await mkdir(projectsDir);
});

afterEach(async () => {
  await index?.close();
  index = undefined;
  await temp.remove();
});

/** Log lines written by a logger at debug level, parsed. */
function captureLogs() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger("debug", stream) };
}

async function openIndex(options: Partial<ProjectIndexOptions>): Promise<ProjectIndex> {
  index = await ProjectIndex.open({
    indexDir: path.join(temp.dir, "index"),
    projectsDir,
    scanProcessThreshold: 1,
    ...options,
  });
  return index;
}

async function writeFinishedProject(projectId: string, clipCount: number): Promise<string> {
  return writeProjectFolder(projectsDir, projectId, {
    project: makeProjectFile(projectId),
    pipeline: makePipelineFile({ status: "completed", progress: 100 }),
    clips: makeClips(clipCount),
    collections: makeCollections(1, clipCount),
  });
}

/** Replaces `project.json` of `projectId` with a FIFO, whose open blocks until `release()`. */
async function blockProject(projectId: string) {
  await writeFinishedProject(projectId, 2);
  const file = path.join(projectsDir, projectId, "project.json");
  await rename(file, `${file}.regular`);
  await promisify(execFile)("mkfifo", [file]);

  return {
    /**
     * Lets the blocked open return: opens the FIFO for writing (it fails without a reader), puts
     * the regular file back, and closes the writer, so the read ends at once.
     */
    release: async () => {
      const writer = await open(file, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => null);
      await rename(`${file}.regular`, file);
      await writer?.close();
    },
  };
}

/** Resolves once a thread of process `pid` waits in the open of a FIFO (Linux only). */
async function waitForFifoOpen(pid: number): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    const threads = await readdir(`/proc/${pid}/task`).catch(() => []);
    for (const thread of threads) {
      const wchan = await readFile(`/proc/${pid}/task/${thread}/wchan`, "utf8").catch(() => "");
      if (wchan === "wait_for_partner") return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Process ${pid} did not wait for a FIFO within 10 s.`);
}

/** Resolves with the pid of the scan process once it has logged that it started. */
async function waitForScanProcess(lines: Array<Record<string, unknown>>): Promise<number> {
  for (let tries = 0; tries < 500; tries++) {
    if (lines.some((line) => line.msg === "scan process started")) return scanProcessPid(lines);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("The scan process did not start within 10 s.");
}

/** Returns the warning logged when the scan process failed, and fails the test without one. */
function failureWarning(lines: Array<Record<string, unknown>>): Record<string, unknown> {
  const warning = lines.find(
    (line) => typeof line.msg === "string" && line.msg.startsWith("the scan process failed"),
  );
  assert.ok(warning, "expected a warning about the failed scan process");
  return warning;
}

/** Returns the pid the scan process logged, which is not this process's. */
function scanProcessPid(lines: Array<Record<string, unknown>>): number {
  const started = lines.find((line) => line.msg === "scan process started");
  assert.ok(started, "expected the scan process to log that it started");
  assert.equal(typeof started.scanProcessPid, "number");
  assert.notEqual(started.scanProcessPid, process.pid);
  return started.scanProcessPid as number;
}

test("scan process rebuild matches files", async () => {
  await writeFinishedProject("normal", 5);
  await writeAutoClipProject(projectsDir, "autoclip", 8, 3);
  const broken = await writeFinishedProject("broken", 2);
  await writeRawFile(broken, "metadata/clips_metadata.json", "[{");
  const { lines, logger } = captureLogs();
  const opened = await openIndex({ logger });
  const changes: ProjectChange[] = [];
  const seenAtChange: Array<{ version: number | null; stored: boolean }> = [];
  const versionBefore = opened.version ?? 0;
  opened.on("change", (change) => {
    changes.push(change);
    // A listener reads at once, as the HTTP layer does, so it must see the commit it is notified of.
    seenAtChange.push({ version: opened.version, stored: opened.getProject(change.projectId) !== null });
  });

  assert.equal(await opened.rebuild(), 3);
  for (const seen of seenAtChange) {
    assert.ok((seen.version ?? 0) > versionBefore, "the version counts the relayed commit");
    assert.equal(seen.stored, true, "reads in a change listener see the relayed commit");
  }

  scanProcessPid(lines);
  assert.deepEqual(changes.map((change) => change.projectId).sort(), ["autoclip", "broken", "normal"]);
  assert.deepEqual(opened.stats(), {
    projects: {
      total: 3,
      by_status: { pending: 0, processing: 0, completed: 2, failed: 0, invalid: 1 },
    },
    clips: 13,
    collections: 4,
  });
  assert.equal(opened.getProject("broken")?.invalid_file, "metadata/clips_metadata.json");
  assert.equal(opened.listClips("autoclip").length, 8);
  assert.deepEqual((await verifyIndex({ index: opened })).differences, []);
  assert.notEqual(opened.version, null, "the version counts again once the process has exited");
});

test("small reconcile stays in process", async () => {
  await writeFinishedProject("one", 1);
  const { lines, logger } = captureLogs();
  const opened = await openIndex({ logger, scanProcessThreshold: 2 });

  const result = await opened.reconcile();

  assert.equal(result.changed, 1);
  assert.equal(
    lines.some((line) => line.msg === "scan process started"),
    false,
  );
});

test("refresh during scan is derived again", async () => {
  await writeFinishedProject("a", 8);
  // The scan derives in bucket order, one project at a time, so "a" is read before the blocked one.
  const blockedId = ["z1", "z2", "z3", "z4", "z5", "z6", "z7", "z8"].find(
    (id) => `${bucketOf(id)}/${id}` > `${bucketOf("a")}/a`,
  );
  assert.ok(blockedId, "expected a project id that sorts after a");
  const blocked = await blockProject(blockedId);
  const { lines, logger } = captureLogs();
  const opened = await openIndex({ logger, concurrency: 1 });

  const rebuilding = opened.rebuild();
  await waitForFifoOpen(await waitForScanProcess(lines));
  const versionWhileBlocked = opened.version;
  assert.equal(typeof versionWhileBlocked, "number");
  // The scan process keeps its derivation of "a" with 8 clips, and this process commits 3.
  await writeFinishedProject("a", 3);
  assert.equal((await opened.refreshProject("a"))?.total_clips, 3);
  await blocked.release();
  await rebuilding;
  assert.ok((opened.version ?? 0) > (versionWhileBlocked ?? 0), "each commit of the scan process counts");

  assert.equal(opened.getProject("a")?.total_clips, 3);
  assert.equal(opened.stats().clips, 3 + (opened.getProject(blockedId)?.total_clips ?? 0));
});

test("close stops a blocked scan process", async () => {
  await writeFinishedProject("ready", 2);
  const blocked = await blockProject("blocked");
  const { lines, logger } = captureLogs();
  const opened = await openIndex({ logger });

  const rebuilding = opened.rebuild();
  const pid = await waitForScanProcess(lines);
  await waitForFifoOpen(pid);
  const rejected = assert.rejects(rebuilding, { name: "IndexClosedError" });
  await opened.close();
  index = undefined;

  await rejected;
  assert.throws(() => process.kill(pid, 0), { code: "ESRCH" });
  await blocked.release();
});

test("failed scan process falls back", async () => {
  await writeFinishedProject("first", 4);
  await writeAutoClipProject(projectsDir, "second", 8, 3);
  const script = path.join(temp.dir, "failing-scan.mjs");
  await writeFile(script, 'process.stderr.write("cannot scan here\\n");\nprocess.exit(3);\n');
  const { lines, logger } = captureLogs();
  const opened = await openIndex({ logger, scanProcessScript: script });

  assert.equal(await opened.rebuild(), 2);

  const warning = failureWarning(lines);
  assert.match(String((warning.err as { message?: string }).message), /code 3.*cannot scan here/);
  assert.equal(opened.stats().clips, 12);
  assert.deepEqual((await verifyIndex({ index: opened })).differences, []);
});

test("scan process crash names its error", async () => {
  await writeFinishedProject("first", 4);
  const script = path.join(temp.dir, "crashing-scan.mjs");
  await writeFile(script, 'throw new Error("cannot scan here");\n');
  const { lines, logger } = captureLogs();
  const opened = await openIndex({ logger, scanProcessScript: script });

  assert.equal(await opened.rebuild(), 1);

  const warning = failureWarning(lines);
  // Node.js ends the report of an uncaught exception with the stack and a line with its version.
  assert.match(
    String((warning.err as { message?: string }).message),
    /code 1 before it finished: Error: cannot scan here$/,
  );
});

test("scan process ignores SIGINT and SIGTERM", async () => {
  await writeFinishedProject("ready", 3);
  const blocked = await blockProject("blocked");
  const { lines, logger } = captureLogs();
  const opened = await openIndex({ logger });

  const rebuilding = opened.rebuild();
  const pid = await waitForScanProcess(lines);
  await waitForFifoOpen(pid);
  // Ctrl-C reaches the scan process too, and the daemon may see it end before its own handler runs.
  process.kill(pid, "SIGINT");
  process.kill(pid, "SIGTERM");
  // A process killed by either signal is gone well within this time; no event marks one that lives on.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const running = (() => {
    try {
      return process.kill(pid, 0);
    } catch {
      return false;
    }
  })();
  await blocked.release();

  assert.equal(running, true, "expected the scan process to be running after the signals");
  assert.equal(await rebuilding, 2);
  const warning = lines.find(
    (line) => typeof line.msg === "string" && line.msg.startsWith("the scan process failed"),
  );
  assert.equal(warning, undefined, "expected no fallback to a scan in this process");
  assert.equal(opened.stats().projects.total, 2);
  assert.equal(opened.getProject("ready")?.total_clips, 3);
});

test("scan process relays error logs with their type", async () => {
  await writeFinishedProject("kept", 2);
  await writeFinishedProject("looped", 2);
  const { lines, logger } = captureLogs();
  const opened = await openIndex({ logger, deriveThreads: 0 });
  await opened.rebuild();
  // A folder that is a symbolic link to itself fails to stat with ELOOP, which the scan logs.
  await rm(path.join(projectsDir, "looped"), { recursive: true });
  await symlink("looped", path.join(projectsDir, "looped"));

  await opened.reconcile({ force: true });

  const failure = lines.find((line) => line.msg === "could not derive project; keeping its old records");
  assert.ok(failure, "expected the scan process's error line");
  assert.equal(failure.level, 50);
  assert.equal(failure.projectId, "looped");
  assert.equal(typeof failure.scanProcessPid, "number");
  const err = failure.err as Record<string, unknown>;
  assert.equal(err.type, "Error");
  assert.equal(err.code, "ELOOP");
  assert.match(String(err.message), /ELOOP/);
  assert.match(String(err.stack), /statFolder/);
  assert.equal(opened.getProject("looped")?.total_clips, 2, "expected the old records to be kept");
});
