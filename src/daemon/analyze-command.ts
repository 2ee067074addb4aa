import { readFile } from "node:fs/promises";
import path from "node:path";
import type { PlannedCollection, TranscriptFile } from "../../schemas/step-files.ts";
import { createEmbeddedAnalyzer } from "../pipeline/analyzer/embedded/index.ts";
import { type AlignedTimedTopic, buildTimeline } from "../pipeline/analyzer/timeline.ts";
import type { AnalyzerOptions } from "../pipeline/analyzer/types.ts";
import { noClipsNotice } from "../pipeline/steps/analysis-steps.ts";
import { detectLanguage, parseSubtitle, SubtitleParseError } from "../pipeline/subtitles/index.ts";
import type { Locale } from "../shared/locale.ts";

/** Input of `autoclipd analyze`. */
export interface AnalyzeCommandOptions {
  /** Subtitle file to analyze. */
  file: string;
  /** Print one JSON document instead of the table. */
  json: boolean;
  minClipSeconds: number;
  maxClipSeconds: number;
  scoreThreshold: number;
  /** Seconds added before and after each clip. @default 0 */
  paddingSeconds?: number;
  /** Language of the table and the messages; the JSON field names are always English. */
  locale: Locale;
}

/** One topic of the JSON report. */
interface ReportTopic {
  id: string;
  start: string;
  end: string;
  start_time: number;
  end_time: number;
  score: number;
  kept: boolean;
  title: string | null;
  outline: string;
  reason: string;
  sentence_aligned: boolean;
}

/** Smallest number of clips a collection groups, as in the daemon. */
const MIN_COLLECTION_SIZE = 2;

const MESSAGES = {
  en: {
    header: (file: string, language: string, cues: number, length: string) =>
      `${file}: language ${language}, ${cues} cues, ${length}`,
    summary: (topics: number, kept: number, threshold: number) =>
      `${topics} topics, ${kept} kept as clips (score threshold ${threshold})`,
    columns: "#\ttime\tscore\tkept\ttitle or outline",
    yes: "yes",
    no: "no",
    unaligned: " (edge not on a sentence end)",
    collections: (count: number) => `${count} collections`,
    clips: (ids: string[]) => `clips ${ids.join(", ")}`,
    noClips: (threshold: number, best: number | null, candidates: number) =>
      noClipsNotice(threshold, best, candidates),
    unreadable: (file: string, reason: string) =>
      `Could not read ${file}: ${reason}. Check the path and that the file is readable.`,
  },
  zh: {
    header: (file: string, language: string, cues: number, length: string) =>
      `${file}：语言 ${language}，${cues} 条字幕，时长 ${length}`,
    summary: (topics: number, kept: number, threshold: number) =>
      `共 ${topics} 个话题，${kept} 个保留为切片（评分阈值 ${threshold}）`,
    columns: "#\t时间\t评分\t保留\t标题或提要",
    yes: "是",
    no: "否",
    unaligned: "（边界不在句末）",
    collections: (count: number) => `${count} 个合集`,
    clips: (ids: string[]) => `切片 ${ids.join("、")}`,
    noClips: (threshold: number, best: number | null, candidates: number) =>
      candidates === 0
        ? "字幕中没有可评分的话题，因此没有生成切片。"
        : `没有话题达到评分阈值 ${threshold}（${candidates} 个候选中最高 ${best}）；调低 --score-threshold 可保留更多切片。`,
    unreadable: (file: string, reason: string) => `无法读取 ${file}：${reason}。请检查路径以及文件是否可读。`,
  },
} as const;

/** Formats seconds as HH:MM:SS, rounded to the nearest second. */
export function formatClock(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const parts = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  return parts.map((part) => String(part).padStart(2, "0")).join(":");
}

/** Reads and parses the subtitle file, or returns the message to print when that fails. */
async function readTranscript(
  file: string,
  locale: Locale,
): Promise<{ transcript: TranscriptFile } | { error: string; code: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "READ_FAILED";
    return { code, error: MESSAGES[locale].unreadable(file, (error as Error).message) };
  }

  try {
    const parsed = parseSubtitle(bytes, path.basename(file));
    const transcript: TranscriptFile = {
      source: path.basename(file),
      format: parsed.format,
      language: detectLanguage(parsed.cues),
      cues: parsed.cues,
    };
    return { transcript };
  } catch (error) {
    if (!(error instanceof SubtitleParseError)) throw error;
    return { code: error.code, error: error.message };
  }
}

function toReportTopics(
  timeline: readonly AlignedTimedTopic[],
  scores: ReadonlyMap<string, { score: number; reason: string }>,
  titles: ReadonlyMap<string, string>,
  threshold: number,
): ReportTopic[] {
  return timeline.map((topic) => {
    const score = scores.get(topic.id)?.score ?? 0;
    return {
      id: topic.id,
      start: formatClock(topic.start_time),
      end: formatClock(topic.end_time),
      start_time: topic.start_time,
      end_time: topic.end_time,
      score,
      kept: score >= threshold,
      title: titles.get(topic.id) ?? null,
      outline: topic.outline,
      reason: scores.get(topic.id)?.reason ?? "",
      sentence_aligned: topic.sentence_aligned,
    };
  });
}

function renderHuman(
  locale: Locale,
  transcript: TranscriptFile,
  topics: readonly ReportTopic[],
  collections: readonly PlannedCollection[],
  notice: string | null,
  threshold: number,
): string {
  const messages = MESSAGES[locale];
  const length = formatClock(transcript.cues.at(-1)?.end ?? 0);
  const kept = topics.filter((topic) => topic.kept).length;
  const lines = [
    messages.header(transcript.source, transcript.language, transcript.cues.length, length),
    messages.summary(topics.length, kept, threshold),
    "",
    messages.columns,
  ];

  for (const topic of topics) {
    const label = topic.title ?? topic.outline;
    const aligned = topic.sentence_aligned ? "" : messages.unaligned;
    const keptCell = topic.kept ? messages.yes : messages.no;
    lines.push(
      `${topic.id}\t${topic.start}–${topic.end}\t${topic.score.toFixed(2)}\t${keptCell}\t${label}${aligned}`,
    );
  }
  if (notice) lines.push("", notice);

  lines.push("", messages.collections(collections.length));
  for (const collection of collections) {
    lines.push(`${collection.id}\t${collection.collection_title} (${messages.clips(collection.clip_ids)})`);
    lines.push(`\t${collection.collection_summary}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Runs `autoclipd analyze FILE [--json]`: the language steps of the pipeline (outline, timeline
 * with sentence snapping, scoring, titles, collections) with the embedded analyzer on a subtitle
 * file alone, with no video and no cutting. Prints every topic with its time range, score,
 * whether it is kept and its title, then the collections; with `json`, one JSON document.
 * Resolves with the exit code: 0, or 2 when the file cannot be read or has no cue with text.
 */
export async function runAnalyzeCommand(
  options: AnalyzeCommandOptions,
  output: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const read = await readTranscript(options.file, options.locale);
  if ("error" in read) {
    const text = options.json
      ? JSON.stringify({ error: { code: read.code, message: read.error } })
      : read.error;
    output.write(`${text}\n`);
    return 2;
  }

  const { transcript } = read;
  const analyzer = createEmbeddedAnalyzer();
  const analyzerOptions: AnalyzerOptions = {
    minClipSeconds: options.minClipSeconds,
    maxClipSeconds: options.maxClipSeconds,
    scoreThreshold: options.scoreThreshold,
    minCollectionSize: MIN_COLLECTION_SIZE,
    paddingSeconds: options.paddingSeconds ?? 0,
  };
  const outline = await analyzer.outline(transcript, analyzerOptions);
  const timeline = buildTimeline(outline, transcript.cues, {
    minClipSeconds: options.minClipSeconds,
    maxClipSeconds: options.maxClipSeconds,
    paddingSeconds: options.paddingSeconds ?? 0,
  });
  const scored = await analyzer.score(timeline, transcript, analyzerOptions);
  const kept = scored.filter((topic) => topic.final_score >= options.scoreThreshold);
  const titled = await analyzer.title(kept, transcript, analyzerOptions);
  const collections =
    titled.length >= MIN_COLLECTION_SIZE
      ? await analyzer.collections(titled, transcript, analyzerOptions)
      : [];

  const scores = new Map(
    scored.map((topic) => [topic.id, { score: topic.final_score, reason: topic.recommend_reason }]),
  );
  const titles = new Map(titled.map((topic) => [topic.id, topic.generated_title]));
  const topics = toReportTopics(timeline, scores, titles, options.scoreThreshold);
  const bestScore = scored.length > 0 ? Math.max(...scored.map((topic) => topic.final_score)) : null;
  const notice =
    kept.length === 0
      ? MESSAGES[options.locale].noClips(options.scoreThreshold, bestScore, scored.length)
      : null;

  if (!options.json) {
    output.write(
      renderHuman(options.locale, transcript, topics, collections, notice, options.scoreThreshold),
    );
    return 0;
  }

  const document = {
    file: transcript.source,
    format: transcript.format,
    language: transcript.language,
    cues: transcript.cues.length,
    duration_seconds: transcript.cues.at(-1)?.end ?? 0,
    threshold: options.scoreThreshold,
    candidates: scored.length,
    kept: kept.length,
    best_score: bestScore,
    notice,
    topics,
    collections,
  };
  output.write(`${JSON.stringify(document, null, 2)}\n`);
  return 0;
}
