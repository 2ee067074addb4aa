import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import { z } from "zod";
import {
  emptyEdits,
  newManualCollectionId,
  ProjectFolderNotFoundError,
  readEdits,
  updateEdits,
} from "./edits-file.ts";
import { PROJECT_FILES } from "./layout.ts";
import { lockProject, ProjectLockedError } from "./lock.ts";
import { InvalidFileError } from "./read-json.ts";

let root: string;
let projectDir: string;
let editsPath: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-edits-file-"));
  projectDir = path.join(root, "p1");
  editsPath = path.join(projectDir, PROJECT_FILES.edits);
  await mkdir(projectDir);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function readStored(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(editsPath, "utf8")) as Record<string, unknown>;
}

test("readEdits returns empty edits without a file", async () => {
  const edits = await readEdits(projectDir);

  assert.deepEqual(edits, emptyEdits());
  assert.deepEqual(edits.clip_titles, {});
  assert.deepEqual(edits.manual_collections, []);
  assert.equal(edits.updated_at, null);
});

test("updateEdits creates edits.json", async () => {
  const written = await updateEdits(
    projectDir,
    (edits) => {
      edits.clip_titles["3"] = "  Renamed  ";
      edits.deleted_clip_ids.push("4", "4");
      return undefined;
    },
    { now: () => new Date("2025-07-01T12:00:00.000Z") },
  );
  const stored = await readStored();

  assert.deepEqual(written.clip_titles, { "3": "Renamed" });
  assert.deepEqual(written.deleted_clip_ids, ["4"]);
  assert.equal(written.updated_at, "2025-07-01T12:00:00.000Z");
  assert.deepEqual(stored, written);
});

test("updateEdits accepts a returned object", async () => {
  const manualId = newManualCollectionId();

  await updateEdits(projectDir, (edits) => ({
    ...edits,
    manual_collections: [
      {
        id: manualId,
        collection_title: "Mine",
        collection_summary: "",
        clip_ids: ["1"],
        created_at: "2025-07-01T12:00:00Z",
      },
    ],
  }));
  const stored = await readEdits(projectDir);

  assert.match(manualId, /^manual-[0-9a-f-]{36}$/);
  assert.equal(stored.manual_collections[0]?.id, manualId);
  assert.ok(stored.updated_at);
});

test("updateEdits keeps earlier edits and unknown keys", async () => {
  await writeFile(editsPath, JSON.stringify({ clip_titles: { "1": "One" }, added_by_newer_daemon: [1] }));

  await updateEdits(projectDir, (edits) => {
    edits.collection_titles["2"] = "Two";
    return edits;
  });
  const stored = await readStored();

  assert.deepEqual(stored.clip_titles, { "1": "One" });
  assert.deepEqual(stored.collection_titles, { "2": "Two" });
  assert.deepEqual(stored.added_by_newer_daemon, [1]);
});

test("updateEdits loses no concurrent update", async () => {
  const ids = Array.from({ length: 8 }, (_, i) => String(i + 1));

  await Promise.all(
    ids.map((id) =>
      updateEdits(
        projectDir,
        async (edits) => {
          // Yield between the read and the write, so unlocked writers would overwrite each other.
          await new Promise((resolve) => setTimeout(resolve, 5));
          edits.deleted_clip_ids.push(id);
          return edits;
        },
        { waitMs: 10_000 },
      ),
    ),
  );
  const stored = await readEdits(projectDir);

  assert.deepEqual([...stored.deleted_clip_ids].sort(), ids);
});

test("updateEdits rejects while locked elsewhere", async () => {
  const release = await lockProject(projectDir);
  let mutated = false;

  await assert.rejects(
    updateEdits(
      projectDir,
      (edits) => {
        mutated = true;
        return edits;
      },
      { waitMs: 0 },
    ),
    ProjectLockedError,
  );
  await release();

  assert.equal(mutated, false);
  await assert.rejects(readFile(editsPath), { code: "ENOENT" });
});

test("updateEdits leaves a broken file alone", async () => {
  await writeFile(editsPath, '{"clip_titles": ');

  await assert.rejects(
    updateEdits(projectDir, (edits) => edits),
    InvalidFileError,
  );

  assert.equal(await readFile(editsPath, "utf8"), '{"clip_titles": ');
});

test("updateEdits rejects an invalid result", async () => {
  await updateEdits(projectDir, (edits) => {
    edits.clip_titles["1"] = "Kept";
    return edits;
  });

  await assert.rejects(
    updateEdits(projectDir, (edits) => {
      edits.clip_titles["1"] = "x".repeat(201);
      return edits;
    }),
    z.ZodError,
  );
  const stored = await readEdits(projectDir);

  assert.equal(stored.clip_titles["1"], "Kept");
});

test("updateEdits leaves no temporary files", async () => {
  await updateEdits(projectDir, (edits) => edits);
  await updateEdits(projectDir, (edits) => edits);

  assert.deepEqual(await readdir(projectDir), [PROJECT_FILES.edits]);
});

test("updateEdits rejects a missing folder", async () => {
  await assert.rejects(
    updateEdits(path.join(root, "gone"), (edits) => edits),
    ProjectFolderNotFoundError,
  );
});
