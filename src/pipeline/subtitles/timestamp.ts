/** Start and end of a cue in seconds, read from a timing line. */
export interface CueTiming {
  start: number;
  end: number;
}

/*
 * One timestamp: optional hours, minutes, seconds, and an optional fraction after a comma
 * (SRT) or a dot (WebVTT, and many SRT files). Fields may have a single digit. Extra
 * fractions after the first, like the float residue in `00:00:04,560.0000000000009`, are
 * accepted and ignored.
 */
const TIMESTAMP = String.raw`(?:(\d{1,3}):)?(\d{1,3}):(\d{1,2})(?:[.,](\d+))?(?:[.,]\d+)*`;

/**
 * A timing line: two timestamps around an arrow, then optional cue settings or SRT
 * coordinates, with or without a space before them.
 */
const TIMING_LINE = new RegExp(String.raw`^${TIMESTAMP}\s*-{1,2}>\s*${TIMESTAMP}(?:\D.*)?$`);

function toSeconds(
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
  fraction: string | undefined,
): number {
  const whole = Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
  // The fraction is a decimal fraction of a second, so ",5" is 500 ms and ",05" is 50 ms.
  const part = fraction ? Number(`0.${fraction}`) : 0;
  return Math.round((whole + part) * 1000) / 1000;
}

/** Tells whether a line is meant as a timing line, readable or not. */
export function hasTimingArrow(line: string): boolean {
  return line.includes("-->");
}

/**
 * Parses an SRT or WebVTT timing line such as `00:01:02,500 --> 00:01:04,000` into
 * seconds. Returns null when the line is not a readable timing line.
 */
export function parseTimingLine(line: string): CueTiming | null {
  const match = TIMING_LINE.exec(line.trim());
  if (!match) return null;

  return {
    start: toSeconds(match[1], match[2], match[3], match[4]),
    end: toSeconds(match[5], match[6], match[7], match[8]),
  };
}
