import { IndexNotFoundError } from "../index/lmdb-store.ts";
import { probeIndex } from "../index/probe-index.ts";
import { verifyIndex } from "../index/verify-index.ts";
import { dataLayout } from "../project/layout.ts";
import type { Locale } from "../shared/locale.ts";
import type { Settings } from "./settings.ts";

const MESSAGES = {
  en: {
    header: "project\tfield\tindex\tfiles",
    none: (projects: number) => `The index matches the files of all ${projects} projects.`,
    some: (count: number, projects: number) =>
      `${count} differences between the index and the files of ${projects} projects. Restart the daemon with --reindex to rebuild the index from the files.`,
    noIndex: (dir: string) =>
      `No index found in ${dir}. Start the daemon once to build it, or pass --index-dir with the folder it uses.`,
    corrupt: (dir: string, reason: string) =>
      `The index in ${dir} is unreadable (${reason}). Start the daemon: it moves the folder aside and rebuilds the index from the files.`,
  },
  zh: {
    header: "项目\t字段\t索引中的值\t文件中的值",
    none: (projects: number) => `索引与全部 ${projects} 个项目的文件一致。`,
    some: (count: number, projects: number) =>
      `索引与 ${projects} 个项目的文件之间有 ${count} 处差异。用 --reindex 重启守护进程即可根据文件重建索引。`,
    noIndex: (dir: string) =>
      `在 ${dir} 中找不到索引。请先启动一次守护进程来构建索引，或用 --index-dir 指定它使用的文件夹。`,
    corrupt: (dir: string, reason: string) =>
      `${dir} 中的索引无法读取（${reason}）。请启动守护进程：它会把该文件夹移到一旁，并根据文件重建索引。`,
  },
} as const;

function show(value: unknown): string {
  return value === undefined ? "-" : JSON.stringify(value);
}

/**
 * Runs `autoclipd verify`: compares the index folder with a derivation of every project from
 * its files and prints each difference. Resolves with the exit code: 0 when they match.
 */
export async function runVerifyCommand(
  settings: Settings,
  locale: Locale,
  output: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const messages = MESSAGES[locale];
  const layout = dataLayout(settings.dataDir);

  // A corrupt LMDB file can crash the reading process, so it is checked in a child first.
  const health = await probeIndex(settings.indexDir);
  if (health.state === "corrupt") {
    output.write(`${messages.corrupt(settings.indexDir, health.reason)}\n`);
    return 2;
  }

  let result: Awaited<ReturnType<typeof verifyIndex>>;
  try {
    result = await verifyIndex({ indexDir: settings.indexDir, projectsDir: layout.projects });
  } catch (error) {
    if (!(error instanceof IndexNotFoundError)) throw error;
    output.write(`${messages.noIndex(settings.indexDir)}\n`);
    return 2;
  }

  if (result.differences.length === 0) {
    output.write(`${messages.none(result.projects)}\n`);
    return 0;
  }

  output.write(`${messages.header}\n`);
  for (const difference of result.differences) {
    const project = difference.projectId ?? "(totals)";
    output.write(`${project}\t${difference.field}\t${show(difference.index)}\t${show(difference.files)}\n`);
  }
  output.write(`${messages.some(result.differences.length, result.projects)}\n`);
  return 1;
}
