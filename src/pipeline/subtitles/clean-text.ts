import { joinCjkAware } from "./cjk.ts";

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
 * control codes such as `{y:i}`. Other text in braces is kept.
 */
const BRACE_BLOCK = /\{(?:\\|[A-Za-z]:)[^{}\n]*\}/g;

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

/**
 * Turns a cue's text into plain text: removes markup tags, ASS brace blocks and invisible
 * characters, decodes character references, and turns the ASS line breaks `\N` and `\n` into
 * line breaks. Lines are then joined with a space, or with nothing between two CJK
 * characters, and runs of whitespace collapse to one space.
 */
export function cleanCueText(raw: string): string {
  const text = decodeEntities(
    raw
      .replace(/\\[Nn]/g, "\n")
      .replace(/\\h/g, " ")
      .replace(BRACE_BLOCK, "")
      .replace(MARKUP_TAG, ""),
  ).replace(INVISIBLE, "");

  let joined = "";
  for (const line of text.split("\n")) {
    const trimmed = line.replace(/\s+/g, " ").trim();
    if (trimmed !== "") joined = joinCjkAware(joined, trimmed);
  }
  return joined;
}
