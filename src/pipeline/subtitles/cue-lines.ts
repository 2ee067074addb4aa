import { type CueTiming, hasTimingArrow, parseTimingLine } from "./timestamp.ts";
import type { ParserResult, RawCue } from "./types.ts";

/** The rules in which SRT, WebVTT and SBV differ; the rest of the cue grammar is shared. */
export interface CueLineRules {
  /** Tells whether a line after a blank line opens a block to skip whole, such as a WebVTT NOTE. */
  isSkippedBlockStart(line: string): boolean;
  /** Tells whether a line directly above a timing line can be a cue identifier. */
  isCueIdentifier(line: string): boolean;
  /** Tells whether a line is meant as a timing line, readable or not. @default a line with `-->` */
  isTimingLine?(line: string): boolean;
  /** Reads a timing line, or returns null when it cannot be read. @default {@link parseTimingLine} */
  parseTiming?(line: string): CueTiming | null;
  /**
   * Skips the lines after an unreadable timing line up to the next blank line, timing lines
   * included, as WebVTT parsers drop the whole block. Otherwise the next timing line starts a cue.
   * @default false
   */
  skipBlockAfterBadTiming?: boolean;
}

/** Largest number of individual warnings of one kind; the rest are counted. */
const MAX_LISTED_WARNINGS = 5;

const NUMBER_LINE = /^\d+$/;

interface OpenCue {
  start: number;
  end: number;
  line: number;
  text: string[];
}

function closeCue(cue: OpenCue): RawCue {
  return { start: cue.start, end: cue.end, line: cue.line, text: cue.text.join("\n") };
}

/**
 * Reads cues from the lines of an SRT, WebVTT or SBV body, starting at `firstLine` (0-based).
 *
 * A timing line starts a cue, and the lines below it are its text. A blank line does not end
 * the cue: a later non-blank line still belongs to it, unless that line is a cue identifier
 * directly above the next timing line or opens a skipped block. Lines before the first cue
 * are ignored and counted. A line with `-->` that cannot be read drops its cue, with a warning.
 */
export function collectCues(lines: string[], firstLine: number, rules: CueLineRules): ParserResult {
  const isTimingLine = rules.isTimingLine ?? hasTimingArrow;
  const parseTiming = rules.parseTiming ?? parseTimingLine;
  const cues: RawCue[] = [];
  const unreadable: string[] = [];
  let timingLines = 0;
  let strayLines = 0;

  let current: OpenCue | null = null;
  let afterBlank = true;
  let skippingBlock = false;
  let skippingCue = false;

  for (let index = firstLine; index < lines.length; index++) {
    const line = (lines[index] ?? "").trim();

    if (line === "") {
      afterBlank = true;
      skippingBlock = false;
      continue;
    }

    if (skippingBlock) continue;

    if (isTimingLine(line)) {
      timingLines++;
      if (current) cues.push(closeCue(current));
      current = null;
      afterBlank = false;

      const timing = parseTiming(line);
      if (!timing) {
        unreadable.push(`line ${index + 1}: "${line.slice(0, 60)}"`);
        skippingCue = true;
        skippingBlock = rules.skipBlockAfterBadTiming ?? false;
        continue;
      }

      skippingCue = false;
      current = { start: timing.start, end: timing.end, line: index + 1, text: [] };
      continue;
    }

    if (afterBlank && rules.isSkippedBlockStart(line)) {
      if (current) cues.push(closeCue(current));
      current = null;
      skippingBlock = true;
      skippingCue = false;
      continue;
    }

    const nextLine = (lines[index + 1] ?? "").trim();
    const aboveTiming = isTimingLine(nextLine);
    const identifierPosition = afterBlank || current === null || NUMBER_LINE.test(line);
    if (aboveTiming && identifierPosition && rules.isCueIdentifier(line)) {
      afterBlank = false;
      continue;
    }

    afterBlank = false;
    if (skippingCue) continue;

    if (current === null) {
      strayLines++;
      continue;
    }
    current.text.push(line);
  }
  if (current) cues.push(closeCue(current));

  const warnings: string[] = [];
  if (unreadable.length > 0) {
    const listed = unreadable.slice(0, MAX_LISTED_WARNINGS).join(", ");
    const more =
      unreadable.length > MAX_LISTED_WARNINGS ? ` and ${unreadable.length - MAX_LISTED_WARNINGS} more` : "";
    warnings.push(
      `dropped ${unreadable.length} cue(s) whose timing line could not be read: ${listed}${more}`,
    );
  }
  if (strayLines > 0) warnings.push(`ignored ${strayLines} text line(s) outside any cue`);

  return { cues, timingLines, warnings };
}
