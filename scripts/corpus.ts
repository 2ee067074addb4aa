/**
 * Runs the subtitle parser and the embedded analyzer over every subtitle file under a folder
 * and prints one line per file: format, cue count, clips kept and collections, or the reason
 * the file was rejected. Totals by outcome and by rejection code follow. When the folder contains
 * WebVTT files with expected parses beside them (the layout of mozilla/vtt.js's test suite),
 * it also prints whether our parse matches each one.
 *
 * Usage: npm run corpus -- DIR [--json] [--fps N]
 *
 * `--fps N` gives frame-based MicroDVD files that declare no frame rate one, as the video would.
 * It is a report, so it exits with 0 even when files are rejected. Only a crash of the script
 * exits with another code.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { TranscriptFile } from "../schemas/step-files.ts";
import { createEmbeddedAnalyzer } from "../src/pipeline/analyzer/embedded/index.ts";
import { toTimedTopics } from "../src/pipeline/analyzer/timeline.ts";
import type { AnalyzerOptions } from "../src/pipeline/analyzer/types.ts";
import { detectLanguage, parseSubtitle, SubtitleParseError } from "../src/pipeline/subtitles/index.ts";
import { type ConformanceCase, checkVttConformance } from "../src/pipeline/subtitles/vtt-conformance.ts";

/** One file's outcome. */
interface CorpusResult {
  path: string;
  status: "ok" | "rejected";
  format?: string;
  encoding?: string;
  language?: string;
  cues?: number;
  topics?: number;
  clips?: number;
  collections?: number;
  milliseconds?: number;
  warnings?: string[];
  notes?: string[];
  /** Error code of a rejected file, such as `SUBTITLE_EMPTY`. */
  code?: string;
  error?: string;
}

interface CliArguments {
  folder: string;
  json: boolean;
  fps: number | undefined;
}

/** Extensions of subtitle files: the formats with a parser and those rejected with a reason. */
const SUBTITLE_EXTENSIONS = new Set([
  ".srt",
  ".vtt",
  ".ass",
  ".ssa",
  ".sub",
  ".sbv",
  ".smi",
  ".sami",
  ".lrc",
  ".ttml",
  ".dfxp",
  ".scc",
  ".stl",
]);

const DEFAULT_OPTIONS: AnalyzerOptions = {
  minClipSeconds: 30,
  maxClipSeconds: 300,
  scoreThreshold: 0.5,
  minCollectionSize: 2,
};

const USAGE =
  "Usage: npm run corpus -- DIR [--json] [--fps N]\n" +
  "DIR is the folder searched recursively for subtitle files.\n" +
  "--fps N sets the frame rate, in frames per second, for MicroDVD files that declare none.";

function parseArguments(args: string[]): CliArguments | string {
  const folders: string[] = [];
  let json = false;
  let fps: number | undefined;

  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    if (arg === "--json") {
      json = true;
    } else if (arg === "--fps") {
      fps = Number(args[++index]);
      if (!(fps > 0)) return `Invalid --fps: expected frames per second > 0, got ${args[index]}.`;
    } else {
      folders.push(arg);
    }
  }

  if (folders.length !== 1) return `Expected one folder, got ${folders.length}.`;
  return { folder: folders[0] ?? ".", json, fps };
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

async function analyzeFile(file: string, fps: number | undefined): Promise<CorpusResult> {
  const started = performance.now();
  const parsed = parseSubtitle(await readFile(file), path.basename(file), { fps });
  const transcript: TranscriptFile = {
    source: path.basename(file),
    format: parsed.format,
    language: detectLanguage(parsed.cues),
    cues: parsed.cues,
  };

  const analyzer = createEmbeddedAnalyzer();
  const topics = await analyzer.outline(transcript, DEFAULT_OPTIONS);
  const timed = toTimedTopics(topics, transcript.cues);
  const scored = await analyzer.score(timed, transcript, DEFAULT_OPTIONS);
  const kept = scored.filter((topic) => topic.final_score >= DEFAULT_OPTIONS.scoreThreshold);
  const titled = await analyzer.title(kept, transcript, DEFAULT_OPTIONS);
  const collections = await analyzer.collections(titled, transcript, DEFAULT_OPTIONS);

  return {
    path: file,
    status: "ok",
    format: parsed.format,
    encoding: parsed.encoding,
    language: transcript.language,
    cues: parsed.cues.length,
    topics: topics.length,
    clips: kept.length,
    collections: collections.length,
    milliseconds: Math.round(performance.now() - started),
    warnings: parsed.warnings,
    notes: parsed.notes,
  };
}

async function runFile(file: string, fps: number | undefined): Promise<CorpusResult> {
  try {
    return await analyzeFile(file, fps);
  } catch (error) {
    if (!(error instanceof SubtitleParseError)) throw error;
    return { path: file, status: "rejected", code: error.code, error: error.message };
  }
}

function formatLine(result: CorpusResult): string {
  if (result.status === "rejected") return `${result.path}\tREJECTED ${result.code}\t${result.error}`;

  return [
    result.path,
    `${result.format}/${result.encoding}/${result.language}`,
    `${result.cues} cues`,
    `${result.topics} topics`,
    `${result.clips} clips kept`,
    `${result.collections} collections`,
    `${result.milliseconds} ms`,
  ].join("\t");
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function summarizeConformance(cases: readonly ConformanceCase[]) {
  const passed = (list: readonly ConformanceCase[]) => list.filter((entry) => entry.pass).length;
  const withSibling = cases.filter((entry) => entry.source === "sibling");
  const inferred = cases.filter((entry) => entry.source === "inferred");

  return {
    passed: passed(cases),
    total: cases.length,
    expectedBeside: { passed: passed(withSibling), total: withSibling.length },
    expectedInferred: { passed: passed(inferred), total: inferred.length },
  };
}

function printConformance(folder: string, cases: readonly ConformanceCase[]): void {
  console.log(`\nWebVTT conformance against the expected parses in ${folder}:`);
  for (const entry of cases) {
    const name = path.relative(folder, entry.file);
    if (entry.pass) {
      console.log(`pass\t${name}`);
    } else if (entry.deliberate) {
      console.log(`FAIL (by design)\t${name}\t${entry.reason}. By design: ${entry.deliberate}`);
    } else {
      console.log(`FAIL\t${name}\t${entry.reason}`);
    }
  }

  const summary = summarizeConformance(cases);
  console.log(
    `${summary.passed} of ${summary.total} passed: ${summary.expectedBeside.passed} of ${summary.expectedBeside.total} with an expected parse beside the file, ` +
      `${summary.expectedInferred.passed} of ${summary.expectedInferred.total} with an expectation inferred from vtt.js's rendered output`,
  );
}

async function main(): Promise<void> {
  const parsed = parseArguments(process.argv.slice(2));
  if (typeof parsed === "string") {
    console.error(`${parsed}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { folder, json, fps } = parsed;

  const results: CorpusResult[] = [];
  for (const file of await listFiles(folder)) {
    if (!SUBTITLE_EXTENSIONS.has(path.extname(file).toLowerCase())) continue;

    const result = await runFile(file, fps);
    results.push(result);
    if (!json) console.log(formatLine(result));
  }

  const conformance = await checkVttConformance(folder);
  const totals = {
    ok: results.filter((result) => result.status === "ok").length,
    rejected: countBy(
      results.filter((result) => result.status === "rejected"),
      (result) => result.code ?? "unknown",
    ),
    formats: countBy(
      results.filter((result) => result.status === "ok"),
      (result) => result.format ?? "unknown",
    ),
  };

  if (json) {
    const vttConformance = { ...summarizeConformance(conformance), cases: conformance };
    console.log(JSON.stringify({ totals, results, vttConformance }, null, 2));
    return;
  }

  const rejected = Object.entries(totals.rejected).map(([code, count]) => `${count} ${code}`);
  const formats = Object.entries(totals.formats).map(([format, count]) => `${count} ${format}`);
  console.log(`\n${results.length} subtitle files: ${totals.ok} ok (${formats.join(", ")})`);
  console.log(`rejected: ${rejected.length > 0 ? rejected.join(", ") : "none"}`);
  if (conformance.length > 0) printConformance(folder, conformance);
}

await main();
