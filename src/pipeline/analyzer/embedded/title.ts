import type { ScoredTopic, TitledTopic, TranscriptFile } from "../../../../schemas/step-files.ts";
import { countCjkCharacters } from "../../subtitles/cjk.ts";
import { cutChineseAtWords } from "./cut-words.ts";
import { makeTitlesDistinct } from "./distinct-titles.ts";
import { buildPhraseTable, type KeyPhrase } from "./key-phrases.ts";
import { rankKeyPhrases } from "./rank-phrases.ts";
import { toTitleCase, truncateAtWord } from "./title-case.ts";
import { topicTexts } from "./topic-documents.ts";

/** Longest Chinese title in characters, and longest English title in characters. */
const MAX_CHINESE_TITLE = 18;
const MAX_ENGLISH_TITLE = 60;

/** Chinese clause lengths in characters that read best as a title. */
const PREFERRED_CLAUSE = { min: 5, max: 14 };

/** Number of key phrases considered for each title. */
const TITLE_PHRASES = 5;

/** Words that open a spoken clause without adding meaning: "so", "then", "next let's talk about". */
const CHINESE_LEADING_FILLERS =
  /^(?:所以说?|那么|然后|其实|就是说?|接下来|好了|最后|首先|另外|还有|再说回|说完|回到|我们来|大家好|因为|但是|而且|如果|比如|当然|对于|关于|嗯|啊|哦|呃)+/;
const CHINESE_TRAILING_PARTICLES = /[吧呢啊呀了的嘛哦]+$/;
const CLAUSE_BREAK = /[，。！？；：,.!?;:…\s"“”「」『』（）()]+/;

function cleanClause(clause: string): string {
  let result = clause.trim();
  for (let pass = 0; pass < 3; pass++) result = result.replace(CHINESE_LEADING_FILLERS, "");
  return result.replace(CHINESE_TRAILING_PARTICLES, "");
}

function cutChineseTitle(clause: string, phrases: readonly KeyPhrase[]): string {
  const characters = Array.from(clause);
  if (characters.length <= MAX_CHINESE_TITLE) return clause;

  // Start the window at the first key phrase, so the cut keeps what made the clause win, and
  // cut at word boundaries so no word is split.
  const firstPhrase = phrases.map((phrase) => clause.indexOf(phrase.text)).filter((at) => at >= 0);
  const firstIndex =
    firstPhrase.length > 0 ? Array.from(clause.slice(0, Math.min(...firstPhrase))).length : 0;
  const start = Math.max(0, Math.min(firstIndex, characters.length - MAX_CHINESE_TITLE));
  const startIndex = characters.slice(0, start).join("").length;
  return cutChineseAtWords(clause, startIndex, MAX_CHINESE_TITLE);
}

/**
 * Picks a Chinese title: the clause that contains the most key-phrase weight, preferring 5 to 14
 * characters, with leading fillers (所以, 接下来…) removed and cut to 18 characters. Without
 * such a clause, the title joins the top two key phrases with 与.
 */
function chineseTitle(cueTexts: readonly string[], phrases: readonly KeyPhrase[]): string {
  const topScore = phrases[0]?.score ?? 1;
  let best = "";
  let bestScore = 0;

  for (const text of cueTexts) {
    for (const part of text.split(CLAUSE_BREAK)) {
      const clause = cleanClause(part);
      const length = Array.from(clause).length;
      if (countCjkCharacters(clause) < 2) continue;

      let weight = 0;
      for (const phrase of phrases) if (clause.includes(phrase.text)) weight += phrase.score / topScore;
      const lengthFactor =
        length < PREFERRED_CLAUSE.min
          ? 0.6
          : length > PREFERRED_CLAUSE.max
            ? PREFERRED_CLAUSE.max / length
            : 1;
      const score = weight * lengthFactor;
      if (score > bestScore) {
        best = clause;
        bestScore = score;
      }
    }
  }

  if (best !== "") return cutChineseTitle(best, phrases);
  return phrases
    .slice(0, 2)
    .map((phrase) => phrase.text)
    .join("与");
}

/**
 * Builds an English title from the top key phrases, Title-cased and cut to 60 characters:
 * the best phrase, joined by "and" with the second when that fits.
 */
function englishTitle(phrases: readonly KeyPhrase[]): string {
  const [first, second] = phrases;
  if (!first) return "";

  const joined = second ? `${first.text} and ${second.text}` : first.text;
  const text = joined.length <= MAX_ENGLISH_TITLE ? joined : first.text;
  return toTitleCase(truncateAtWord(text, MAX_ENGLISH_TITLE));
}

function fallbackTitle(cueTexts: readonly string[], id: string, language: "zh" | "en"): string {
  const first = cueTexts.find((text) => text.trim() !== "") ?? "";
  if (language === "zh") {
    const clause = cleanClause(first.split(CLAUSE_BREAK)[0] ?? "");
    return clause !== "" ? cutChineseAtWords(clause, 0, MAX_CHINESE_TITLE) : `片段 ${id}`;
  }
  return first !== "" ? truncateAtWord(first, MAX_ENGLISH_TITLE) : `Clip ${id}`;
}

/**
 * Gives every topic an extractive title in the transcript language, built from its key
 * phrases against the other topics. Titles are never empty and differ from each other.
 */
export function titleTopics(topics: readonly ScoredTopic[], transcript: TranscriptFile): TitledTopic[] {
  const { cues, language } = transcript;
  const texts = topicTexts(topics, cues);
  const table = buildPhraseTable(texts);
  const phrases = topics.map((_, index) => rankKeyPhrases(table, index, TITLE_PHRASES));

  const titles = topics.map((topic, index) => {
    const cueTexts = texts[index] ?? [];
    const topicPhrases = phrases[index] ?? [];
    const title = language === "zh" ? chineseTitle(cueTexts, topicPhrases) : englishTitle(topicPhrases);
    return title !== "" ? title : fallbackTitle(cueTexts, topic.id, language);
  });

  const extras = phrases.map((list) =>
    list.map((phrase) => (language === "zh" ? phrase.text : toTitleCase(phrase.text))),
  );
  const distinct = makeTitlesDistinct(titles, extras, language);
  return topics.map((topic, index) => ({ ...topic, generated_title: distinct[index] ?? topic.id }));
}
