import { joinCjkAware } from "../../subtitles/cjk.ts";

/** Closing quotes and brackets that may follow the punctuation mark that ends a sentence. */
const CLOSERS = `"'”’」』）)\\]`;

/** Text ending in 。！？!?… or a period that is not part of a number, optionally followed by closers. */
const SENTENCE_END = new RegExp(`(?:[。！？!?…]|(?<!\\d)\\.)[${CLOSERS}]*$`);

/** A sentence end inside a text, followed by whitespace or by anything after CJK punctuation. */
const SENTENCE_BREAK = new RegExp(`(?:[。！？!?…][${CLOSERS}]*\\s*|(?<!\\d)[.!?][${CLOSERS}]*\\s+)`, "g");

/** Tells whether a text ends a sentence: 。！？!?… or `.` at its end. */
export function endsSentence(text: string): boolean {
  return SENTENCE_END.test(text.trimEnd());
}

/** Splits a text into sentences after 。！？!?… and after `.`, `!` or `?` followed by a space. */
export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  let start = 0;
  for (const match of text.matchAll(SENTENCE_BREAK)) {
    const end = (match.index ?? 0) + match[0].length;
    const sentence = text.slice(start, end).trim();
    if (sentence !== "") sentences.push(sentence);
    start = end;
  }

  const rest = text.slice(start).trim();
  if (rest !== "") sentences.push(rest);
  return sentences;
}

/**
 * Groups cue texts into sentences. Cue texts are joined until a sentence ends, and a
 * sentence is also cut at a cue boundary once it reaches `maxLength` characters, because
 * unpunctuated captions never end a sentence.
 */
export function sentencesOfCues(texts: readonly string[], maxLength: number): string[] {
  const sentences: string[] = [];
  let pending = "";

  for (const text of texts) {
    const parts = splitSentences(joinCjkAware(pending, text));
    const last = parts.pop() ?? "";
    sentences.push(...parts);
    pending = last;

    if (endsSentence(pending) || pending.length >= maxLength) {
      sentences.push(pending);
      pending = "";
    }
  }

  if (pending !== "") sentences.push(pending);
  return sentences;
}
