import path from "node:path";
import type { Cue } from "../../../schemas/step-files.ts";
import { cleanCueText } from "./clean-text.ts";
import { decodeSubtitle } from "./decode.ts";
import { parseSrt } from "./parse-srt.ts";
import { parseVtt } from "./parse-vtt.ts";
import { SubtitleParseError } from "./subtitle-parse-error.ts";
import { parseTimingLine } from "./timestamp.ts";
import type { SubtitleFormat, SubtitleParser } from "./types.ts";

export { detectLanguage } from "./detect-language.ts";
export { SubtitleParseError, type SubtitleParseErrorCode } from "./subtitle-parse-error.ts";
export type { SubtitleFormat } from "./types.ts";

/** A parsed subtitle file: cleaned cues sorted by start time, and what was skipped. */
export interface ParsedSubtitle {
  format: SubtitleFormat;
  encoding: string;
  cues: Cue[];
  warnings: string[];
}

/** The parser of each format. A new format needs an entry here and in {@link FORMAT_BY_EXTENSION}. */
const PARSERS: Record<SubtitleFormat, SubtitleParser> = { srt: parseSrt, vtt: parseVtt };

const FORMAT_BY_EXTENSION: Record<string, SubtitleFormat> = { ".srt": "srt", ".vtt": "vtt" };

/** Number of leading lines searched for a timing line when the format comes from the content. */
const SNIFF_LINES = 50;

/** Guesses the format from the text: a `WEBVTT` first line, or an SRT timing line near the top. */
function sniffFormat(text: string): SubtitleFormat | null {
  if (/^WEBVTT(?:\s|$)/.test(text.trimStart())) return "vtt";

  const lines = text.split(/\r\n|\r|\n/, SNIFF_LINES);
  return lines.some((line) => parseTimingLine(line) !== null) ? "srt" : null;
}

function pickFormat(text: string, fileName: string): { format: SubtitleFormat | null; warning?: string } {
  const byExtension = FORMAT_BY_EXTENSION[path.extname(fileName).toLowerCase()];
  const byContent = sniffFormat(text);

  if (byExtension === "srt" && byContent === "vtt") {
    return {
      format: "vtt",
      warning: 'the file starts with "WEBVTT", so it was read as WebVTT despite its .srt name',
    };
  }
  return { format: byExtension ?? byContent };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

/**
 * Parses a subtitle file into cleaned cues sorted by start time. The format comes from the
 * file extension (`.srt`, `.vtt`), else from the content. Cues whose text is empty after
 * cleaning, and cues that end at or before their start, are dropped and counted in `warnings`.
 *
 * @throws SubtitleParseError `SUBTITLE_UNREADABLE` when no timing line can be read, and
 *   `SUBTITLE_EMPTY` when every cue is empty or zero-length.
 */
export function parseSubtitle(bytes: Uint8Array, fileName: string): ParsedSubtitle {
  const { text, encoding } = decodeSubtitle(bytes);
  const { format, warning } = pickFormat(text, fileName);
  const warnings = warning ? [warning] : [];

  if (format === null) {
    throw new SubtitleParseError(
      "SUBTITLE_UNREADABLE",
      fileName,
      `Could not read ${fileName} as subtitles: expected an .srt or .vtt file, or text with timing lines such as "00:00:01,000 --> 00:00:04,000", but found neither. Convert the file to SRT or WebVTT and add it again.`,
    );
  }

  const result = PARSERS[format](text);
  warnings.push(...result.warnings);

  let empty = 0;
  let zeroLength = 0;
  const cues: Cue[] = [];
  for (const raw of result.cues) {
    const cleaned = cleanCueText(raw.text);
    if (cleaned === "") empty++;
    else if (raw.end <= raw.start) zeroLength++;
    else cues.push({ start: raw.start, end: raw.end, text: cleaned });
  }
  cues.sort((a, b) => a.start - b.start || a.end - b.end);

  if (empty > 0) warnings.push(`dropped ${plural(empty, "empty cue")}`);
  if (zeroLength > 0) warnings.push(`dropped ${plural(zeroLength, "cue")} that end at or before their start`);

  const replaced = text.match(/\uFFFD/g)?.length ?? 0;
  if (replaced > 0) warnings.push(`the text contains ${plural(replaced, "undecodable character")} (U+FFFD)`);

  if (cues.length > 0) return { format, encoding, cues, warnings };

  if (result.cues.length === 0) {
    throw new SubtitleParseError(
      "SUBTITLE_UNREADABLE",
      fileName,
      `Could not read ${fileName} as ${format.toUpperCase()}: expected cues with timing lines such as "00:00:01,000 --> 00:00:04,000", found ${plural(result.timingLines, "timing line")} and no readable cue (encoding ${encoding}). Check that the file is a complete ${format.toUpperCase()} file.`,
    );
  }

  throw new SubtitleParseError(
    "SUBTITLE_EMPTY",
    fileName,
    `${fileName} has no cue with text: all ${plural(result.cues.length, "cue")} are empty or zero-length. Use a subtitle file that contains the spoken text.`,
  );
}
