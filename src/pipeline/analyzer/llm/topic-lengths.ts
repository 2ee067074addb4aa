import type { Cue, Topic } from "../../../../schemas/step-files.ts";
import { findSentenceEnds } from "../sentence-boundaries.ts";
import { spanSeconds } from "./chunks.ts";
import { joinCueTexts, sentencesOfRange } from "./cue-text.ts";

/** Shortest and longest topic in seconds. */
export interface LengthLimits {
  minSeconds: number;
  maxSeconds: number;
}

/** Maximum number of key sentences in a topic's content. */
const MAX_CONTENT = 3;

/** Removes whitespace and punctuation, so that a key sentence can be found whatever its spacing and marks. */
function letters(text: string): string {
  return text.replace(/[\s\p{P}]/gu, "");
}

/**
 * Chooses the last cue of the first piece of cues `start` to `end`. The piece may last at most
 * `maxSeconds`. Cuts that leave both sides at least `minSeconds` long come first, then cuts
 * after a cue that ends a sentence (`sentenceEnds[i]`), then the cut nearest to an even
 * split into `parts`. Returns `start` when the first cue alone is longer than the maximum.
 */
function chooseCut(
  cues: readonly Cue[],
  sentenceEnds: readonly boolean[],
  start: number,
  end: number,
  limits: LengthLimits,
  parts: number,
): number {
  const target = (cues[start]?.start ?? 0) + spanSeconds(cues, start, end) / parts;
  let best = start;
  let bestRank = Number.POSITIVE_INFINITY;
  let bestDistance = Number.POSITIVE_INFINITY;

  for (let cut = start; cut < end; cut++) {
    const piece = spanSeconds(cues, start, cut);
    if (piece > limits.maxSeconds) continue;

    const balanced = piece >= limits.minSeconds && spanSeconds(cues, cut + 1, end) >= limits.minSeconds;
    const rank = (balanced ? 0 : 2) + (sentenceEnds[cut] ? 0 : 1);
    const distance = Math.abs((cues[cut]?.end ?? 0) - target);
    if (rank < bestRank || (rank === bestRank && distance < bestDistance)) {
      best = cut;
      bestRank = rank;
      bestDistance = distance;
    }
  }
  return best;
}

/** Describes one piece of a split topic: the topic's outline numbered, and its key sentences that fall in the piece. */
function describePiece(
  topic: Topic,
  range: { start: number; end: number },
  number: number,
  count: number,
  cues: readonly Cue[],
  language: "zh" | "en",
): Topic {
  const pieceText = letters(joinCueTexts(cues, range.start, range.end));
  const content = topic.content.filter((sentence) => {
    const key = letters(sentence);
    return key !== "" && pieceText.includes(key);
  });
  if (content.length === 0) {
    const [first] = sentencesOfRange(cues, range.start, range.end, language);
    if (first) content.push(first);
  }
  const suffix = language === "zh" ? `（${number}/${count}）` : ` (${number}/${count})`;

  return {
    outline: `${topic.outline}${suffix}`,
    start_cue: range.start,
    end_cue: range.end,
    content,
  };
}

/** Splits a topic longer than `maxSeconds` into pieces that fit, cutting at sentence ends where it can. */
function splitLongTopic(
  topic: Topic,
  cues: readonly Cue[],
  sentenceEnds: readonly boolean[],
  limits: LengthLimits,
  language: "zh" | "en",
): Topic[] {
  const ranges: { start: number; end: number }[] = [];
  let start = topic.start_cue;

  while (start < topic.end_cue && spanSeconds(cues, start, topic.end_cue) > limits.maxSeconds) {
    const parts = Math.ceil(spanSeconds(cues, start, topic.end_cue) / limits.maxSeconds);
    const cut = chooseCut(cues, sentenceEnds, start, topic.end_cue, limits, parts);
    ranges.push({ start, end: cut });
    start = cut + 1;
  }
  ranges.push({ start, end: topic.end_cue });

  if (ranges.length === 1) return [topic];
  return ranges.map((range, index) => describePiece(topic, range, index + 1, ranges.length, cues, language));
}

/** Joins two neighbouring topics; the longer one gives the outline and the first key sentences. */
function joinTopics(first: Topic, second: Topic, cues: readonly Cue[]): Topic {
  const firstLonger =
    spanSeconds(cues, first.start_cue, first.end_cue) >= spanSeconds(cues, second.start_cue, second.end_cue);
  const [major, minor] = firstLonger ? [first, second] : [second, first];

  return {
    outline: major.outline,
    start_cue: first.start_cue,
    end_cue: second.end_cue,
    content: [...new Set([...major.content, ...minor.content])].slice(0, MAX_CONTENT),
  };
}

/**
 * Joins topics shorter than `minSeconds` with a neighbour, shortest topic first, choosing the
 * neighbour that gives the shorter result. A short topic stays as it is when joining it with
 * either neighbour would pass `maxSeconds`.
 */
function joinShortTopics(topics: readonly Topic[], cues: readonly Cue[], limits: LengthLimits): Topic[] {
  const result = [...topics];
  const length = (topic: Topic) => spanSeconds(cues, topic.start_cue, topic.end_cue);

  for (;;) {
    const shortTopics = result
      .map((topic, index) => ({ index, seconds: length(topic) }))
      .filter((entry) => entry.seconds < limits.minSeconds)
      .sort((a, b) => a.seconds - b.seconds || a.index - b.index);

    let joined = false;
    for (const { index } of shortTopics) {
      // A join replaces the pair that starts at `first`: the topic before and this one, or this one and the next.
      const pairs = [index - 1, index]
        .filter((first) => first >= 0 && first + 1 < result.length)
        .map((first) => ({
          first,
          seconds: spanSeconds(cues, result[first]?.start_cue ?? 0, result[first + 1]?.end_cue ?? 0),
        }))
        .filter((pair) => pair.seconds <= limits.maxSeconds)
        .sort((a, b) => a.seconds - b.seconds);
      const pair = pairs[0];
      if (!pair) continue;

      const joinedTopic = joinTopics(result[pair.first] as Topic, result[pair.first + 1] as Topic, cues);
      result.splice(pair.first, 2, joinedTopic);
      joined = true;
      break;
    }

    if (!joined) return result;
  }
}

/**
 * Brings contiguous topics within the clip length limits: a topic longer than `maxSeconds` is
 * split at sentence ends ({@link findSentenceEnds}, which falls back to pauses in captions
 * without punctuation), then a topic shorter than `minSeconds` is joined with a neighbour.
 * A single cue longer than the maximum stays whole, and a short topic stays short when both
 * joins would pass the maximum.
 */
export function fitTopicLengths(
  topics: readonly Topic[],
  cues: readonly Cue[],
  limits: LengthLimits,
  language: "zh" | "en",
): Topic[] {
  const { ends } = findSentenceEnds(cues);
  const split = topics.flatMap((topic) => splitLongTopic(topic, cues, ends, limits, language));
  return joinShortTopics(split, cues, limits);
}
