/** Languages that people-facing text is written in. */
export type Locale = "en" | "zh";

/**
 * Picks the locale from an `Accept-Language` header or a `LANG` value such as `zh_CN.UTF-8`:
 * Chinese when the first listed language is Chinese, English otherwise.
 */
export function pickLocale(value: string | undefined | null): Locale {
  if (!value) return "en";

  const first = value.split(",")[0]?.trim().toLowerCase() ?? "";
  return first.startsWith("zh") ? "zh" : "en";
}
