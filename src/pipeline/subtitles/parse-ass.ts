import { splitLines } from "./split-lines.ts";
import type { ParserResult, RawCue } from "./types.ts";

/**
 * Event fields when the `[Events]` section has no `Format:` line. SSA v4 names the first field
 * `Marked` and ASS v4+ names it `Layer`, but both put the times second and third and the text last.
 */
const DEFAULT_EVENT_FORMAT = [
  "layer",
  "start",
  "end",
  "style",
  "name",
  "marginl",
  "marginr",
  "marginv",
  "effect",
  "text",
];

/** Maximum number of unreadable events listed by line number. The rest are counted. */
const MAX_LISTED_WARNINGS = 5;

/** A section header such as `[Events]` or `[V4+ Styles]`. Uuencoded font lines never end in `]` and `[` both. */
const SECTION_HEADER = /^\[([^\]]+)\]$/;

/** An ASS time, `H:MM:SS.cc`. Some writers put more or fewer digits in each field. */
const ASS_TIME = /^(\d+):(\d{1,2}):(\d{1,2})(?:[.,](\d+))?$/;

/** Reads an ASS time such as `0:01:02.50` into seconds, or null when it is not one. */
export function parseAssTime(value: string): number | null {
  const match = ASS_TIME.exec(value.trim());
  if (!match) return null;

  const whole = Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
  const fraction = match[4] ? Number(`0.${match[4]}`) : 0;
  return Math.round((whole + fraction) * 1000) / 1000;
}

/**
 * Splits the value of an event line into its fields. The text is the last field and keeps its
 * commas, so the value is split at most `fieldCount - 1` times.
 */
function splitEventFields(value: string, fieldCount: number): string[] {
  const fields: string[] = [];
  let rest = value;
  while (fields.length < fieldCount - 1) {
    const comma = rest.indexOf(",");
    if (comma === -1) break;
    fields.push(rest.slice(0, comma));
    rest = rest.slice(comma + 1);
  }
  fields.push(rest);
  return fields;
}

/**
 * Parses Advanced SubStation Alpha (ASS, v4+) and SubStation Alpha (SSA, v4) scripts into raw
 * cues. Only `Dialogue:` lines of the `[Events]` section are read, with the field order of that
 * section's `Format:` line. `Comment:` lines and the other sections (styles, embedded fonts and
 * images, Aegisub project data) are skipped. The text keeps its override blocks for cleaning.
 */
export function parseAss(text: string): ParserResult {
  const lines = splitLines(text);
  const cues: RawCue[] = [];
  const unreadable: number[] = [];
  let format = DEFAULT_EVENT_FORMAT;
  let inEvents = false;
  let timingLines = 0;

  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? "").trim();
    const header = SECTION_HEADER.exec(line);
    if (header) {
      inEvents = (header[1] ?? "").trim().toLowerCase() === "events";
      continue;
    }

    if (!inEvents) continue;

    const colon = line.indexOf(":");
    if (colon === -1) continue;

    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1);
    if (key === "format") {
      format = value.split(",").map((name) => name.trim().toLowerCase());
      continue;
    }

    if (key !== "dialogue") continue;

    timingLines++;
    const fields = splitEventFields(value, format.length);
    const start = parseAssTime(fields[format.indexOf("start")] ?? "");
    const end = parseAssTime(fields[format.indexOf("end")] ?? "");
    if (start === null || end === null || fields.length < format.length) {
      unreadable.push(index + 1);
      continue;
    }

    // The text is the last field, whatever the Format line calls it.
    cues.push({ start, end, text: fields.at(-1) ?? "", line: index + 1 });
  }

  const warnings: string[] = [];
  if (unreadable.length > 0) {
    const listed = unreadable.slice(0, MAX_LISTED_WARNINGS).join(", ");
    const more =
      unreadable.length > MAX_LISTED_WARNINGS ? ` and ${unreadable.length - MAX_LISTED_WARNINGS} more` : "";
    warnings.push(
      `dropped ${unreadable.length} Dialogue line(s) whose times or fields could not be read: line ${listed}${more}`,
    );
  }

  return { cues, timingLines, warnings };
}
