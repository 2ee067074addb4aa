import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { type DataLayout, dataLayout, TEMP_PROJECT_PREFIX } from "../project/layout.ts";
import { LOCK_NAME, lockProject } from "../project/lock.ts";
import { silentLogger } from "../shared/logger.ts";
import { cleanUpAfterCrash, retryCleanup } from "./crash-cleanup.ts";

const STALE_MS = 2000;

let root: string;
let layout: DataLayout;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-cleanup-"));
  layout = dataLayout(root);
  await mkdir(layout.inbox, { recursive: true });
  await mkdir(layout.projects, { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function hasLock(projectId: string): Promise<boolean> {
  return stat(path.join(layout.projects, projectId, LOCK_NAME)).then(
    () => true,
    () => false,
  );
}

/** Creates a project folder with a lock that no process refreshes, last touched `ageMs` ago. */
async function projectWithDeadLock(projectId: string, ageMs: number): Promise<void> {
  const lock = path.join(layout.projects, projectId, LOCK_NAME);
  await mkdir(lock, { recursive: true });
  const time = new Date(Date.now() - ageMs);
  await utimes(lock, time, time);
}

test("cleanUpAfterCrash removes a stale project lock", async () => {
  await projectWithDeadLock("p1", 60_000);
  await mkdir(path.join(layout.projects, "p2"));

  const pending = await cleanUpAfterCrash(layout, STALE_MS, silentLogger);

  assert.deepEqual(pending, { skippedFolders: 0, lockedProjects: [] });
  assert.equal(await hasLock("p1"), false);
  assert.deepEqual((await readdir(layout.projects)).sort(), ["p1", "p2"]);
});

test("cleanUpAfterCrash keeps a live project lock", async () => {
  const projectDir = path.join(layout.projects, "p1");
  await mkdir(projectDir);
  const release = await lockProject(projectDir, { staleMs: STALE_MS });

  try {
    const pending = await cleanUpAfterCrash(layout, STALE_MS, silentLogger);

    assert.deepEqual(pending, { skippedFolders: 0, lockedProjects: [projectDir] });
    assert.equal(await hasLock("p1"), true);
  } finally {
    await release();
  }
});

test("cleanUpAfterCrash returns half-built folders to the inbox", async () => {
  const temp = path.join(layout.projects, `${TEMP_PROJECT_PREFIX}a`);
  await mkdir(path.join(temp, "input"), { recursive: true });
  await writeFile(path.join(temp, "input", "talk.mp4"), "video");

  const pending = await cleanUpAfterCrash(layout, STALE_MS, silentLogger);

  assert.deepEqual(pending, { skippedFolders: 0, lockedProjects: [] });
  assert.deepEqual(await readdir(layout.inbox), ["talk.mp4"]);
  assert.deepEqual(await readdir(layout.projects), []);
});

test("retryCleanup removes a lock once it is stale", async () => {
  // A lock the killed process touched just now is still fresh at start-up.
  await projectWithDeadLock("p1", 0);
  const pending = await cleanUpAfterCrash(layout, STALE_MS, silentLogger);
  assert.deepEqual(pending.lockedProjects, [path.join(layout.projects, "p1")]);

  const retry = retryCleanup(pending, layout, STALE_MS, silentLogger);
  try {
    const deadline = Date.now() + 30_000;
    while ((await hasLock("p1")) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(await hasLock("p1"), false, "the retry removed the lock within 30 s");
  } finally {
    retry.stop();
  }
});
