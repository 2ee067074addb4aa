import { collectCues } from "./cue-lines.ts";
import { splitLines } from "./split-lines.ts";
import { hasTimingArrow } from "./timestamp.ts";
import type { ParserResult } from "./types.ts";

/** WebVTT blocks that carry no cue text: comments, style sheets and region definitions. */
const SKIPPED_BLOCK = /^(?:NOTE|STYLE|REGION)(?:\s|$)/;

/** Returns the index of the first line after the `WEBVTT` header block, or null without a header. */
function findBodyStart(lines: string[]): number | null {
  if (!/^WEBVTT(?:\s|$)/.test((lines[0] ?? "").trim())) return null;

  let index = 1;
  while (index < lines.length) {
    const line = (lines[index] ?? "").trim();
    if (line === "" || hasTimingArrow(line)) break;
    index++;
  }
  return index;
}

/**
 * Parses WebVTT text into raw cues. It skips the header, NOTE, STYLE and REGION blocks,
 * cue identifiers and cue settings, and reads hour-less `MM:SS.mmm` timestamps. A file
 * without the `WEBVTT` line is still read, with a warning.
 */
export function parseVtt(text: string): ParserResult {
  const lines = splitLines(text);
  const bodyStart = findBodyStart(lines);

  const result = collectCues(lines, bodyStart ?? 0, {
    isSkippedBlockStart: (line) => SKIPPED_BLOCK.test(line),
    // Any text can identify a WebVTT cue.
    isCueIdentifier: () => true,
    skipBlockAfterBadTiming: true,
  });

  if (bodyStart === null)
    result.warnings.unshift('the first line is not "WEBVTT"; read the file as WebVTT anyway');
  return result;
}
