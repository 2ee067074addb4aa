import assert from "node:assert/strict";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { type FileWatcher, RECHECK_AFTER_CHANGE_MS, startFileWatcher } from "./file-watcher.ts";
import { silentLogger } from "./logger.ts";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function replaceAtomically(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.partial`);
  await writeFile(temp, text);
  await rename(temp, file);
}

test("file watcher reports a second quick replace", async () => {
  const root = await mkdtemp(path.join(tmpdir(), "autoclipd-file-watcher-"));
  const file = path.join(root, "clips.json");
  await writeFile(file, "[]");
  const eventTimes: number[] = [];
  let watcher: FileWatcher | undefined;

  try {
    await new Promise<void>((resolve) => {
      watcher = startFileWatcher({
        root,
        depth: 0,
        ignoreInitial: true,
        logger: silentLogger,
        ignore: (candidate) => path.basename(candidate).startsWith("."),
        onEvent: (_event, changed) => {
          if (changed === file) eventTimes.push(performance.now());
        },
        onReady: resolve,
      });
    });

    // chokidar drops a change within 50 ms of the previous one; the recheck must report it.
    await replaceAtomically(file, "[1]");
    await sleep(20);
    const secondWriteAt = performance.now();
    await replaceAtomically(file, "[1, 2]");
    await sleep(RECHECK_AFTER_CHANGE_MS + 300);

    assert.ok(eventTimes.length > 0, "expected events for clips.json");
    assert.ok(
      eventTimes.some((time) => time >= secondWriteAt),
      `expected an event after the second replace; events at ${eventTimes.map((time) => Math.round(time - secondWriteAt)).join(", ")} ms`,
    );
  } finally {
    await watcher?.close();
    await rm(root, { recursive: true, force: true });
  }
});
