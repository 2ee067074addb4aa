import type { Cue } from "../../../../schemas/step-files.ts";

/** A run of cues sent in one outline request; indexes are into the whole transcript. */
export interface CueChunk {
  index: number;
  firstCue: number;
  lastCue: number;
}

/** A remainder shorter than this share of a chunk joins the chunk before it, instead of making its own. */
const SHORT_TAIL_SHARE = 0.25;

/**
 * Splits cues into chunks of about `chunkSeconds`, each starting `overlapSeconds` before the
 * previous one ends, so that a topic cut by one chunk's end is seen whole in the next. A chunk
 * contains the cues that start within its window, and every chunk contains at least one cue
 * that the previous chunk does not. A remainder under a quarter of `chunkSeconds` joins the last
 * chunk, which can therefore last up to 1.25 times `chunkSeconds`.
 */
export function chunkCues(cues: readonly Cue[], chunkSeconds: number, overlapSeconds: number): CueChunk[] {
  if (cues.length === 0) return [];

  const lastIndex = cues.length - 1;
  const endTime = cues[lastIndex]?.end ?? 0;
  const chunks: CueChunk[] = [];
  let first = 0;

  for (;;) {
    const windowStart = cues[first]?.start ?? 0;
    const windowEnd = windowStart + chunkSeconds;
    const extendToEnd = endTime - windowEnd < chunkSeconds * SHORT_TAIL_SHARE;

    let last = first;
    while (last < lastIndex && (extendToEnd || (cues[last + 1]?.start ?? 0) < windowEnd)) last++;
    chunks.push({ index: chunks.length, firstCue: first, lastCue: last });
    if (last === lastIndex) return chunks;

    let next = last + 1;
    while (next - 1 > first && (cues[next - 1]?.start ?? 0) >= windowEnd - overlapSeconds) next--;
    first = next;
  }
}

/** Length of a run of cues in seconds, from the start of its first cue to the end of its last. */
export function spanSeconds(cues: readonly Cue[], startCue: number, endCue: number): number {
  return Math.max(0, (cues[endCue]?.end ?? 0) - (cues[startCue]?.start ?? 0));
}

/**
 * Groups consecutive topics into batches that together last at most `batchSeconds`, so that
 * one score or title request carries about as much text as one outline request. A topic
 * longer than `batchSeconds` gets a batch of its own.
 */
export function batchTopics<T extends { start_cue: number; end_cue: number }>(
  topics: readonly T[],
  cues: readonly Cue[],
  batchSeconds: number,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let seconds = 0;

  for (const topic of topics) {
    const length = spanSeconds(cues, topic.start_cue, topic.end_cue);
    if (current.length > 0 && seconds + length > batchSeconds) {
      batches.push(current);
      current = [];
      seconds = 0;
    }
    current.push(topic);
    seconds += length;
  }

  if (current.length > 0) batches.push(current);
  return batches;
}
