import { isCjkCharacter } from "../../subtitles/cjk.ts";
import { CHINESE_NUMERALS, CHINESE_PARTICLES, CHINESE_STOPWORDS } from "./chinese-stopwords.ts";
import { ENGLISH_STOPWORDS } from "./english-stopwords.ts";

/**
 * Chinese characters that mostly do grammatical work. A bigram made only of these (的是, 我们,
 * 一个) carries no topic, so it is not a term.
 */
export const CHINESE_FUNCTION_CHARACTERS: ReadonlySet<string> = new Set(
  Array.from(
    "的了是在我们这那就也都而及与着或一个你他她它和吗呢吧啊嗯哦呀么么把被给让说要会能有没不很还再又从到对",
  ),
);

/** A run of CJK characters, or a word of letters and digits in another script. */
const WORD_OR_CJK_RUN = /[\p{Script=Han}\u3040-\u30ff]+|[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Shortest English word that can be a term; shorter words are mostly noise in captions. */
const MIN_WORD_LENGTH = 3;

function isCjkRun(piece: string): boolean {
  return isCjkCharacter(piece.codePointAt(0) ?? 0);
}

/** Undoes a doubled final consonant left by suffix stripping: `runn` becomes `run`. */
function undoubleConsonant(stem: string): string {
  const last = stem.at(-1) ?? "";
  if (stem.length > 3 && last === stem.at(-2) && /[bdfgklmnprtz]/.test(last) && !/(?:ll|ss|zz)$/.test(stem)) {
    return stem.slice(0, -1);
  }
  return stem;
}

/**
 * Reduces an English word to a crude stem by stripping common suffixes (plural -s and -ies,
 * -ing, -ed, -ly), so that `networks` and `network` count as one term. It is not a linguistic
 * stemmer: it only has to map the forms of a word in one transcript to the same key.
 */
export function stemEnglishWord(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith("sses")) return word.slice(0, -2);
  if (word.endsWith("ing") && word.length > 5) return undoubleConsonant(word.slice(0, -3));
  if (word.endsWith("ed") && word.length > 4) return undoubleConsonant(word.slice(0, -2));
  if (word.endsWith("ly") && word.length > 5) return word.slice(0, -2);
  if (word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** Normalizes an English word for stopword lookup: lowercase with straight apostrophes. */
export function normalizeEnglishWord(word: string): string {
  return word.toLowerCase().replace(/’/g, "'");
}

/** Tells whether a normalized word can be an English term: long enough, not a stopword, not a number. */
export function isEnglishTermWord(word: string): boolean {
  return word.length >= MIN_WORD_LENGTH && !ENGLISH_STOPWORDS.has(word) && !/^\d+$/.test(word);
}

/** Tells whether a character is a function character or a numeral, which alone carry no topic. */
function isWeakCharacter(character: string): boolean {
  return CHINESE_FUNCTION_CHARACTERS.has(character) || CHINESE_NUMERALS.has(character);
}

/**
 * Tells whether a Chinese bigram can be a term: it contains no particle such as 的, is not made
 * only of function characters and numerals, and is not a stopword such as 时候.
 */
function isChineseTerm(first: string, second: string): boolean {
  if (CHINESE_PARTICLES.has(first) || CHINESE_PARTICLES.has(second)) return false;
  if (isWeakCharacter(first) && isWeakCharacter(second)) return false;
  return !CHINESE_STOPWORDS.has(first + second);
}

function pushChineseTerms(run: string, terms: string[]): void {
  const characters = Array.from(run);
  if (characters.length === 1) {
    const only = characters[0] ?? "";
    if (!isWeakCharacter(only) && !CHINESE_PARTICLES.has(only)) terms.push(only);
    return;
  }

  for (let index = 0; index + 1 < characters.length; index++) {
    const first = characters[index] ?? "";
    const second = characters[index + 1] ?? "";
    if (isChineseTerm(first, second)) terms.push(first + second);
  }
}

/**
 * Extracts the terms of a text for lexical statistics. CJK runs give character bigrams that
 * pass {@link isChineseTerm}, and a lone CJK character is a term unless it is a function
 * character, numeral or particle. Other words give lowercase stems, without stopwords, numbers and
 * words shorter than three letters.
 */
export function extractTerms(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(WORD_OR_CJK_RUN)) {
    const piece = match[0];
    if (isCjkRun(piece)) {
      pushChineseTerms(piece, terms);
      continue;
    }

    const word = normalizeEnglishWord(piece);
    if (isEnglishTermWord(word)) terms.push(stemEnglishWord(word));
  }
  return terms;
}
