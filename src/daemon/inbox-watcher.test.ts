import assert from "node:assert/strict";
import {
  appendFile,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, afterEach, before, beforeEach, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import { waitFor } from "../../test/helpers/wait-for.ts";
import { generateTestVideo, resolveFfmpegBinaries } from "../pipeline/ffmpeg.ts";
import { type DataLayout, dataLayout, TEMP_PROJECT_PREFIX } from "../project/layout.ts";
import { silentLogger } from "../shared/logger.ts";
import { type InboxWatcher, startInboxWatcher } from "./inbox-watcher.ts";
import { ingestVideo, rejectFile } from "./ingest.ts";

const binaries = resolveFfmpegBinaries();
const SETTLE_MS = 400;
/** Upper bound for the hand-over of a settled file, with room for a busy two-core machine. */
const HANDOVER_TIMEOUT_MS = 8000;

/** One call of the watcher's `ingest` callback. */
interface IngestCall {
  name: string;
  /** Size of the file when the watcher handed it over. */
  size: number;
  at: number;
}

/** One finished call of the watcher's `reject` callback. */
interface RejectCall {
  name: string;
  code: string;
}

let fixtures: string;
let sampleVideo: string;
let root: string;
let layout: DataLayout;
let watcher: InboxWatcher | undefined;

before(async () => {
  fixtures = await mkdtemp(path.join(tmpdir(), "autoclipd-inbox-fixtures-"));
  sampleVideo = path.join(fixtures, "sample.mp4");
  await generateTestVideo({ output: sampleVideo, duration: 1, width: 160, height: 90, fps: 10 }, binaries);
});

after(async () => {
  await rm(fixtures, { recursive: true, force: true });
});

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-inbox-"));
  layout = dataLayout(root);
  await mkdir(layout.inbox, { recursive: true });
  await mkdir(layout.projects, { recursive: true });
});

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  await rm(root, { recursive: true, force: true });
});

/**
 * Starts the watcher with the real ingest and reject, and records every call of both: an
 * ingest when it starts, a rejection once its files are written. `beforeIngest` runs at the
 * start of each ingest call, before the file is touched.
 */
function startRecordingWatcher(beforeIngest?: () => Promise<void>) {
  const ingested: IngestCall[] = [];
  const rejected: RejectCall[] = [];
  /** Names of the files passed to `reject`, recorded before the call does anything. */
  const rejectStarts: string[] = [];
  const dependencies = { layout, binaries, logger: silentLogger };

  watcher = startInboxWatcher({
    inbox: layout.inbox,
    settleMs: SETTLE_MS,
    rescanMs: 200,
    logger: silentLogger,
    ingest: async (file) => {
      const size = await stat(file).then(
        (stats) => stats.size,
        () => -1,
      );
      ingested.push({ name: path.basename(file), size, at: Date.now() });
      await beforeIngest?.();
      await ingestVideo(file, dependencies);
    },
    reject: async (file, reason) => {
      rejectStarts.push(path.basename(file));
      await rejectFile(file, null, reason, dependencies);
      rejected.push({ name: path.basename(file), code: reason.code });
    },
  });
  return { watcher, ingested, rejected, rejectStarts };
}

/** Waits until `rejected` has a call for `name`. */
function waitForReject(rejected: RejectCall[], name: string): Promise<RejectCall> {
  return waitFor(
    `${name} to be rejected`,
    () => rejected.find((call) => call.name === name),
    HANDOVER_TIMEOUT_MS,
  );
}

/** Waits until `ingested` has a call for `name` and a project folder is complete. */
async function waitForIngest(ingested: IngestCall[], name: string): Promise<IngestCall> {
  const call = await waitFor(
    `${name} to be handed to ingest`,
    () => ingested.find((entry) => entry.name === name),
    HANDOVER_TIMEOUT_MS,
  );
  await waitFor(
    `a finished project folder for ${name}`,
    async () => {
      const folders = await readdir(layout.projects);
      return folders.some((folder) => !folder.startsWith(TEMP_PROJECT_PREFIX)) ? true : undefined;
    },
    HANDOVER_TIMEOUT_MS,
  );
  return call;
}

test("inbox watcher waits for a slow writer", async () => {
  const { ingested, rejected, watcher: started } = startRecordingWatcher();
  await started.ready;
  const bytes = await readFile(sampleVideo);
  const target = path.join(layout.inbox, "slow.mp4");
  const chunkCount = 10;
  const chunkSize = Math.ceil(bytes.length / chunkCount);

  let lastWriteAt = 0;
  for (let offset = 0; offset < bytes.length; offset += chunkSize) {
    await appendFile(target, bytes.subarray(offset, offset + chunkSize));
    lastWriteAt = Date.now();
    // Pacing of the simulated copy, not a wait for the code under test.
    await delay(100);
  }
  const call = await waitForIngest(ingested, "slow.mp4");

  assert.equal(call.size, bytes.length);
  assert.ok(
    call.at - lastWriteAt >= SETTLE_MS,
    `handed over ${call.at - lastWriteAt} ms after the last write`,
  );
  await writeFile(path.join(layout.inbox, "barrier.txt"), "settles after any second hand-over would");
  await waitForReject(rejected, "barrier.txt");
  assert.equal(ingested.length, 1, JSON.stringify(ingested));
  assert.deepEqual(
    rejected.map((entry) => entry.name),
    ["barrier.txt"],
  );
  assert.equal((await readdir(layout.projects)).length, 1);
});

test("inbox watcher takes files present at start", async () => {
  await copyFile(sampleVideo, path.join(layout.inbox, "early.mp4"));

  const { ingested } = startRecordingWatcher();
  const call = await waitForIngest(ingested, "early.mp4");

  assert.equal(call.size, (await stat(sampleVideo)).size);
  assert.deepEqual(await readdir(layout.inbox), []);
});

test("inbox watcher ignores part files until renamed", async () => {
  const { ingested, rejected, watcher: started } = startRecordingWatcher();
  await started.ready;
  await copyFile(sampleVideo, path.join(layout.inbox, "clip.mp4.part"));
  await writeFile(path.join(layout.inbox, "barrier.txt"), "settles after the part file would");

  await waitForReject(rejected, "barrier.txt");
  assert.deepEqual(ingested, []);
  assert.ok((await readdir(layout.inbox)).includes("clip.mp4.part"));

  await rename(path.join(layout.inbox, "clip.mp4.part"), path.join(layout.inbox, "clip.mp4"));
  const call = await waitForIngest(ingested, "clip.mp4");
  assert.equal(call.size, (await stat(sampleVideo)).size);
  assert.equal(ingested.length, 1);
});

test("inbox watcher rejects unsupported files", async () => {
  const { ingested, rejected, watcher: started } = startRecordingWatcher();
  await started.ready;
  await writeFile(path.join(layout.inbox, "notes.txt"), "meeting notes");

  const call = await waitForReject(rejected, "notes.txt");

  assert.equal(call.code, "UNSUPPORTED_FILE_TYPE");
  assert.deepEqual(ingested, []);
  assert.deepEqual((await readdir(layout.rejected)).sort(), ["notes.txt", "notes.txt.error.json"]);
  assert.equal(await readFile(path.join(layout.rejected, "notes.txt"), "utf8"), "meeting notes");
});

test("inbox watcher leaves sidecars waiting", async () => {
  const { ingested, rejected, watcher: started } = startRecordingWatcher();
  await started.ready;
  await writeFile(path.join(layout.inbox, "talk.srt"), "1\n00:00:00,000 --> 00:00:01,000\nHi\n");
  await writeFile(path.join(layout.inbox, ".hidden.mp4"), "dotfile");
  await writeFile(path.join(layout.inbox, "barrier.txt"), "settles after the sidecar would");

  await waitForReject(rejected, "barrier.txt");

  assert.deepEqual(ingested, []);
  assert.equal(rejected.length, 1);
  assert.deepEqual((await readdir(layout.inbox)).sort(), [".hidden.mp4", "rejected", "talk.srt"]);
});

test("inbox watcher hands each file over once", async () => {
  // Many files, so that one check of the inbox can outlast the 100 ms tick.
  const names = Array.from({ length: 150 }, (_, index) => `note ${index}.txt`);
  for (const name of names) await writeFile(path.join(layout.inbox, name), name);

  const { rejected, rejectStarts, watcher: started } = startRecordingWatcher();
  await waitFor(
    `all ${names.length} files to be rejected`,
    () => (rejected.length >= names.length ? true : undefined),
    HANDOVER_TIMEOUT_MS,
  );
  await started.close();

  assert.equal(rejectStarts.length, names.length);
  assert.deepEqual([...rejectStarts].sort(), [...names].sort());
  assert.equal((await readdir(layout.rejected)).length, names.length * 2);
});

test("inbox watcher close is idempotent", async () => {
  const { watcher: started } = startRecordingWatcher();
  await started.ready;

  const first = started.close();
  const second = started.close();
  await first;

  assert.equal(first, second);
  await started.close();
});

test("inbox watcher close waits for ingest", async () => {
  const order: string[] = [];
  let releaseIngest: () => void = () => undefined;
  const ingestGate = new Promise<void>((resolve) => {
    releaseIngest = resolve;
  });
  const { ingested, watcher: started } = startRecordingWatcher(async () => {
    await ingestGate;
    order.push("ingest released");
  });
  await copyFile(sampleVideo, path.join(layout.inbox, "held.mp4"));
  await waitFor("held.mp4 to be handed to ingest", () => ingested[0], HANDOVER_TIMEOUT_MS);

  const closing = started.close().then(() => order.push("close resolved"));
  // Released later than the watcher needs to close chokidar, so an early resolve shows in `order`.
  setTimeout(releaseIngest, 200);
  await closing;

  assert.deepEqual(order, ["ingest released", "close resolved"]);
  assert.equal((await readdir(layout.projects)).length, 1);
});
