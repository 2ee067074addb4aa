/** Short English words that stay lowercase inside a title. */
const SMALL_WORDS: ReadonlySet<string> = new Set(
  "a an and as at but by for in nor of on or per the to vs via with".split(" "),
);

/**
 * Capitalizes an English title: the first letter of every word, except small words inside
 * the title. Words with capitals already (GPT, iPhone) keep their spelling.
 */
export function toTitleCase(text: string): string {
  return text
    .split(" ")
    .map((word, index) => {
      if (word === "" || /[A-Z]/.test(word)) return word;
      if (index > 0 && SMALL_WORDS.has(word)) return word;
      return word.charAt(0).toUpperCase() + word.slice(1);
    })
    .join(" ");
}

/** Joins phrases as English prose: "a", "a and b", "a, b and c". */
export function joinEnglishList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** Cuts text to at most `maxLength` characters at a word boundary when there is one. */
export function truncateAtWord(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;

  const cut = text.slice(0, maxLength);
  const space = cut.lastIndexOf(" ");
  return (space > maxLength / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.-]+$/, "");
}
