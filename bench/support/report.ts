import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Benchmark, BenchReport } from "./bench-types.ts";
import type { MachineInfo } from "./machine-info.ts";

/** First lines of BENCHMARKS.md when the file does not exist yet. */
const BENCHMARKS_HEADER = `# Benchmarks

Measured numbers of autoclipd, one section per benchmark, each written by \`npm run bench\`
with the machine and the command it ran on. Numbers from a 2-core virtual machine are noisy:
compare runs on the same machine, not across machines.
`;

function escapeCell(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}

function passCell(pass: boolean | null): string {
  if (pass === null) return "";

  return pass ? "pass" : "FAIL";
}

/** Renders a benchmark's machine, command, result table and notes as Markdown, without a heading. */
export function renderReport(report: BenchReport, machine: MachineInfo, command: string, date: Date): string {
  const lines = [
    `Run on ${date.toISOString().slice(0, 10)}: ${machine.cpu}, ${machine.cores} cores, ${machine.memory} RAM, Node.js ${machine.node}, ${machine.os}.`,
    "",
    "```sh",
    command,
    "```",
    "",
    "| measurement | result | target | pass |",
    "| --- | --- | --- | --- |",
    ...report.rows.map(
      (row) =>
        `| ${escapeCell(row.measurement)} | ${escapeCell(row.result)} | ${escapeCell(row.target)} | ${passCell(row.pass)} |`,
    ),
  ];
  if (report.notes.length > 0) lines.push("", ...report.notes.map((note) => `- ${note}`));

  return `${lines.join("\n")}\n`;
}

function markers(name: string): { start: string; end: string } {
  return { start: `<!-- bench:${name}:start -->`, end: `<!-- bench:${name}:end -->` };
}

/**
 * Writes `bench/results/<name>.md` and replaces the benchmark's section of BENCHMARKS.md (between
 * its start and end comments), or appends the section when the file has none.
 */
export async function recordReport(root: string, benchmark: Benchmark, body: string): Promise<void> {
  const resultsDir = path.join(root, "bench", "results");
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path.join(resultsDir, `${benchmark.name}.md`), `# ${benchmark.title}\n\n${body}`);

  const pageFile = path.join(root, "BENCHMARKS.md");
  const page = await readFile(pageFile, "utf8").catch(() => BENCHMARKS_HEADER);
  const { start, end } = markers(benchmark.name);
  const section = `${start}\n## ${benchmark.title}\n\n${body}${end}`;
  const from = page.indexOf(start);
  const to = page.indexOf(end);

  const updated =
    from >= 0 && to > from
      ? `${page.slice(0, from)}${section}${page.slice(to + end.length)}`
      : `${page.trimEnd()}\n\n${section}\n`;
  await writeFile(pageFile, updated);
}
