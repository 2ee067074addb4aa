import { countCjkCharacters } from "./cjk.ts";
import type { TextCue } from "./types.ts";

/** The two scripts that bilingual subtitle files pair: Chinese (CJK) text and English (Latin) text. */
export type SubtitleLanguage = "zh" | "en";

/** Cues with both languages, and the language kept. */
export interface BilingualResult {
  cues: TextCue[];
  /** The language kept and the reason, set only when the file was bilingual. */
  note: string | null;
}

/** Share of cues that must carry both languages for the file to count as bilingual. */
const MIN_BILINGUAL_SHARE = 0.3;

/**
 * How many more cues the other language must cover than the preferred one to be kept instead,
 * as a factor. A preferred language missing from a few cues is still kept.
 */
const COVERAGE_MARGIN = 1.1;

/** Cues whose start and end both differ by at most this many seconds count as shown together. */
const SAME_TIME_SECONDS = 0.01;

/** One CJK character carries about as much as three Latin letters. */
const LATIN_LETTERS_PER_CJK = 3;

const LANGUAGE_NAMES: Record<SubtitleLanguage, string> = { zh: "Chinese", en: "English" };

/** Classifies a line as Chinese or English text, or null when it has no letters. */
export function lineLanguage(line: string): SubtitleLanguage | null {
  const cjk = countCjkCharacters(line);
  const latin = line.match(/[A-Za-z\u00c0-\u024f]/g)?.length ?? 0;
  if (cjk === 0 && latin === 0) return null;

  return cjk * LATIN_LETTERS_PER_CJK >= latin ? "zh" : "en";
}

/** Joins cues shown at the same time into one cue, so that two single-language events become one bilingual cue. */
function groupSameTime(cues: readonly TextCue[]): TextCue[] {
  const grouped: TextCue[] = [];
  for (const cue of cues) {
    const last = grouped.at(-1);
    const sameTime =
      last &&
      Math.abs(last.start - cue.start) <= SAME_TIME_SECONDS &&
      Math.abs(last.end - cue.end) <= SAME_TIME_SECONDS;
    if (sameTime) last.lines.push(...cue.lines);
    else grouped.push({ start: cue.start, end: cue.end, lines: [...cue.lines] });
  }
  return grouped;
}

function languagesOf(cue: TextCue): Set<SubtitleLanguage> {
  const languages = new Set<SubtitleLanguage>();
  for (const line of cue.lines) {
    const language = lineLanguage(line);
    if (language) languages.add(language);
  }
  return languages;
}

/**
 * Reduces a bilingual file to one language. Cues shown at the same time are joined first,
 * so both layouts are handled: one cue with a Chinese and an English line, and two events
 * with identical times, one per language. The file counts as bilingual when at least 30% of
 * its cues carry both languages.
 *
 * The preferred language is kept unless the other one has text in more than 10% more cues,
 * as in a partial translation. In cues with both languages the other language's lines are
 * dropped. Cues in one language only keep their text, so no speech is lost.
 */
export function reduceBilingual(cues: readonly TextCue[], preferred: SubtitleLanguage): BilingualResult {
  const grouped = groupSameTime(cues);
  const languages = grouped.map(languagesOf);
  const mixed = languages.filter((set) => set.size === 2).length;
  if (grouped.length === 0 || mixed < grouped.length * MIN_BILINGUAL_SHARE) {
    return { cues: grouped, note: null };
  }

  const other: SubtitleLanguage = preferred === "zh" ? "en" : "zh";
  const coverage = (language: SubtitleLanguage) => languages.filter((set) => set.has(language)).length;
  const keptLanguage = coverage(other) > coverage(preferred) * COVERAGE_MARGIN ? other : preferred;

  const droppedLanguage = keptLanguage === "zh" ? "en" : "zh";
  const reduced = grouped.map((cue, index) => {
    if (languages[index]?.size !== 2) return cue;
    return {
      ...cue,
      lines: cue.lines.filter((line) => lineLanguage(line) !== droppedLanguage),
    };
  });

  const reason =
    keptLanguage === preferred
      ? `${LANGUAGE_NAMES[preferred]} is the preferred language`
      : `${LANGUAGE_NAMES[keptLanguage]} has text in more cues than the preferred ${LANGUAGE_NAMES[preferred]}`;
  const note =
    `bilingual subtitles: ${mixed} of ${grouped.length} cues carry both Chinese and English. Kept the ` +
    `${LANGUAGE_NAMES[keptLanguage]} lines because ${reason} (Chinese in ${coverage("zh")} cues, English in ${coverage("en")})`;
  return { cues: reduced, note };
}
