import type { TermVector } from "./term-vectors.ts";
import { extractTerms } from "./tokenize.ts";

/** Maximum length of a key sentence in characters. A longer sentence is cut and ends with an ellipsis. */
export const MAX_SENTENCE_LENGTH = { zh: 60, en: 200 } as const;

function truncate(text: string, maxLength: number): string {
  const characters = Array.from(text);
  if (characters.length <= maxLength) return text;
  return `${characters
    .slice(0, maxLength - 1)
    .join("")
    .trimEnd()}…`;
}

/**
 * Picks up to `limit` key sentences: those whose terms weigh most in the topic's TF-IDF
 * vector, per square root of their term count, so that long sentences do not win by length
 * alone. The result keeps the sentences' order in the topic.
 */
export function pickKeySentences(
  sentences: readonly string[],
  weights: TermVector,
  limit: number,
  language: "zh" | "en",
): string[] {
  const scored = sentences.map((sentence, index) => {
    const terms = extractTerms(sentence);
    let sum = 0;
    for (const term of new Set(terms)) sum += weights.get(term) ?? 0;
    return { index, score: terms.length === 0 ? 0 : sum / Math.sqrt(terms.length) };
  });

  return scored
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, limit)
    .sort((a, b) => a.index - b.index)
    .map((entry) => truncate(sentences[entry.index] ?? "", MAX_SENTENCE_LENGTH[language]));
}
