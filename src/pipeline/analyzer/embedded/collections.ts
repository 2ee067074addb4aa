import type { PlannedCollection, TitledTopic, TranscriptFile } from "../../../../schemas/step-files.ts";
import type { AnalyzerOptions } from "../types.ts";
import { clusterDocuments, type DocumentCluster } from "./cluster.ts";
import { makeTitlesDistinct } from "./distinct-titles.ts";
import { buildPhraseTable, type PhraseTable } from "./key-phrases.ts";
import { rankKeyPhrases, rankSharedPhrases } from "./rank-phrases.ts";
import { countTerms, inverseDocumentFrequencies, type TermVector, weighTerms } from "./term-vectors.ts";
import { joinEnglishList, toTitleCase } from "./title-case.ts";
import { extractTerms } from "./tokenize.ts";
import { topicTexts } from "./topic-documents.ts";

/**
 * Factor applied to the weight of terms found in one clip only. Such terms cannot make two
 * clips similar, but at full weight they drown the shared terms in the cosine similarity.
 */
const SINGLE_CLIP_TERM_FACTOR = 0.25;

/** Number of shared phrases named in a collection's title and in its summary. */
const TITLE_PHRASES = 2;
const SUMMARY_PHRASES = 3;

/** Formats seconds as m:ss, or h:mm:ss from one hour on. */
function formatTime(seconds: number): string {
  const total = Math.max(0, Math.round(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

/** Weighs clip terms by TF-IDF across the clips, damping terms that only one clip has. */
function clusteringVectors(counts: readonly TermVector[]): TermVector[] {
  const idf = inverseDocumentFrequencies(counts);
  const clipsWithTerm = new Map<string, number>();
  for (const termCounts of counts) {
    for (const term of termCounts.keys()) clipsWithTerm.set(term, (clipsWithTerm.get(term) ?? 0) + 1);
  }

  return counts.map((termCounts) => {
    const weights = weighTerms(termCounts, idf);
    for (const [term, weight] of weights) {
      if (clipsWithTerm.get(term) === 1) weights.set(term, weight * SINGLE_CLIP_TERM_FACTOR);
    }
    return weights;
  });
}

/** Returns the shared phrases of a cluster, or the top phrase of each member when they share none. */
function clusterPhrases(table: PhraseTable, members: number[], limit: number): string[] {
  const shared = rankSharedPhrases(table, members, limit).map((phrase) => phrase.text);
  if (shared.length > 0) return shared;

  const own = members.flatMap((member) => rankKeyPhrases(table, member, 1).map((phrase) => phrase.text));
  return [...new Set(own)].slice(0, limit);
}

function writeTitle(phrases: string[], fallback: string, language: "zh" | "en"): string {
  if (phrases.length === 0) return fallback;
  if (language === "zh") return phrases.slice(0, TITLE_PHRASES).join("与");
  return toTitleCase(joinEnglishList(phrases.slice(0, TITLE_PHRASES)));
}

function writeSummary(
  cluster: DocumentCluster,
  phrases: string[],
  topics: readonly TitledTopic[],
  language: "zh" | "en",
): string {
  const clips = cluster.members.map((member) => topics[member] as TitledTopic);
  const from = formatTime(Math.min(...clips.map((clip) => clip.start_time)));
  const to = formatTime(Math.max(...clips.map((clip) => clip.end_time)));
  const size = clips.length;

  if (language === "zh") {
    const quoted = phrases.map((phrase) => `“${phrase}”`).join("、");
    if (cluster.forced)
      return `这 ${size} 个片段用词关联不强，按最接近的一组归在一起，时间从 ${from} 到 ${to}。`;
    return `${size} 个片段都在讲${quoted}，时间从 ${from} 到 ${to}。`;
  }

  const quoted = joinEnglishList(phrases.map((phrase) => `"${phrase}"`));
  if (cluster.forced) {
    return `These ${size} clips share little vocabulary; they are grouped as the closest match in the talk, from ${from} to ${to}.`;
  }
  return `${size} clips about ${quoted}, from ${from} to ${to}.`;
}

/**
 * Groups clips into collections of related clips by the similarity of their terms
 * ({@link clusterDocuments}), with at least `minCollectionSize` clips each (2 at least). Each
 * collection is titled by the phrases its clips share and summarized in one sentence in the
 * transcript language. Collections are numbered in order of their first clip, and list their
 * clips in time order.
 */
export function planCollections(
  topics: readonly TitledTopic[],
  transcript: TranscriptFile,
  options: AnalyzerOptions,
): PlannedCollection[] {
  const minSize = Math.max(2, options.minCollectionSize);
  if (topics.length < minSize) return [];

  const { cues, language } = transcript;
  const texts = topicTexts(topics, cues);
  const counts = texts.map((cueTexts) => countTerms(cueTexts.flatMap((text) => extractTerms(text))));
  const clusters = clusterDocuments(clusteringVectors(counts), minSize);
  const table = buildPhraseTable(texts);

  const byTime = (a: number, b: number) =>
    (topics[a]?.start_time ?? 0) - (topics[b]?.start_time ?? 0) || a - b;
  const ordered = clusters
    .map((cluster) => ({ ...cluster, members: [...cluster.members].sort(byTime) }))
    .sort((a, b) => byTime(a.members[0] ?? 0, b.members[0] ?? 0));

  const phrases = ordered.map((cluster) => clusterPhrases(table, cluster.members, SUMMARY_PHRASES));
  const fallback = language === "zh" ? "相关片段" : "Related Clips";
  const titles = makeTitlesDistinct(
    ordered.map((_, index) => writeTitle(phrases[index] ?? [], fallback, language)),
    phrases.map((list) =>
      list.slice(TITLE_PHRASES).map((phrase) => (language === "zh" ? phrase : toTitleCase(phrase))),
    ),
    language,
  );

  return ordered.map((cluster, index) => ({
    id: String(index + 1),
    collection_title: titles[index] ?? fallback,
    collection_summary: writeSummary(cluster, phrases[index] ?? [], topics, language),
    clip_ids: cluster.members.map((member) => topics[member]?.id ?? String(member + 1)),
  }));
}
