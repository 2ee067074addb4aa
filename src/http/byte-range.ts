/** An inclusive byte range of a file: `start` to `end`, both offsets from 0. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * What a `Range` header requests of a file of `size` bytes: `full` when the whole file should be sent
 * (no header, a unit other than bytes, a syntax error or several ranges), a `range`, or
 * `unsatisfiable` when the range starts past the end of the file.
 */
export type RangeRequest = { kind: "full" } | { kind: "range"; range: ByteRange } | { kind: "unsatisfiable" };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;
/** Digits beyond this many cannot be a safe integer offset. */
const MAX_OFFSET_DIGITS = 15;

/**
 * Parses a `Range` header against a file of `size` bytes, after RFC 9110 section 14. A server
 * may ignore a header it cannot parse and send the whole file, which this does, and it sends
 * the whole file for a request of several ranges too (no multipart responses).
 */
export function parseRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: "full" };

  const match = SINGLE_RANGE.exec(header.trim());
  if (!match) return { kind: "full" };

  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "full" };
  if (first.length > MAX_OFFSET_DIGITS || last.length > MAX_OFFSET_DIGITS) return { kind: "unsatisfiable" };

  if (first === "") {
    // A suffix range `bytes=-N` requests the last N bytes.
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "range", range: { start: Math.max(0, size - suffix), end: size - 1 } };
  }

  const start = Number(first);
  if (last !== "" && Number(last) < start) return { kind: "full" };
  if (start >= size) return { kind: "unsatisfiable" };

  const end = last === "" ? size - 1 : Number(last);

  return { kind: "range", range: { start, end: Math.min(end, size - 1) } };
}
