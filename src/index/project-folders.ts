import { constants, type Stats, statSync } from "node:fs";
import { access, readdir } from "node:fs/promises";
import path from "node:path";
import { isValidProjectId, TEMP_PROJECT_PREFIX } from "../project/layout.ts";
import { isNotFound } from "../shared/fs-errors.ts";
import { unpackFingerprints } from "./bucket-table.ts";
import { currentFingerprints, TRACKED_FILES, TRACKED_PATHS } from "./derive-project.ts";
import { mapConcurrent } from "./map-concurrent.ts";
import type { Fingerprint, Fingerprints } from "./records.ts";

/** Project folders under `projects/`, and the names skipped because they are not valid project ids. */
export interface ProjectFolderList {
  folders: string[];
  invalidNames: string[];
}

/**
 * Lists the project folders of `projectsDir`. Dot folders, which include `.tmp-` builds, are
 * left out. Raises the file-system error when `projectsDir` cannot be read.
 */
export async function listProjectFolders(projectsDir: string): Promise<ProjectFolderList> {
  const entries = await readdir(projectsDir, { withFileTypes: true });
  const folders: string[] = [];
  const invalidNames: string[] = [];

  for (const entry of entries) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    if (entry.name.startsWith(".") || entry.name.startsWith(TEMP_PROJECT_PREFIX)) continue;

    if (isValidProjectId(entry.name)) folders.push(entry.name);
    else invalidNames.push(entry.name);
  }

  return { folders, invalidNames };
}

/** Tells whether the folder `dir` exists and its entries can be listed and opened. */
export async function isFolderReadable(dir: string): Promise<boolean> {
  try {
    await access(dir, constants.R_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Tells whether two fingerprint sets list the same files with the same size, mtime and inode. */
export function sameFingerprints(a: Fingerprints, b: Fingerprints): boolean {
  const files = Object.keys(a);
  if (files.length !== Object.keys(b).length) return false;

  return files.every((file) => {
    const left = a[file];
    const right = b[file];
    if (!left || !right) return left === right;

    return left[0] === right[0] && left[1] === right[1] && left[2] === right[2];
  });
}

/**
 * Tells whether the tracked paths of the folder `dir` still have the fingerprints `known`
 * (packed in the order of `TRACKED_PATHS`), stat-ing them until one differs. Builds no
 * fingerprint objects, so a reconcile of 10,000 unchanged projects leaves little garbage.
 */
function stillMatches(dir: string, known: readonly Fingerprint[]): boolean {
  for (const [i, file] of TRACKED_PATHS.entries()) {
    let stats: Stats | null = null;
    try {
      stats = statSync(path.join(dir, file));
    } catch (error) {
      // Tracked folders count as missing when they cannot be read, as when they are derived.
      if (!isNotFound(error) && i < TRACKED_FILES.length) return false;
    }

    const expected = known[i] ?? null;
    if (!stats || !expected) {
      if (stats || expected) return false;
      continue;
    }
    if (stats.size !== expected[0] || stats.mtimeMs !== expected[1] || stats.ino !== expected[2])
      return false;
  }

  return true;
}

/**
 * Returns the projects to derive again: folders without stored fingerprints, folders whose
 * tracked files differ from the stored fingerprints or cannot be checked, and stored projects
 * whose folder is gone. Only stats the files, `concurrency` projects at a time.
 */
export async function findStaleProjects(
  projectsDir: string,
  folders: string[],
  stored: Map<string, Fingerprint[]>,
  concurrency: number,
): Promise<string[]> {
  const changed = await mapConcurrent(folders, concurrency, async (projectId) => {
    const known = stored.get(projectId);
    if (!known) return true;
    if (known.some((fingerprint) => fingerprint !== null)) {
      return !stillMatches(path.join(projectsDir, projectId), known);
    }

    // Nothing was tracked, so only a full check can distinguish an empty folder from a removed one.
    let current: Fingerprints | null = null;
    try {
      current = currentFingerprints(projectsDir, projectId);
    } catch {
      // A folder that cannot be checked is derived again, which reports the problem.
    }
    return !current || !sameFingerprints(current, unpackFingerprints(known));
  });
  const stale = folders.filter((_, i) => changed[i]);

  const present = new Set(folders);
  for (const projectId of stored.keys()) {
    if (!present.has(projectId)) stale.push(projectId);
  }

  return stale;
}
