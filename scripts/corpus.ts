/**
 * Runs the subtitle parser and the embedded analyzer over every subtitle file under a folder
 * and prints one line per file: cue count, clips kept and collections, or the error.
 *
 * Usage: npm run corpus -- DIR [--json]
 *
 * It is a report, so it exits with 0 even when files fail; only a crash of the script exits
 * with another code.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { TranscriptFile } from "../schemas/step-files.ts";
import { createEmbeddedAnalyzer } from "../src/pipeline/analyzer/embedded/index.ts";
import { toTimedTopics } from "../src/pipeline/analyzer/timeline.ts";
import type { AnalyzerOptions } from "../src/pipeline/analyzer/types.ts";
import { detectLanguage, parseSubtitle } from "../src/pipeline/subtitles/index.ts";

/** One file's outcome. */
interface CorpusResult {
  path: string;
  status: "ok" | "failed" | "unsupported";
  format?: string;
  encoding?: string;
  language?: string;
  cues?: number;
  topics?: number;
  clips?: number;
  collections?: number;
  milliseconds?: number;
  warnings?: string[];
  error?: string;
}

const SUPPORTED_EXTENSIONS = new Set([".srt", ".vtt"]);

/** Subtitle formats that exist in the wild but have no parser yet. */
const UNSUPPORTED_EXTENSIONS = new Set([
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

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

async function analyzeFile(file: string): Promise<CorpusResult> {
  const started = performance.now();
  const parsed = parseSubtitle(await readFile(file), path.basename(file));
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
  };
}

function formatLine(result: CorpusResult): string {
  if (result.status === "unsupported") return `${result.path}\tformat not supported yet`;
  if (result.status === "failed") return `${result.path}\tFAILED\t${result.error}`;

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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const json = args.includes("--json");
  const folders = args.filter((arg) => arg !== "--json");
  if (folders.length !== 1) {
    console.error(
      "Usage: npm run corpus -- DIR [--json]\nDIR is the folder searched recursively for .srt and .vtt files.",
    );
    process.exitCode = 2;
    return;
  }

  const results: CorpusResult[] = [];
  for (const file of await listFiles(folders[0] ?? ".")) {
    const extension = path.extname(file).toLowerCase();
    if (UNSUPPORTED_EXTENSIONS.has(extension)) {
      results.push({ path: file, status: "unsupported" });
    } else if (SUPPORTED_EXTENSIONS.has(extension)) {
      try {
        results.push(await analyzeFile(file));
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        results.push({ path: file, status: "failed", error: message });
      }
    } else {
      continue;
    }
    if (!json) console.log(formatLine(results.at(-1) as CorpusResult));
  }

  const totals = {
    ok: results.filter((result) => result.status === "ok").length,
    failed: results.filter((result) => result.status === "failed").length,
    unsupported: results.filter((result) => result.status === "unsupported").length,
  };
  if (json) console.log(JSON.stringify({ totals, results }, null, 2));
  else
    console.log(
      `\n${totals.ok} ok, ${totals.failed} failed, ${totals.unsupported} in formats not supported yet`,
    );
}

await main();
