/** Maximum length of the file-name part built from a title, in UTF-8 bytes, well under the usual 255. */
const MAX_TITLE_BYTES = 120;

/**
 * Turns a title into a file-name part. Path separators, characters that Windows or shells
 * treat specially, white space and control characters become `_`, invisible format characters
 * and leading dots are dropped, and the result is cut to whole characters within
 * {@link MAX_TITLE_BYTES} bytes. Never returns an empty string.
 */
export function safeFileTitle(title: string): string {
  const cleaned = title
    .normalize("NFC")
    .replace(/\p{Cf}/gu, "")
    .replace(/\p{Cc}/gu, " ")
    .replace(/[/\\:*?"<>|$`'!&;#%{}[\]~^]/g, "_")
    .replace(/\s+/g, "_")
    .replace(/^[._-]+/, "")
    .replace(/_+/g, "_");

  let result = "";
  let bytes = 0;
  for (const character of cleaned) {
    const size = Buffer.byteLength(character);
    if (bytes + size > MAX_TITLE_BYTES) break;
    result += character;
    bytes += size;
  }

  return result.replace(/_+$/, "") || "untitled";
}
