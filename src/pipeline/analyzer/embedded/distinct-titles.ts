/**
 * Makes titles unique. A title equal (ignoring case and spacing) to an earlier one gets the
 * first of its `extras` that is not in it yet, and then a number if it still collides.
 * `extras[i]` lists distinguishing phrases for title `i`, best first.
 */
export function makeTitlesDistinct(
  titles: readonly string[],
  extras: readonly string[][],
  language: "zh" | "en",
): string[] {
  const seen = new Set<string>();
  const normalize = (title: string) => title.toLowerCase().replace(/\s+/g, " ").trim();

  return titles.map((title, index) => {
    let result = title;
    if (seen.has(normalize(result))) {
      const extra = (extras[index] ?? []).find((phrase) => !normalize(result).includes(normalize(phrase)));
      if (extra) result = language === "zh" ? `${title}：${extra}` : `${title}: ${extra}`;
    }

    let number = 2;
    const base = result;
    while (seen.has(normalize(result))) {
      result = language === "zh" ? `${base}（${number}）` : `${base} (${number})`;
      number++;
    }

    seen.add(normalize(result));
    return result;
  });
}
