import { compareKeys, isCjkKey, type KeyPhrase, type PhraseTable } from "./key-phrases.ts";

/**
 * Score factor for a single English word with no sign of being a noun. Such words are mostly
 * verbs and adjectives ("include", "hard"), which make poor titles.
 */
const NON_NOUN_WORD_FACTOR = 0.35;

/** Number of best-scoring candidates that phrase selection looks at. */
const MAX_CANDIDATES = 60;

/** Share of a kept phrase's occurrences that a longer phrase containing it needs to replace it. */
const SUPERSTRING_SHARE = 0.5;

/** Score multipliers by phrase length in tokens, because longer repeated phrases are more specific. */
const ENGLISH_LENGTH_WEIGHT = [0, 1, 1.6, 1.8];
const CHINESE_LENGTH_WEIGHT = [0, 0, 1, 1.4, 1.6];

/**
 * Returns the weight of a phrase for its form: a length weight (none for a phrase seen once,
 * because chance makes many of those), times {@link NON_NOUN_WORD_FACTOR} for a single English
 * word that does not look like a noun.
 */
function formWeight(table: PhraseTable, key: string, count: number): number {
  const length = table.lengths.get(key) ?? 1;
  const cjk = isCjkKey(key);
  if (!cjk && length === 1 && !table.nounLike.has(key)) return NON_NOUN_WORD_FACTOR;
  if (count < 2) return 1;

  const weights = cjk ? CHINESE_LENGTH_WEIGHT : ENGLISH_LENGTH_WEIGHT;
  return weights[Math.min(length, weights.length - 1)] ?? 1;
}

/** Tells whether two phrase keys overlap: a shared English word or a shared CJK bigram. */
export function phrasesOverlap(a: string, b: string): boolean {
  if (!isCjkKey(a) || !isCjkKey(b)) {
    const words = new Set(a.split(" "));
    return b.split(" ").some((word) => words.has(word));
  }

  const bigrams = new Set<string>();
  const characters = Array.from(a);
  for (let index = 0; index + 1 < characters.length; index++)
    bigrams.add(`${characters[index]}${characters[index + 1]}`);
  const other = Array.from(b);
  for (let index = 0; index + 1 < other.length; index++) {
    if (bigrams.has(`${other[index]}${other[index + 1]}`)) return true;
  }
  return false;
}

/**
 * Keeps the best-scoring phrases that do not overlap a better one, up to `limit`. A longer
 * phrase that contains a kept one replaces it when it occurs at least twice and at least half
 * as often, so that "hash function" wins over "hash".
 */
function selectDistinct(scored: KeyPhrase[], limit: number): KeyPhrase[] {
  scored.sort((a, b) => b.score - a.score || compareKeys(a.key, b.key));

  const selected: KeyPhrase[] = [];
  for (const phrase of scored.slice(0, MAX_CANDIDATES)) {
    const overlapping = selected.findIndex((kept) => phrasesOverlap(kept.key, phrase.key));
    if (overlapping < 0) {
      if (selected.length < limit) selected.push(phrase);
      continue;
    }

    const kept = selected[overlapping] as KeyPhrase;
    const isExtension = phrase.key.length > kept.key.length && phrase.key.includes(kept.key);
    const othersOverlap = selected.some(
      (other, index) => index !== overlapping && phrasesOverlap(other.key, phrase.key),
    );
    const frequentEnough = phrase.count >= 2 && phrase.count >= SUPERSTRING_SHARE * kept.count;
    if (isExtension && !othersOverlap && frequentEnough) {
      selected[overlapping] = { ...phrase, score: kept.score };
    }
  }
  return selected;
}

function inverseFrequency(table: PhraseTable, key: string): number {
  return Math.log((table.counts.length + 1) / (table.documentFrequency.get(key) ?? 1));
}

/**
 * Ranks the key phrases of one document by count × IDF × a length weight, leaving out
 * fragments of longer phrases and phrases that overlap a better one.
 */
export function rankKeyPhrases(table: PhraseTable, documentIndex: number, limit: number): KeyPhrase[] {
  const counts = table.counts[documentIndex];
  if (!counts) return [];

  const scored: KeyPhrase[] = [];
  for (const [key, count] of counts) {
    if (table.fragments.has(key)) continue;
    const score = count * inverseFrequency(table, key) * formWeight(table, key, count);
    scored.push({ key, text: table.surface.get(key) ?? key, score, count });
  }
  return selectDistinct(scored, limit);
}

/**
 * Ranks the phrases that at least two of the given documents share, by the number of those
 * documents that contain them times their summed count × length weight.
 */
export function rankSharedPhrases(
  table: PhraseTable,
  documentIndexes: readonly number[],
  limit: number,
): KeyPhrase[] {
  const totals = new Map<string, { documents: number; count: number }>();
  for (const index of documentIndexes) {
    for (const [key, count] of table.counts[index] ?? []) {
      const total = totals.get(key) ?? { documents: 0, count: 0 };
      total.documents++;
      total.count += count;
      totals.set(key, total);
    }
  }

  const scored: KeyPhrase[] = [];
  for (const [key, total] of totals) {
    if (total.documents < 2 || table.fragments.has(key)) continue;
    const score = total.documents * total.count * formWeight(table, key, total.count);
    scored.push({ key, text: table.surface.get(key) ?? key, score, count: total.count });
  }
  return selectDistinct(scored, limit);
}
