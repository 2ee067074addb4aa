/**
 * Converts a clip time to seconds. AutoClip writes `HH:MM:SS,mmm` (SRT style, a dot is also
 * accepted); this project writes a number of seconds. The result is rounded to milliseconds.
 * Raises a TypeError for any other string, which the schema has already rejected.
 */
export function timeValueToSeconds(value: number | string): number {
  if (typeof value === "number") return value;

  const match = /^(\d{1,2}):(\d{2}):(\d{2})(?:[,.](\d{1,3}))?$/.exec(value);
  if (!match) {
    throw new TypeError(`Expected seconds or HH:MM:SS,mmm, got "${value}".`);
  }

  const [, hours, minutes, seconds, fraction] = match;
  const total =
    Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds) + Number(`0.${fraction ?? "0"}`);
  return Math.round(total * 1000) / 1000;
}
