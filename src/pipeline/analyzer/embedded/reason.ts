import { joinEnglishList } from "./title-case.ts";
import type { TopicFeatures } from "./topic-features.ts";

/** Strengths and weaknesses that a recommendation reason can name. */
interface ReasonParts {
  phrases: string[];
  strengths: Array<"question" | "numbers" | "complete" | "length">;
  weaknesses: Array<"short" | "long" | "startsMidSentence" | "endsMidSentence" | "fewTerms">;
  seconds: number;
}

const ENGLISH_STRENGTHS = {
  question: "a question",
  numbers: "concrete numbers",
  complete: "complete sentences at both ends",
  length: "a good length",
};
const CHINESE_STRENGTHS = {
  question: "含提问",
  numbers: "有具体数字",
  complete: "首尾完整",
  length: "时长适中",
};

function englishWeakness(weakness: ReasonParts["weaknesses"][number], seconds: number): string {
  switch (weakness) {
    case "short":
      return `it is short (${seconds} s)`;
    case "long":
      return `it is long (${seconds} s)`;
    case "startsMidSentence":
      return "it starts mid-sentence";
    case "endsMidSentence":
      return "it ends mid-sentence";
    case "fewTerms":
      return "its terms are less distinctive than those of other topics";
  }
}

function chineseWeakness(weakness: ReasonParts["weaknesses"][number], seconds: number): string {
  switch (weakness) {
    case "short":
      return `偏短（${seconds} 秒）`;
    case "long":
      return `偏长（${seconds} 秒）`;
    case "startsMidSentence":
      return "开头不完整";
    case "endsMidSentence":
      return "结尾不完整";
    case "fewTerms":
      return "主题词不如其他片段突出";
  }
}

function collectParts(features: TopicFeatures, phrases: string[], salienceRank: number): ReasonParts {
  const seconds = Math.round(features.durationSeconds);
  const strengths: ReasonParts["strengths"] = [];
  if (features.questions > 0) strengths.push("question");
  if (features.numbers > 0) strengths.push("numbers");
  if (features.completeness === 1) strengths.push("complete");
  if (features.lengthFit === 1) strengths.push("length");

  const weaknesses: ReasonParts["weaknesses"] = [];
  if (features.lengthFit < 1 && features.durationSeconds < 60) weaknesses.push("short");
  if (features.lengthFit < 1 && features.durationSeconds >= 60) weaknesses.push("long");
  if (features.startsMidSentence) weaknesses.push("startsMidSentence");
  if (features.endsMidSentence) weaknesses.push("endsMidSentence");
  if (salienceRank < 0.25) weaknesses.push("fewTerms");

  return { phrases, strengths, weaknesses, seconds };
}

/**
 * Writes a one-sentence recommendation reason in the transcript language. It names the topic's
 * key phrases, then its strengths when the topic is kept (`kept`), or its weaknesses when not.
 */
export function writeReason(
  features: TopicFeatures,
  phrases: string[],
  salienceRank: number,
  kept: boolean,
  language: "zh" | "en",
): string {
  const parts = collectParts(features, phrases.slice(0, 2), salienceRank);

  if (language === "zh") {
    const subject =
      parts.phrases.length > 0
        ? `围绕${parts.phrases.map((phrase) => `“${phrase}”`).join("")}展开`
        : "内容较散";
    const details = kept
      ? parts.strengths.map((strength) =>
          strength === "length" ? `时长 ${parts.seconds} 秒` : CHINESE_STRENGTHS[strength],
        )
      : parts.weaknesses.map((weakness) => chineseWeakness(weakness, parts.seconds));
    if (kept) return details.length > 0 ? `${subject}，${details.join("，")}。` : `${subject}。`;
    return details.length > 0 ? `${subject}，但${details.join("，")}。` : `${subject}，但其他片段更突出。`;
  }

  const subject =
    parts.phrases.length > 0
      ? `Covers ${joinEnglishList(parts.phrases.map((phrase) => `"${phrase}"`))}`
      : "Covers no single clear subject";
  if (kept) {
    const strengths = parts.strengths.map((strength) =>
      strength === "length" ? `a good length (${parts.seconds} s)` : ENGLISH_STRENGTHS[strength],
    );
    return strengths.length > 0 ? `${subject}, with ${joinEnglishList(strengths)}.` : `${subject}.`;
  }

  const weaknesses = parts.weaknesses.map((weakness) => englishWeakness(weakness, parts.seconds));
  return weaknesses.length > 0
    ? `${subject}, but ${joinEnglishList(weaknesses)}.`
    : `${subject}, but other topics stand out more.`;
}
