/** Word boundaries of Chinese text from ICU's dictionary segmenter, which Node ships. */
const chineseWords = new Intl.Segmenter("zh", { granularity: "word" });

/**
 * Cuts at most `maxCharacters` characters (code points) of whole words out of `text`, starting
 * at the last word boundary at or before the UTF-16 index `from`. A single word longer than the
 * limit is cut by characters, because there is no boundary to keep.
 */
export function cutChineseAtWords(text: string, from: number, maxCharacters: number): string {
  const segments = Array.from(chineseWords.segment(text));
  let startSegment = 0;
  for (let at = 0; at < segments.length; at++) {
    if ((segments[at]?.index ?? 0) <= from) startSegment = at;
  }

  let result = "";
  let length = 0;
  for (let at = startSegment; at < segments.length; at++) {
    const word = segments[at]?.segment ?? "";
    const wordLength = Array.from(word).length;
    if (length + wordLength > maxCharacters) break;
    result += word;
    length += wordLength;
  }

  if (result.trim() !== "") return result.trim();
  const start = segments[startSegment]?.index ?? 0;
  return Array.from(text.slice(start)).slice(0, maxCharacters).join("");
}
