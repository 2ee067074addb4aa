import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import path from "node:path";

/** Temporary files of atomic writes end with this suffix; watchers ignore it. */
export const ATOMIC_TEMP_SUFFIX = ".partial";

/** Maximum length of one file name on Linux (`NAME_MAX` in linux/limits.h), in bytes. */
const MAX_NAME_BYTES = 255;

/**
 * Builds the hidden temporary name for `target`. The target's name is cut on whole characters
 * so that the dot, the random part and the suffix still fit in {@link MAX_NAME_BYTES}.
 */
function tempNameFor(target: string): string {
  const tail = `.${randomBytes(6).toString("hex")}${ATOMIC_TEMP_SUFFIX}`;
  const room = MAX_NAME_BYTES - 1 - Buffer.byteLength(tail);
  let base = "";
  let bytes = 0;

  for (const character of path.basename(target)) {
    bytes += Buffer.byteLength(character);
    if (bytes > room) break;
    base += character;
  }
  return `.${base}${tail}`;
}

/**
 * Writes `data` to `target` whole or not at all: a temporary file in the same folder is
 * written and fsynced, then renamed over the target, so a reader never sees half a file.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(target), tempNameFor(target));
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
