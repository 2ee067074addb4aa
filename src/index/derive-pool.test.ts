import assert from "node:assert/strict";
import { mkdir, rm, utimes, writeFile } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, test } from "node:test";
import { unpack } from "msgpackr";
import { createLogger } from "../shared/logger.ts";
import { DerivePool, DeriveWorkerError, type PoolOutcome } from "./derive-pool.ts";
import { deriveProject } from "./derive-project.ts";
import { encodeProject } from "./encoded-project.ts";
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
import { bundleWorkerSource } from "./worker-bundle.ts";

let temp: { dir: string; remove: () => Promise<void> };
let projectsDir: string;
let pool: DerivePool | undefined;

beforeEach(async () => {
  temp = await makeTempDir("derive-pool");
  projectsDir = path.join(temp.dir, "projects");
  await mkdir(projectsDir);
});

afterEach(async () => {
  await pool?.close();
  pool = undefined;
  await temp.remove();
});

function encodedOf(outcome: PoolOutcome | undefined) {
  assert.ok(outcome, "expected an outcome");
  assert.ok("encoded" in outcome, `expected a derived project, got ${JSON.stringify(outcome)}`);
  return outcome.encoded;
}

/**
 * Writes three projects (normal, AutoClip and invalid), derives them and a missing one with a
 * pool from `start`, and compares the results with the main thread's.
 */
async function checkAgainstMainThread(start: () => Promise<DerivePool>): Promise<void> {
  await writeProjectFolder(projectsDir, "normal", {
    project: makeProjectFile("normal", { name: "讲座：时间管理" }),
    pipeline: makePipelineFile({ status: "completed", progress: 100 }),
    clips: makeClips(5),
    collections: makeCollections(2, 5),
  });
  await writeAutoClipProject(projectsDir, "autoclip", 8, 3);
  const broken = await writeProjectFolder(projectsDir, "broken", { clips: makeClips(2) });
  await writeRawFile(broken, "metadata/collections_metadata.json", "[{");
  const ids = ["normal", "missing", "autoclip", "broken"];

  pool = await start();
  const outcomes = await pool.derive(projectsDir, ids);

  assert.deepEqual(
    outcomes.map((outcome) => outcome.projectId),
    ids,
  );
  assert.equal(encodedOf(outcomes[1]), null);
  for (const at of [0, 2, 3]) {
    const projectId = ids[at] as string;
    const expected = await deriveProject(projectsDir, projectId);
    const encoded = encodedOf(outcomes[at]);
    assert.ok(expected, projectId);
    assert.ok(encoded, projectId);
    assert.deepEqual(encoded.record, expected.record, projectId);
    assert.deepEqual(unpack(encoded.recordBytes), expected.record, projectId);
    assert.deepEqual(unpack(encoded.recordsBytes), [expected.clips, expected.collections], projectId);
  }
  assert.equal(encodedOf(outcomes[3])?.record.status, "invalid");
  assert.equal(encodedOf(outcomes[2])?.summary[1], 8);
}

test("tsx workers match the main thread", async () => {
  await checkAgainstMainThread(async () => new DerivePool(2));
});

test("bundled workers match the main thread", async () => {
  await checkAgainstMainThread(() => DerivePool.start(2));
});

test("worker bundle leaves tsx out", async () => {
  const bundle = await bundleWorkerSource(new URL("./derive-worker.ts", import.meta.url));

  assert.equal(bundle.problem, null);
  assert.ok(bundle.source);
  assert.doesNotMatch(bundle.source, /tsx\/esm\/api/);
});

test("failed bundle reports its problem", async () => {
  const bundle = await bundleWorkerSource(new URL("./no-such-worker.ts", import.meta.url));

  assert.equal(bundle.source, null);
  assert.match(bundle.problem ?? "", /esbuild failed: [\s\S]*no-such-worker/);
});

test("project error is returned, not thrown", async () => {
  pool = new DerivePool(1);
  const [outcome] = await pool.derive(projectsDir, ["../outside"]);

  assert.ok(outcome, "expected an outcome");
  assert.ok("error" in outcome, JSON.stringify(outcome));
  assert.match(outcome.error.message, /Expected a project id/);
  assert.equal((outcome.error as { code?: string }).code, "INVALID_PROJECT_ID");
});

test("stopped worker fails its jobs", async () => {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  pool = new DerivePool(1, { source: "process.exit(3);", logger: createLogger("warn", logStream) });
  await assert.rejects(pool.derive(projectsDir, ["a", "b"]), (error: unknown) => {
    assert.ok(error instanceof DeriveWorkerError);
    return true;
  });
  assert.equal(pool.running, false);
  await assert.rejects(pool.derive(projectsDir, ["a"]), DeriveWorkerError);

  const stopped = lines
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.msg === "a derive worker stopped");
  assert.equal(stopped.length, 1);
  assert.equal(stopped[0].workersLeft, 0);
});

test("close rejects waiting jobs", async () => {
  await writeAutoClipProject(projectsDir, "p1");
  pool = new DerivePool(1);
  const ids = Array.from({ length: 200 }, () => "p1");
  const rejected = assert.rejects(pool.derive(projectsDir, ids), DeriveWorkerError);
  await pool.close();

  await rejected;
  assert.equal(pool.running, false);
});

/** Derives `ids` in one worker and on the main thread, and checks both give the same records and fingerprints. */
async function checkSameOnBothPaths(ids: string[]): Promise<void> {
  pool = await DerivePool.start(1);
  const outcomes = await pool.derive(projectsDir, ids);

  for (const [at, projectId] of ids.entries()) {
    const expected = await deriveProject(projectsDir, projectId);
    assert.ok(expected, projectId);
    const encoded = encodedOf(outcomes[at]);
    assert.ok(encoded, projectId);
    assert.deepEqual(encoded.record, expected.record, projectId);
    assert.deepEqual(encoded.summary, encodeProject(expected).summary, projectId);
  }
}

test("workers read files under a metadata file as missing", async () => {
  const dir = await writeProjectFolder(projectsDir, "metadata-file", {
    project: makeProjectFile("metadata-file"),
  });
  await rm(path.join(dir, "metadata"), { recursive: true });
  await writeFile(path.join(dir, "metadata"), "not a folder");

  await checkSameOnBothPaths(["metadata-file"]);
});

test("workers fingerprint a tracked file that is a folder", async () => {
  const dir = await writeAutoClipProject(projectsDir, "folder-file", 3, 1);
  const folder = path.join(dir, "pipeline.json");
  await mkdir(folder);
  // The newest tracked mtime sets updated_at, so the folder's fingerprint shows in the record.
  const later = new Date(Date.now() + 3_600_000);
  await utimes(folder, later, later);

  await checkSameOnBothPaths(["folder-file"]);
});
