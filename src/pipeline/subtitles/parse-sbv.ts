import { collectCues } from "./cue-lines.ts";
import { splitLines } from "./split-lines.ts";
import type { CueTiming } from "./timestamp.ts";
import type { ParserResult } from "./types.ts";

/** An SBV timing line, `0:00:01.000,0:00:03.500`: two `H:MM:SS.mmm` times separated by a comma. */
const SBV_TIMING =
  /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?\s*,\s*(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?$/;

function toSeconds(hours?: string, minutes?: string, seconds?: string, fraction?: string): number {
  const whole = Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
  const part = fraction ? Number(`0.${fraction}`) : 0;
  return Math.round((whole + part) * 1000) / 1000;
}

/** Reads an SBV timing line into seconds, or returns null when the line is not one. */
export function parseSbvTiming(line: string): CueTiming | null {
  const match = SBV_TIMING.exec(line.trim());
  if (!match) return null;

  return {
    start: toSeconds(match[1], match[2], match[3], match[4]),
    end: toSeconds(match[5], match[6], match[7], match[8]),
  };
}

/**
 * Parses YouTube SubViewer (SBV) text: a timing line such as `0:00:01.000,0:00:03.000`, then
 * the text lines, where `[br]` also breaks a line. SubViewer 2 `.sub` files use the same
 * timing lines with centiseconds and are read the same way.
 */
export function parseSbv(text: string): ParserResult {
  const result = collectCues(splitLines(text), 0, {
    isSkippedBlockStart: () => false,
    isCueIdentifier: () => false,
    isTimingLine: (line) => SBV_TIMING.test(line),
    parseTiming: parseSbvTiming,
  });

  for (const cue of result.cues) cue.text = cue.text.replace(/\[br\]/gi, "\n");
  return result;
}
