/**
 * Floors for a full index rebuild: plain loops that only read and `JSON.parse` the same tracked
 * files that the index reads, with no validation and no writes. A rebuild cannot be faster than
 * the fastest of them.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { mapConcurrent } from "../../src/index/map-concurrent.ts";
import { PROJECT_FILES } from "../../src/project/layout.ts";

/** The JSON files the generator writes and the index reads, relative to a project folder. */
const FILES = [
  PROJECT_FILES.project,
  PROJECT_FILES.pipeline,
  PROJECT_FILES.clipsMetadata,
  PROJECT_FILES.collectionsMetadata,
];

/** Reads and parses every file with `readFileSync`, one project after another. */
export function readSequentialSync(projectsDir: string, projectIds: readonly string[]): number {
  let entries = 0;

  for (const projectId of projectIds) {
    for (const file of FILES) {
      const value = JSON.parse(readFileSync(path.join(projectsDir, projectId, file), "utf8")) as unknown;
      if (Array.isArray(value)) entries += value.length;
    }
  }
  return entries;
}

/**
 * Reads and parses every file with `fs/promises` `readFile`, `concurrency` projects at once and
 * the files of one project in parallel, as the index derives them.
 */
export async function readConcurrentAsync(
  projectsDir: string,
  projectIds: readonly string[],
  concurrency: number,
): Promise<number> {
  const counts = await mapConcurrent(projectIds, concurrency, async (projectId) => {
    const values = await Promise.all(
      FILES.map(
        async (file) =>
          JSON.parse(await readFile(path.join(projectsDir, projectId, file), "utf8")) as unknown,
      ),
    );
    return values.reduce((sum: number, value) => sum + (Array.isArray(value) ? value.length : 0), 0);
  });

  return counts.reduce((sum, count) => sum + count, 0);
}
