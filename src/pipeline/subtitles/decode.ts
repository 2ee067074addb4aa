import iconv from "iconv-lite";
import { isCjkCharacter, isCjkPunctuation } from "./cjk.ts";

/** Decoded text and the name of the encoding it was read with. */
export interface DecodedSubtitle {
  text: string;
  /** `utf-8`, `utf-16le`, `utf-16be`, `utf-32le`, `utf-32be`, `gb18030`, `big5` or `windows-1252`. */
  encoding: string;
}

interface ByteOrderMark {
  bytes: number[];
  encoding: string;
  /** Codec name as iconv-lite spells it. */
  codec: string;
}

/** UTF-32 marks come first because the UTF-16 LE mark is a prefix of the UTF-32 LE mark. */
const BYTE_ORDER_MARKS: ByteOrderMark[] = [
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: "utf-32be", codec: "utf32be" },
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: "utf-32le", codec: "utf32le" },
  { bytes: [0xef, 0xbb, 0xbf], encoding: "utf-8", codec: "utf8" },
  { bytes: [0xfe, 0xff], encoding: "utf-16be", codec: "utf16be" },
  { bytes: [0xff, 0xfe], encoding: "utf-16le", codec: "utf16le" },
];

/** Legacy encodings tried when the bytes are not valid UTF-8, with iconv-lite's codec names. */
const LEGACY_CANDIDATES = [
  { encoding: "windows-1252", codec: "win1252" },
  { encoding: "gb18030", codec: "gb18030" },
  { encoding: "big5", codec: "big5" },
  { encoding: "utf-8", codec: "utf8" },
];

/** Only this many leading bytes are decoded to judge a candidate encoding. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * The most frequent Chinese characters, in simplified and traditional forms. Chinese text read
 * with its own encoding is full of them. Read with another CJK encoding, the same bytes give
 * rarer characters.
 */
const COMMON_HANZI = new Set(
  Array.from(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用" +
      "道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日" +
      "這個們來為國說時會對於著過發後裡種經麼學現當動還進樣從實見點間問與開",
  ),
);

const REPLACEMENT_CHARACTER = 0xfffd;

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.length <= bytes.length && prefix.every((byte, index) => bytes[index] === byte);
}

function isAsciiLetterOrDigit(character: string | undefined): boolean {
  return character !== undefined && /^[A-Za-z0-9]$/.test(character);
}

/**
 * Detects UTF-16 without a byte order mark from the zero bytes that ASCII characters
 * (timestamps, digits, line breaks) leave in every other position.
 */
function detectUtf16WithoutMark(bytes: Uint8Array): "utf16le" | "utf16be" | null {
  const pairs = Math.min(Math.floor(bytes.length / 2), 2048);
  if (pairs < 8) return null;

  let zeroEven = 0;
  let zeroOdd = 0;
  for (let index = 0; index < pairs * 2; index += 2) {
    if (bytes[index] === 0) zeroEven++;
    if (bytes[index + 1] === 0) zeroOdd++;
  }

  if (zeroOdd > pairs * 0.3 && zeroEven < pairs * 0.02) return "utf16le";
  if (zeroEven > pairs * 0.3 && zeroOdd < pairs * 0.02) return "utf16be";
  return null;
}

/**
 * Rates how much a decoded text looks like real text, from its non-ASCII characters. Common
 * Chinese characters, CJK characters in runs, accented letters inside Latin words and typographic
 * punctuation count for it. Replacement characters, control characters and lone CJK characters
 * between Latin letters (single-byte text read as a double-byte encoding) count against it.
 * Returns the mean over the non-ASCII characters, or 0 when there are none.
 */
export function rateDecodedText(text: string): number {
  const characters = Array.from(text);
  let total = 0;
  let nonAscii = 0;

  for (let index = 0; index < characters.length; index++) {
    const character = characters[index] ?? "";
    const codePoint = character.codePointAt(0) ?? 0;
    if (codePoint < 0x80) continue;

    nonAscii++;
    const before = characters[index - 1];
    const after = characters[index + 1];
    const betweenLatin = isAsciiLetterOrDigit(before) && isAsciiLetterOrDigit(after);
    const touchesLatin = isAsciiLetterOrDigit(before) || isAsciiLetterOrDigit(after);

    if (codePoint === REPLACEMENT_CHARACTER) total -= 3;
    else if (codePoint < 0xa0 || (codePoint >= 0xe000 && codePoint <= 0xf8ff)) total -= 2;
    else if (COMMON_HANZI.has(character)) total += betweenLatin ? -0.5 : 1.5;
    else if (isCjkCharacter(codePoint)) total += betweenLatin ? -0.5 : 0.3;
    else if (isCjkPunctuation(codePoint) || (codePoint >= 0x2010 && codePoint <= 0x2027)) total += 0.8;
    else if (codePoint >= 0xc0 && codePoint <= 0x24f) total += touchesLatin ? 0.6 : -0.3;
  }

  return nonAscii === 0 ? 0 : total / nonAscii;
}

function decodeStrictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Decodes subtitle bytes to text. A byte order mark decides first (UTF-8, UTF-16 and UTF-32
 * in either byte order), then UTF-16 without a mark, then strict UTF-8. Other bytes are
 * decoded as windows-1252, GB18030, Big5 and lenient UTF-8, and the most plausible text by
 * {@link rateDecodedText} wins; windows-1252 wins ties. The returned text has no byte order mark.
 */
export function decodeSubtitle(bytes: Uint8Array): DecodedSubtitle {
  for (const mark of BYTE_ORDER_MARKS) {
    if (startsWith(bytes, mark.bytes)) {
      const body = Buffer.from(
        bytes.buffer,
        bytes.byteOffset + mark.bytes.length,
        bytes.length - mark.bytes.length,
      );
      return { text: iconv.decode(body, mark.codec, { stripBOM: false }), encoding: mark.encoding };
    }
  }

  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const utf16 = detectUtf16WithoutMark(bytes);
  if (utf16)
    return { text: iconv.decode(buffer, utf16), encoding: utf16 === "utf16le" ? "utf-16le" : "utf-16be" };

  const utf8 = decodeStrictUtf8(bytes);
  if (utf8 !== null) return { text: utf8, encoding: "utf-8" };

  const sample = buffer.subarray(0, SAMPLE_BYTES);
  let best = LEGACY_CANDIDATES[0] ?? { encoding: "windows-1252", codec: "win1252" };
  let bestRating = Number.NEGATIVE_INFINITY;
  for (const candidate of LEGACY_CANDIDATES) {
    const rating = rateDecodedText(iconv.decode(sample, candidate.codec));
    if (rating > bestRating) {
      best = candidate;
      bestRating = rating;
    }
  }

  return { text: iconv.decode(buffer, best.codec), encoding: best.encoding };
}
