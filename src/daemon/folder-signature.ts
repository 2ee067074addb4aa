import { lstat, readdir } from "node:fs/promises";
import path from "node:path";

/** Entries looked at in one folder tree; a larger tree is judged by its first entries only. */
const MAX_ENTRIES = 10_000;

/**
 * Sums the sizes and takes the latest modification time of a folder and everything inside it,
 * so a folder still being copied into the inbox shows a change on every check.
 */
export async function folderSignature(folder: string): Promise<{ size: number; mtimeMs: number }> {
  const top = await lstat(folder);
  let size = 0;
  let mtimeMs = top.mtimeMs;
  let seen = 0;
  const pending = [folder];

  while (pending.length > 0 && seen < MAX_ENTRIES) {
    const current = pending.pop() as string;
    const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      seen += 1;
      const child = path.join(current, entry.name);
      const stats = await lstat(child).catch(() => null);
      if (!stats) continue;

      size += stats.size;
      mtimeMs = Math.max(mtimeMs, stats.mtimeMs);
      if (entry.isDirectory()) pending.push(child);
    }
  }
  return { size: size + seen, mtimeMs };
}
