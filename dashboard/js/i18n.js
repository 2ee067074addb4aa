import en from "./messages-en.js";
import zhCN from "./messages-zh-CN.js";

/** Message tables by BCP 47 language tag. */
const TABLES = { en, "zh-CN": zhCN };
export const LANGUAGES = [
  { tag: "en", name: "English" },
  { tag: "zh-CN", name: "简体中文" },
];
const STORAGE_KEY = "autoclipd.language";

/** Picks a supported language from a list of browser language tags: Chinese for any `zh`, else English. */
export function pickLanguage(tags) {
  for (const tag of tags) {
    const lower = String(tag).toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

function storedLanguage() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value && value in TABLES ? value : null;
  } catch {
    return null;
  }
}

let language =
  storedLanguage() ?? pickLanguage(navigator.languages?.length ? navigator.languages : [navigator.language]);

export function currentLanguage() {
  return language;
}

/** Switches the language and remembers the choice in localStorage. */
export function setLanguage(tag) {
  if (!(tag in TABLES)) return;

  language = tag;
  try {
    localStorage.setItem(STORAGE_KEY, tag);
  } catch {
    // Private windows may refuse storage; the choice then lasts until the page is closed.
  }
}

/** Returns the message `key` in the current language, with `{name}` placeholders replaced from `params`. */
export function t(key, params = {}) {
  const template = TABLES[language][key] ?? TABLES.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

/** Returns true when the current language has a message for `key`. */
export function hasMessage(key) {
  return key in TABLES[language];
}

/** Formats an ISO date-time for the current language, or "" when it is missing or invalid. */
export function formatDateTime(iso) {
  const date = new Date(iso);
  if (!iso || Number.isNaN(date.getTime())) return "";

  return new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" }).format(date);
}

/** Formats a length in seconds as a duration for the current language, such as "1 min 9 s" or "1分钟9秒". */
export function formatDuration(seconds) {
  const total = Math.max(0, Math.round(Number(seconds) || 0));
  const parts = {
    hours: Math.floor(total / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
  if (typeof Intl.DurationFormat === "function") {
    return new Intl.DurationFormat(language, { style: "short" }).format(parts);
  }

  const unit = (value, name) =>
    new Intl.NumberFormat(language, { style: "unit", unit: name, unitDisplay: "short" }).format(value);
  const shown = [];
  if (parts.hours) shown.push(unit(parts.hours, "hour"));
  if (parts.minutes) shown.push(unit(parts.minutes, "minute"));
  if (parts.seconds || shown.length === 0) shown.push(unit(parts.seconds, "second"));
  return shown.join(" ");
}

/** Formats a position in seconds as a time code: `m:ss` or `h:mm:ss`. */
export function formatTimecode(seconds) {
  const total = Math.max(0, Math.floor(Number(seconds) || 0));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${rest}` : `${minutes}:${rest}`;
}

export function formatNumber(value, options = {}) {
  return new Intl.NumberFormat(language, options).format(value);
}

export function formatPercent(value) {
  return new Intl.NumberFormat(language, { style: "percent", maximumFractionDigits: 0 }).format(value / 100);
}

/** Joins names into a list for the current language: "a, b and c" or "a、b和c". */
export function formatList(items) {
  return new Intl.ListFormat(language, { type: "conjunction" }).format(items);
}
