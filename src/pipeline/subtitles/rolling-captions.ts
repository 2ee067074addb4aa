import type { TextCue } from "./types.ts";

/** Cues after merging, and what was changed. */
export interface MergeResult {
  cues: TextCue[];
  notes: string[];
}

/** Share of neighbouring cue pairs that must repeat text for the file to count as rolling captions. */
const MIN_ROLLING_SHARE = 0.25;
const MIN_ROLLING_PAIRS = 3;

/**
 * Fewest repeated words (or CJK characters) removed when the repetition is neither whole lines
 * nor the whole previous cue. Only used in files detected as rolling captions.
 */
const MIN_REPEAT_TOKENS = 4;

/** A cue that starts less than this many seconds after the previous one is merged into it. */
const MIN_CUE_SECONDS = 0.05;

/** Largest gap, in seconds, between two cues with the same text that are merged into one. */
const DUPLICATE_GAP_SECONDS = 0.1;

const CJK = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}`;

/** A word, or one CJK character, because CJK text has no spaces between words. */
const TOKEN = new RegExp(String.raw`[${CJK}]|(?:(?![${CJK}])[\p{L}\p{N}'’])+`, "gu");

interface Token {
  word: string;
  /** Index after the token in the cue's text. */
  end: number;
  /** Index of the cue line that the token belongs to. */
  line: number;
}

function tokenize(lines: readonly string[]): Token[] {
  const tokens: Token[] = [];
  lines.forEach((text, line) => {
    for (const match of text.matchAll(TOKEN)) {
      tokens.push({ word: match[0].toLowerCase(), end: match.index + match[0].length, line });
    }
  });
  return tokens;
}

/** Length of the longest run of tokens that ends `previous` and starts `current`. */
function longestOverlap(previous: readonly Token[], current: readonly Token[]): number {
  for (let length = Math.min(previous.length, current.length); length > 0; length--) {
    const offset = previous.length - length;
    let equal = true;
    for (let index = 0; index < length && equal; index++) {
      equal = previous[offset + index]?.word === current[index]?.word;
    }
    if (equal) return length;
  }
  return 0;
}

/** Tells whether the first `length` tokens of `current` are whole lines, and the same tokens of `previous` too. */
function isLineAligned(previous: readonly Token[], current: readonly Token[], length: number): boolean {
  const previousStart = previous[previous.length - length];
  const beforeStart = previous[previous.length - length - 1];
  const currentLast = current[length - 1];
  const afterLast = current[length];
  if (!previousStart || !currentLast) return false;

  const startsLine = beforeStart === undefined || beforeStart.line !== previousStart.line;
  const endsLine = afterLast === undefined || afterLast.line !== currentLast.line;
  return startsLine && endsLine;
}

/**
 * Counts the tokens at the start of `current` that repeat the end of `previous`, or returns 0
 * when the repetition is too short to rule out chance. Whole repeated lines and a repetition of
 * all of `previous` always count. Other runs count from {@link MIN_REPEAT_TOKENS} tokens, and
 * only when `rolling`.
 */
function repeatedTokens(previous: TextCue, current: TextCue, rolling: boolean): number {
  const before = tokenize(previous.lines);
  const after = tokenize(current.lines);
  const length = longestOverlap(before, after);
  if (length === 0) return 0;

  if (isLineAligned(before, after, length)) return length;
  if (length === before.length && length >= 2) return length;
  return rolling && length >= MIN_REPEAT_TOKENS ? length : 0;
}

/** Removes the first `count` tokens from a cue's lines, with the spaces and punctuation after them. */
function dropLeadingTokens(cue: TextCue, count: number): string[] {
  const tokens = tokenize(cue.lines);
  const last = tokens[count - 1];
  if (!last) return cue.lines;

  const rest = (cue.lines[last.line] ?? "").slice(last.end).replace(/^[\s\p{P}]+/u, "");
  const lines = rest === "" ? [] : [rest];
  return [...lines, ...cue.lines.slice(last.line + 1)];
}

function countCues(count: number): string {
  return `${count} cue${count === 1 ? "" : "s"}`;
}

function sameText(a: TextCue, b: TextCue): boolean {
  return a.lines.join("\n") === b.lines.join("\n");
}

/** Tells whether most neighbouring cues repeat text of the cue before, as rolling captions do. */
function isRolling(cues: readonly TextCue[]): boolean {
  let repeating = 0;
  for (let index = 1; index < cues.length; index++) {
    const previous = cues[index - 1] as TextCue;
    const current = cues[index] as TextCue;
    if (!sameText(previous, current) && repeatedTokens(previous, current, false) > 0) repeating++;
  }
  return repeating >= MIN_ROLLING_PAIRS && repeating >= (cues.length - 1) * MIN_ROLLING_SHARE;
}

/**
 * Merges cues sorted by start into a sequence without overlaps or repeated text, in one pass:
 *
 * - A cue with the same text as the one before, starting at most 0.1 s after it ends, extends it.
 * - In rolling captions, such as YouTube auto captions where each cue repeats the line before
 *   and adds one, the repeated text is removed. A cue left empty extends the one before.
 * - A cue that starts within 0.05 s of the one before is merged into it.
 * - A cue that overlaps the next one ends where the next one starts.
 */
export function mergeOverlappingCues(sorted: readonly TextCue[]): MergeResult {
  const rolling = isRolling(sorted);
  const cues: TextCue[] = [];
  let trimmed = 0;
  let duplicates = 0;
  let merged = 0;
  let shortened = 0;

  // Repetitions are found against the cue as it was read, because the cue kept may have lost
  // its repeated start already.
  let lastRead: TextCue | undefined;
  for (const next of sorted) {
    const cue: TextCue = { start: next.start, end: next.end, lines: [...next.lines] };
    const previous = cues.at(-1);
    const before = lastRead;
    lastRead = next;
    if (!previous || !before) {
      cues.push(cue);
      continue;
    }

    if (sameText(before, cue) && cue.start <= previous.end + DUPLICATE_GAP_SECONDS) {
      previous.end = Math.max(previous.end, cue.end);
      duplicates++;
      continue;
    }

    const repeated = rolling ? repeatedTokens(before, cue, true) : 0;
    if (repeated > 0) {
      cue.lines = dropLeadingTokens(cue, repeated);
      trimmed++;
      if (cue.lines.length === 0) {
        previous.end = Math.max(previous.end, cue.end);
        continue;
      }
    }

    if (cue.start - previous.start < MIN_CUE_SECONDS) {
      previous.lines.push(...cue.lines);
      previous.end = Math.max(previous.end, cue.end);
      merged++;
      continue;
    }

    if (cue.start < previous.end) {
      previous.end = cue.start;
      shortened++;
    }
    cues.push(cue);
  }

  const notes: string[] = [];
  if (rolling)
    notes.push(`rolling captions: removed text repeated from the cue before in ${countCues(trimmed)}`);
  if (duplicates > 0) notes.push(`merged ${countCues(duplicates)} that repeat the text of the cue before`);
  if (merged > 0) notes.push(`merged ${countCues(merged)} that start together with the cue before`);
  if (shortened > 0)
    notes.push(`shortened ${countCues(shortened)} that overlap the next cue to end where it starts`);
  return { cues, notes };
}
