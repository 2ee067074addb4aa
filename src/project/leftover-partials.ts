import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { isNotFound } from "../shared/fs-errors.ts";
import { ATOMIC_TEMP_SUFFIX } from "./atomic-write.ts";
import { projectPaths } from "./layout.ts";

/**
 * Removes the temporary files (`*.partial`) that atomic writes and ffmpeg renders leave in a
 * project folder when their process is killed. Call it only while holding the project's lock:
 * every writer in the folder holds that lock, so no temporary file there is still in use.
 * Resolves with the removed paths, relative to the project folder.
 */
export async function removeLeftoverPartials(projectDir: string): Promise<string[]> {
  const paths = projectPaths(projectDir);
  const folders = [paths.dir, paths.metadata, paths.output, paths.clips, paths.collections, paths.thumbnails];
  const removed: string[] = [];

  for (const folder of folders) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }

    for (const name of names.filter((entry) => entry.endsWith(ATOMIC_TEMP_SUFFIX))) {
      await rm(path.join(folder, name), { force: true });
      removed.push(path.relative(projectDir, path.join(folder, name)));
    }
  }
  return removed;
}
