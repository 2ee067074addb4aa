import type { Cue, Topic, TranscriptFile } from "../../../../schemas/step-files.ts";
import { findSentenceEnds } from "../sentence-boundaries.ts";
import type { AnalyzerOptions } from "../types.ts";
import { chooseBoundaries } from "./boundaries.ts";
import { measureCohesion } from "./cohesion.ts";
import { buildPhraseTable } from "./key-phrases.ts";
import { MAX_SENTENCE_LENGTH, pickKeySentences } from "./key-sentences.ts";
import { rankKeyPhrases } from "./rank-phrases.ts";
import { sentencesOfCues } from "./sentences.ts";
import { countTerms, inverseDocumentFrequencies, weighTerms } from "./term-vectors.ts";
import { extractTerms } from "./tokenize.ts";

/** Topic lengths in seconds that get no length penalty, within the caller's min and max. */
const PREFERRED_SECONDS = { min: 60, max: 300 };

/**
 * Extra depth a boundary needs, growing linearly from 0 for a transcript of
 * {@link BOUNDARY_PRICE_FROM_SECONDS} to its full value at {@link BOUNDARY_PRICE_FULL_SECONDS}.
 * A long talk then splits into chapter-sized topics of a few minutes, while a short one keeps
 * topics of about a minute. The values were tuned with `npm run bench:segmentation` against the
 * chapter lists of nine real talks, so they are fitted to few examples.
 */
const BOUNDARY_PRICE = 0.3;
const BOUNDARY_PRICE_FROM_SECONDS = 600;
const BOUNDARY_PRICE_FULL_SECONDS = 1200;

/** Length of each cohesion window, in seconds. */
const WINDOW_SECONDS = 50;

/** Bonus for a boundary after a cue that ends a sentence. */
const SENTENCE_END_BONUS = 0.08;

/**
 * Penalty for a boundary inside a sentence. It is larger than any depth gain, so such a
 * boundary is chosen only where the topic length limits leave no sentence end to use, but
 * smaller than the penalty for a topic under the minimum length.
 */
const MID_SENTENCE_PENALTY = 3;

/** Largest bonus for a pause before a boundary, reached at {@link FULL_PAUSE_SECONDS} above the median pause. */
const PAUSE_BONUS = 0.08;
const FULL_PAUSE_SECONDS = 2;

/** Number of key phrases in a topic's outline text, and of key sentences in its content. */
const OUTLINE_PHRASES = 4;
const CONTENT_SENTENCES = 3;

/**
 * A depth valley is also credited to cues up to this many positions and seconds away, minus a
 * small decay per position, so that a sentence end next to the deepest point can win.
 */
const VALLEY_SPREAD = { cues: 3, seconds: 10, decayPerCue: 0.04 };

/** Spreads each depth score to its neighbors within {@link VALLEY_SPREAD}, keeping the maximum. */
function spreadValleys(cues: readonly Cue[], depth: Float64Array): Float64Array {
  const spread = Float64Array.from(depth);
  for (let index = 1; index < depth.length; index++) {
    const time = cues[index]?.start ?? 0;
    for (let offset = 1; offset <= VALLEY_SPREAD.cues; offset++) {
      for (const neighbor of [index - offset, index + offset]) {
        if (neighbor < 1 || neighbor >= depth.length) continue;
        if (Math.abs((cues[neighbor]?.start ?? 0) - time) > VALLEY_SPREAD.seconds) continue;
        const credited = (depth[index] ?? 0) - VALLEY_SPREAD.decayPerCue * offset;
        if (credited > (spread[neighbor] ?? 0)) spread[neighbor] = credited;
      }
    }
  }
  return spread;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Computes the gain of starting a topic at each cue. The base is its depth score, spread to
 * nearby cues, minus a threshold of the mean depth plus half a standard deviation plus the
 * boundary price of a long transcript. A sentence
 * end ({@link findSentenceEnds}) or a pause before the cue adds a bonus, and a cut inside a
 * sentence costs a penalty that rules it out wherever the length limits allow.
 */
function boundaryGains(cues: readonly Cue[], rawDepth: Float64Array): Float64Array {
  const count = cues.length;
  const depth = spreadValleys(cues, rawDepth);
  const gains = new Float64Array(count);
  if (count < 2) return gains;

  let sum = 0;
  let squares = 0;
  for (let index = 1; index < count; index++) {
    sum += rawDepth[index] ?? 0;
    squares += (rawDepth[index] ?? 0) ** 2;
  }
  const mean = sum / (count - 1);
  const deviation = Math.sqrt(Math.max(0, squares / (count - 1) - mean * mean));
  const duration = (cues[count - 1]?.end ?? 0) - (cues[0]?.start ?? 0);
  const priceShare =
    (duration - BOUNDARY_PRICE_FROM_SECONDS) / (BOUNDARY_PRICE_FULL_SECONDS - BOUNDARY_PRICE_FROM_SECONDS);
  const threshold = mean + 0.5 * deviation + BOUNDARY_PRICE * Math.min(1, Math.max(0, priceShare));

  const sentenceEnds = findSentenceEnds(cues).ends;
  const pauses = cues.slice(1).map((cue, index) => Math.max(0, cue.start - (cues[index]?.end ?? 0)));
  const typicalPause = median(pauses);

  for (let index = 1; index < count; index++) {
    let gain = (depth[index] ?? 0) - threshold;
    gain += sentenceEnds[index - 1] ? SENTENCE_END_BONUS : -MID_SENTENCE_PENALTY;
    const pause = (pauses[index - 1] ?? 0) - typicalPause;
    gain += PAUSE_BONUS * Math.min(1, Math.max(0, pause / FULL_PAUSE_SECONDS));
    gains[index] = gain;
  }
  return gains;
}

/** Fills in each topic's outline text (its key phrases) and content (its key sentences). */
function describeTopics(starts: number[], transcript: TranscriptFile): Topic[] {
  const { cues, language } = transcript;
  const ranges = starts.map((start, index) => ({
    start_cue: start,
    end_cue: (starts[index + 1] ?? cues.length) - 1,
  }));
  const texts = ranges.map((range) => cues.slice(range.start_cue, range.end_cue + 1).map((cue) => cue.text));

  const phrases = buildPhraseTable(texts);
  const termCounts = texts.map((cueTexts) => countTerms(cueTexts.flatMap((text) => extractTerms(text))));
  const idf = inverseDocumentFrequencies(termCounts);
  const separator = language === "zh" ? "、" : ", ";

  return ranges.map((range, index) => {
    const sentences = sentencesOfCues(texts[index] ?? [], MAX_SENTENCE_LENGTH[language]);
    const content = pickKeySentences(
      sentences,
      weighTerms(termCounts[index] ?? new Map(), idf),
      CONTENT_SENTENCES,
      language,
    );
    const keyPhrases = rankKeyPhrases(phrases, index, OUTLINE_PHRASES).map((phrase) => phrase.text);
    const outline = keyPhrases.length > 0 ? keyPhrases.join(separator) : (sentences[0] ?? "");

    return {
      outline,
      start_cue: range.start_cue,
      end_cue: range.end_cue,
      content: content.length > 0 ? content : sentences.slice(0, 1),
    };
  });
}

/**
 * Splits a transcript into topics of whole cues that together cover it in order. Boundaries
 * sit where lexical cohesion dips ({@link measureCohesion}), preferably after a sentence end
 * and a pause. Each topic lasts between `minClipSeconds` and `maxClipSeconds` where the cue
 * timing allows; {@link chooseBoundaries} states the exceptions.
 */
export function outlineTopics(transcript: TranscriptFile, options: AnalyzerOptions): Topic[] {
  const { cues } = transcript;
  if (cues.length === 0) return [];

  const cueTerms = cues.map((cue) => extractTerms(cue.text));
  const { depth } = measureCohesion(cues, cueTerms, WINDOW_SECONDS);
  const starts = chooseBoundaries(cues, boundaryGains(cues, depth), {
    minSeconds: options.minClipSeconds,
    maxSeconds: options.maxClipSeconds,
    preferredMinSeconds: Math.min(
      options.maxClipSeconds,
      Math.max(options.minClipSeconds, PREFERRED_SECONDS.min),
    ),
    preferredMaxSeconds: Math.max(
      options.minClipSeconds,
      Math.min(options.maxClipSeconds, PREFERRED_SECONDS.max),
    ),
  });

  return describeTopics(starts, transcript);
}
