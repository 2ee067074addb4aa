import type { Cue } from "../../../schemas/step-files.ts";
import { countCjkCharacters } from "./cjk.ts";

/**
 * Minimum share of CJK characters among CJK characters and Latin letters for a transcript to
 * count as Chinese. It is low because one Chinese character carries about as much as a
 * three-letter English word, so bilingual Chinese-English subtitles still count as Chinese.
 */
const MIN_CJK_SHARE = 0.2;

/**
 * Guesses the transcript language from the share of CJK characters: `zh` when they reach
 * 20% of the letters, else `en`. Japanese kana count as CJK, so Japanese reads as `zh`.
 */
export function detectLanguage(cues: readonly Cue[]): "zh" | "en" {
  let cjk = 0;
  let latin = 0;
  for (const cue of cues) {
    cjk += countCjkCharacters(cue.text);
    latin += cue.text.match(/[A-Za-z\u00c0-\u024f]/g)?.length ?? 0;
  }

  if (cjk + latin === 0) return "en";
  return cjk / (cjk + latin) >= MIN_CJK_SHARE ? "zh" : "en";
}
