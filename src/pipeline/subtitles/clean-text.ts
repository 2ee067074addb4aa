import { joinCjkAware } from "./cjk.ts";

/** Options of {@link cleanCueLines}. */
export interface CleanOptions {
  /**
   * Reads every `{…}` block as an ASS override block, as ASS and SSA renderers do, so text in
   * braces is dropped. Otherwise only blocks that start with `\` (ASS tags in SRT files) or with
   * a letter and a colon (MicroDVD codes) are dropped, and other text in braces stays.
   * @default false
   */
  assMarkup?: boolean;
}

/** Named character references that subtitle files use; numeric ones are decoded separately. */
const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  lrm: "",
  rlm: "",
};

/**
 * ASS override blocks such as `{\an8}` and `{\i1}`, which many SRT files carry, and MicroDVD
 * control codes such as `{y:i}`.
 */
const OVERRIDE_BLOCK = /\{(?:\\|[A-Za-z]:)[^{}\n]*\}/g;

/** Any brace block, which ASS renderers never show. */
const ANY_BRACE_BLOCK = /\{[^}]*\}/g;

/**
 * The ASS drawing tag: `\p1` and higher switch the following text to vector drawing commands,
 * and `\p0` switches back to text.
 */
const DRAWING_TAG = /\\p(\d+)/g;

/**
 * HTML-like tags (`<i>`, `</font>`, `<c.title>`, `<v Alice>`) and WebVTT timestamp tags
 * (`<00:00:35.000>`). A `<` followed by a digit or space is text, as in `2<3`.
 */
const MARKUP_TAG = /<\/?[A-Za-z][^<>]*>|<\d{1,2}(?::\d{2}){1,2}[.,]\d{1,3}>/g;

/** Zero-width characters, bidirectional controls, soft hyphens and byte order marks. */
const INVISIBLE = /[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g;

const ENTITY = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z]+));/g;

function decodeEntities(text: string): string {
  return text.replace(ENTITY, (match, decimal?: string, hex?: string, name?: string) => {
    if (decimal || hex) {
      const codePoint = decimal ? Number(decimal) : Number.parseInt(hex ?? "", 16);
      return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : match;
    }
    return NAMED_ENTITIES[(name ?? "").toLowerCase()] ?? match;
  });
}

/** Tells whether a brace block leaves drawing mode on, from its last `\pN` tag. */
function drawingAfter(block: string, drawing: boolean): boolean {
  let result = drawing;
  for (const match of block.matchAll(DRAWING_TAG)) result = Number(match[1]) > 0;
  return result;
}

/** Removes brace blocks, and the drawing commands that follow a `\p1` tag up to a `\p0` tag. */
function removeBraceBlocks(raw: string, assMarkup: boolean): string {
  const blocks = assMarkup ? ANY_BRACE_BLOCK : OVERRIDE_BLOCK;
  let visible = "";
  let drawing = false;
  let position = 0;

  for (const match of raw.matchAll(blocks)) {
    if (!drawing) visible += raw.slice(position, match.index);
    drawing = drawingAfter(match[0], drawing);
    position = match.index + match[0].length;
  }
  if (!drawing) visible += raw.slice(position);
  return visible;
}

/**
 * Turns a cue's text into plain text lines: removes ASS override blocks with the vector
 * drawings and karaoke tags inside them, markup tags and invisible characters, decodes
 * character references, and breaks lines at the ASS line breaks `\N` and `\n`. Runs of
 * whitespace collapse to one space and empty lines are dropped.
 */
export function cleanCueLines(raw: string, options: CleanOptions = {}): string[] {
  const text = decodeEntities(
    removeBraceBlocks(raw, options.assMarkup ?? false)
      .replace(/\\[Nn]/g, "\n")
      .replace(/\\h/g, " ")
      .replace(MARKUP_TAG, ""),
  ).replace(INVISIBLE, "");

  const lines: string[] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.replace(/\s+/g, " ").trim();
    if (trimmed !== "") lines.push(trimmed);
  }
  return lines;
}

/** Joins text lines with a space, or with nothing between two CJK characters. */
export function joinCueLines(lines: readonly string[]): string {
  let joined = "";
  for (const line of lines) joined = joinCjkAware(joined, line);
  return joined;
}

/**
 * Turns a cue's text into one line of plain text with {@link cleanCueLines}, joining the lines
 * with a space, or with nothing between two CJK characters.
 */
export function cleanCueText(raw: string, options: CleanOptions = {}): string {
  return joinCueLines(cleanCueLines(raw, options));
}
