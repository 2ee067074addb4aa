/**
 * Times the whole embedded analysis (parse → outline → timeline → scoring → titles →
 * collections) of the longest subtitle file, by duration, under the fixture folder: one
 * warm-up run, then the median of five.
 *
 *   npm run bench -- --only analysis
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TranscriptFile } from "../schemas/step-files.ts";
import { createEmbeddedAnalyzer } from "../src/pipeline/analyzer/embedded/index.ts";
import { buildTimeline } from "../src/pipeline/analyzer/timeline.ts";
import type { AnalyzerOptions } from "../src/pipeline/analyzer/types.ts";
import { detectLanguage, parseSubtitle } from "../src/pipeline/subtitles/index.ts";
import type { Benchmark, BenchReport } from "./support/bench-types.ts";
import { describeRuns, median, timeRuns } from "./support/statistics.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FIXTURES_DIR = path.resolve(root, "..", "shared", "fixtures");

const SUBTITLE_FILE = /\.(srt|vtt|ass|ssa|sbv|sub)$/i;
const TARGET_MS = 1000;
const RUNS = 5;

/** The daemon's default analyzer options. */
const OPTIONS: AnalyzerOptions = {
  minClipSeconds: 30,
  maxClipSeconds: 300,
  scoreThreshold: 0.5,
  minCollectionSize: 2,
};

/** Finds the subtitle file under `dir` whose last cue ends latest; files that fail to parse are skipped. */
function findLongestFile(dir: string): { file: string; seconds: number; cues: number } | null {
  let longest: { file: string; seconds: number; cues: number } | null = null;
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && SUBTITLE_FILE.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));

  for (const file of files) {
    let seconds: number;
    let cues: number;
    try {
      const parsed = parseSubtitle(readFileSync(file), path.basename(file));
      seconds = parsed.cues.at(-1)?.end ?? 0;
      cues = parsed.cues.length;
    } catch {
      continue;
    }
    if (!longest || seconds > longest.seconds) longest = { file, seconds, cues };
  }
  return longest;
}

/** Runs every language step on the file's bytes, as the pipeline does without the video. */
async function analyzeFile(bytes: Uint8Array, name: string): Promise<number> {
  const parsed = parseSubtitle(bytes, name);
  const transcript: TranscriptFile = {
    source: name,
    format: parsed.format,
    language: detectLanguage(parsed.cues),
    cues: parsed.cues,
  };
  const analyzer = createEmbeddedAnalyzer();
  const outline = await analyzer.outline(transcript, OPTIONS);
  const timeline = buildTimeline(outline, transcript.cues, OPTIONS);
  const scored = await analyzer.score(timeline, transcript, OPTIONS);
  const kept = scored.filter((topic) => topic.final_score >= OPTIONS.scoreThreshold);
  const titled = await analyzer.title(kept, transcript, OPTIONS);
  const collections = await analyzer.collections(titled, transcript, OPTIONS);
  return collections.length;
}

/** Measures the analysis of the longest fixture file and reports it against the 1 s target. */
export async function runAnalysisBench(): Promise<BenchReport> {
  const longest = existsSync(FIXTURES_DIR) ? findLongestFile(FIXTURES_DIR) : null;
  if (!longest) return { rows: [], notes: [`No subtitle file found under ${FIXTURES_DIR}.`] };

  const bytes = readFileSync(longest.file);
  const name = path.basename(longest.file);
  await analyzeFile(bytes, name);
  const runs = await timeRuns(RUNS, async () => {
    await analyzeFile(bytes, name);
  });
  const hours = (longest.seconds / 3600).toFixed(2);

  return {
    rows: [
      {
        measurement: "input",
        result: `${path.relative(FIXTURES_DIR, longest.file)}: ${hours} h, ${longest.cues} cues, ${(bytes.length / 1024).toFixed(0)} KiB`,
        target: "",
        pass: null,
      },
      {
        measurement: "parse → outline → timeline → scoring → titles → collections",
        result: describeRuns(runs),
        target: "< 1 s (median)",
        pass: median(runs) < TARGET_MS,
      },
    ],
    notes: [
      `One warm-up run, then ${RUNS} timed runs in one process, with the daemon's default analyzer options.`,
    ],
  };
}

export const benchmark: Benchmark = {
  name: "analysis",
  title: "Embedded analysis of the longest subtitle file",
  run: runAnalysisBench,
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await runAnalysisBench();
  for (const row of report.rows) process.stdout.write(`${row.measurement}: ${row.result}\n`);
  for (const note of report.notes) process.stdout.write(`${note}\n`);
}
