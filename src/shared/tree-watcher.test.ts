import assert from "node:assert/strict";
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import type { FileWatcher, WatchEvent } from "./file-watcher.ts";
import { silentLogger } from "./logger.ts";
import { startTreeWatcher } from "./tree-watcher.ts";

interface Seen {
  event: WatchEvent;
  relative: string;
}

let root: string;
let watcher: FileWatcher | undefined;
let seen: Seen[];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-tree-watcher-"));
  seen = [];
});

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  await rm(root, { recursive: true, force: true });
});

/** Starts a watcher on `root` that ignores dot names, and resolves once its initial scan is done. */
function startWatching(
  depth: number,
  subfoldersOnly?: (folder: string) => readonly string[] | undefined,
): Promise<void> {
  return new Promise((resolve) => {
    watcher = startTreeWatcher({
      root,
      depth,
      subfoldersOnly,
      logger: silentLogger,
      ignore: (file) => path.basename(file).startsWith("."),
      onEvent: (event, file) => seen.push({ event, relative: path.relative(root, file) }),
      onReady: resolve,
    });
  });
}

/** Waits until an event matches, failing after `timeoutMs` with the events seen so far. */
async function waitForSeen(
  description: string,
  accept: (entry: Seen) => boolean,
  timeoutMs = 2000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;

  while (!seen.some(accept)) {
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${description}; saw ${JSON.stringify(seen)}.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test("tree watcher reports nothing for the initial scan", async () => {
  await mkdir(path.join(root, "p1", "metadata"), { recursive: true });
  await writeFile(path.join(root, "p1", "metadata", "clips.json"), "[]");

  await startWatching(2);
  await new Promise((resolve) => setTimeout(resolve, 100));

  assert.deepEqual(seen, []);
});

test("tree watcher reports a change in a nested folder", async () => {
  await mkdir(path.join(root, "p1", "metadata"), { recursive: true });
  await writeFile(path.join(root, "p1", "metadata", "clips.json"), "[]");
  await startWatching(2);

  await writeFile(path.join(root, "p1", "metadata", "clips.json"), "[1]");

  await waitForSeen(
    "a change of p1/metadata/clips.json",
    (entry) => entry.relative === "p1/metadata/clips.json",
  );
  assert.ok(seen.every((entry) => entry.event === "change" || entry.event === "add"));
});

test("tree watcher watches a folder renamed into the tree", async () => {
  await startWatching(2);
  await mkdir(path.join(root, ".tmp-p2", "metadata"), { recursive: true });
  await writeFile(path.join(root, ".tmp-p2", "metadata", "clips.json"), "[]");

  await rename(path.join(root, ".tmp-p2"), path.join(root, "p2"));
  await waitForSeen("addDir of p2", (entry) => entry.event === "addDir" && entry.relative === "p2");
  seen = [];
  await writeFile(path.join(root, "p2", "metadata", "clips.json"), "[1, 2]");

  await waitForSeen(
    "a change inside the renamed folder",
    (entry) => entry.relative === "p2/metadata/clips.json",
  );
  assert.ok(seen.every((entry) => !entry.relative.startsWith(".tmp-")));
});

test("tree watcher reports a removed folder once", async () => {
  await mkdir(path.join(root, "p1", "metadata"), { recursive: true });
  await startWatching(2);

  await rm(path.join(root, "p1"), { recursive: true });

  await waitForSeen("unlinkDir of p1", (entry) => entry.event === "unlinkDir" && entry.relative === "p1");
  assert.equal(seen.filter((entry) => entry.event === "unlinkDir" && entry.relative === "p1").length, 1);
});

test("tree watcher follows a folder replaced by a rename", async () => {
  await mkdir(path.join(root, "p1", "metadata"), { recursive: true });
  await mkdir(path.join(root, "next", "metadata"), { recursive: true });
  await startWatching(2);

  await rm(path.join(root, "p1"), { recursive: true });
  await rename(path.join(root, "next"), path.join(root, "p1"));
  await waitForSeen("addDir of the new p1", (entry) => entry.event === "addDir" && entry.relative === "p1");
  seen = [];
  await writeFile(path.join(root, "p1", "metadata", "clips.json"), "[]");

  await waitForSeen("an event from the new p1", (entry) => entry.relative === "p1/metadata/clips.json");
  assert.ok(seen.every((entry) => !entry.relative.startsWith("next")));
});

test("tree watcher skips ignored names and folders below depth", async () => {
  await mkdir(path.join(root, "p1", "a", "b"), { recursive: true });
  await startWatching(1);

  await writeFile(path.join(root, "p1", "a", "b", "deep.json"), "{}");
  await writeFile(path.join(root, "p1", ".hidden.partial"), "x");
  await writeFile(path.join(root, "p1", "kept.json"), "{}");

  await waitForSeen("an event for p1/kept.json", (entry) => entry.relative === "p1/kept.json");
  assert.ok(seen.every((entry) => entry.relative === "p1/kept.json" || entry.relative === "p1/a"));
});

test("tree watcher close is idempotent and stops events", async () => {
  await mkdir(path.join(root, "p1"), { recursive: true });
  await startWatching(1);
  const active = watcher as FileWatcher;

  assert.equal(active.close(), active.close());
  await active.close();
  await writeFile(path.join(root, "p1", "late.json"), "{}");
  await new Promise((resolve) => setTimeout(resolve, 100));

  assert.deepEqual(seen, []);
  assert.equal(active.degraded, false);
});

/** Makes `p1/out/a` and `p1/out/b` and watches `root` with `p1/out` covered by those two. */
async function watchCoveredFolder(): Promise<void> {
  await mkdir(path.join(root, "p1", "out", "a"), { recursive: true });
  await mkdir(path.join(root, "p1", "out", "b"), { recursive: true });
  await startWatching(3, (folder) => (path.relative(root, folder) === "p1/out" ? ["a", "b"] : undefined));
}

test("tree watcher closes the watch of a covered folder", async () => {
  await watchCoveredFolder();

  // Outside the contract of subfoldersOnly, so it shows whether p1/out itself is watched.
  await writeFile(path.join(root, "p1", "out", "untracked.json"), "{}");
  await writeFile(path.join(root, "p1", "out", "a", "clip.mp4"), "");

  await waitForSeen("an event for p1/out/a/clip.mp4", (entry) => entry.relative === "p1/out/a/clip.mp4");
  assert.ok(seen.every((entry) => entry.relative !== "p1/out/untracked.json"));
});

test("tree watcher reports a removed covered subfolder", async () => {
  await watchCoveredFolder();

  await rm(path.join(root, "p1", "out", "a"), { recursive: true });
  await waitForSeen(
    "unlinkDir of p1/out/a",
    (entry) => entry.event === "unlinkDir" && entry.relative === "p1/out/a",
  );
  await mkdir(path.join(root, "p1", "out", "a"));
  await waitForSeen(
    "addDir of p1/out/a",
    (entry) => entry.event === "addDir" && entry.relative === "p1/out/a",
  );
  await writeFile(path.join(root, "p1", "out", "a", "clip.mp4"), "");

  await waitForSeen("an event for p1/out/a/clip.mp4", (entry) => entry.relative === "p1/out/a/clip.mp4");
});

test("tree watcher reports covered subfolders removed together", async () => {
  await watchCoveredFolder();

  await Promise.all([
    rm(path.join(root, "p1", "out", "a"), { recursive: true }),
    rm(path.join(root, "p1", "out", "b"), { recursive: true }),
  ]);

  await waitForSeen(
    "unlinkDir of p1/out/a",
    (entry) => entry.event === "unlinkDir" && entry.relative === "p1/out/a",
  );
  await waitForSeen(
    "unlinkDir of p1/out/b",
    (entry) => entry.event === "unlinkDir" && entry.relative === "p1/out/b",
  );
});

test("tree watcher follows a replaced covered subfolder", async () => {
  await mkdir(path.join(root, "p1", "next"), { recursive: true });
  await watchCoveredFolder();

  await rm(path.join(root, "p1", "out", "a"), { recursive: true });
  await rename(path.join(root, "p1", "next"), path.join(root, "p1", "out", "a"));
  await waitForSeen(
    "addDir of the new p1/out/a",
    (entry) => entry.event === "addDir" && entry.relative === "p1/out/a",
  );
  seen = [];
  await writeFile(path.join(root, "p1", "out", "a", "clip.mp4"), "");

  await waitForSeen("an event from the new p1/out/a", (entry) => entry.relative === "p1/out/a/clip.mp4");
  assert.ok(seen.every((entry) => !entry.relative.startsWith("p1/next")));
});

test("tree watcher drops a covered folder renamed away", async () => {
  await watchCoveredFolder();

  await rename(path.join(root, "p1", "out"), path.join(root, "p1", "moved"));
  await waitForSeen(
    "unlinkDir of p1/out",
    (entry) => entry.event === "unlinkDir" && entry.relative === "p1/out",
  );
  seen = [];
  await writeFile(path.join(root, "p1", "moved", "a", "clip.mp4"), "");
  await writeFile(path.join(root, "p1", "late.json"), "{}");

  await waitForSeen("an event for p1/late.json", (entry) => entry.relative === "p1/late.json");
  assert.ok(seen.every((entry) => !entry.relative.startsWith("p1/out")));
});
