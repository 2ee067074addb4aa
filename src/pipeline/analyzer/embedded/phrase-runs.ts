import { isCjkCharacter } from "../../subtitles/cjk.ts";
import { isEnglishTermWord, normalizeEnglishWord, stemEnglishWord } from "./tokenize.ts";

/** One token of a phrase run: the key that statistics compare and the text a title shows. */
export interface PhraseToken {
  key: string;
  surface: string;
}

/** A run of tokens with no punctuation or function word between them, in one script. */
export interface PhraseRun {
  cjk: boolean;
  tokens: PhraseToken[];
  /** Whether a determiner (the, a, this…) directly precedes the run, which hints that the run is a noun phrase. */
  afterDeterminer: boolean;
}

/** English determiners and possessives, which mostly precede a noun phrase. */
const DETERMINERS: ReadonlySet<string> = new Set(
  "the a an this that these those my your our his her its their some each every any no another".split(" "),
);

/**
 * Characters that split Chinese runs into phrases: particles and conjunctions that never
 * belong inside a key phrase.
 */
const CHINESE_SEPARATORS: ReadonlySet<string> = new Set(
  Array.from("的了是在和与或也都就而及着吗呢吧啊嗯哦呀么"),
);

/** Tells whether an English word is probably an adverb in -ly (slightly, quickly), which titles do without. */
function isAdverb(word: string): boolean {
  return word.length > 5 && word.endsWith("ly") && !word.endsWith("ply");
}

const WORD_OR_CJK_RUN = /[\p{Script=Han}\u3040-\u30ff]+|[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/**
 * Splits a text into phrase runs. A run ends at punctuation, at a change between CJK and other
 * scripts, at an English stopword or number, and at a Chinese particle such as 的 or 了.
 * Adverbs in -ly also end an English run. CJK tokens are single characters, and English tokens
 * are words keyed by their stem.
 */
export function splitPhraseRuns(text: string): PhraseRun[] {
  const runs: PhraseRun[] = [];
  let tokens: PhraseToken[] = [];
  let runIsCjk = false;
  let runAfterDeterminer = false;
  let previousWasDeterminer = false;
  let previousEnd = 0;

  const breakRun = () => {
    if (tokens.length > 0) runs.push({ cjk: runIsCjk, tokens, afterDeterminer: runAfterDeterminer });
    tokens = [];
  };

  for (const match of text.matchAll(WORD_OR_CJK_RUN)) {
    const piece = match[0];
    const index = match.index ?? 0;
    const cjk = isCjkCharacter(piece.codePointAt(0) ?? 0);
    const gap = text.slice(previousEnd, index);
    previousEnd = index + piece.length;

    if (gap.trim() !== "" || runIsCjk !== cjk) {
      breakRun();
      previousWasDeterminer = false;
    }
    runIsCjk = cjk;

    if (!cjk) {
      const word = normalizeEnglishWord(piece);
      if (isEnglishTermWord(word) && !isAdverb(word)) {
        if (tokens.length === 0) runAfterDeterminer = previousWasDeterminer;
        tokens.push({ key: stemEnglishWord(word), surface: piece });
      } else {
        breakRun();
      }
      previousWasDeterminer = DETERMINERS.has(word);
      continue;
    }

    for (const character of piece) {
      if (CHINESE_SEPARATORS.has(character)) {
        breakRun();
        continue;
      }
      if (tokens.length === 0) runAfterDeterminer = false;
      tokens.push({ key: character, surface: character });
    }
  }
  breakRun();
  return runs;
}
