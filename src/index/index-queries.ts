import { isValidProjectId } from "../project/layout.ts";
import { emptyTotals, forEachSummary, readBucket } from "./bucket-table.ts";
import type { StoredRecords } from "./encoded-project.ts";
import { bucketName, COMMIT_KEY, projectKey, recordsKey, TOTALS_KEY } from "./keys.ts";
import type { StoreReader } from "./lmdb-store.ts";
import { bucketOfPublicId, PROJECT_PREFIX_LENGTH, projectPrefixOf } from "./public-id.ts";
import type {
  ClipRecord,
  CollectionRecord,
  Fingerprint,
  IndexedStatus,
  IndexTotals,
  ProjectRecord,
} from "./records.ts";

/** Maximum page size of {@link listProjects}. */
export const MAX_PAGE_SIZE = 100;

export interface ListProjectsQuery {
  /** Page number, from 1. */
  page: number;
  /** Projects per page, 1 to {@link MAX_PAGE_SIZE}. */
  size: number;
  /** Only projects with this status. */
  status?: IndexedStatus;
  /** Only projects whose name or id contains this text, ignoring case. */
  search?: string;
}

export interface ProjectPage {
  items: ProjectRecord[];
  pagination: { page: number; size: number; total: number; pages: number };
}

/** A clip or collection found by its public id. */
export type PublicIdMatch =
  | { projectId: string; kind: "clip"; record: ClipRecord }
  | { projectId: string; kind: "collection"; record: CollectionRecord };

/** Orders projects by creation time, newest first, and equal times by id. */
function compareNewestFirst(
  a: { id: string; createdMs: number },
  b: { id: string; createdMs: number },
): number {
  if (a.createdMs !== b.createdMs) return b.createdMs - a.createdMs;
  if (a.id === b.id) return 0;

  return a.id < b.id ? -1 : 1;
}

/** Returns the number of the last commit that changed records, 0 before the first. */
export function readCommitNumber(reader: StoreReader): number {
  return reader.get<number>(COMMIT_KEY) ?? 0;
}

/** Reads the totals; zero totals when the index is empty. */
export function readTotals(reader: StoreReader): IndexTotals {
  return reader.get<IndexTotals>(TOTALS_KEY) ?? emptyTotals();
}

/**
 * Lists one page of projects, newest `created_at` first (ties by id). Filtering and sorting run
 * over the compact summaries, so only the records of the returned page are read.
 */
export function listProjects(
  reader: StoreReader,
  query: ListProjectsQuery,
  matches: readonly string[] = matchingProjectIds(reader, query),
): ProjectPage {
  const { page, size } = query;
  if (!Number.isInteger(page) || page < 1) {
    throw new RangeError(`Expected page to be an integer of at least 1, got ${page}.`);
  }
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new RangeError(`Expected size to be an integer from 1 to ${MAX_PAGE_SIZE}, got ${size}.`);
  }

  const items = matches
    .slice((page - 1) * size, page * size)
    .flatMap((id) => reader.get<ProjectRecord>(projectKey(id)) ?? []);
  return {
    items,
    pagination: { page, size, total: matches.length, pages: Math.ceil(matches.length / size) },
  };
}

/**
 * Lists the ids of the projects that pass the status and search filters of `query`, newest
 * first. It reads every summary, so callers that list often keep the result until the next commit.
 */
export function matchingProjectIds(
  reader: StoreReader,
  query: Pick<ListProjectsQuery, "status" | "search">,
): string[] {
  const search = query.search?.trim().toLowerCase() ?? "";
  const matches: Array<{ id: string; createdMs: number }> = [];
  forEachSummary(reader, (id, [status, , , createdMs, name]) => {
    if (query.status && status !== query.status) return;
    if (search && !name.toLowerCase().includes(search) && !id.toLowerCase().includes(search)) return;
    matches.push({ id, createdMs });
  });

  matches.sort(compareNewestFirst);
  return matches.map((match) => match.id);
}

/** Reads the stored fingerprints of every project, by project id, packed in the order of `TRACKED_PATHS`. */
export function readAllFingerprints(reader: StoreReader): Map<string, Fingerprint[]> {
  const stored = new Map<string, Fingerprint[]>();
  forEachSummary(reader, (projectId, summary) => {
    stored.set(projectId, summary[5]);
  });

  return stored;
}

/** Lists the ids of the projects with `status`, by bucket and then by id. */
export function projectIdsWithStatus(reader: StoreReader, status: IndexedStatus): string[] {
  const ids: string[] = [];
  forEachSummary(reader, (projectId, summary) => {
    if (summary[0] === status) ids.push(projectId);
  });

  return ids;
}

/** Returns the record of a project, or null when the index has none. */
export function getProject(reader: StoreReader, projectId: string): ProjectRecord | null {
  if (!isValidProjectId(projectId)) return null;

  return reader.get<ProjectRecord>(projectKey(projectId)) ?? null;
}

/** Lists a project's clips in file order; empty for an unknown project. */
export function listClips(reader: StoreReader, projectId: string): ClipRecord[] {
  if (!isValidProjectId(projectId)) return [];

  return reader.get<StoredRecords>(recordsKey(projectId))?.[0] ?? [];
}

/** Lists a project's collections in file order; empty for an unknown project. */
export function listCollections(reader: StoreReader, projectId: string): CollectionRecord[] {
  if (!isValidProjectId(projectId)) return [];

  return reader.get<StoredRecords>(recordsKey(projectId))?.[1] ?? [];
}

/**
 * Finds the clip or collection with the public id `publicId`, or returns null. The id names its
 * project's bucket, so only that bucket's projects whose prefix matches are looked at (nearly
 * always one).
 */
export function resolvePublicId(reader: StoreReader, publicId: string): PublicIdMatch | null {
  const bucket = bucketOfPublicId(publicId);
  if (bucket === null) return null;

  const id = publicId.toLowerCase();
  const prefix = id.slice(0, PROJECT_PREFIX_LENGTH);
  for (const projectId of readBucket(reader, bucketName(bucket)).keys()) {
    if (projectPrefixOf(projectId) !== prefix) continue;

    const records = reader.get<StoredRecords>(recordsKey(projectId));
    const clip = records?.[0].find((record) => record.id === id);
    if (clip) return { projectId, kind: "clip", record: clip };
    const collection = records?.[1].find((record) => record.id === id);
    if (collection) return { projectId, kind: "collection", record: collection };
  }

  return null;
}
