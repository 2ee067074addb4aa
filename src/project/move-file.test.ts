import assert from "node:assert/strict";
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { moveFile } from "./move-file.ts";

/** A tmpfs mount, usually a different file system from the temp folder. The test checks the device. */
const SHARED_MEMORY = "/dev/shm";

let dir: string;
const extraDirs: string[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "autoclipd-move-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  for (const extra of extraDirs.splice(0)) await rm(extra, { recursive: true, force: true });
});

/** Returns a fresh folder on another file system than `dir`, or null when there is none. */
async function otherFileSystemDir(): Promise<string | null> {
  try {
    const shared = await stat(SHARED_MEMORY);
    if (shared.dev === (await stat(dir)).dev) return null;
  } catch {
    return null;
  }

  const other = await mkdtemp(path.join(SHARED_MEMORY, "autoclipd-move-"));
  extraDirs.push(other);
  return other;
}

test("moveFile renames within a folder", async () => {
  const source = path.join(dir, "a.mp4");
  const target = path.join(dir, "b.mp4");
  await writeFile(source, "video bytes");

  await moveFile(source, target);

  assert.equal(await readFile(target, "utf8"), "video bytes");
  assert.deepEqual(await readdir(dir), ["b.mp4"]);
});

test("moveFile keeps the inode on one file system", async () => {
  const source = path.join(dir, "a.mp4");
  await mkdir(path.join(dir, "input"));
  const target = path.join(dir, "input", "a.mp4");
  await writeFile(source, "video bytes");
  const before = await stat(source);

  await moveFile(source, target);

  assert.equal((await stat(target)).ino, before.ino);
});

test("moveFile copies across file systems", async (context) => {
  const other = await otherFileSystemDir();
  if (!other) {
    context.skip(`${SHARED_MEMORY} is missing or on the same file system as ${tmpdir()}`);
    return;
  }
  const source = path.join(other, "talk 演讲.mp4");
  const target = path.join(dir, "talk 演讲.mp4");
  const bytes = Buffer.alloc(256 * 1024, 7);
  await writeFile(source, bytes);

  await moveFile(source, target);

  assert.deepEqual(await readFile(target), bytes);
  assert.deepEqual(await readdir(other), []);
});

test("moveFile raises for a missing source", async () => {
  const target = path.join(dir, "b.mp4");

  await assert.rejects(moveFile(path.join(dir, "missing.mp4"), target), { code: "ENOENT" });
  assert.deepEqual(await readdir(dir), []);
});

test("moveFile raises for a missing target folder", async () => {
  const source = path.join(dir, "a.mp4");
  await writeFile(source, "video bytes");

  await assert.rejects(moveFile(source, path.join(dir, "missing", "a.mp4")), { code: "ENOENT" });
  assert.equal(await readFile(source, "utf8"), "video bytes");
});

test("moveFile moves a symlink itself", async () => {
  const real = path.join(dir, "real.mp4");
  const link = path.join(dir, "link.mp4");
  const target = path.join(dir, "moved.mp4");
  await writeFile(real, "video bytes");
  await symlink(real, link);

  await moveFile(link, target);

  assert.ok((await lstat(target)).isSymbolicLink());
  assert.equal(await readlink(target), real);
  assert.equal(await readFile(real, "utf8"), "video bytes");
});

test("moveFile takes awkward names", async () => {
  const name = `it's a "clip" $(touch pwned) \`touch pwned\` 切片 🎬.mp4`;
  const source = path.join(dir, name);
  await mkdir(path.join(dir, "out"));
  await writeFile(source, "video bytes");

  await moveFile(source, path.join(dir, "out", name));

  assert.deepEqual(await readdir(path.join(dir, "out")), [name]);
  assert.deepEqual(await readdir(dir), ["out"]);
});
