import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { ATOMIC_TEMP_SUFFIX, writeFileAtomic, writeJsonAtomic } from "./atomic-write.ts";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "autoclipd-atomic-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("writeFileAtomic writes a new file", async () => {
  const target = path.join(dir, "out.txt");

  await writeFileAtomic(target, "hello");

  assert.equal(await readFile(target, "utf8"), "hello");
  assert.deepEqual(await readdir(dir), ["out.txt"]);
});

test("writeFileAtomic replaces a file", async () => {
  const target = path.join(dir, "out.txt");
  await writeFile(target, "old content that is longer");

  await writeFileAtomic(target, "new");

  assert.equal(await readFile(target, "utf8"), "new");
  assert.deepEqual(await readdir(dir), ["out.txt"]);
});

test("writeFileAtomic writes bytes", async () => {
  const target = path.join(dir, "out.bin");
  const bytes = Uint8Array.from([0, 1, 2, 255]);

  await writeFileAtomic(target, bytes);

  assert.deepEqual(new Uint8Array(await readFile(target)), bytes);
});

test("writeFileAtomic leaves one whole version", async () => {
  const target = path.join(dir, "state.json");
  const versions = Array.from({ length: 20 }, (_, index) => `${String(index).repeat(5000)}\n`);

  await Promise.all(versions.map((version) => writeFileAtomic(target, version)));

  const text = await readFile(target, "utf8");
  assert.ok(versions.includes(text), `content is not one of the written versions: ${text.slice(0, 20)}…`);
  assert.deepEqual(await readdir(dir), ["state.json"]);
});

test("writeFileAtomic raises for a missing folder", async () => {
  const target = path.join(dir, "missing", "out.txt");

  await assert.rejects(writeFileAtomic(target, "x"), { code: "ENOENT" });
  assert.deepEqual(await readdir(dir), []);
});

test("writeFileAtomic removes its temp on failure", async () => {
  const target = path.join(dir, "taken");
  await mkdir(target);
  await writeFile(path.join(target, "child"), "keeps the folder non-empty");

  await assert.rejects(writeFileAtomic(target, "x"));

  const left = await readdir(dir);
  assert.deepEqual(left, ["taken"]);
  assert.equal(
    left.some((name) => name.endsWith(ATOMIC_TEMP_SUFFIX)),
    false,
  );
});

test("writeFileAtomic takes awkward names", async () => {
  const name = `it's a "clip" $(touch pwned) \`touch pwned\` 切片 🎬.json`;
  const target = path.join(dir, name);

  await writeFileAtomic(target, "{}");

  assert.equal(await readFile(target, "utf8"), "{}");
  assert.deepEqual(await readdir(dir), [name]);
});

test("writeFileAtomic takes a 255-byte name", async () => {
  // 81 three-byte CJK characters, 9 digits and ".js" make 255 bytes, the Linux maximum.
  const name = `${"字".repeat(81)}123456789.js`;
  const target = path.join(dir, name);
  assert.equal(Buffer.byteLength(name), 255);

  await writeFileAtomic(target, "x");

  assert.equal(await readFile(target, "utf8"), "x");
  assert.deepEqual(await readdir(dir), [name]);
});

test("writeJsonAtomic writes pretty JSON", async () => {
  const target = path.join(dir, "value.json");
  const value = { name: "演讲", clips: [1, 2], nested: { ok: true } };

  await writeJsonAtomic(target, value);

  const text = await readFile(target, "utf8");
  assert.deepEqual(JSON.parse(text), value);
  assert.ok(text.endsWith("}\n"), "ends with one newline");
  assert.match(text, /\n {2}"name": "演讲"/);
});
