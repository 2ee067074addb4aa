import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { cleanCueText } from "./clean-text.ts";
import { readSubtitleCues, SubtitleParseError } from "./index.ts";

/** Origin of a case's expected cues: a sibling JSON file, or inferred from vtt.js's rendered output. */
export type ExpectationSource = "sibling" | "inferred";

/** The outcome of one WebVTT file. */
export interface ConformanceCase {
  file: string;
  source: ExpectationSource;
  pass: boolean;
  /** Description of the first difference, empty when the case passes. */
  reason: string;
  /** Reason that our parser differs on purpose, for a case that fails by design. */
  deliberate?: string;
}

interface ExpectedCue {
  start: number;
  end: number;
  text: string;
}

/**
 * Cases of the vtt.js suite where our parser reads more than the WebVTT standard allows, on
 * purpose, because subtitle files in the wild break these rules and their cues are still wanted.
 */
const DELIBERATE_DIFFERENCES: Record<string, string> = {
  "fraction-digits.vtt": "two-digit fractions of a second are read, as in SRT files",
  "minimum-spots-over-sixty.vtt":
    "120:00.000 is read as 120 minutes; the expected parse reads 120 hours, and the standard allows neither",
  "bom-garbage-data.vtt": "a file without a WEBVTT header is read, with a warning",
  "bom-tab-webvtt.vtt": "whitespace before the WEBVTT header is ignored",
  "tab-after-bom-before-header.vtt": "whitespace before the WEBVTT header is ignored",
  "newline-before-webvtt.vtt": "a file whose first line is not WEBVTT is read, with a warning",
  "header-no-new-line.vtt": "a timing line directly below the header starts a cue",
};

/** Times closer than this many seconds are equal, because both sides round to milliseconds. */
const TIME_TOLERANCE = 0.0005;

/**
 * Reads the cues of an expected-parse JSON file as mozilla/vtt.js writes them:
 * `{cues: [{startTime, endTime, text}], regions}`, with the text cleaned as ours is. Returns
 * null for JSON of another shape, such as another tool's own subtitle format.
 */
async function readExpected(file: string): Promise<ExpectedCue[] | null> {
  const data = JSON.parse(await readFile(file, "utf8")) as { cues?: unknown };
  if (!Array.isArray(data.cues)) return null;

  const cues: ExpectedCue[] = [];
  for (const cue of data.cues as Array<Record<string, unknown>>) {
    const { startTime, endTime, text } = cue;
    if (typeof startTime !== "number" || typeof endTime !== "number" || typeof text !== "string") return null;
    cues.push({ start: startTime, end: endTime, text: cleanCueText(text) });
  }
  return cues;
}

/**
 * Finds the expected cues of `vttFile`. A sibling `NAME.json` gives them directly. Without
 * one, vtt.js's rendered output `NAME-proc.json` shows whether the file yields cues: an empty
 * list means none, and otherwise the folder's shared `with-data.json` contains the one cue that
 * those files yield. Returns null when neither applies.
 */
async function findExpected(
  vttFile: string,
): Promise<{ cues: ExpectedCue[]; source: ExpectationSource } | null> {
  const base = vttFile.slice(0, -".vtt".length);
  if (existsSync(`${base}.json`)) {
    const cues = await readExpected(`${base}.json`);
    return cues && { cues, source: "sibling" };
  }
  if (!existsSync(`${base}-proc.json`)) return null;

  const rendered = JSON.parse(await readFile(`${base}-proc.json`, "utf8")) as unknown;
  if (Array.isArray(rendered) && rendered.length === 0) return { cues: [], source: "inferred" };

  const shared = path.join(path.dirname(vttFile), "with-data.json");
  const cues = existsSync(shared) ? await readExpected(shared) : null;
  return cues && { cues, source: "inferred" };
}

function describeCue(cue: ExpectedCue | undefined): string {
  return cue ? `[${cue.start}, ${cue.end}] ${JSON.stringify(cue.text)}` : "none";
}

function compare(actual: readonly ExpectedCue[], expected: readonly ExpectedCue[]): string {
  if (actual.length !== expected.length) {
    return `expected ${expected.length} cue(s), parsed ${actual.length}: first parsed ${describeCue(actual[0])}`;
  }

  for (let index = 0; index < expected.length; index++) {
    const want = expected[index] as ExpectedCue;
    const got = actual[index] as ExpectedCue;
    const timesEqual =
      Math.abs(want.start - got.start) < TIME_TOLERANCE && Math.abs(want.end - got.end) < TIME_TOLERANCE;
    if (!timesEqual || want.text !== got.text) {
      return `cue ${index + 1}: expected ${describeCue(want)}, parsed ${describeCue(got)}`;
    }
  }
  return "";
}

async function checkFile(file: string, expected: ExpectedCue[]): Promise<string> {
  let actual: ExpectedCue[];
  try {
    actual = readSubtitleCues(await readFile(file), path.basename(file)).cues;
  } catch (error) {
    if (!(error instanceof SubtitleParseError)) throw error;
    // A file that should yield no cue may also be rejected as a whole.
    return expected.length === 0 ? "" : `expected ${expected.length} cue(s), parse failed: ${error.code}`;
  }
  return compare(actual, expected);
}

/**
 * Compares {@link readSubtitleCues} with the expected parses of a WebVTT conformance folder
 * laid out as mozilla/vtt.js's tests: each `NAME.vtt` beside its expected `NAME.json`. Cue
 * count, start and end times, and text after cleaning must match. Files without an expected
 * parse are skipped.
 */
export async function checkVttConformance(folder: string): Promise<ConformanceCase[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".vtt"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();

  const cases: ConformanceCase[] = [];
  for (const file of files) {
    const expected = await findExpected(file);
    if (!expected) continue;

    const reason = await checkFile(file, expected.cues);
    const deliberate = reason === "" ? undefined : DELIBERATE_DIFFERENCES[path.basename(file)];
    cases.push({
      file,
      source: expected.source,
      pass: reason === "",
      reason,
      ...(deliberate && { deliberate }),
    });
  }
  return cases;
}
