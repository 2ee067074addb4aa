import assert from "node:assert/strict";
import { mkdir, rename, rm, symlink } from "node:fs/promises";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, test } from "node:test";
import { pino } from "pino";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { PROJECT_FILES } from "../project/layout.ts";
import { FORMAT_KEY } from "./keys.ts";
import { openStore } from "./lmdb-store.ts";
import { IndexClosedError, ProjectIndex } from "./project-index.ts";
import { publicIdOf } from "./public-id.ts";
import type { IndexedStatus, IndexTotals, ProjectChange } from "./records.ts";
import {
  makeClips,
  makeCollections,
  makePipelineFile,
  makeProjectFile,
  makeTempDir,
  writeAutoClipProject,
  writeProjectFolder,
  writeRawFile,
} from "./test-support.ts";

let root: string;
let projectsDir: string;
let indexDir: string;
let removeTemp: () => Promise<void>;
let index: ProjectIndex;

beforeEach(async () => {
  const temp = await makeTempDir("index");
  root = temp.dir;
  removeTemp = temp.remove;
  projectsDir = path.join(root, "projects");
  indexDir = path.join(root, ".index");
  await mkdir(projectsDir);
  index = await ProjectIndex.open({ indexDir, projectsDir });
});

afterEach(async () => {
  await index.close();
  await removeTemp();
});

function collectChanges(target: ProjectIndex): ProjectChange[] {
  const changes: ProjectChange[] = [];
  target.on("change", (change) => changes.push(change));
  return changes;
}

/** A project as the test writes it, so expected totals are computed without the index. */
interface FixtureProject {
  id: string;
  status: IndexedStatus;
  clips: number;
  collections: number;
}

async function writeFixture(fixture: FixtureProject): Promise<void> {
  const dir = await writeProjectFolder(projectsDir, fixture.id, {
    project: makeProjectFile(fixture.id),
    pipeline: fixture.status === "invalid" ? undefined : makePipelineFile({ status: fixture.status }),
    clips: makeClips(fixture.clips),
    collections: makeCollections(fixture.collections, fixture.clips),
  });
  if (fixture.status === "invalid") await writeRawFile(dir, PROJECT_FILES.pipeline, "{ broken");
}

function expectedTotals(fixtures: FixtureProject[]): IndexTotals {
  const byStatus: Record<IndexedStatus, number> = {
    pending: 0,
    processing: 0,
    completed: 0,
    failed: 0,
    invalid: 0,
  };
  let clips = 0;
  let collections = 0;
  for (const fixture of fixtures) {
    byStatus[fixture.status] += 1;
    if (fixture.status === "invalid") continue;
    clips += fixture.clips;
    collections += fixture.collections;
  }
  return { projects: { total: fixtures.length, by_status: byStatus }, clips, collections };
}

test("refreshProject indexes a project and emits change", async () => {
  const changes = collectChanges(index);
  await writeAutoClipProject(projectsDir, "autoclip-1", 8, 3);

  const record = await index.refreshProject("autoclip-1");

  assert.equal(record?.total_clips, 8);
  assert.equal(record?.total_collections, 3);
  assert.equal(index.getProject("autoclip-1")?.status, "completed");
  assert.equal(index.listClips("autoclip-1").length, 8);
  assert.equal(index.listCollections("autoclip-1").length, 3);
  assert.equal(index.stats().clips, 8);
  assert.equal(index.stats().collections, 3);
  assert.equal(index.stats().projects.by_status.completed, 1);
  assert.deepEqual(
    changes.map((change) => change.projectId),
    ["autoclip-1"],
  );
  assert.equal(changes[0]?.record?.total_clips, 8);
});

test("refreshProject removes a deleted project", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await index.refreshProject("p1");
  const changes = collectChanges(index);
  await rm(dir, { recursive: true });

  const record = await index.refreshProject("p1");

  assert.equal(record, null);
  assert.equal(index.getProject("p1"), null);
  assert.deepEqual(index.listClips("p1"), []);
  assert.equal(index.resolvePublicId(publicIdOf("p1", "clip", "1")), null);
  assert.deepEqual(index.stats().projects.total, 0);
  assert.equal(index.stats().clips, 0);
  assert.deepEqual(changes, [{ projectId: "p1", record: null }]);
});

test("refreshProject keeps clip order and replaces old clips", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 12, 2);
  await index.refreshProject("p1");
  await writeJsonAtomic(path.join(dir, PROJECT_FILES.clipsMetadata), makeClips(3));

  await index.refreshProject("p1");

  assert.deepEqual(
    index.listClips("p1").map((clip) => clip.clip_id),
    ["1", "2", "3"],
  );
  assert.equal(index.resolvePublicId(publicIdOf("p1", "clip", "12")), null);
  assert.equal(index.stats().clips, 3);
});

test("refreshProject shares a refresh that has not started", async () => {
  await writeAutoClipProject(projectsDir, "p1", 2, 1);
  const changes = collectChanges(index);

  const results = await Promise.all([1, 2, 3, 4, 5].map(() => index.refreshProject("p1")));

  assert.ok(results.every((record) => record?.total_clips === 2));
  assert.ok(changes.length <= 2, `expected at most 2 commits, got ${changes.length}`);
});

test("refreshProject marks a broken file invalid and recovers", async () => {
  const dir = await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await writeRawFile(dir, PROJECT_FILES.collectionsMetadata, "[");

  const broken = await index.refreshProject("p1");
  const brokenStats = index.stats();
  await writeJsonAtomic(path.join(dir, PROJECT_FILES.collectionsMetadata), makeCollections(3, 8));
  const fixed = await index.refreshProject("p1");

  assert.equal(broken?.status, "invalid");
  assert.equal(broken?.invalid_file, "metadata/collections_metadata.json");
  assert.equal(broken?.total_clips, null);
  assert.equal(brokenStats.projects.by_status.invalid, 1);
  assert.equal(brokenStats.clips, 0);
  assert.equal(fixed?.status, "completed");
  assert.equal(index.stats().clips, 8);
  assert.equal(index.stats().projects.by_status.invalid, 0);
});

test("resolvePublicId maps a clip id to its project", async () => {
  await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await index.refreshProject("p1");

  const clip = index.resolvePublicId(publicIdOf("p1", "clip", "5"));
  const collection = index.resolvePublicId(publicIdOf("p1", "collection", "2"));

  assert.equal(clip?.projectId, "p1");
  assert.equal(clip?.kind, "clip");
  assert.equal(clip?.kind === "clip" ? clip.record.clip_id : null, "5");
  assert.equal(collection?.kind, "collection");
  assert.equal(index.resolvePublicId("not-a-uuid"), null);
});

test("totals equal the sum over the files", async () => {
  const statuses: IndexedStatus[] = ["pending", "processing", "completed", "failed", "invalid"];
  const fixtures: FixtureProject[] = Array.from({ length: 30 }, (_, i) => ({
    id: `p${i}`,
    status: statuses[i % statuses.length] as IndexedStatus,
    clips: (i * 7) % 13,
    collections: i % 4,
  }));
  for (const fixture of fixtures) await writeFixture(fixture);

  await index.rebuild();
  const afterRebuild = index.stats();
  const changed = fixtures
    .slice(0, 10)
    .map((fixture, i) => ({ ...fixture, clips: i + 20, status: "completed" as const }));
  for (const fixture of changed) await writeFixture(fixture);
  await Promise.all(changed.map((fixture) => index.refreshProject(fixture.id)));
  const afterRefresh = index.stats();

  assert.deepEqual(afterRebuild, expectedTotals(fixtures));
  assert.deepEqual(afterRefresh, expectedTotals([...changed, ...fixtures.slice(10)]));
});

test("rebuild derives every folder and drops the rest", async () => {
  await writeAutoClipProject(projectsDir, "keep", 8, 3);
  await writeAutoClipProject(projectsDir, "gone", 4, 1);
  await writeAutoClipProject(projectsDir, ".tmp-building", 5, 5);
  await index.refreshProject("gone");
  await rm(path.join(projectsDir, "gone"), { recursive: true });
  const changes = collectChanges(index);

  const count = await index.rebuild();

  assert.equal(count, 1);
  assert.equal(index.getProject("gone"), null);
  assert.equal(index.getProject("keep")?.total_clips, 8);
  assert.deepEqual(index.stats().projects.total, 1);
  assert.deepEqual(index.stats().clips, 8);
  assert.ok(changes.some((change) => change.projectId === "gone" && change.record === null));
});

test("reconcile adds, updates and removes", async () => {
  await writeAutoClipProject(projectsDir, "same", 2, 1);
  const changedDir = await writeAutoClipProject(projectsDir, "changed", 8, 3);
  const goneDir = await writeAutoClipProject(projectsDir, "gone", 4, 1);
  await index.reconcile();
  await writeJsonAtomic(path.join(changedDir, PROJECT_FILES.clipsMetadata), makeClips(7));
  await rm(goneDir, { recursive: true });
  await writeAutoClipProject(projectsDir, "added", 1, 1);
  const changes = collectChanges(index);

  const result = await index.reconcile();

  assert.deepEqual(result, { folders: 3, changed: 3, offline: false });
  assert.deepEqual(changes.map((change) => change.projectId).sort(), ["added", "changed", "gone"]);
  assert.equal(index.getProject("changed")?.total_clips, 7);
  assert.equal(index.getProject("gone"), null);
  assert.equal(index.getProject("added")?.total_clips, 1);
  assert.equal(index.stats().clips, 2 + 7 + 1);
});

test("reconcile skips unchanged projects", async () => {
  await writeAutoClipProject(projectsDir, "p1", 2, 1);
  await writeProjectFolder(projectsDir, "p2", {});
  await index.reconcile();
  const changes = collectChanges(index);

  const result = await index.reconcile();

  assert.deepEqual(result, { folders: 2, changed: 0, offline: false });
  assert.equal(changes.length, 0);
});

test("reconcile keeps records while projects folder is gone", async () => {
  await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await writeAutoClipProject(projectsDir, "p2", 2, 1);
  await index.reconcile();
  const moved = path.join(root, "projects-away");
  await rename(projectsDir, moved);

  const result = await index.reconcile();
  const offlineStats = index.stats();
  const offlineRefresh = await index.refreshProject("p1");
  await rename(moved, projectsDir);
  const back = await index.reconcile();

  assert.equal(result.offline, true);
  assert.equal(offlineStats.projects.total, 2);
  assert.equal(offlineStats.clips, 10);
  assert.equal(offlineRefresh?.total_clips, 8);
  assert.equal(back.offline, false);
  assert.equal(index.offline, false);
  assert.equal(index.stats().projects.total, 2);
});

test("offline is set while projects folder is gone", async () => {
  await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await index.reconcile();
  await rm(projectsDir, { recursive: true });

  await index.reconcile();

  assert.equal(index.offline, true);
  assert.equal(index.getProject("p1")?.total_clips, 8);
});

test("listProjects pages newest first with filters", async () => {
  for (let i = 0; i < 7; i++) {
    await writeProjectFolder(projectsDir, `p${i}`, {
      project: makeProjectFile(`p${i}`, {
        name: i === 3 ? "季度复盘 Review" : `Talk ${i}`,
        created_at: `2025-03-0${i + 1}T00:00:00.000Z`,
      }),
      pipeline: makePipelineFile({ status: i % 2 === 0 ? "completed" : "processing" }),
    });
  }
  await index.reconcile();

  const first = index.listProjects({ page: 1, size: 3 });
  const last = index.listProjects({ page: 3, size: 3 });
  const completed = index.listProjects({ page: 1, size: 10, status: "completed" });
  const search = index.listProjects({ page: 1, size: 10, search: "review" });

  assert.deepEqual(
    first.items.map((item) => item.id),
    ["p6", "p5", "p4"],
  );
  assert.deepEqual(first.pagination, { page: 1, size: 3, total: 7, pages: 3 });
  assert.deepEqual(
    last.items.map((item) => item.id),
    ["p0"],
  );
  assert.deepEqual(
    completed.items.map((item) => item.id),
    ["p6", "p4", "p2", "p0"],
  );
  assert.deepEqual(
    search.items.map((item) => item.id),
    ["p3"],
  );
  assert.throws(() => index.listProjects({ page: 0, size: 3 }), RangeError);
  assert.throws(() => index.listProjects({ page: 1, size: 101 }), RangeError);
});

test("index survives close and reopen", async () => {
  await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await index.refreshProject("p1");
  await index.close();
  await index.close();

  index = await ProjectIndex.open({ indexDir, projectsDir });

  assert.equal(index.getProject("p1")?.total_clips, 8);
  assert.equal(index.stats().clips, 8);
});

test("close during a worker rebuild stops its derivations", async () => {
  // Folders that link to themselves fail to derive, and each failure logs one error line.
  for (let i = 0; i < 256; i++) await symlink(`loop-${i}`, path.join(projectsDir, `loop-${i}`));
  const messages: string[] = [];
  let closing: Promise<void> | undefined;
  const logger = pino(
    {
      level: "debug",
      hooks: {
        logMethod(args, method) {
          const message = args.find((arg): arg is string => typeof arg === "string") ?? "";
          messages.push(message);
          // The log call runs when batch 0 arrives, so batches 1 and 2 are still in the pool at close().
          if (message.startsWith("could not derive") && !closing) closing = index.close();
          method.apply(this, args);
        },
      },
    },
    new Writable({ write: (_chunk, _encoding, done) => done() }),
  );
  await index.close();
  index = await ProjectIndex.open({
    indexDir,
    projectsDir,
    logger,
    workerThreshold: 0,
    deriveThreads: 1,
    batchSize: 64,
  });

  await assert.rejects(index.rebuild(), IndexClosedError);
  await closing;
  const atClose = messages.length;
  await new Promise((resolve) => setTimeout(resolve, 300));

  assert.equal(messages.filter((message) => message.startsWith("could not derive")).length, 64);
  assert.deepEqual(messages.slice(atClose), []);
  assert.equal(
    messages.filter((message) => message.startsWith("a derive worker failed")).length,
    0,
    "closing the pool on purpose is not a worker failure",
  );
});

test("closed index rejects work", async () => {
  await index.close();

  await assert.rejects(index.refreshProject("p1"), IndexClosedError);
  assert.throws(() => index.stats(), IndexClosedError);

  index = await ProjectIndex.open({ indexDir, projectsDir });
});

test("open drops an index of another format", async () => {
  await writeAutoClipProject(projectsDir, "p1", 8, 3);
  await index.refreshProject("p1");
  await index.close();
  const store = await openStore(indexDir);
  await store.write((writer) => writer.put(FORMAT_KEY, 0));
  await store.close();

  index = await ProjectIndex.open({ indexDir, projectsDir });
  const emptied = index.stats().projects.total;
  await index.reconcile();

  assert.equal(emptied, 0);
  assert.equal(index.getProject("p1")?.total_clips, 8);
});

test("listProjects follows commits after listing", async () => {
  await writeFixture({ id: "a", status: "completed", clips: 2, collections: 1 });
  await index.refreshProject("a");
  const first = index.listProjects({ page: 1, size: 10 });
  const firstCompleted = index.listProjects({ page: 1, size: 10, status: "completed" });

  await writeFixture({ id: "b", status: "failed", clips: 1, collections: 0 });
  await index.refreshProject("b");
  await rm(path.join(projectsDir, "a"), { recursive: true });
  await index.refreshProject("a");
  const second = index.listProjects({ page: 1, size: 10 });
  const secondCompleted = index.listProjects({ page: 1, size: 10, status: "completed" });

  assert.deepEqual(
    first.items.map((item) => item.id),
    ["a"],
  );
  assert.equal(firstCompleted.pagination.total, 1);
  assert.deepEqual(
    second.items.map((item) => item.id),
    ["b"],
  );
  assert.equal(secondCompleted.pagination.total, 0);
});

test("lists as many projects as the totals show while a rebuild commits", async () => {
  for (let i = 0; i < 60; i++) {
    await writeProjectFolder(projectsDir, `p${String(i).padStart(2, "0")}`, {
      project: makeProjectFile(`p${i}`),
      clips: makeClips(1),
    });
  }
  const small = await ProjectIndex.open({
    indexDir: path.join(root, "small-batches"),
    projectsDir,
    batchSize: 2,
  });
  try {
    let done = false;
    let reads = 0;
    const rebuilt = small.rebuild().finally(() => {
      done = true;
    });
    while (!done) {
      // The stats are read first, and a rebuild only adds projects, so the list read after them
      // must count at least as many.
      const total = small.stats().projects.total;
      const listed = small.listProjects({ page: 1, size: 1 }).pagination.total;
      assert.ok(listed >= total, `the list counts ${listed} projects after the totals counted ${total}`);
      reads += 1;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await rebuilt;
    assert.ok(reads > 1, "the loop read during the rebuild");
    assert.equal(small.listProjects({ page: 1, size: 1 }).pagination.total, 60);
  } finally {
    await small.close();
  }
});

test("listProjects follows changes of listed projects", async () => {
  for (const [id, day] of [
    ["a", "01"],
    ["b", "02"],
  ] as const) {
    await writeProjectFolder(projectsDir, id, {
      project: makeProjectFile(id, { created_at: `2025-03-${day}T08:00:00.000Z` }),
      pipeline: makePipelineFile({ status: "processing", progress: 10 }),
    });
    await index.refreshProject(id);
  }
  const listed = () =>
    index.listProjects({ page: 1, size: 10 }).items.map((item) => [item.id, item.progress]);
  const processing = () => index.listProjects({ page: 1, size: 10, status: "processing" }).pagination.total;
  const named = (search: string) => index.listProjects({ page: 1, size: 10, search }).pagination.total;
  assert.deepEqual(listed(), [
    ["b", 10],
    ["a", 10],
  ]);
  assert.equal(processing(), 2);
  assert.equal(named("renamed"), 0);

  await writeProjectFolder(projectsDir, "a", {
    pipeline: makePipelineFile({ status: "processing", progress: 70 }),
  });
  await index.refreshProject("a");
  assert.deepEqual(listed(), [
    ["b", 10],
    ["a", 70],
  ]);

  await writeProjectFolder(projectsDir, "a", {
    pipeline: makePipelineFile({ status: "completed", current_step: null, progress: 100 }),
  });
  await index.refreshProject("a");
  assert.equal(processing(), 1);

  await writeProjectFolder(projectsDir, "b", {
    project: makeProjectFile("b", { name: "Renamed talk", created_at: "2025-03-02T08:00:00.000Z" }),
  });
  await index.refreshProject("b");
  assert.equal(named("renamed"), 1);

  await writeProjectFolder(projectsDir, "a", {
    project: makeProjectFile("a", { created_at: "2025-03-03T08:00:00.000Z" }),
  });
  await index.refreshProject("a");
  assert.deepEqual(
    listed().map(([id]) => id),
    ["a", "b"],
  );
});
