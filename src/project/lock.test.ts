import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { isProjectLocked, LOCK_NAME, lockProject, ProjectLockedError, withProjectLock } from "./lock.ts";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "autoclipd-lock-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Leaves a lock folder as a process that died `ageMs` ago would. */
async function leaveLock(ageMs: number): Promise<void> {
  const lock = path.join(dir, LOCK_NAME);
  await mkdir(lock);
  const then = new Date(Date.now() - ageMs);
  await utimes(lock, then, then);
}

test("lockProject creates the lock folder", async () => {
  const release = await lockProject(dir);

  assert.ok((await stat(path.join(dir, LOCK_NAME))).isDirectory());
  await release();
  assert.deepEqual(await readdir(dir), []);
});

test("lockProject raises when held", async () => {
  const release = await lockProject(dir);

  try {
    const error = await lockProject(dir).then(
      () => assert.fail("second lock was granted"),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof ProjectLockedError);
    assert.equal(error.code, "PROJECT_LOCKED");
    assert.equal(error.projectDir, dir);
    assert.ok(error.message.includes(dir), error.message);
  } finally {
    await release();
  }
});

test("lockProject release twice is safe", async () => {
  const release = await lockProject(dir);

  await release();
  await release();

  assert.deepEqual(await readdir(dir), []);
});

test("lockProject relocks after release", async () => {
  const first = await lockProject(dir);
  await first();

  const second = await lockProject(dir);

  assert.ok(await isProjectLocked(dir));
  await second();
});

test("lockProject takes over a stale lock", async () => {
  await leaveLock(60_000);

  const release = await lockProject(dir, { staleMs: 2000 });

  const lockAge = Date.now() - (await stat(path.join(dir, LOCK_NAME))).mtimeMs;
  assert.ok(lockAge < 2000, `lock folder is ${lockAge} ms old, expected a fresh one`);
  await release();
});

test("lockProject keeps a fresh foreign lock", async () => {
  await leaveLock(1000);

  await assert.rejects(lockProject(dir, { staleMs: 30_000 }), ProjectLockedError);
  assert.ok((await stat(path.join(dir, LOCK_NAME))).isDirectory());
});

test("lockProject waits for a release", async () => {
  const first = await lockProject(dir);
  let releaseStartedAt = 0;
  const released = new Promise<void>((resolve) => {
    setTimeout(() => {
      releaseStartedAt = Date.now();
      first().then(resolve);
    }, 200);
  });

  const second = await lockProject(dir, { waitMs: 2000 });
  const acquiredAt = Date.now();
  await released;

  assert.ok(releaseStartedAt > 0, "second lock granted before the first release started");
  assert.ok(acquiredAt >= releaseStartedAt, "second lock granted before the first release started");
  await second();
});

test("lockProject release ignores a removed folder", async () => {
  const release = await lockProject(dir);
  await rm(dir, { recursive: true, force: true });

  await release();
});

test("isProjectLocked follows the lock", async () => {
  assert.equal(await isProjectLocked(dir), false);

  const release = await lockProject(dir);
  assert.equal(await isProjectLocked(dir), true);

  await release();
  assert.equal(await isProjectLocked(dir), false);
});

test("isProjectLocked ignores a stale lock", async () => {
  await leaveLock(60_000);

  assert.equal(await isProjectLocked(dir, 2000), false);
});

test("withProjectLock releases after an error", async () => {
  await assert.rejects(
    withProjectLock(dir, async () => {
      assert.equal(await isProjectLocked(dir), true);
      throw new Error("work failed");
    }),
    /work failed/,
  );

  assert.equal(await isProjectLocked(dir), false);
});

test("withProjectLock returns the result", async () => {
  const result = await withProjectLock(dir, async () => 42);

  assert.equal(result, 42);
  assert.equal(await isProjectLocked(dir), false);
});
