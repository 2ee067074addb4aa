import type { Cue } from "../../../schemas/step-files.ts";
import { reduceBilingual, type SubtitleLanguage } from "./bilingual.ts";
import { cleanCueLines, joinCueLines } from "./clean-text.ts";
import { decodeSubtitle } from "./decode.ts";
import { parseAss } from "./parse-ass.ts";
import { parseMicroDvd } from "./parse-microdvd.ts";
import { parseSbv } from "./parse-sbv.ts";
import { parseSrt } from "./parse-srt.ts";
import { parseVtt } from "./parse-vtt.ts";
import { mergeOverlappingCues } from "./rolling-captions.ts";
import { FORMAT_NAMES, pickFormat, sniffBitmapSubtitle } from "./sniff-format.ts";
import { SubtitleParseError } from "./subtitle-parse-error.ts";
import type { ParserResult, SubtitleFormat, SubtitleParser, TextCue } from "./types.ts";

export type { SubtitleLanguage } from "./bilingual.ts";
export { detectLanguage } from "./detect-language.ts";
export { SubtitleParseError, type SubtitleParseErrorCode } from "./subtitle-parse-error.ts";
export type { SubtitleFormat } from "./types.ts";

/** Facts from outside the subtitle file that change how it is read. */
export interface ParseSubtitleOptions {
  /** Frame rate of the video, for MicroDVD files that do not declare one. */
  fps?: number | undefined;
  /**
   * Language kept from a bilingual Chinese-English file, unless the other language has text
   * in clearly more cues. @default "zh"
   */
  preferredLanguage?: SubtitleLanguage | undefined;
}

/** A parsed subtitle file: cleaned cues sorted by start time, and what was skipped or decided. */
export interface ParsedSubtitle {
  format: SubtitleFormat;
  encoding: string;
  /** Cues with text, sorted by start, none overlapping the next. */
  cues: Cue[];
  /** Problems in the file: dropped cues, unreadable lines, undecodable characters. */
  warnings: string[];
  /** Choices made while reading: the language kept from a bilingual file, merged cues. */
  notes: string[];
}

/** Every cue of a file with its cleaned text, before empty cues are dropped or cues merged. */
export interface SubtitleCues {
  format: SubtitleFormat;
  encoding: string;
  cues: Array<{ start: number; end: number; text: string }>;
  warnings: string[];
}

/** The parser of each format. A new format needs an entry here and in `sniff-format.ts`. */
const PARSERS: Record<SubtitleFormat, SubtitleParser> = {
  srt: parseSrt,
  vtt: parseVtt,
  ass: parseAss,
  ssa: parseAss,
  microdvd: parseMicroDvd,
  sbv: parseSbv,
};

const SUPPORTED_FORMATS = "SRT, WebVTT, ASS/SSA, MicroDVD or SBV";

interface ReadCues {
  format: SubtitleFormat;
  encoding: string;
  text: string;
  result: ParserResult;
  cues: TextCue[];
  warnings: string[];
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function unsupportedFormat(fileName: string, name: string): SubtitleParseError {
  const bitmap = name.includes("bitmap");
  const fix = bitmap
    ? "They are images of text and would need OCR; use a text subtitle file instead."
    : `Convert it to ${SUPPORTED_FORMATS} (for example with ffmpeg -i "${fileName}" subtitles.srt) and add it again.`;
  return new SubtitleParseError(
    "SUBTITLE_UNSUPPORTED_FORMAT",
    fileName,
    `${fileName} contains ${name}, which autoclipd cannot read. ${fix}`,
  );
}

/** Decodes, parses and cleans a file. Throws when no parser applies or the parser found no cue at all. */
function readCues(bytes: Uint8Array, fileName: string, options: ParseSubtitleOptions): ReadCues {
  const bitmap = sniffBitmapSubtitle(bytes);
  if (bitmap) throw unsupportedFormat(fileName, bitmap);

  const { text, encoding } = decodeSubtitle(bytes);
  const choice = pickFormat(text, fileName);
  if (choice.unsupported) throw unsupportedFormat(fileName, choice.unsupported);

  const format = choice.format;
  if (format === null) {
    throw new SubtitleParseError(
      "SUBTITLE_UNREADABLE",
      fileName,
      `Could not read ${fileName} as subtitles: expected ${SUPPORTED_FORMATS} text, such as timing lines like "00:00:01,000 --> 00:00:04,000", but found none (encoding ${encoding}). Convert the file to SRT and add it again.`,
    );
  }

  const result = PARSERS[format](text, { fps: options.fps });
  const name = FORMAT_NAMES[format];
  if (result.error) {
    throw new SubtitleParseError(
      "SUBTITLE_UNREADABLE",
      fileName,
      `Could not read ${fileName} as ${name}: ${result.error}.`,
    );
  }
  if (result.cues.length === 0) {
    throw new SubtitleParseError(
      "SUBTITLE_UNREADABLE",
      fileName,
      `Could not read ${fileName} as ${name}: expected cues with readable times, found ${plural(result.timingLines, "timing line")} and no readable cue (encoding ${encoding}). Check that the file is a complete ${name} file.`,
    );
  }

  const assMarkup = format === "ass" || format === "ssa";
  const cues = result.cues.map((raw) => ({
    start: raw.start,
    end: raw.end,
    lines: cleanCueLines(raw.text, { assMarkup }),
  }));
  const warnings = [...(choice.warning ? [choice.warning] : []), ...result.warnings];
  return { format, encoding, text, result, cues, warnings };
}

/**
 * Reads every cue of a subtitle file with its cleaned text, in file order, keeping empty and
 * zero-length cues and overlaps. It is the parser's view without {@link parseSubtitle}'s
 * clean-up, for conformance checks against other parsers.
 *
 * @throws SubtitleParseError as {@link parseSubtitle} does, except `SUBTITLE_EMPTY`.
 */
export function readSubtitleCues(
  bytes: Uint8Array,
  fileName: string,
  options: ParseSubtitleOptions = {},
): SubtitleCues {
  const file = readCues(bytes, fileName, options);
  const cues = file.cues.map((cue) => ({ start: cue.start, end: cue.end, text: joinCueLines(cue.lines) }));
  return { format: file.format, encoding: file.encoding, cues, warnings: file.warnings };
}

/**
 * Parses a subtitle file into cleaned cues sorted by start time. The format comes from the
 * file extension (`.srt`, `.vtt`, `.ass`, `.ssa`, `.sub`, `.sbv`), or from the content when it
 * clearly belongs to another format. Empty cues and cues that end at or before their start are dropped and
 * counted in `warnings`. A bilingual Chinese-English file is reduced to one language, rolling
 * captions lose their repeated text, and overlapping cues are cut so that each ends before the
 * next starts. These choices are listed in `notes`.
 *
 * @throws SubtitleParseError `SUBTITLE_UNSUPPORTED_FORMAT` for a known format without a
 *   parser, `SUBTITLE_UNREADABLE` when no cue can be read, and `SUBTITLE_EMPTY` when every
 *   cue is empty or zero-length.
 */
export function parseSubtitle(
  bytes: Uint8Array,
  fileName: string,
  options: ParseSubtitleOptions = {},
): ParsedSubtitle {
  const file = readCues(bytes, fileName, options);
  const { format, encoding, warnings } = file;
  const notes = [...(file.result.notes ?? [])];

  let empty = 0;
  let zeroLength = 0;
  const withText: TextCue[] = [];
  for (const cue of file.cues) {
    if (cue.lines.length === 0) empty++;
    else if (cue.end <= cue.start) zeroLength++;
    else withText.push(cue);
  }
  withText.sort((a, b) => a.start - b.start || a.end - b.end);

  if (empty > 0) warnings.push(`dropped ${plural(empty, "empty cue")}`);
  if (zeroLength > 0) warnings.push(`dropped ${plural(zeroLength, "cue")} that end at or before their start`);

  const replaced = file.text.match(/\uFFFD/g)?.length ?? 0;
  if (replaced > 0) warnings.push(`the text contains ${plural(replaced, "undecodable character")} (U+FFFD)`);

  if (withText.length === 0) {
    throw new SubtitleParseError(
      "SUBTITLE_EMPTY",
      fileName,
      `${fileName} has no cue with text: ${file.cues.length === 1 ? "its only cue is" : `all ${file.cues.length} cues are`} empty or zero-length. Use a subtitle file that contains the spoken text.`,
    );
  }

  const bilingual = reduceBilingual(withText, options.preferredLanguage ?? "zh");
  if (bilingual.note) notes.push(bilingual.note);

  const merged = mergeOverlappingCues(bilingual.cues);
  notes.push(...merged.notes);

  const cues = merged.cues.map((cue) => ({ start: cue.start, end: cue.end, text: joinCueLines(cue.lines) }));
  return { format, encoding, cues, warnings, notes };
}
