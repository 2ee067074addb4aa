/**
 * Tells whether a code point is a CJK ideograph or Japanese kana: the characters that
 * Chinese and Japanese text writes without spaces between words.
 */
export function isCjkCharacter(codePoint: number): boolean {
  return (
    (codePoint >= 0x4e00 && codePoint <= 0x9fff) || // CJK Unified Ideographs
    (codePoint >= 0x3400 && codePoint <= 0x4dbf) || // Extension A
    (codePoint >= 0xf900 && codePoint <= 0xfaff) || // Compatibility Ideographs
    (codePoint >= 0x20000 && codePoint <= 0x2ebef) || // Extensions B to F
    (codePoint >= 0x3040 && codePoint <= 0x30ff) // Hiragana and Katakana
  );
}

/** Tells whether a code point is CJK punctuation or a full-width form (，。！？「」 and the like). */
export function isCjkPunctuation(codePoint: number): boolean {
  return (codePoint >= 0x3000 && codePoint <= 0x303f) || (codePoint >= 0xff00 && codePoint <= 0xffef);
}

/** Tells whether a character is written without a space before or after it in CJK text. */
export function isCjkText(character: string): boolean {
  const codePoint = character.codePointAt(0);
  if (codePoint === undefined) return false;

  return isCjkCharacter(codePoint) || isCjkPunctuation(codePoint);
}

/**
 * Joins two pieces of text with a space, or with nothing when both sides of the join are
 * CJK characters, because Chinese text puts no spaces between words.
 */
export function joinCjkAware(left: string, right: string): string {
  if (left === "") return right;
  if (right === "") return left;

  const last = Array.from(left.slice(-2)).at(-1) ?? "";
  const first = String.fromCodePoint(right.codePointAt(0) ?? 0x20);
  const separator = isCjkText(last) && isCjkText(first) ? "" : " ";
  return `${left}${separator}${right}`;
}

/** Counts the CJK ideographs and kana in `text`. */
export function countCjkCharacters(text: string): number {
  let count = 0;
  for (const character of text) {
    if (isCjkCharacter(character.codePointAt(0) ?? 0)) count++;
  }
  return count;
}
