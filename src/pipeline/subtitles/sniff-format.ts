import path from "node:path";
import { parseSbvTiming } from "./parse-sbv.ts";
import { parseTimingLine } from "./timestamp.ts";
import type { SubtitleFormat } from "./types.ts";

/** The format a file is read as, or why it cannot be read. */
export interface FormatChoice {
  format: SubtitleFormat | null;
  /** Set when the content overrides the file extension. */
  warning?: string;
  /** Name of a recognised format that has no parser, such as `SAMI`. */
  unsupported?: string;
}

/** Display name of each format, for messages. */
export const FORMAT_NAMES: Record<SubtitleFormat, string> = {
  srt: "SRT",
  vtt: "WebVTT",
  ass: "ASS",
  ssa: "SSA",
  microdvd: "MicroDVD",
  sbv: "SBV",
};

const FORMAT_BY_EXTENSION: Record<string, SubtitleFormat> = {
  ".srt": "srt",
  ".vtt": "vtt",
  ".ass": "ass",
  ".ssa": "ssa",
  ".sub": "microdvd",
  ".sbv": "sbv",
};

/** File extensions of the subtitle formats that have a parser, with their dot. */
export const PARSED_SUBTITLE_EXTENSIONS: readonly string[] = Object.keys(FORMAT_BY_EXTENSION);

/** Subtitle formats that are recognised by extension but have no parser. */
const UNSUPPORTED_BY_EXTENSION: Record<string, string> = {
  ".smi": "SAMI",
  ".sami": "SAMI",
  ".ttml": "TTML",
  ".dfxp": "TTML (DFXP)",
  ".lrc": "LRC lyrics",
  ".scc": "Scenarist closed captions (SCC)",
  ".stl": "EBU STL or Spruce STL",
  ".idx": "VobSub bitmap subtitles",
  ".sup": "Blu-ray PGS bitmap subtitles",
};

/** Content signatures of formats without a parser, checked before the parsers' own signatures. */
const UNSUPPORTED_BY_CONTENT: Array<[RegExp, string]> = [
  [/<SAMI[\s>]/i, "SAMI"],
  [/<tt[\s>][\s\S]*?ttml/i, "TTML"],
  [/^Scenarist_SCC/, "Scenarist closed captions (SCC)"],
  [/^\[\d{1,3}:\d{2}(?:[.:]\d{1,3})?\]/m, "LRC lyrics"],
];

/** Number of leading lines searched for a timing line when the format comes from the content. */
const SNIFF_LINES = 50;

const MICRODVD_START = /^\{\d+\}\{\d*\}/;

/** PGS segment types that follow the `PG` magic, its two 32-bit times: palette, object, presentation, window, end. */
const PGS_SEGMENT_TYPES = new Set([0x14, 0x15, 0x16, 0x17, 0x80]);

/**
 * Names the bitmap subtitle format of `bytes`: VobSub `.sub` files are MPEG program streams
 * that start with a pack header, and PGS `.sup` files start with `PG` and a segment header.
 * Returns null for anything else.
 */
export function sniffBitmapSubtitle(bytes: Uint8Array): string | null {
  if (bytes[0] === 0x00 && bytes[1] === 0x00 && bytes[2] === 0x01 && bytes[3] === 0xba) {
    return "VobSub bitmap subtitles";
  }
  if (bytes[0] === 0x50 && bytes[1] === 0x47 && PGS_SEGMENT_TYPES.has(bytes[10] ?? -1)) {
    return "Blu-ray PGS bitmap subtitles";
  }
  return null;
}

/** Reads the ASS flavour from `ScriptType:` or the styles section name. */
function sniffAssFlavour(text: string): SubtitleFormat {
  const scriptType = /^\s*ScriptType:\s*v4\.00(\+?)/im.exec(text);
  if (scriptType) return scriptType[1] === "+" ? "ass" : "ssa";
  return /^\s*\[V4 Styles\]/im.test(text) ? "ssa" : "ass";
}

/**
 * Reads a format from the content. `strong` signatures (a WebVTT header, ASS sections, MicroDVD
 * frame braces, SBV timing lines) win over the extension. An SRT timing line alone does not,
 * because WebVTT files without a header have the same timing lines.
 */
function sniffContent(text: string): { format: SubtitleFormat; strong: boolean } | null {
  const start = text.trimStart();
  if (/^WEBVTT(?:\s|$)/.test(start)) return { format: "vtt", strong: true };
  if (/^\s*\[(?:Script Info|Events)\]\s*$/im.test(text))
    return { format: sniffAssFlavour(text), strong: true };
  if (MICRODVD_START.test(start)) return { format: "microdvd", strong: true };

  const lines = text.split(/\r\n|\r|\n/, SNIFF_LINES);
  if (lines.some((line) => parseSbvTiming(line) !== null)) return { format: "sbv", strong: true };
  if (lines.some((line) => parseTimingLine(line) !== null)) return { format: "srt", strong: false };
  return null;
}

function isAssFamily(format: SubtitleFormat | undefined): boolean {
  return format === "ass" || format === "ssa";
}

/**
 * Picks the parser for a file from its extension and its content. A strong content signature
 * that disagrees with the extension wins, with a warning. A known format without a parser is
 * returned as `unsupported`.
 */
export function pickFormat(text: string, fileName: string): FormatChoice {
  const extension = path.extname(fileName).toLowerCase();
  const head = text.slice(0, 64 * 1024);

  const unsupported = UNSUPPORTED_BY_CONTENT.find(([pattern]) => pattern.test(head));
  const byExtension = FORMAT_BY_EXTENSION[extension];
  const byContent = sniffContent(head);

  if (unsupported && !byContent?.strong) return { format: null, unsupported: unsupported[1] };
  if (!byContent) {
    const unsupportedName = UNSUPPORTED_BY_EXTENSION[extension];
    if (unsupportedName) return { format: null, unsupported: unsupportedName };
    return { format: byExtension ?? null };
  }

  if (!byExtension) return { format: byContent.format };
  if (byContent.format === byExtension || !byContent.strong) return { format: byExtension };
  if (isAssFamily(byContent.format) && isAssFamily(byExtension)) return { format: byContent.format };

  return {
    format: byContent.format,
    warning: `the content is ${FORMAT_NAMES[byContent.format]}, so the file was read as ${FORMAT_NAMES[byContent.format]} despite its ${extension} name`,
  };
}
