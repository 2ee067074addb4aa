import { readdir, readFile } from "node:fs/promises";

/**
 * Lists the process ids whose parent is `pid`, from `/proc` (Linux only; elsewhere the list
 * is empty).
 */
export async function childPids(pid: number): Promise<number[]> {
  const entries = await readdir("/proc").catch(() => [] as string[]);
  const children: number[] = [];

  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    // The command name in brackets may contain spaces, so fields are counted after its ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (Number(fields[1]) === pid) children.push(Number(entry));
  }
  return children;
}

/** Tells whether a process with this id exists (a zombie counts as existing). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Reads a process's command line, or an empty string when it is gone. */
export async function commandLine(pid: number): Promise<string> {
  const raw = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return raw.split("\0").join(" ").trim();
}
