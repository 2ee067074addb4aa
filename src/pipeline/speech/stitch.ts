import type { PlannedChunk } from "./chunk-plan.ts";
import type { RecognizedSegment } from "./recognizer.ts";

/** A transcribed chunk: its plan and its segments with chunk-relative times. */
export interface TranscribedChunk {
  plan: PlannedChunk;
  segments: readonly RecognizedSegment[];
}

/** Shortest cue kept after overlaps are cut, in seconds. */
const MIN_CUE_SECONDS = 0.05;

interface PlacedSegment extends RecognizedSegment {
  chunk: number;
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[\p{P}\p{S}\s]+/gu, "");
}

function overlaps(a: RecognizedSegment, b: RecognizedSegment): boolean {
  return a.start < b.end && b.start < a.end;
}

/**
 * Shifts each chunk's segments onto the source timeline and joins them into one list sorted
 * by start. A segment is taken from the chunk whose keep range contains its start, so a sentence
 * heard twice in an overlap appears once. When the dropped copy has the same text as the kept
 * one, as when a chunk edge cut the kept copy short, the kept copy grows to cover both. Times
 * are clamped to `[0, duration]`, and a cue that runs into the next one is cut at its start.
 */
export function stitchSegments(chunks: readonly TranscribedChunk[], duration: number): RecognizedSegment[] {
  const kept: PlacedSegment[] = [];
  const dropped: PlacedSegment[] = [];

  for (const { plan, segments } of chunks) {
    for (const segment of segments) {
      const placed = {
        start: Math.max(0, plan.start + segment.start),
        end: Math.min(duration, plan.start + segment.end),
        text: segment.text,
        chunk: plan.index,
      };
      if (placed.end <= placed.start) continue;
      const inside = placed.start >= plan.keepFrom && placed.start < plan.keepUntil;
      (inside ? kept : dropped).push(placed);
    }
  }

  for (const copy of dropped) {
    const text = normalize(copy.text);
    const twin = kept.find(
      (segment) =>
        segment.chunk !== copy.chunk && normalize(segment.text) === text && overlaps(segment, copy),
    );
    if (!twin) continue;
    twin.start = Math.min(twin.start, copy.start);
    twin.end = Math.max(twin.end, copy.end);
  }

  kept.sort((a, b) => a.start - b.start || a.end - b.end);
  const cues: RecognizedSegment[] = [];
  for (const segment of kept) {
    const previous = cues.at(-1);
    if (previous && previous.end > segment.start)
      previous.end = Math.max(previous.start + MIN_CUE_SECONDS, segment.start);
    cues.push({ start: segment.start, end: segment.end, text: segment.text });
  }

  return cues.filter((cue) => cue.end - cue.start >= MIN_CUE_SECONDS / 2);
}

function srtTime(seconds: number): string {
  const totalMs = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor(totalMs / 60_000) % 60;
  const secs = Math.floor(totalMs / 1000) % 60;

  return `${pad(hours)}:${pad(minutes)}:${pad(secs)},${pad(totalMs % 1000, 3)}`;
}

/** Writes cues as SubRip text, numbered from 1. */
export function toSrt(cues: readonly RecognizedSegment[]): string {
  return cues
    .map(
      (cue, index) =>
        `${index + 1}\n${srtTime(cue.start)} --> ${srtTime(cue.end)}\n${cue.text.replace(/\n+/g, " ")}\n`,
    )
    .join("\n");
}
