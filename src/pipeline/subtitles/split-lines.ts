/** Splits text into lines at CRLF, LF or a lone CR. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}
