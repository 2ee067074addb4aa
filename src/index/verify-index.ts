import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { emptyTotals } from "./bucket-table.ts";
import { deriveProject } from "./derive-project.ts";
import * as queries from "./index-queries.ts";
import { FORMAT_KEY, INDEX_FORMAT_VERSION, PROJECT_PREFIX, projectIdOfKey } from "./keys.ts";
import { openStore, type StoreReader } from "./lmdb-store.ts";
import { mapConcurrent } from "./map-concurrent.ts";
import { listProjectFolders } from "./project-folders.ts";
import type { ProjectIndex } from "./project-index.ts";
import {
  type ClipRecord,
  type CollectionRecord,
  type DerivedProject,
  INDEXED_STATUSES,
  type IndexTotals,
  type ProjectRecord,
} from "./records.ts";

/** One value that the index stores differently from what the project files give. */
export interface IndexDifference {
  /** The project, or null for the totals over the whole index. */
  projectId: string | null;
  /**
   * Name of the value that differs. `project`, `clips.<clipId>` and `collections.<collectionId>`
   * mean a record missing on one side. Other names are a project record field such as `status`,
   * a record's field such as `clips.<clipId>.generated_title` or `clips.<clipId>.public_id`, or
   * a total such as `totals.clips`.
   */
  field: string;
  /** The value in the index; null when the index has no such record. */
  index: unknown;
  /** The value derived from the files; null when the files have no such record. */
  files: unknown;
}

export interface VerifyResult {
  differences: IndexDifference[];
  /** Project folders found under `projects/`. */
  projects: number;
}

/**
 * Index to verify: a running daemon's open index, or an index folder on disk. The folder is
 * opened read-only, so a daemon may keep writing it meanwhile.
 */
export type VerifyOptions = ({ index: ProjectIndex } | { indexDir: string; projectsDir: string }) & {
  /** Project folders derived at once. @default 16 */
  concurrency?: number;
};

/** The reads that verification needs, from an open ProjectIndex or straight from a store. */
interface IndexReader {
  projectIds(): string[];
  getProject(projectId: string): ProjectRecord | null;
  listClips(projectId: string): ClipRecord[];
  listCollections(projectId: string): CollectionRecord[];
  resolvePublicId(publicId: string): queries.PublicIdMatch | null;
  stats(): IndexTotals;
}

function readerOfIndex(index: ProjectIndex): IndexReader {
  return {
    projectIds: () => INDEXED_STATUSES.flatMap((status) => index.projectIdsWithStatus(status)),
    getProject: (projectId) => index.getProject(projectId),
    listClips: (projectId) => index.listClips(projectId),
    listCollections: (projectId) => index.listCollections(projectId),
    resolvePublicId: (publicId) => index.resolvePublicId(publicId),
    stats: () => index.stats(),
  };
}

function readerOfStore(store: StoreReader): IndexReader {
  return {
    projectIds: () => [...store.keys(PROJECT_PREFIX)].map((key) => projectIdOfKey(key, PROJECT_PREFIX)),
    getProject: (projectId) => queries.getProject(store, projectId),
    listClips: (projectId) => queries.listClips(store, projectId),
    listCollections: (projectId) => queries.listCollections(store, projectId),
    resolvePublicId: (publicId) => queries.resolvePublicId(store, publicId),
    stats: () => queries.readTotals(store),
  };
}

/** Returns the facts of a project that a difference shows when it is missing on one side. */
function projectSummary(
  record: ProjectRecord,
): Pick<ProjectRecord, "name" | "status" | "total_clips" | "total_collections"> {
  return {
    name: record.name,
    status: record.status,
    total_clips: record.total_clips,
    total_collections: record.total_collections,
  };
}

function clipSummary(clip: ClipRecord): Pick<ClipRecord, "position" | "generated_title"> {
  return { position: clip.position, generated_title: clip.generated_title };
}

function collectionSummary(
  collection: CollectionRecord,
): Pick<CollectionRecord, "position" | "collection_title" | "clip_ids"> {
  return {
    position: collection.position,
    collection_title: collection.collection_title,
    clip_ids: collection.clip_ids,
  };
}

/** Adds a difference for every field whose value differs between two objects. */
function compareFields(
  out: IndexDifference[],
  projectId: string,
  prefix: string,
  stored: object,
  derived: object,
): void {
  const storedValues = stored as Record<string, unknown>;
  const derivedValues = derived as Record<string, unknown>;

  for (const field of new Set([...Object.keys(stored), ...Object.keys(derived)])) {
    const index = storedValues[field] ?? null;
    const files = derivedValues[field] ?? null;
    if (!isDeepStrictEqual(index, files)) out.push({ projectId, field: `${prefix}${field}`, index, files });
  }
}

/**
 * Compares the clip or collection records of one project by their id in the files: a record
 * missing on one side is one difference, and a record on both sides is compared field by field.
 */
function compareRecords<T extends object>(
  out: IndexDifference[],
  projectId: string,
  kind: "clips" | "collections",
  stored: T[],
  derived: T[],
  idOf: (record: T) => string,
  summaryOf: (record: T) => unknown,
): void {
  const storedById = new Map(stored.map((record) => [idOf(record), record]));
  const derivedIds = new Set(derived.map(idOf));

  for (const record of derived) {
    const id = idOf(record);
    const match = storedById.get(id);
    if (match) compareFields(out, projectId, `${kind}.${id}.`, match, record);
    else out.push({ projectId, field: `${kind}.${id}`, index: null, files: summaryOf(record) });
  }
  for (const [id, record] of storedById) {
    if (!derivedIds.has(id))
      out.push({ projectId, field: `${kind}.${id}`, index: summaryOf(record), files: null });
  }
}

/** Checks that each public id of the files resolves to the same record in the index. */
function comparePublicIds(
  out: IndexDifference[],
  reader: IndexReader,
  projectId: string,
  derived: DerivedProject,
  stored: { clips: Set<string>; collections: Set<string> },
): void {
  const records = [
    ...derived.clips.map((clip) => ["clips", clip.clip_id, clip.id] as const),
    ...derived.collections.map(
      (collection) => ["collections", collection.collection_id, collection.id] as const,
    ),
  ];

  for (const [kind, id, publicId] of records) {
    // A record missing from the index is already one difference.
    if (!stored[kind].has(id)) continue;

    const match = reader.resolvePublicId(publicId);
    const target =
      match === null
        ? null
        : `${match.projectId}/${match.kind === "clip" ? match.record.clip_id : match.record.collection_id}`;
    if (target !== `${projectId}/${id}`) {
      out.push({ projectId, field: `${kind}.${id}.public_id`, index: target, files: `${projectId}/${id}` });
    }
  }
}

function compareProject(
  out: IndexDifference[],
  reader: IndexReader,
  projectId: string,
  derived: DerivedProject,
): void {
  const stored = reader.getProject(projectId);
  if (!stored) {
    out.push({ projectId, field: "project", index: null, files: projectSummary(derived.record) });
    return;
  }

  compareFields(out, projectId, "", stored, derived.record);
  const storedClips = reader.listClips(projectId);
  const storedCollections = reader.listCollections(projectId);
  compareRecords(out, projectId, "clips", storedClips, derived.clips, (clip) => clip.clip_id, clipSummary);
  compareRecords(
    out,
    projectId,
    "collections",
    storedCollections,
    derived.collections,
    (collection) => collection.collection_id,
    collectionSummary,
  );
  comparePublicIds(out, reader, projectId, derived, {
    clips: new Set(storedClips.map((clip) => clip.clip_id)),
    collections: new Set(storedCollections.map((collection) => collection.collection_id)),
  });
}

function addToTotals(totals: IndexTotals, record: ProjectRecord): void {
  totals.projects.total += 1;
  totals.projects.by_status[record.status] += 1;
  totals.clips += record.total_clips ?? 0;
  totals.collections += record.total_collections ?? 0;
}

function compareTotals(out: IndexDifference[], stored: IndexTotals, derived: IndexTotals): void {
  const pairs: Array<[string, number, number]> = [
    ["totals.projects.total", stored.projects.total, derived.projects.total],
    ...INDEXED_STATUSES.map((status): [string, number, number] => [
      `totals.projects.by_status.${status}`,
      stored.projects.by_status[status] ?? 0,
      derived.projects.by_status[status],
    ]),
    ["totals.clips", stored.clips, derived.clips],
    ["totals.collections", stored.collections, derived.collections],
  ];

  for (const [field, index, files] of pairs) {
    if (index !== files) out.push({ projectId: null, field, index, files });
  }
}

/** Derives every project from the files, without writing, and compares it with `reader`. */
async function verifyReader(
  reader: IndexReader,
  projectsDir: string,
  concurrency: number,
): Promise<VerifyResult> {
  const { folders } = await listProjectFolders(projectsDir);
  folders.sort();
  const derivations = await mapConcurrent(folders, concurrency, (projectId) =>
    deriveProject(projectsDir, projectId).then(
      (derived) => ({ derived, error: null }),
      (error: unknown) => ({ derived: null, error }),
    ),
  );

  const differences: IndexDifference[] = [];
  const fileTotals = emptyTotals();
  const inFiles = new Set<string>();
  for (const [i, projectId] of folders.entries()) {
    const { derived, error } = derivations[i] ?? { derived: null, error: null };
    if (error) {
      const stored = reader.getProject(projectId);
      const message = error instanceof Error ? error.message : String(error);
      inFiles.add(projectId);
      differences.push({
        projectId,
        field: "project",
        index: stored && projectSummary(stored),
        files: { error: `could not be read: ${message}` },
      });
      continue;
    }
    // A folder removed after it was listed counts as missing from the files.
    if (!derived) continue;

    inFiles.add(projectId);
    addToTotals(fileTotals, derived.record);
    compareProject(differences, reader, projectId, derived);
  }

  for (const projectId of reader.projectIds().sort()) {
    const stored = reader.getProject(projectId);
    if (inFiles.has(projectId) || !stored) continue;
    differences.push({ projectId, field: "project", index: projectSummary(stored), files: null });
  }
  compareTotals(differences, reader.stats(), fileTotals);

  return { differences, projects: inFiles.size };
}

/**
 * Compares what the index stores with what the project files give, and lists every
 * difference: projects missing on either side, project record fields (status, counts, name,
 * step, error and the rest), clip and collection records, public ids, and the totals.
 * Nothing is written. Raises when `projects/` cannot be read.
 *
 * NOTE: on a running daemon, a file changed during verification or just before it shows as a
 * difference until the watcher has refreshed the project. Verify again to tell such a
 * difference from a lasting one.
 */
export async function verifyIndex(options: VerifyOptions): Promise<VerifyResult> {
  const concurrency = options.concurrency ?? 16;
  if ("index" in options) {
    return verifyReader(readerOfIndex(options.index), options.index.projectsDir, concurrency);
  }

  const store = await openStore(options.indexDir, { readOnly: true });
  try {
    const version = store.get<number>(FORMAT_KEY);
    if (version !== INDEX_FORMAT_VERSION) {
      // Records of another layout cannot be compared; the daemon drops such an index at start-up.
      const { folders } = await listProjectFolders(options.projectsDir);
      return {
        differences: [
          { projectId: null, field: "format_version", index: version ?? null, files: INDEX_FORMAT_VERSION },
        ],
        projects: folders.length,
      };
    }

    return await verifyReader(readerOfStore(store), path.resolve(options.projectsDir), concurrency);
  } finally {
    await store.close();
  }
}
