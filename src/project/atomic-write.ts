import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import path from "node:path";

/** Temporary files of atomic writes end with this suffix; watchers ignore it. */
export const ATOMIC_TEMP_SUFFIX = ".partial";

/**
 * Writes `data` to `target` whole or not at all: a temporary file in the same folder is
 * written and fsynced, then renamed over the target, so a reader never sees half a file.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(6).toString("hex")}${ATOMIC_TEMP_SUFFIX}`,
  );
  const handle = await open(temp, "wx");

  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();

  try {
    await rename(temp, target);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Writes `value` as pretty JSON with {@link writeFileAtomic}. */
export async function writeJsonAtomic(target: string, value: unknown): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}
