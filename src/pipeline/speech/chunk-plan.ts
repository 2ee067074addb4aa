import type { Silence } from "../ffmpeg-silence.ts";

/**
 * One planned chunk. `start` and `end` bound the audio sent. `keepFrom` and `keepUntil` bound
 * the starts of the segments taken from it, so each moment of speech comes from one chunk.
 * Times are seconds on the source timeline.
 */
export interface PlannedChunk {
  index: number;
  start: number;
  end: number;
  keepFrom: number;
  keepUntil: number;
}

/** Options of {@link planChunks}. */
export interface ChunkPlanOptions {
  duration: number;
  /** Maximum length of one chunk in seconds, the overlap included. */
  maxSeconds: number;
  /** Seconds shared by consecutive chunks, centred on the cut. At most a quarter of `maxSeconds`. */
  overlapSeconds: number;
  silences: readonly Silence[];
}

/**
 * Picks the cut point in `[from, to]`: the middle of the longest silence whose middle lies in
 * that window, the later one on a tie, or `to` when the window has no silence.
 */
function pickCut(from: number, to: number, silences: readonly Silence[]): number {
  let best: Silence | null = null;
  for (const silence of silences) {
    const middle = (silence.start + silence.end) / 2;
    if (middle < from || middle > to) continue;
    if (!best || silence.end - silence.start >= best.end - best.start) best = silence;
  }

  return best ? (best.start + best.end) / 2 : to;
}

/**
 * Splits `duration` seconds of audio into chunks of at most `maxSeconds`. Each cut lies in the
 * second half of the chunk it ends, at the longest silence there, and the chunks on both sides
 * of it share `overlapSeconds` around it. Audio no longer than `maxSeconds` is one chunk.
 */
export function planChunks(options: ChunkPlanOptions): PlannedChunk[] {
  const { duration, maxSeconds, silences } = options;
  const halfOverlap = options.overlapSeconds / 2;
  if (!(maxSeconds > 0) || options.overlapSeconds > maxSeconds / 4) {
    throw new RangeError(
      `planChunks needs maxSeconds > 0 and overlapSeconds <= maxSeconds / 4, got ${maxSeconds} and ${options.overlapSeconds}`,
    );
  }

  const chunks: PlannedChunk[] = [];
  let start = 0;
  let keepFrom = 0;
  while (duration - start > maxSeconds) {
    // The chunk ends half an overlap after the cut, so the cut may lie at most that far before its limit.
    const cut = pickCut(start + maxSeconds / 2, start + maxSeconds - halfOverlap, silences);
    chunks.push({ index: chunks.length, start, end: cut + halfOverlap, keepFrom, keepUntil: cut });
    start = cut - halfOverlap;
    keepFrom = cut;
  }
  chunks.push({ index: chunks.length, start, end: duration, keepFrom, keepUntil: Number.POSITIVE_INFINITY });

  return chunks;
}
