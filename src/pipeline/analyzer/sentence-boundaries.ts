import type { Cue } from "../../../schemas/step-files.ts";

/** Evidence used to find the sentence ends of a transcript. */
export type SentenceEvidence = "punctuation" | "pauses";

/** Sentence ends of a transcript, and the evidence behind them. */
export interface SentenceEnds {
  /** `ends[i]` is true when a sentence ends with cue `i`. The last cue always ends one. */
  ends: boolean[];
  evidence: SentenceEvidence;
  /** Shortest gap in seconds between cues that counts as a sentence end; null with punctuation. */
  pauseSeconds: number | null;
}

/** Closing quotes and brackets that may follow the mark that ends a sentence. */
const CLOSERS = `"'”’」』）)\\]`;

/** A cue text ending in a sentence mark (。！？!?… or `.`), optionally followed by closers. */
const SENTENCE_MARK_AT_END = new RegExp(`([。！？!?…]|\\.)[${CLOSERS}]*$`);

/** Sentence marks anywhere in a text, counted to tell punctuated transcripts from raw captions. */
const SENTENCE_MARK = /[。！？!?…]|\.(?=\s|$)/g;

/**
 * Words that end in a period without ending a sentence. "etc." is left out on purpose
 * because it mostly does end one.
 */
const ABBREVIATIONS = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "vs",
  "e.g",
  "i.e",
  "cf",
  "fig",
  "approx",
]);

/** Sentence marks per cue below which a transcript counts as unpunctuated. */
const MIN_MARKS_PER_CUE = 0.15;

/** Gap between cues that always counts as a sentence end in an unpunctuated transcript. */
const PAUSE_SECONDS = 0.6;

/** Shortest gap that can count as a sentence end, so that timing jitter never does. */
const MIN_PAUSE_SECONDS = 0.2;

/** Percentile of the gaps between cues used as the pause threshold when it is below {@link PAUSE_SECONDS}. */
const PAUSE_PERCENTILE = 0.9;

function gapAfter(cues: readonly Cue[], index: number): number {
  const next = cues[index + 1];
  const cue = cues[index];
  if (!next || !cue) return Number.POSITIVE_INFINITY;

  return Math.max(0, next.start - cue.end);
}

/**
 * Tells whether a cue text ends a sentence by its punctuation: Chinese 。！？… (full or half
 * width) or English `.`, `!`, `?`, each optionally followed by closing quotes or brackets. A
 * period after a known abbreviation ("Mr.") does not end a sentence, and neither does one after
 * a digit when the next cue starts with a digit (a decimal number split across cues).
 */
export function endsWithSentenceMark(text: string, nextText = ""): boolean {
  const trimmed = text.trimEnd();
  const match = SENTENCE_MARK_AT_END.exec(trimmed);
  if (!match) return false;
  if (match[1] !== ".") return true;

  const before = trimmed.slice(0, match.index);
  const word = /([\p{L}.]+)$/u.exec(before)?.[1]?.toLowerCase() ?? "";
  if (ABBREVIATIONS.has(word)) return false;
  if (/\d$/.test(before) && /^\s*\d/.test(nextText)) return false;
  return true;
}

function pauseThreshold(cues: readonly Cue[]): number {
  const gaps = cues.slice(0, -1).map((_, index) => gapAfter(cues, index));
  if (gaps.length === 0) return PAUSE_SECONDS;

  gaps.sort((a, b) => a - b);
  const percentile = gaps[Math.min(gaps.length - 1, Math.floor(PAUSE_PERCENTILE * gaps.length))] ?? 0;
  return Math.max(MIN_PAUSE_SECONDS, Math.min(PAUSE_SECONDS, percentile));
}

/**
 * Finds the cues that end a sentence. A punctuated transcript (at least 0.15 sentence marks
 * per cue) is read by its punctuation alone. In an unpunctuated one, such as raw auto-captions
 * or Chinese subtitles written without end marks, a cue also ends a sentence when a pause
 * follows it. The pause threshold is 0.6 s, or the 90th percentile of the gaps when that is
 * shorter, and never under 0.2 s. The last cue always ends a sentence.
 */
export function findSentenceEnds(cues: readonly Cue[]): SentenceEnds {
  const marks = cues.reduce((sum, cue) => sum + (cue.text.match(SENTENCE_MARK)?.length ?? 0), 0);
  const punctuated = cues.length > 0 && marks / cues.length >= MIN_MARKS_PER_CUE;
  const pauseSeconds = punctuated ? null : pauseThreshold(cues);

  const ends = cues.map((cue, index) => {
    if (index === cues.length - 1) return true;
    if (endsWithSentenceMark(cue.text, cues[index + 1]?.text)) return true;
    return pauseSeconds !== null && gapAfter(cues, index) >= pauseSeconds;
  });
  return { ends, evidence: punctuated ? "punctuation" : "pauses", pauseSeconds };
}
