import { open, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { isNotFound } from "../shared/fs-errors.ts";
import { mapInBatches } from "../shared/map-in-batches.ts";

/** Bytes compared per read when two files of the same size are checked for equal content. */
const CHUNK_BYTES = 1024 * 1024;

async function sizeOf(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** Tells whether two files of the same size have the same bytes, reading both in chunks. */
async function sameContent(a: string, b: string): Promise<boolean> {
  const first = await open(a, "r");
  const second = await open(b, "r").catch(async (error: unknown) => {
    await first.close();
    throw error;
  });
  const left = Buffer.alloc(CHUNK_BYTES);
  const right = Buffer.alloc(CHUNK_BYTES);

  try {
    for (let position = 0; ; position += CHUNK_BYTES) {
      const read = await first.read(left, 0, CHUNK_BYTES, position);
      const other = await second.read(right, 0, CHUNK_BYTES, position);
      if (read.bytesRead !== other.bytesRead) return false;
      if (read.bytesRead === 0) return true;
      if (!left.subarray(0, read.bytesRead).equals(right.subarray(0, other.bytesRead))) return false;
    }
  } finally {
    await first.close();
    await second.close();
  }
}

/** Project folders whose `input/` file is stat-ed at once; 10,000 one after another took seconds. */
const STAT_BATCH = 64;

/**
 * Returns the id of a project whose `input/` contains a file with the video's name and the same
 * bytes, or null. A dropped copy under another name is not found: only the name is looked up
 * in each project, so the check costs one `stat` per project folder.
 */
export async function findIngestedTwin(videoPath: string, projectsDir: string): Promise<string | null> {
  const name = path.basename(videoPath);
  const size = await sizeOf(videoPath);
  if (size === null) return null;

  const entries = await readdir(projectsDir, { withFileTypes: true });
  const folders = entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => entry.name);

  const sizes = await mapInBatches(folders, STAT_BATCH, (folder) =>
    sizeOf(path.join(projectsDir, folder, "input", name)).catch(() => null),
  );
  for (const [index, folder] of folders.entries()) {
    if (sizes[index] !== size) continue;
    try {
      if (await sameContent(videoPath, path.join(projectsDir, folder, "input", name))) return folder;
    } catch (error) {
      // A project deleted meanwhile is no twin.
      if (!isNotFound(error)) throw error;
    }
  }
  return null;
}
