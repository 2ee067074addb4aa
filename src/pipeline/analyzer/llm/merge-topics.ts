import type { Cue, Topic } from "../../../../schemas/step-files.ts";
import { type CueChunk, spanSeconds } from "./chunks.ts";
import { sentencesOfRange } from "./cue-text.ts";

/** A topic proposed for one chunk, before the chunks are merged. */
export interface TopicCandidate extends Topic {
  chunkIndex: number;
  /** True when the topic touches a chunk edge that cuts the transcript, so it may be incomplete. */
  touchesCut: boolean;
}

/** Tells whether a topic starts at its chunk's first cue or ends at its last cue, where another chunk continues. */
export function touchesChunkCut(
  topic: Pick<Topic, "start_cue" | "end_cue">,
  chunk: CueChunk,
  chunkCount: number,
): boolean {
  const cutBefore = chunk.index > 0 && topic.start_cue <= chunk.firstCue;
  const cutAfter = chunk.index < chunkCount - 1 && topic.end_cue >= chunk.lastCue;
  return cutBefore || cutAfter;
}

/** Tells whether `a` is the better of two overlapping candidates: whole rather than cut, then longer, then earlier. */
function isPreferred(a: TopicCandidate, b: TopicCandidate): boolean {
  if (a.touchesCut !== b.touchesCut) return !a.touchesCut;

  const lengthA = a.end_cue - a.start_cue;
  const lengthB = b.end_cue - b.start_cue;
  if (lengthA !== lengthB) return lengthA > lengthB;
  return a.chunkIndex < b.chunkIndex;
}

/** Share of a losing candidate's cues that the winner must cover for the two to count as duplicates. */
const DUPLICATE_SHARE = 0.5;

function cueCount(topic: { start_cue: number; end_cue: number }): number {
  return topic.end_cue - topic.start_cue + 1;
}

/**
 * Merges the candidates of overlapping chunks into non-overlapping topics in time order. Of
 * two overlapping candidates, the winner is the one that no chunk edge cuts, else the longer,
 * else the one from the earlier chunk. The loser is dropped as a duplicate when the winner
 * covers at least half of its cues. Otherwise it keeps its outline and is trimmed to the cues
 * the winner does not cover before or after it. Returns the topics and the number of
 * candidates dropped and trimmed.
 */
export function mergeCandidates(candidates: readonly TopicCandidate[]): {
  topics: Topic[];
  dropped: number;
  trimmed: number;
} {
  const sorted = [...candidates].sort(
    (a, b) => a.start_cue - b.start_cue || a.end_cue - b.end_cue || a.chunkIndex - b.chunkIndex,
  );
  const kept: TopicCandidate[] = [];
  let dropped = 0;
  let trimmed = 0;

  for (const candidate of sorted) {
    const last = kept.at(-1);
    if (!last || candidate.start_cue > last.end_cue) {
      kept.push(candidate);
      continue;
    }

    // `last` starts after the end of the topic kept before it, and the candidate starts no
    // earlier than `last`, so neither the trimmed `last` nor the candidate can overlap that topic.
    const shared = Math.min(last.end_cue, candidate.end_cue) - candidate.start_cue + 1;
    if (isPreferred(candidate, last)) {
      const rest = { ...last, end_cue: candidate.start_cue - 1 };
      if (cueCount(rest) <= 0 || shared >= cueCount(last) * DUPLICATE_SHARE) {
        kept.pop();
        dropped++;
      } else {
        kept[kept.length - 1] = rest;
        trimmed++;
      }
      kept.push(candidate);
      continue;
    }

    const rest = { ...candidate, start_cue: last.end_cue + 1 };
    if (cueCount(rest) <= 0 || shared >= cueCount(candidate) * DUPLICATE_SHARE) {
      dropped++;
      continue;
    }
    kept.push(rest);
    trimmed++;
  }

  return {
    topics: kept.map(({ outline, start_cue, end_cue, content }) => ({
      outline,
      start_cue,
      end_cue,
      content,
    })),
    dropped,
    trimmed,
  };
}

/** Builds a topic for cues no proposed topic covers: its first sentence serves as outline and content. */
function gapTopic(cues: readonly Cue[], startCue: number, endCue: number, language: "zh" | "en"): Topic {
  const [first = ""] = sentencesOfRange(cues, startCue, endCue, language);
  return { outline: first, start_cue: startCue, end_cue: endCue, content: first === "" ? [] : [first] };
}

/**
 * Extends sorted, non-overlapping topics until together they cover every cue. A run of
 * uncovered cues lasting `minSeconds` or more becomes a topic of its own. A shorter run joins
 * the topic before it, or the topic after it when it precedes the first topic.
 */
export function fillGaps(
  topics: readonly Topic[],
  cues: readonly Cue[],
  minSeconds: number,
  language: "zh" | "en",
): Topic[] {
  if (cues.length === 0) return [];
  if (topics.length === 0) return [gapTopic(cues, 0, cues.length - 1, language)];

  const result: Topic[] = [];
  let nextCue = 0;
  const coverUpTo = (endCue: number, following: Topic | undefined) => {
    if (nextCue > endCue) return;

    const previous = result.at(-1);
    if (spanSeconds(cues, nextCue, endCue) >= minSeconds || (!previous && !following)) {
      result.push(gapTopic(cues, nextCue, endCue, language));
    } else if (previous) {
      previous.end_cue = endCue;
    } else if (following) {
      following.start_cue = nextCue;
    }
    nextCue = endCue + 1;
  };

  for (const topic of topics) {
    const copy = { ...topic, content: [...topic.content] };
    coverUpTo(copy.start_cue - 1, copy);
    result.push(copy);
    nextCue = copy.end_cue + 1;
  }
  coverUpTo(cues.length - 1, undefined);
  return result;
}
