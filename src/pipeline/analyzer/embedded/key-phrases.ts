import { isCjkCharacter } from "../../subtitles/cjk.ts";
import { CHINESE_NUMERALS, CHINESE_STOPWORDS } from "./chinese-stopwords.ts";
import { splitPhraseRuns } from "./phrase-runs.ts";
import { CHINESE_FUNCTION_CHARACTERS } from "./tokenize.ts";

/** A ranked key phrase: its statistics key, its written form, its score and its occurrences. */
export interface KeyPhrase {
  key: string;
  text: string;
  score: number;
  count: number;
}

/** Phrase statistics of a set of documents (topics or clips), for ranking their key phrases. */
export interface PhraseTable {
  /** Occurrences of each phrase key in each document. */
  counts: Map<string, number>[];
  /** Number of documents that contain each phrase key. */
  documentFrequency: Map<string, number>;
  /** Written form of each English phrase key; a CJK phrase is written as its key. */
  surface: Map<string, string>;
  /** Phrase keys that are mostly part of one longer phrase, like 啡豆 in 咖啡豆. */
  fragments: Set<string>;
  /** Number of tokens (words or CJK characters) of each phrase key. */
  lengths: Map<string, number>;
  /** English phrase keys seen at least once after a determiner or capitalized, so probably nouns. */
  nounLike: Set<string>;
}

/** Phrase lengths in tokens: English words, or CJK characters. */
const ENGLISH_PHRASE_LENGTHS = { min: 1, max: 3 };
const CHINESE_PHRASE_LENGTHS = { min: 2, max: 4 };

/**
 * Share of a phrase's occurrences that may have the same neighbor before (or after) it
 * before the phrase counts as a fragment of a longer phrase.
 */
const MAX_NEIGHBOR_SHARE = 0.75;

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Compares phrase keys by code unit, for deterministic tie-breaking independent of locale. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * Tells whether a Chinese phrase is unfit as a key phrase: it starts or ends with a function
 * character such as 我 or 个, starts with a numeral (十分钟, 百分之), or starts or ends with a
 * stopword such as 时候.
 */
function isWeakChinesePhrase(phrase: string): boolean {
  const first = String.fromCodePoint(phrase.codePointAt(0) ?? 0);
  const lastCode = phrase.charCodeAt(phrase.length - 1);
  const last = lastCode >= 0xdc00 && lastCode <= 0xdfff ? phrase.slice(-2) : phrase.slice(-1);
  if (CHINESE_FUNCTION_CHARACTERS.has(first) || CHINESE_FUNCTION_CHARACTERS.has(last)) return true;
  if (CHINESE_NUMERALS.has(first)) return true;

  // Stopwords are two BMP characters, so comparing two code units is enough.
  return CHINESE_STOPWORDS.has(phrase.slice(0, 2)) || CHINESE_STOPWORDS.has(phrase.slice(-2));
}

/** Tells whether a phrase key is made of CJK characters rather than words. */
export function isCjkKey(key: string): boolean {
  return isCjkCharacter(key.codePointAt(0) ?? 0);
}

/** Tells whether a UTF-16 code unit is the first half of a surrogate pair. */
function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/**
 * Returns a phrase key without its first token and without its last token, or null for a
 * single English word. English tokens are separated by spaces, and CJK tokens are single
 * code points.
 */
function shortenKey(key: string): [string, string] | null {
  if (!isCjkKey(key)) {
    const firstSpace = key.indexOf(" ");
    if (firstSpace < 0) return null;
    return [key.slice(firstSpace + 1), key.slice(0, key.lastIndexOf(" "))];
  }

  const firstLength = isHighSurrogate(key.charCodeAt(0)) ? 2 : 1;
  const lastLength = isHighSurrogate(key.charCodeAt(key.length - 2)) ? 2 : 1;
  return [key.slice(firstLength), key.slice(0, key.length - lastLength)];
}

/**
 * Finds phrases that are mostly part of one longer phrase: those seen at least twice whose
 * most frequent one-token extension, to the left or right, accounts for
 * {@link MAX_NEIGHBOR_SHARE} of their occurrences. `totals` counts every n-gram, up to one
 * token longer than the longest phrase.
 */
function findFragments(totals: Map<string, number>): Set<string> {
  const longestExtension = new Map<string, number>();
  for (const [key, count] of totals) {
    if (count < 2) continue;
    const shorter = shortenKey(key);
    if (!shorter) continue;

    for (const part of shorter) {
      if ((longestExtension.get(part) ?? 0) < count) longestExtension.set(part, count);
    }
  }

  const fragments = new Set<string>();
  for (const [key, extension] of longestExtension) {
    if (extension >= MAX_NEIGHBOR_SHARE * (totals.get(key) ?? Number.POSITIVE_INFINITY)) fragments.add(key);
  }
  return fragments;
}

/**
 * Picks the written form of a phrase: the most frequent one, except that the lowercase form
 * wins over a capitalized one seen less than twice as often, which is mostly a sentence start.
 */
function pickSurface(forms: Map<string, number>): string {
  const ranked = [...forms.entries()].sort((a, b) => b[1] - a[1] || compareKeys(a[0], b[0]));
  const [best, count] = ranked[0] ?? ["", 0];
  const lowercase = forms.get(best.toLowerCase()) ?? 0;
  return lowercase * 2 >= count ? best.toLowerCase() : best;
}

/**
 * Builds phrase statistics from documents, each given as its texts. Phrases are runs of 1 to 3
 * English content words (keyed by stem) or 2 to 4 CJK characters, never across punctuation
 * or function words.
 */
export function buildPhraseTable(documents: readonly (readonly string[])[]): PhraseTable {
  const counts: Map<string, number>[] = [];
  const documentFrequency = new Map<string, number>();
  const surfaceCounts = new Map<string, Map<string, number>>();
  const totals = new Map<string, number>();
  const lengths = new Map<string, number>();
  const nounLike = new Set<string>();

  for (const texts of documents) {
    const documentCounts = new Map<string, number>();
    for (const run of splitPhraseRuns(texts.join("\n"))) {
      const limits = run.cjk ? CHINESE_PHRASE_LENGTHS : ENGLISH_PHRASE_LENGTHS;
      const tokens = run.tokens;

      for (let start = 0; start < tokens.length; start++) {
        let key = "";
        // One token past the longest phrase, so that findFragments counts every extension.
        for (let length = 1; length <= limits.max + 1 && start + length <= tokens.length; length++) {
          const token = tokens[start + length - 1] as (typeof tokens)[number];
          key = run.cjk || length === 1 ? key + token.key : `${key} ${token.key}`;
          if (length < limits.min) continue;

          increment(totals, key);
          lengths.set(key, length);
          if (length > limits.max) continue;
          if (run.cjk && isWeakChinesePhrase(key)) continue;

          increment(documentCounts, key);
          if (run.cjk) continue;

          const surface = tokens
            .slice(start, start + length)
            .map((item) => item.surface)
            .join(" ");
          if (run.afterDeterminer || /[A-Z]/.test(surface)) nounLike.add(key);
          const forms = surfaceCounts.get(key) ?? new Map<string, number>();
          increment(forms, surface);
          surfaceCounts.set(key, forms);
        }
      }
    }

    counts.push(documentCounts);
    for (const key of documentCounts.keys()) increment(documentFrequency, key);
  }

  const surface = new Map<string, string>();
  for (const [key, forms] of surfaceCounts) surface.set(key, pickSurface(forms));
  const fragments = findFragments(totals);

  return { counts, documentFrequency, surface, fragments, lengths, nounLike };
}
