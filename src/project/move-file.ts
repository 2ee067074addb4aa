import { copyFile, open, rename, unlink } from "node:fs/promises";
import { hasErrorCode } from "../shared/fs-errors.ts";

/**
 * Moves a file, also across file systems: a rename where it can, else a copy that is fsynced
 * before the source is unlinked, so the file exists in at least one place at every moment.
 */
export async function moveFile(source: string, target: string): Promise<void> {
  try {
    await rename(source, target);
    return;
  } catch (error) {
    if (!hasErrorCode(error, "EXDEV")) throw error;
  }

  await copyFile(source, target);
  const handle = await open(target, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await unlink(source);
}
