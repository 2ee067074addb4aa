/**
 * Runs every `bench/*-bench.ts` file, prints each report as Markdown and records it in
 * `bench/results/<name>.md` and BENCHMARKS.md.
 *
 *   npm run bench -- [--projects N] [--only NAME] [--repeat N] [--seed N] [--fixtures DIR] [--no-record]
 *
 * `--fixtures DIR` keeps the generated projects in DIR, so a later run with the same settings
 * reuses them. Without it they go to a temporary folder that is removed afterwards.
 * `--no-record` prints the reports without writing any file.
 */
import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parseSeed } from "../test/helpers/prng.ts";
import type { Benchmark, BenchSettings } from "./support/bench-types.ts";
import { readMachineInfo } from "./support/machine-info.ts";
import { recordReport, renderReport } from "./support/report.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Expected --${name} to be a positive integer, got "${text}".`);
  }
  return value;
}

async function loadBenchmarks(only: string[]): Promise<Benchmark[]> {
  const files = (await readdir(path.join(root, "bench"))).filter((name) => name.endsWith("-bench.ts")).sort();
  const benchmarks: Benchmark[] = [];

  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(root, "bench", file)).href)) as {
      benchmark?: Benchmark;
    };
    if (!module.benchmark) throw new Error(`bench/${file} exports no "benchmark"; export one to run it.`);
    if (only.length === 0 || only.includes(module.benchmark.name)) benchmarks.push(module.benchmark);
  }
  if (benchmarks.length === 0) {
    throw new Error(
      `No benchmark named ${only.join(", ")}; bench/ has ${files.join(", ") || "no *-bench.ts file"}.`,
    );
  }

  return benchmarks;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      projects: { type: "string", default: "10000" },
      only: { type: "string", multiple: true, default: [] },
      repeat: { type: "string", default: "3" },
      seed: { type: "string", default: "1" },
      fixtures: { type: "string" },
      "no-record": { type: "boolean", default: false },
    },
  });
  const argv = process.argv.slice(2).join(" ");
  const settings: BenchSettings = {
    projects: positiveInteger("projects", values.projects),
    repeat: positiveInteger("repeat", values.repeat),
    seed: parseSeed(values.seed),
    fixturesDir: values.fixtures ? path.resolve(values.fixtures) : null,
    command: `npm run bench${argv ? ` -- ${argv}` : ""}`,
    log: (line) => process.stderr.write(`[bench] ${line}\n`),
  };
  const machine = readMachineInfo();

  for (const benchmark of await loadBenchmarks(values.only)) {
    settings.log(`running ${benchmark.name} with ${settings.projects} projects`);
    const report = await benchmark.run(settings);
    const body = renderReport(report, machine, settings.command, new Date());
    process.stdout.write(`\n## ${benchmark.title}\n\n${body}\n`);
    if (!values["no-record"]) await recordReport(root, benchmark, body);
  }
}

await main();
