import type { Random } from "../../test/helpers/prng.ts";
import {
  CHINESE_ADJECTIVES,
  CHINESE_CONNECTORS,
  CHINESE_NOUNS,
  CHINESE_SUBJECTS,
  CHINESE_VERBS,
  ENGLISH_ADJECTIVES,
  ENGLISH_CONNECTORS,
  ENGLISH_NOUNS,
  ENGLISH_SUBJECTS,
  ENGLISH_VERBS,
} from "./word-lists.ts";

/** Language of a generated project's text. */
export type TextLanguage = "zh" | "en";

/** Builders of the text fields of clips and collections, in one language. */
export interface TextBuilder {
  /** A title of about 10 to 20 Chinese characters or 5 to 10 English words. */
  title(): string;
  /** One spoken-style sentence of two or three clauses. */
  sentence(): string;
  /** A short reason a clip is worth watching. */
  reason(): string;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function chineseBuilder(random: Random): TextBuilder {
  const clause = () => {
    const connector = random.chance(0.5) ? random.pick(CHINESE_CONNECTORS) : "";
    const adjective = random.chance(0.6) ? `${random.pick(CHINESE_ADJECTIVES)}的` : "";
    const tail = random.chance(0.5) ? `和${random.pick(CHINESE_NOUNS)}` : "";
    return `${connector}${random.pick(CHINESE_SUBJECTS)}要${random.pick(CHINESE_VERBS)}${adjective}${random.pick(CHINESE_NOUNS)}${tail}`;
  };

  return {
    title: () =>
      random.chance(0.5)
        ? `如何${random.pick(CHINESE_VERBS)}${random.pick(CHINESE_NOUNS)}：${random.pick(CHINESE_ADJECTIVES)}的${random.pick(CHINESE_NOUNS)}`
        : `为什么${random.pick(CHINESE_NOUNS)}比${random.pick(CHINESE_NOUNS)}更${random.pick(CHINESE_ADJECTIVES)}`,
    sentence: () =>
      `${Array.from({ length: random.int(2, 3) }, clause).join("，")}${random.pick(["。", "。", "？", "！"])}`,
    reason: () =>
      `${random.pick(CHINESE_ADJECTIVES)}观点清晰，${clause()}，适合想${random.pick(CHINESE_VERBS)}${random.pick(CHINESE_NOUNS)}的观众。`,
  };
}

function englishBuilder(random: Random): TextBuilder {
  const clause = () => {
    const adjective = random.chance(0.6) ? `${random.pick(ENGLISH_ADJECTIVES)} ` : "";
    const tail = random.chance(0.5) ? ` and the ${random.pick(ENGLISH_NOUNS)}` : "";
    return `${random.pick(ENGLISH_SUBJECTS)} need to ${random.pick(ENGLISH_VERBS)} the ${adjective}${random.pick(ENGLISH_NOUNS)}${tail}`;
  };

  return {
    title: () =>
      random.chance(0.5)
        ? `How to ${random.pick(ENGLISH_VERBS)} your ${random.pick(ENGLISH_NOUNS)}: the ${random.pick(ENGLISH_ADJECTIVES)} ${random.pick(ENGLISH_NOUNS)}`
        : `Why ${random.pick(ENGLISH_NOUNS)} matters more than ${random.pick(ENGLISH_NOUNS)}`,
    sentence: () => {
      const opening = random.chance(0.5) ? `${random.pick(ENGLISH_CONNECTORS)}, ` : "";
      const clauses = Array.from({ length: random.int(2, 3) }, clause).join(", and ");
      return `${capitalize(`${opening}${clauses}`)}${random.pick([".", ".", "?", "!"])}`;
    },
    reason: () =>
      `A ${random.pick(ENGLISH_ADJECTIVES)} point made clearly: ${clause()}, useful for anyone who wants to ${random.pick(ENGLISH_VERBS)} their ${random.pick(ENGLISH_NOUNS)}.`,
  };
}

/** Returns the text builders of `language`, drawing words from `random`. */
export function textBuilder(language: TextLanguage, random: Random): TextBuilder {
  return language === "zh" ? chineseBuilder(random) : englishBuilder(random);
}
