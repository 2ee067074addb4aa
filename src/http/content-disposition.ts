/** Characters that RFC 8187 `attr-char` allows unencoded beside letters and digits. */
const ATTR_CHAR_EXTRA = new Set(["!", "#", "$", "&", "+", "-", ".", "^", "_", "`", "|", "~"]);

/** Percent-encodes UTF-8 text as an RFC 8187 `value-chars` sequence. */
function encodeExtValue(text: string): string {
  let encoded = "";
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    const plain = /[A-Za-z0-9]/.test(char) || ATTR_CHAR_EXTRA.has(char);
    encoded += plain ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

/** Turns a title into a file name without path separators, control characters or reserved Windows characters. */
function safeFileStem(title: string): string {
  return (
    title
      // `\p{Cc}` matches every control character: U+0000 to U+001F and U+007F to U+009F.
      .replace(/[\p{Cc}/\\:*?"<>|]+/gu, "_")
      .trim()
      .slice(0, 150)
  );
}

/**
 * Builds a `Content-Disposition: attachment` value for `<title>.mp4`: an ASCII `filename` for
 * old clients (the title with non-ASCII characters replaced, or `fallbackStem` when little is
 * left) and the UTF-8 title in `filename*` (RFC 6266 with RFC 8187 encoding).
 */
export function attachmentDisposition(title: string, fallbackStem: string): string {
  const stem = safeFileStem(title) || fallbackStem;
  const ascii = stem.replace(/[^\x20-\x7e]/g, "_").replace(/[%;]/g, "_");
  const asciiStem =
    /[A-Za-z0-9]/.test(ascii) && ascii.replace(/_/g, "").length >= ascii.length / 2 ? ascii : fallbackStem;

  return `attachment; filename="${asciiStem}.mp4"; filename*=UTF-8''${encodeExtValue(`${stem}.mp4`)}`;
}
