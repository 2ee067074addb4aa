import assert from "node:assert/strict";
import path from "node:path";
import { afterEach, beforeEach, test } from "node:test";
import type { Collection } from "../../schemas/collections-metadata.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { PROJECT_FILES } from "../project/layout.ts";
import { MAX_EDIT_WARNINGS } from "./apply-edits.ts";
import { currentFingerprints, deriveProject } from "./derive-project.ts";
import { publicIdOf } from "./public-id.ts";
import type { DerivedProject } from "./records.ts";
import { makeClips, makeTempDir, writeProjectFolder, writeRawFile } from "./test-support.ts";

let projectsDir: string;
let removeTemp: () => Promise<void>;

/** Three collections over five clips; collection "1" has a rendered video. */
const COLLECTIONS: Collection[] = [
  {
    id: "1",
    collection_title: "Openings",
    collection_summary: "How talks start",
    clip_ids: ["1", "2", "3"],
    collection_type: "ai_recommended",
    video_file: "output/collections/1_Openings.mp4",
  },
  {
    id: "2",
    collection_title: "Endings",
    collection_summary: "How talks end",
    clip_ids: ["4"],
    collection_type: "ai_recommended",
  },
  {
    id: "3",
    collection_title: "Middles",
    collection_summary: "",
    clip_ids: ["2", "5"],
    collection_type: "ai_recommended",
  },
];

beforeEach(async () => {
  const temp = await makeTempDir("edits");
  projectsDir = temp.dir;
  removeTemp = temp.remove;
  await writeProjectFolder(projectsDir, "p1", { clips: makeClips(5), collections: COLLECTIONS });
});

afterEach(async () => {
  await removeTemp();
});

async function deriveWithEdits(edits: unknown): Promise<DerivedProject> {
  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.edits), edits);
  const derived = await deriveProject(projectsDir, "p1");
  assert.ok(derived, "project p1 should exist");
  return derived;
}

function collectionOf(derived: DerivedProject, id: string) {
  return derived.collections.find((collection) => collection.collection_id === id);
}

test("edits rename clip and collection", async () => {
  const derived = await deriveWithEdits({
    clip_titles: { "2": "A better title" },
    collection_titles: { "1": "How to open" },
    collection_summaries: { "1": "Three ways to start" },
  });

  assert.equal(derived.clips[1]?.generated_title, "A better title");
  assert.equal(derived.clips[0]?.generated_title, "Highlight 1");
  assert.equal(collectionOf(derived, "1")?.collection_title, "How to open");
  assert.equal(collectionOf(derived, "1")?.collection_summary, "Three ways to start");
  assert.equal(collectionOf(derived, "2")?.collection_title, "Endings");
  assert.equal(collectionOf(derived, "1")?.video_outdated, false);
  assert.deepEqual(derived.record.edit_warnings, []);
});

test("edits delete a clip everywhere", async () => {
  const derived = await deriveWithEdits({ deleted_clip_ids: ["2", "4"] });

  assert.deepEqual(
    derived.clips.map((clip) => clip.clip_id),
    ["1", "3", "5"],
  );
  assert.deepEqual(
    derived.clips.map((clip) => clip.position),
    [0, 2, 4],
  );
  assert.equal(derived.record.total_clips, 3);
  assert.deepEqual(collectionOf(derived, "1")?.clip_ids, ["1", "3"]);
  assert.deepEqual(collectionOf(derived, "1")?.clip_public_ids, [
    publicIdOf("p1", "clip", "1"),
    publicIdOf("p1", "clip", "3"),
  ]);
  assert.deepEqual(collectionOf(derived, "3")?.clip_ids, ["5"]);
  assert.equal(collectionOf(derived, "1")?.video_outdated, true);
});

test("edits keep a collection emptied by deletes", async () => {
  const derived = await deriveWithEdits({ deleted_clip_ids: ["4"] });

  assert.deepEqual(collectionOf(derived, "2")?.clip_ids, []);
  assert.deepEqual(collectionOf(derived, "2")?.clip_public_ids, []);
  assert.equal(derived.record.total_collections, 3);
});

test("edits delete a collection", async () => {
  const derived = await deriveWithEdits({ deleted_collection_ids: ["2"] });

  assert.deepEqual(
    derived.collections.map((collection) => collection.collection_id),
    ["1", "3"],
  );
  assert.deepEqual(
    derived.collections.map((collection) => collection.position),
    [0, 2],
  );
  assert.equal(derived.record.total_collections, 2);
  assert.equal(derived.record.total_clips, 5);
});

test("edits add a manual collection", async () => {
  const derived = await deriveWithEdits({
    deleted_clip_ids: ["3"],
    manual_collections: [
      {
        id: "manual-best",
        collection_title: "My picks",
        clip_ids: ["5", "3", "1", "5", "42"],
        created_at: "2025-06-01T10:00:00.000Z",
      },
    ],
  });
  const manual = collectionOf(derived, "manual-best");

  assert.ok(manual);
  assert.equal(manual.collection_type, "manual");
  assert.equal(manual.collection_title, "My picks");
  assert.equal(manual.collection_summary, "");
  assert.equal(manual.position, 3);
  assert.equal(manual.id, publicIdOf("p1", "collection", "manual-best"));
  assert.deepEqual(manual.clip_ids, ["5", "1"]);
  assert.deepEqual(manual.clip_public_ids, [publicIdOf("p1", "clip", "5"), publicIdOf("p1", "clip", "1")]);
  assert.equal(manual.video_file, null);
  assert.equal(manual.video_outdated, false);
  assert.equal(manual.created_at, "2025-06-01T10:00:00.000Z");
  assert.equal(collectionOf(derived, "1")?.created_at, null);
  assert.equal(derived.record.total_collections, 4);
  assert.deepEqual(derived.record.edit_warnings, [
    {
      field: "manual_collections.manual-best.clip_ids",
      id: "42",
      reason: "no clip with this id in metadata/clips_metadata.json; ignored",
    },
  ]);
});

test("edits rename and delete a manual collection", async () => {
  const manual = {
    id: "manual-a",
    collection_title: "Mine",
    clip_ids: ["1"],
    created_at: "2025-06-01T10:00:00.000Z",
  };
  const renamed = await deriveWithEdits({
    manual_collections: [manual],
    collection_titles: { "manual-a": "Still mine" },
  });
  const deleted = await deriveWithEdits({
    manual_collections: [manual],
    deleted_collection_ids: ["manual-a"],
  });

  assert.equal(collectionOf(renamed, "manual-a")?.collection_title, "Still mine");
  assert.equal(collectionOf(deleted, "manual-a"), undefined);
  assert.equal(deleted.record.total_collections, 3);
});

test("edits reorder clips in a collection", async () => {
  const derived = await deriveWithEdits({
    deleted_clip_ids: ["2"],
    collection_order: { "1": ["3", "99", "2", "5", "3"], "3": ["5", "2"] },
  });

  assert.deepEqual(collectionOf(derived, "1")?.clip_ids, ["3", "1"]);
  assert.deepEqual(collectionOf(derived, "1")?.clip_public_ids, [
    publicIdOf("p1", "clip", "3"),
    publicIdOf("p1", "clip", "1"),
  ]);
  assert.equal(collectionOf(derived, "1")?.video_outdated, true);
  assert.deepEqual(collectionOf(derived, "3")?.clip_ids, ["5"]);
  assert.deepEqual(derived.record.edit_warnings, [
    { field: "collection_order.1", id: "99", reason: "not a clip of this collection; dropped" },
    { field: "collection_order.1", id: "5", reason: "not a clip of this collection; dropped" },
  ]);
});

test("edits order that changes nothing keeps the video current", async () => {
  const derived = await deriveWithEdits({ collection_order: { "1": ["1", "2"] } });

  assert.deepEqual(collectionOf(derived, "1")?.clip_ids, ["1", "2", "3"]);
  assert.equal(collectionOf(derived, "1")?.video_outdated, false);
});

test("edits with unknown ids list warnings", async () => {
  const derived = await deriveWithEdits({
    clip_titles: { "77": "Gone" },
    deleted_clip_ids: ["78"],
    collection_titles: { "9": "Nope" },
    collection_summaries: { "10": "Nope" },
    deleted_collection_ids: ["11"],
    collection_order: { "12": ["1"] },
    clip_title: { "1": "typo of clip_titles" },
  });
  const warnings = derived.record.edit_warnings;

  assert.equal(derived.record.status, "completed");
  assert.equal(derived.record.total_clips, 5);
  assert.equal(derived.record.total_collections, 3);
  assert.deepEqual(
    warnings.map((warning) => [warning.field, warning.id]),
    [
      ["clip_title", null],
      ["deleted_clip_ids", "78"],
      ["clip_titles", "77"],
      ["deleted_collection_ids", "11"],
      ["collection_titles", "9"],
      ["collection_summaries", "10"],
      ["collection_order", "12"],
    ],
  );
  assert.match(warnings[1]?.reason ?? "", /no clip with this id/);
  assert.match(warnings[3]?.reason ?? "", /no collection with this id/);
});

test("edits warnings stop at the maximum", async () => {
  const unknown = Array.from({ length: MAX_EDIT_WARNINGS + 5 }, (_, i) => `missing-${i}`);

  const derived = await deriveWithEdits({ deleted_clip_ids: unknown });
  const warnings = derived.record.edit_warnings;

  assert.equal(warnings.length, MAX_EDIT_WARNINGS + 1);
  assert.deepEqual(warnings.at(-1), { field: "edits.json", id: null, reason: "5 more warnings not listed" });
});

test("edits ignore a manual id of the files", async () => {
  const collections: Collection[] = [
    { ...COLLECTIONS[0], id: "manual-x" } as Collection,
    ...COLLECTIONS.slice(1),
  ];
  await writeJsonAtomic(path.join(projectsDir, "p1", PROJECT_FILES.collectionsMetadata), collections);

  const derived = await deriveWithEdits({
    manual_collections: [
      { id: "manual-x", collection_title: "Clash", clip_ids: ["1"], created_at: "2025-06-01T10:00:00.000Z" },
    ],
  });

  assert.equal(derived.record.total_collections, 3);
  assert.equal(collectionOf(derived, "manual-x")?.collection_type, "ai_recommended");
  assert.equal(derived.record.edit_warnings[0]?.id, "manual-x");
  assert.match(derived.record.edit_warnings[0]?.reason ?? "", /has this id; ignored/);
});

test("edits.json that is broken JSON marks invalid", async () => {
  await writeRawFile(path.join(projectsDir, "p1"), PROJECT_FILES.edits, '{"clip_titles": {');

  const derived = await deriveProject(projectsDir, "p1");

  assert.equal(derived?.record.status, "invalid");
  assert.equal(derived?.record.invalid_file, "edits.json");
  assert.match(derived?.record.invalid_reason ?? "", /not valid JSON/);
  assert.equal(derived?.record.total_clips, null);
  assert.equal(derived?.record.total_collections, null);
  assert.equal(derived?.clips.length, 0);
  assert.deepEqual(derived?.record.edit_warnings, []);
});

test("edits.json failing the schema marks invalid", async () => {
  const derived = await deriveWithEdits({
    deleted_clip_ids: "2",
    manual_collections: [{ id: "mine", collection_title: "x", clip_ids: [], created_at: "today" }],
  });

  assert.equal(derived.record.status, "invalid");
  assert.equal(derived.record.invalid_file, "edits.json");
  assert.match(derived.record.invalid_reason ?? "", /deleted_clip_ids/);
  assert.match(derived.record.invalid_reason ?? "", /manual_collections\.0\.id/);
  assert.match(derived.record.invalid_reason ?? "", /manual_collections\.0\.created_at/);
});

test("edits.json with repeated manual ids marks invalid", async () => {
  const manual = { id: "manual-a", collection_title: "A", clip_ids: [], created_at: "2025-06-01T10:00:00Z" };

  const derived = await deriveWithEdits({ manual_collections: [manual, manual] });

  assert.equal(derived.record.status, "invalid");
  assert.match(derived.record.invalid_reason ?? "", /repeats the manual collection id "manual-a"/);
});

test("edits.json fixed restores the project", async () => {
  await deriveWithEdits({ deleted_clip_ids: 7 });

  const fixed = await deriveWithEdits({ deleted_clip_ids: ["5"] });

  assert.equal(fixed.record.status, "completed");
  assert.equal(fixed.record.invalid_file, null);
  assert.equal(fixed.record.total_clips, 4);
});

test("edits.json is fingerprinted", async () => {
  const derived = await deriveWithEdits({});
  const current = await currentFingerprints(projectsDir, "p1");

  assert.ok(derived.fingerprints[PROJECT_FILES.edits]);
  assert.deepEqual(current, derived.fingerprints);
});

test("edits.json is optional", async () => {
  const derived = await deriveProject(projectsDir, "p1");

  assert.equal(derived?.fingerprints[PROJECT_FILES.edits], null);
  assert.equal(derived?.record.total_clips, 5);
  assert.deepEqual(derived?.record.edit_warnings, []);
});
