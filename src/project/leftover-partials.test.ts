import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { removeLeftoverPartials } from "./leftover-partials.ts";

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "autoclipd-partials-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("removeLeftoverPartials removes only temporary files", async () => {
  await mkdir(path.join(dir, "metadata"));
  await mkdir(path.join(dir, "output", "clips"), { recursive: true });
  await mkdir(path.join(dir, "input"));
  await writeFile(path.join(dir, "pipeline.json"), "{}");
  await writeFile(path.join(dir, ".pipeline.json.a1b2c3.partial"), '{"status":');
  await writeFile(path.join(dir, "metadata", ".step1_outline.json.d4e5f6.partial"), "[");
  await writeFile(path.join(dir, "metadata", "step1_outline.json"), "[]");
  await writeFile(path.join(dir, "output", "clips", ".1_intro.mp4.partial"), "half a video");
  await writeFile(path.join(dir, "output", "clips", "1_intro.mp4"), "video");
  await writeFile(path.join(dir, "input", "talk.partial"), "an input is never touched");

  const removed = await removeLeftoverPartials(dir);

  assert.deepEqual(removed.sort(), [
    ".pipeline.json.a1b2c3.partial",
    path.join("metadata", ".step1_outline.json.d4e5f6.partial"),
    path.join("output", "clips", ".1_intro.mp4.partial"),
  ]);
  assert.deepEqual((await readdir(dir)).sort(), ["input", "metadata", "output", "pipeline.json"]);
  assert.deepEqual((await readdir(path.join(dir, "metadata"))).sort(), ["step1_outline.json"]);
  assert.deepEqual((await readdir(path.join(dir, "output", "clips"))).sort(), ["1_intro.mp4"]);
  assert.deepEqual((await readdir(path.join(dir, "input"))).sort(), ["talk.partial"]);
});

test("removeLeftoverPartials accepts missing folders", async () => {
  assert.deepEqual(await removeLeftoverPartials(dir), []);
});
