import { collectCues } from "./cue-lines.ts";
import { splitLines } from "./split-lines.ts";
import type { ParserResult } from "./types.ts";

/**
 * Parses SubRip (SRT) text into raw cues. Cue numbers are optional and may start at 0, skip
 * values or repeat, because only the timing lines delimit cues.
 */
export function parseSrt(text: string): ParserResult {
  return collectCues(splitLines(text), 0, {
    // SRT has no comment or style blocks.
    isSkippedBlockStart: () => false,
    isCueIdentifier: (line) => /^\d+$/.test(line),
  });
}
