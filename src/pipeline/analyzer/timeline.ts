import type { Cue, TimedTopic, Topic } from "../../../schemas/step-files.ts";
import { measureCohesion } from "./embedded/cohesion.ts";
import { extractTerms } from "./embedded/tokenize.ts";
import { findSentenceEnds } from "./sentence-boundaries.ts";

/** Raised when a topic's cue range does not fit the transcript it was made from. */
export class TimelineError extends Error {
  override readonly name = "TimelineError";
  readonly code = "TOPIC_OUT_OF_RANGE";
}

/** A topic after sentence snapping, with whether both of its edges fall on sentence ends. */
export type AlignedTopic = Topic & { sentence_aligned: boolean };

/** A timed topic as the timeline step writes it. */
export type AlignedTimedTopic = TimedTopic & { sentence_aligned: boolean };

/** Clip length limits for snapping and splitting, in seconds. */
export interface SnapOptions {
  /** A snap that would make a topic longer than this goes the other way. @default Infinity */
  maxClipSeconds?: number;
  /** A split never leaves a part shorter than this where another split avoids it. @default 0 */
  minClipSeconds?: number;
}

/** Cohesion window for choosing where to split an overlong topic, in seconds. */
const SPLIT_WINDOW_SECONDS = 30;

/**
 * Cue boundaries of a transcript, as "cuts": cut `k` lies between cue `k - 1` and cue `k`, so
 * cut 0 is the start of the transcript and cut `cues.length` its end. A topic covering cues
 * `s` to `e` runs from cut `s` to cut `e + 1`.
 */
class Cuts {
  readonly count: number;
  readonly sentence: boolean[];
  private readonly previousSentence: Int32Array;
  private readonly nextSentence: Int32Array;

  constructor(private readonly cues: readonly Cue[]) {
    const { ends } = findSentenceEnds(cues);
    this.count = cues.length;
    this.sentence = Array.from({ length: cues.length + 1 }, (_, k) => k === 0 || ends[k - 1] === true);
    this.previousSentence = new Int32Array(cues.length + 1);
    this.nextSentence = new Int32Array(cues.length + 1);
    for (let k = 0; k <= cues.length; k++) {
      this.previousSentence[k] = this.sentence[k] ? k : (this.previousSentence[k - 1] ?? 0);
    }
    for (let k = cues.length; k >= 0; k--) {
      this.nextSentence[k] = this.sentence[k] ? k : (this.nextSentence[k + 1] ?? cues.length);
    }
  }

  previous(k: number): number {
    return this.previousSentence[k] ?? 0;
  }

  next(k: number): number {
    return this.nextSentence[k] ?? this.count;
  }

  /** Time of a cut: the start of the cue after it, or the end of the last cue. */
  time(k: number): number {
    return this.cues[k]?.start ?? this.cues[this.count - 1]?.end ?? 0;
  }

  seconds(start: number, end: number): number {
    return (this.cues[end - 1]?.end ?? 0) - (this.cues[start]?.start ?? 0);
  }

  /** Seconds of silence at a cut; 0 at the edges of the transcript. */
  pause(k: number): number {
    const before = this.cues[k - 1];
    const after = this.cues[k];
    return before && after ? Math.max(0, after.start - before.end) : 0;
  }
}

interface Span {
  topic: Topic;
  start: number;
  end: number;
}

/**
 * Chooses the sentence cut for the cut shared by two adjacent topics: the sentence end before
 * it or the one after it, whichever keeps both topics within `maxSeconds` and moves it less in
 * time. Returns the cut unchanged when no sentence cut lies strictly inside the two topics.
 */
function snapSharedCut(cuts: Cuts, left: Span, right: Span, maxSeconds: number): number {
  const cut = left.end;
  if (cuts.sentence[cut]) return cut;

  const options = [cuts.previous(cut), cuts.next(cut)].filter((k) => k > left.start && k < right.end);
  const cost = (k: number) => {
    const overlong =
      Number(cuts.seconds(left.start, k) > maxSeconds) + Number(cuts.seconds(k, right.end) > maxSeconds);
    return overlong * 1e6 + Math.abs(cuts.time(k) - cuts.time(cut));
  };
  options.sort((a, b) => cost(a) - cost(b));
  return options[0] ?? cut;
}

/** Moves a start cut back to its sentence's first cue, or forward past the partial sentence. */
function snapStart(cuts: Cuts, span: Span, lowest: number, maxSeconds: number): number {
  if (cuts.sentence[span.start]) return span.start;

  const back = cuts.previous(span.start);
  if (back >= lowest && cuts.seconds(back, span.end) <= maxSeconds) return back;
  const forward = cuts.next(span.start);
  if (forward < span.end) return forward;
  return back >= lowest ? back : span.start;
}

/** Moves an end cut forward to its sentence's last cue, or back before the partial sentence. */
function snapEnd(cuts: Cuts, span: Span, highest: number, maxSeconds: number): number {
  if (cuts.sentence[span.end]) return span.end;

  const forward = cuts.next(span.end);
  if (forward <= highest && cuts.seconds(span.start, forward) <= maxSeconds) return forward;
  const back = cuts.previous(span.end);
  if (back > span.start) return back;
  return forward <= highest ? forward : span.end;
}

/**
 * Moves topic edges onto sentence boundaries ({@link findSentenceEnds}), never inside a cue. A
 * start moves back to the first cue of its sentence and an end forward to the sentence's last
 * cue. When that makes the topic longer than `maxClipSeconds` or runs into a neighbor, the
 * edge moves the other way. Two adjacent topics share one cut, which moves to the nearer
 * sentence end on either side, so contiguous topics stay contiguous. A topic whose edge found
 * no sentence end gets `sentence_aligned: false`. Topics must be in time order.
 */
export function snapToSentences(
  topics: readonly Topic[],
  cues: readonly Cue[],
  options: SnapOptions = {},
): AlignedTopic[] {
  const maxSeconds = options.maxClipSeconds ?? Number.POSITIVE_INFINITY;
  const cuts = new Cuts(cues);
  const spans: Span[] = topics.map((topic) => ({ topic, start: topic.start_cue, end: topic.end_cue + 1 }));

  spans.forEach((span, index) => {
    const before = spans[index - 1];
    const after = spans[index + 1];
    const sharesStart = before !== undefined && before.end === span.start;
    if (!sharesStart) span.start = snapStart(cuts, span, Math.min(before?.end ?? 0, span.start), maxSeconds);

    if (after !== undefined && after.start === span.end) {
      const shared = snapSharedCut(cuts, span, after, maxSeconds);
      span.end = shared;
      after.start = shared;
      return;
    }
    span.end = snapEnd(cuts, span, Math.max(after?.start ?? cuts.count, span.end), maxSeconds);
  });

  return spans.map((span) => ({
    ...span.topic,
    start_cue: span.start,
    end_cue: span.end - 1,
    sentence_aligned: cuts.sentence[span.start] === true && cuts.sentence[span.end] === true,
  }));
}

/** Keeps the content sentences found in a part's text, or its first cue's text when none is. */
function contentOfPart(topic: Topic, cues: readonly Cue[], start: number, end: number): string[] {
  const text = cues
    .slice(start, end)
    .map((cue) => cue.text)
    .join(" ");
  const kept = topic.content.filter((sentence) => text.includes(sentence));
  return kept.length > 0 ? kept : [cues[start]?.text ?? ""];
}

/**
 * Splits every topic longer than `maxClipSeconds` at its best internal sentence end, and the
 * parts again until each fits or is a single cue. The best cut has the deepest lexical
 * cohesion dip (TextTiling depth) plus a bonus for a long pause, and leaves no part shorter
 * than `minClipSeconds` where another cut avoids it. When the topic contains no sentence end,
 * the split falls between two cues and both parts get `sentence_aligned: false`.
 */
export function splitOverlongTopics(
  topics: readonly AlignedTopic[],
  cues: readonly Cue[],
  options: Required<SnapOptions>,
): AlignedTopic[] {
  const cuts = new Cuts(cues);
  let depth: Float64Array | null = null;
  const depthAt = (k: number) => {
    depth ??= measureCohesion(
      cues,
      cues.map((cue) => extractTerms(cue.text)),
      SPLIT_WINDOW_SECONDS,
    ).depth;
    return depth[k] ?? 0;
  };

  const split = (topic: AlignedTopic): AlignedTopic[] => {
    const start = topic.start_cue;
    const end = topic.end_cue + 1;
    if (end - start < 2 || cuts.seconds(start, end) <= options.maxClipSeconds) return [topic];

    const inside = Array.from({ length: end - start - 1 }, (_, offset) => start + offset + 1);
    const sentenceCuts = inside.filter((k) => cuts.sentence[k]);
    const pool = sentenceCuts.length > 0 ? sentenceCuts : inside;
    const fitting = pool.filter(
      (k) =>
        cuts.seconds(start, k) >= options.minClipSeconds && cuts.seconds(k, end) >= options.minClipSeconds,
    );
    const candidates = fitting.length > 0 ? fitting : pool;
    const middle = (cuts.time(start) + cuts.time(end)) / 2;
    const length = Math.max(1, cuts.seconds(start, end));
    const value = (k: number) =>
      depthAt(k) + 0.5 * Math.min(1, cuts.pause(k) / 2) - (0.3 * Math.abs(cuts.time(k) - middle)) / length;
    const best = candidates.reduce((chosen, k) => (value(k) > value(chosen) ? k : chosen));

    const left = {
      ...topic,
      end_cue: best - 1,
      content: contentOfPart(topic, cues, start, best),
      sentence_aligned: cuts.sentence[start] === true && cuts.sentence[best] === true,
    };
    const right = {
      ...topic,
      start_cue: best,
      content: contentOfPart(topic, cues, best, end),
      sentence_aligned: cuts.sentence[best] === true && cuts.sentence[end] === true,
    };
    return [...split(left), ...split(right)];
  };

  return topics.flatMap(split);
}

/**
 * Widens each topic by `paddingSeconds` on both sides, clamped to 0 and `videoEnd` and never
 * into the time of the topic before or after it. Topics must be in time order.
 */
export function padTopics<T extends TimedTopic>(
  topics: readonly T[],
  paddingSeconds: number,
  videoEnd: number,
): T[] {
  if (paddingSeconds <= 0) return [...topics];

  return topics.map((topic, index) => {
    const floor = Math.min(topic.start_time, Math.max(0, topics[index - 1]?.end_time ?? 0));
    const ceiling = Math.max(topic.end_time, Math.min(videoEnd, topics[index + 1]?.start_time ?? videoEnd));
    return {
      ...topic,
      start_time: Math.max(floor, topic.start_time - paddingSeconds),
      end_time: Math.min(ceiling, topic.end_time + paddingSeconds),
    };
  });
}

/**
 * Converts outline topics to timed topics: a topic runs from the start of its first cue to
 * the end of its last cue. Ids are "1", "2", … in topic order, and `chunk_index` is 0.
 *
 * @throws TimelineError when a topic's cue range is reversed or lies outside `cues`.
 */
export function toTimedTopics<T extends Topic>(
  topics: readonly T[],
  cues: readonly Cue[],
): (T & TimedTopic)[] {
  return topics.map((topic, index) => {
    const first = cues[topic.start_cue];
    const last = cues[topic.end_cue];
    if (!first || !last || topic.end_cue < topic.start_cue) {
      throw new TimelineError(
        `Topic ${index + 1} covers cues ${topic.start_cue} to ${topic.end_cue}, but the transcript has cues 0 to ${cues.length - 1}. Run the outline step again on this transcript.`,
      );
    }

    return {
      ...topic,
      id: String(index + 1),
      chunk_index: 0,
      start_time: first.start,
      end_time: Math.max(first.start, last.end),
    };
  });
}

/**
 * Builds the timeline the pipeline writes: checks the cue ranges, snaps topic edges to
 * sentences, splits overlong topics, times them and pads them.
 *
 * @throws TimelineError when a topic's cue range is reversed or lies outside `cues`.
 */
export function buildTimeline(
  topics: readonly Topic[],
  cues: readonly Cue[],
  options: { minClipSeconds: number; maxClipSeconds: number; paddingSeconds?: number; videoEnd?: number },
): AlignedTimedTopic[] {
  toTimedTopics(topics, cues);

  const limits = { minClipSeconds: options.minClipSeconds, maxClipSeconds: options.maxClipSeconds };
  const snapped = snapToSentences(topics, cues, limits);
  const timed = toTimedTopics(splitOverlongTopics(snapped, cues, limits), cues);
  const videoEnd = options.videoEnd ?? cues.at(-1)?.end ?? 0;
  return padTopics(timed, options.paddingSeconds ?? 0, videoEnd);
}
