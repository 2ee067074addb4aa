import type { Cue } from "../../../../schemas/step-files.ts";
import { joinCjkAware } from "../../subtitles/cjk.ts";
import { MAX_SENTENCE_LENGTH } from "../embedded/key-sentences.ts";
import { sentencesOfCues } from "../embedded/sentences.ts";

/** Joins the texts of cues `startCue` to `endCue`, with no space between CJK characters. */
export function joinCueTexts(cues: readonly Cue[], startCue: number, endCue: number): string {
  return cues.slice(startCue, endCue + 1).reduce((text, cue) => joinCjkAware(text, cue.text.trim()), "");
}

/** Splits cues `startCue` to `endCue` into sentences, each cut to the language's maximum sentence length. */
export function sentencesOfRange(
  cues: readonly Cue[],
  startCue: number,
  endCue: number,
  language: "zh" | "en",
): string[] {
  const maxLength = MAX_SENTENCE_LENGTH[language];
  const texts = cues.slice(startCue, endCue + 1).map((cue) => cue.text);

  return sentencesOfCues(texts, maxLength).map((sentence) => {
    const characters = Array.from(sentence);
    return characters.length <= maxLength ? sentence : `${characters.slice(0, maxLength - 1).join("")}…`;
  });
}
