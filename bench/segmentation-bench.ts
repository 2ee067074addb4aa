/**
 * Scores the embedded analyzer's outline step against author-written chapter lists, next to two
 * baselines computed in the same run: evenly spaced boundaries and plain lexical TextTiling.
 *
 *   npm run bench:segmentation -- DIR
 *
 * Every `chapters.derived.tsv` or `*.chapters.derived.tsv` under DIR is a reference. Its lines
 * are `start_seconds<TAB>label<TAB>title[<TAB>group]`; `#` lines are comments. Each `.srt` or
 * `.vtt` file in the same folder is a transcript of that talk (one per language, and only files
 * whose name contains the TSV's prefix when it has one). The table goes to stdout and to
 * `bench/results/segmentation.md`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Cue, TranscriptFile } from "../schemas/step-files.ts";
import { createEmbeddedAnalyzer } from "../src/pipeline/analyzer/embedded/index.ts";
import { extractTerms } from "../src/pipeline/analyzer/embedded/tokenize.ts";
import type { AnalyzerOptions } from "../src/pipeline/analyzer/types.ts";
import { detectLanguage, parseSubtitle } from "../src/pipeline/subtitles/index.ts";
import type { Benchmark, ResultRow } from "./support/bench-types.ts";

/** Boundary scores of one segmentation against the reference. */
export interface SegmentationScores {
  pk: number;
  windowDiff: number;
  f1: number;
  boundaries: number;
}

interface TalkResult {
  talk: string;
  language: "zh" | "en";
  referenceBoundaries: number;
  ours: SegmentationScores;
  even: SegmentationScores;
  textTiling: SegmentationScores;
}

type Method = "ours" | "even" | "textTiling";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DEFAULT_DIR = path.resolve(root, "..", "shared", "fixtures", "real");

/** The daemon's default analyzer options, so the benchmark scores what the pipeline does. */
const PIPELINE_OPTIONS: AnalyzerOptions = {
  minClipSeconds: 30,
  maxClipSeconds: 300,
  scoreThreshold: 0.5,
  minCollectionSize: 2,
};

/** A hypothesis boundary within this many seconds of a reference boundary counts as a hit. */
const TOLERANCE_SECONDS = 15;

/** TextTiling settings: pseudo-sentences of 20 terms, compared in blocks of 6 on each side. */
const TILING = { tokensPerSentence: 20, blockSentences: 6 };

const METHOD_NAMES: Record<Method, string> = {
  ours: "embedded outline",
  even: "even",
  textTiling: "TextTiling",
};

function readChapters(file: string): number[] {
  return readFileSync(file, "utf8")
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "" && !line.startsWith("#"))
    .map((line) => Number(line.split("\t")[0]))
    .filter((seconds) => Number.isFinite(seconds));
}

function readTranscript(file: string): TranscriptFile {
  const parsed = parseSubtitle(readFileSync(file), path.basename(file));
  return {
    source: path.basename(file),
    format: parsed.format,
    language: detectLanguage(parsed.cues),
    cues: parsed.cues,
  };
}

/** Segment number of every second from 0 to `length - 1`, given sorted boundary times. */
function labelSeconds(boundaries: readonly number[], length: number): Int32Array {
  const labels = new Int32Array(length);
  let segment = 0;
  for (let second = 0; second < length; second++) {
    while (segment < boundaries.length && (boundaries[segment] ?? 0) <= second) segment++;
    labels[second] = segment;
  }
  return labels;
}

/**
 * Scores hypothesis boundaries (seconds) against reference boundaries on a 1 s grid: Pk and
 * WindowDiff with k of half the mean reference segment length, and boundary F1 with one-to-one
 * matches within {@link TOLERANCE_SECONDS}.
 */
export function scoreSegmentation(
  reference: readonly number[],
  hypothesis: readonly number[],
  lengthSeconds: number,
): SegmentationScores {
  const length = Math.max(2, Math.ceil(lengthSeconds));
  const ref = labelSeconds(reference, length);
  const hyp = labelSeconds(hypothesis, length);
  const k = Math.max(1, Math.round(length / (reference.length + 1) / 2));

  let pkErrors = 0;
  let windowErrors = 0;
  const windows = Math.max(1, length - k);
  for (let i = 0; i + k < length; i++) {
    const refCount = (ref[i + k] ?? 0) - (ref[i] ?? 0);
    const hypCount = (hyp[i + k] ?? 0) - (hyp[i] ?? 0);
    if (refCount > 0 !== hypCount > 0) pkErrors++;
    if (refCount !== hypCount) windowErrors++;
  }

  const unmatched = [...reference];
  let hits = 0;
  for (const boundary of hypothesis) {
    let nearest = -1;
    for (let index = 0; index < unmatched.length; index++) {
      const distance = Math.abs((unmatched[index] ?? 0) - boundary);
      if (
        distance <= TOLERANCE_SECONDS &&
        (nearest < 0 || distance < Math.abs((unmatched[nearest] ?? 0) - boundary))
      )
        nearest = index;
    }
    if (nearest >= 0) {
      unmatched.splice(nearest, 1);
      hits++;
    }
  }
  const precision = hypothesis.length > 0 ? hits / hypothesis.length : 0;
  const recall = reference.length > 0 ? hits / reference.length : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;

  return { pk: pkErrors / windows, windowDiff: windowErrors / windows, f1, boundaries: hypothesis.length };
}

function evenBoundaries(count: number, lengthSeconds: number): number[] {
  return Array.from({ length: count }, (_, index) => ((index + 1) * lengthSeconds) / (count + 1));
}

function cosine(left: Map<string, number>, right: Map<string, number>): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (const [term, count] of left) {
    dot += count * (right.get(term) ?? 0);
    leftNorm += count * count;
  }
  for (const count of right.values()) rightNorm += count * count;
  return leftNorm > 0 && rightNorm > 0 ? dot / Math.sqrt(leftNorm * rightNorm) : 0;
}

function countBlock(sentences: readonly string[][], from: number, to: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let index = Math.max(0, from); index < Math.min(sentences.length, to); index++) {
    for (const term of sentences[index] ?? []) counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

/**
 * Finds boundaries with plain TextTiling on the analyzer's tokenizer. The text is cut into
 * pseudo-sentences of a fixed number of terms. Each gap between two of them gets the cosine
 * similarity of the raw term counts of the blocks on each side. A gap whose depth score is a
 * local maximum above mean − sd / 2 is a boundary, placed at the start of the next term's cue.
 */
export function textTilingBoundaries(cues: readonly Cue[]): number[] {
  const terms = cues.flatMap((cue) => extractTerms(cue.text).map((term) => ({ term, start: cue.start })));
  const sentences: string[][] = [];
  const sentenceStarts: number[] = [];
  for (let index = 0; index < terms.length; index += TILING.tokensPerSentence) {
    const slice = terms.slice(index, index + TILING.tokensPerSentence);
    sentences.push(slice.map((entry) => entry.term));
    sentenceStarts.push(slice[0]?.start ?? 0);
  }
  if (sentences.length < 3) return [];

  const block = TILING.blockSentences;
  const similarity = sentences
    .slice(1)
    .map((_, gap) =>
      cosine(
        countBlock(sentences, gap + 1 - block, gap + 1),
        countBlock(sentences, gap + 1, gap + 1 + block),
      ),
    );
  const depth = similarity.map((value, gap) => {
    let left = gap;
    while (left > 0 && (similarity[left - 1] ?? 0) >= (similarity[left] ?? 0)) left--;
    let right = gap;
    while (right + 1 < similarity.length && (similarity[right + 1] ?? 0) >= (similarity[right] ?? 0)) right++;
    return (similarity[left] ?? 0) - value + ((similarity[right] ?? 0) - value);
  });
  const mean = depth.reduce((sum, value) => sum + value, 0) / depth.length;
  const deviation = Math.sqrt(depth.reduce((sum, value) => sum + (value - mean) ** 2, 0) / depth.length);
  const threshold = mean - deviation / 2;

  return depth.flatMap((value, gap) => {
    const isPeak = value >= (depth[gap - 1] ?? 0) && value > (depth[gap + 1] ?? 0);
    return isPeak && value > threshold ? [sentenceStarts[gap + 1] ?? 0] : [];
  });
}

async function scoreTalk(talk: string, chapterStarts: number[], file: string): Promise<TalkResult> {
  const transcript = readTranscript(file);
  const lengthSeconds = transcript.cues.at(-1)?.end ?? 0;
  const reference = chapterStarts.filter((start) => start > 0 && start < lengthSeconds);

  const topics = await createEmbeddedAnalyzer().outline(transcript, PIPELINE_OPTIONS);
  const ours = topics.slice(1).map((topic) => transcript.cues[topic.start_cue]?.start ?? 0);

  return {
    talk,
    language: transcript.language,
    referenceBoundaries: reference.length,
    ours: scoreSegmentation(reference, ours, lengthSeconds),
    even: scoreSegmentation(reference, evenBoundaries(reference.length, lengthSeconds), lengthSeconds),
    textTiling: scoreSegmentation(reference, textTilingBoundaries(transcript.cues), lengthSeconds),
  };
}

function findChapterFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /(?:^|\.)chapters\.derived\.tsv$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Picks one transcript per language from the folder of a chapter file, preferring SRT over VTT. */
function transcriptsBeside(chapterFile: string): string[] {
  const dir = path.dirname(chapterFile);
  const prefix = path.basename(chapterFile).replace(/\.?chapters\.derived\.tsv$/, "");
  const candidates = readdirSync(dir)
    .filter((name) => /\.(srt|vtt)$/.test(name) && (prefix === "" || name.includes(prefix)))
    .sort((a, b) => Number(a.endsWith(".vtt")) - Number(b.endsWith(".vtt")) || a.localeCompare(b));
  const byLanguage = new Map<string, string>();
  for (const name of candidates) {
    const language = detectLanguage(readTranscript(path.join(dir, name)).cues);
    if (!byLanguage.has(language)) byLanguage.set(language, path.join(dir, name));
  }
  return [...byLanguage.values()];
}

/** Scores every talk with chapters under `dir`. */
export async function runSegmentationBench(dir: string): Promise<TalkResult[]> {
  const results: TalkResult[] = [];
  for (const chapterFile of findChapterFiles(dir)) {
    const chapters = readChapters(chapterFile);
    const talk = path.relative(dir, path.dirname(chapterFile)) || path.basename(chapterFile);
    for (const file of transcriptsBeside(chapterFile)) results.push(await scoreTalk(talk, chapters, file));
  }
  return results;
}

function mean(values: readonly number[]): number {
  return values.length > 0 ? values.reduce((sum, value) => sum + value, 0) / values.length : Number.NaN;
}

function cells(scores: SegmentationScores): string {
  return `${scores.pk.toFixed(3)} | ${scores.windowDiff.toFixed(3)} | ${scores.f1.toFixed(3)} | ${scores.boundaries}`;
}

function summarize(results: readonly TalkResult[], method: Method) {
  return {
    pk: mean(results.map((result) => result[method].pk)),
    windowDiff: mean(results.map((result) => result[method].windowDiff)),
    f1: mean(results.map((result) => result[method].f1)),
  };
}

/** Renders per-language tables of every talk and a summary of the mean scores, as Markdown. */
export function renderSegmentationTables(results: readonly TalkResult[]): string {
  const lines: string[] = [];
  for (const language of ["zh", "en"] as const) {
    const rows = results.filter((result) => result.language === language);
    if (rows.length === 0) continue;

    lines.push(`### ${language} (${rows.length} talks)`, "");
    lines.push("| talk | ref. boundaries | method | Pk | WindowDiff | F1 ±15 s | boundaries |");
    lines.push("| --- | --- | --- | --- | --- | --- | --- |");
    for (const row of rows) {
      for (const method of ["ours", "even", "textTiling"] as const) {
        lines.push(
          `| ${row.talk} | ${row.referenceBoundaries} | ${METHOD_NAMES[method]} | ${cells(row[method])} |`,
        );
      }
    }
    lines.push("");
  }

  lines.push("### Mean over talks (lower Pk and WindowDiff are better, higher F1 is better)", "");
  lines.push("| language | method | Pk | WindowDiff | F1 ±15 s |", "| --- | --- | --- | --- | --- |");
  const groups = [
    ["zh", results.filter((result) => result.language === "zh")],
    ["en", results.filter((result) => result.language === "en")],
    ["all", results],
  ] as const;
  for (const [name, group] of groups) {
    if (group.length === 0) continue;
    for (const method of ["ours", "even", "textTiling"] as const) {
      const summary = summarize(group, method);
      lines.push(
        `| ${name} | ${METHOD_NAMES[method]} | ${summary.pk.toFixed(3)} | ${summary.windowDiff.toFixed(3)} | ${summary.f1.toFixed(3)} |`,
      );
    }
  }
  return `${lines.join("\n")}\n`;
}

const NOTES = [
  "Pk and WindowDiff on a 1 s grid, k = half the mean reference segment length; F1 counts one-to-one matches within ±15 s.",
  "The embedded outline runs with the daemon's defaults (30–300 s clips); `even` places as many boundaries as the reference has, evenly; TextTiling uses 20-term pseudo-sentences, blocks of 6 and the depth threshold mean − sd / 2.",
  "Chapters are the authors' YouTube chapter lists; the Chinese transcripts are translations timed like the English ones, so both languages share one reference.",
];

/** Entry for `npm run bench`: scores the chapter files under the default fixture folder. */
export const benchmark: Benchmark = {
  name: "segmentation",
  title: "Topic segmentation against chapter lists",
  async run() {
    if (!existsSync(DEFAULT_DIR))
      return { rows: [], notes: [`No chapter files: ${DEFAULT_DIR} does not exist.`] };

    const results = await runSegmentationBench(DEFAULT_DIR);
    const rows: ResultRow[] = [];
    for (const language of ["zh", "en"] as const) {
      const group = results.filter((result) => result.language === language);
      if (group.length === 0) continue;
      const ours = summarize(group, "ours");
      const even = summarize(group, "even");
      const tiling = summarize(group, "textTiling");
      rows.push({
        measurement: `${language} mean Pk, ours (even, TextTiling), ${group.length} talks`,
        result: `${ours.pk.toFixed(3)} (${even.pk.toFixed(3)}, ${tiling.pk.toFixed(3)})`,
        target: "below both baselines",
        pass: ours.pk < even.pk && ours.pk < tiling.pk,
      });
      rows.push({
        measurement: `${language} mean boundary F1 ±15 s, ours (even, TextTiling)`,
        result: `${ours.f1.toFixed(3)} (${even.f1.toFixed(3)}, ${tiling.f1.toFixed(3)})`,
        target: "above both baselines",
        pass: ours.f1 > even.f1 && ours.f1 > tiling.f1,
      });
    }
    return { rows, notes: NOTES };
  },
};

async function main(): Promise<void> {
  const dir = path.resolve(process.argv[2] ?? DEFAULT_DIR);
  if (!existsSync(dir)) {
    process.stderr.write(
      `Folder ${dir} does not exist. Pass a folder that contains chapters.derived.tsv files.\n`,
    );
    process.exitCode = 2;
    return;
  }

  const results = await runSegmentationBench(dir);
  if (results.length === 0) {
    process.stderr.write(`No chapters.derived.tsv with a subtitle file beside it under ${dir}.\n`);
    process.exitCode = 2;
    return;
  }

  const body = `# Topic segmentation against chapter lists\n\n${NOTES.map((note) => `- ${note}`).join("\n")}\n\n${renderSegmentationTables(results)}`;
  process.stdout.write(body);
  await mkdir(path.join(root, "bench", "results"), { recursive: true });
  await writeFile(path.join(root, "bench", "results", "segmentation.md"), body);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
