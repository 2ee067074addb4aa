import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { ATOMIC_TEMP_SUFFIX } from "../../src/project/atomic-write.ts";
import { TEMP_PROJECT_PREFIX } from "../../src/project/layout.ts";
import { LOCK_NAME } from "../../src/project/lock.ts";
import { type DroppedVideo, hashFile } from "./crash-fixtures.ts";

/** Where each file's content is found: SHA-256 to paths relative to the data folder. */
export type Census = Map<string, string[]>;

/** A project folder lock and how long ago its holder last refreshed it. */
export interface HeldLock {
  projectId: string;
  ageMs: number;
}

async function listNames(folder: string): Promise<string[]> {
  return readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

/** Lists every file under `folder`, recursively, with paths relative to `folder`. */
async function walk(folder: string, skipHidden: boolean): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  const files: string[] = [];

  for (const entry of entries) {
    if (skipHidden && entry.name.startsWith(".")) continue;
    if (entry.isDirectory()) {
      const inner = await walk(path.join(folder, entry.name), skipHidden);
      files.push(...inner.map((name) => path.join(entry.name, name)));
    } else if (entry.isFile()) files.push(entry.name);
  }
  return files;
}

/**
 * Hashes every file where a dropped video or subtitle may be: the inbox, `inbox/rejected/`, the
 * `input/` folder of each project, and the `input/` folder of each project still being built
 * (`.tmp-*`). Hidden files in the inbox are skipped: they are uploads not yet renamed.
 */
export async function takeCensus(dataDir: string): Promise<Census> {
  const census: Census = new Map();
  const add = async (file: string) => {
    const hash = await hashFile(file);
    census.set(hash, [...(census.get(hash) ?? []), path.relative(dataDir, file)]);
  };
  const inbox = path.join(dataDir, "inbox");
  const rejected = path.join(inbox, "rejected");
  const projects = path.join(dataDir, "projects");

  for (const name of await listNames(inbox)) {
    if (!name.startsWith(".") && (await isFile(path.join(inbox, name)))) await add(path.join(inbox, name));
  }
  for (const name of await listNames(rejected)) {
    if (!name.endsWith(".error.json")) await add(path.join(rejected, name));
  }
  for (const project of await listNames(projects)) {
    if (project.startsWith(".") && !project.startsWith(TEMP_PROJECT_PREFIX)) continue;
    const input = path.join(projects, project, "input");
    for (const name of await listNames(input)) await add(path.join(input, name));
  }
  return census;
}

/** Lists each dropped video or subtitle that is not found exactly once, with where it was found. */
export function checkExactlyOnce(dropped: readonly DroppedVideo[], census: Census): string[] {
  const problems: string[] = [];

  for (const video of dropped) {
    const files: Array<[string, string]> = [["video", video.videoHash]];
    if (video.subtitleHash) files.push(["subtitle", video.subtitleHash]);
    for (const [kind, hash] of files) {
      const places = census.get(hash) ?? [];
      if (places.length !== 1) {
        problems.push(
          `${kind} of ${video.name} found ${places.length} times: ${places.join(", ") || "nowhere"}`,
        );
      }
    }
  }
  return problems;
}

/** Lists the names of visible project folders (no dot prefix), sorted. */
export async function listProjectIds(dataDir: string): Promise<string[]> {
  const names = await listNames(path.join(dataDir, "projects"));
  return names.filter((name) => !name.startsWith(".")).sort();
}

/** Lists the `.tmp-*` project folders still being built or left by a crash. */
export async function listTempProjects(dataDir: string): Promise<string[]> {
  const names = await listNames(path.join(dataDir, "projects"));
  return names.filter((name) => name.startsWith(TEMP_PROJECT_PREFIX));
}

/**
 * Lists what a reader of the data folder could mistake for data: a visible project folder
 * without `project.json` or `pipeline.json`, and any visible `.json` file in a project folder
 * or `inbox/rejected/` that does not parse.
 */
export async function findVisiblePartialData(dataDir: string): Promise<string[]> {
  const problems: string[] = [];
  const projects = path.join(dataDir, "projects");

  for (const projectId of await listProjectIds(dataDir)) {
    const folder = path.join(projects, projectId);
    for (const required of ["project.json", "pipeline.json"]) {
      if (!(await isFile(path.join(folder, required)))) problems.push(`${projectId} has no ${required}`);
    }
    for (const file of await walk(folder, true)) {
      if (!file.endsWith(".json") || file.startsWith(`input${path.sep}`)) continue;
      try {
        JSON.parse(await readFile(path.join(folder, file), "utf8"));
      } catch (error) {
        problems.push(`${projectId}/${file} does not parse: ${(error as Error).message}`);
      }
    }
  }

  const rejected = path.join(dataDir, "inbox", "rejected");
  for (const name of await listNames(rejected)) {
    if (!name.endsWith(".error.json")) continue;
    try {
      JSON.parse(await readFile(path.join(rejected, name), "utf8"));
    } catch (error) {
      problems.push(`inbox/rejected/${name} does not parse: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** Lists the project locks present now, with the age of each lock's last refresh. */
export async function listHeldLocks(dataDir: string): Promise<HeldLock[]> {
  const locks: HeldLock[] = [];

  for (const projectId of await listProjectIds(dataDir)) {
    const lock = path.join(dataDir, "projects", projectId, LOCK_NAME);
    const stats = await stat(lock).catch(() => null);
    if (stats) locks.push({ projectId, ageMs: Date.now() - stats.mtimeMs });
  }
  return locks;
}

/** Lists temporary files of atomic writes and ffmpeg outputs (`*.partial`) in project folders. */
export async function listPartialFiles(dataDir: string): Promise<string[]> {
  const found: string[] = [];

  for (const projectId of await listProjectIds(dataDir)) {
    const files = await walk(path.join(dataDir, "projects", projectId), false);
    for (const file of files) if (file.endsWith(ATOMIC_TEMP_SUFFIX)) found.push(path.join(projectId, file));
  }
  return found;
}

/** Reads the `status` of each visible project's `pipeline.json`, or `unreadable`. */
export async function readStatuses(dataDir: string): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();

  for (const projectId of await listProjectIds(dataDir)) {
    const file = path.join(dataDir, "projects", projectId, "pipeline.json");
    try {
      const state = JSON.parse(await readFile(file, "utf8")) as { status?: unknown };
      statuses.set(projectId, String(state.status));
    } catch {
      statuses.set(projectId, "unreadable");
    }
  }
  return statuses;
}
