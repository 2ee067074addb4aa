import type { Cue } from "../../../../schemas/step-files.ts";

/** Limits and preferences for topic lengths, in seconds. */
export interface TopicLengthLimits {
  minSeconds: number;
  maxSeconds: number;
  /** Topics between these lengths get no length penalty. */
  preferredMinSeconds: number;
  preferredMaxSeconds: number;
}

/**
 * Penalty for a topic shorter than `minSeconds`. It is larger than any boundary gain, so a short
 * topic appears only when the transcript leaves no other way (a transcript shorter than the
 * minimum, or a stretch between long pauses).
 */
const SHORT_TOPIC_PENALTY = 10;

/** Largest penalty for a topic outside the preferred range but within the limits. */
const PREFERENCE_PENALTY = 0.6;

function lengthPenalty(seconds: number, limits: TopicLengthLimits): number {
  if (seconds < limits.minSeconds)
    return SHORT_TOPIC_PENALTY + (limits.minSeconds - seconds) / limits.minSeconds;

  if (seconds < limits.preferredMinSeconds) {
    const span = Math.max(1, limits.preferredMinSeconds - limits.minSeconds);
    return (PREFERENCE_PENALTY * (limits.preferredMinSeconds - seconds)) / span;
  }
  if (seconds > limits.preferredMaxSeconds) {
    const span = Math.max(1, limits.maxSeconds - limits.preferredMaxSeconds);
    return (PREFERENCE_PENALTY * (seconds - limits.preferredMaxSeconds)) / span;
  }
  return 0;
}

/**
 * Chooses topic boundaries by dynamic programming. `gains[b]` is the value of starting a topic
 * at cue `b` (negative where a cut is worse than none), and the result maximizes the summed
 * gains minus a length penalty per topic. No topic is longer than `maxSeconds` unless it is a
 * single cue, and a topic is shorter than `minSeconds` only where no split avoids it.
 * Returns the index of the first cue of every topic, starting with 0.
 */
export function chooseBoundaries(
  cues: readonly Cue[],
  gains: Float64Array,
  limits: TopicLengthLimits,
): number[] {
  const count = cues.length;
  if (count === 0) return [];

  const best = new Float64Array(count + 1).fill(Number.NEGATIVE_INFINITY);
  const previous = new Int32Array(count + 1);
  best[0] = 0;

  for (let end = 1; end <= count; end++) {
    const endTime = cues[end - 1]?.end ?? 0;
    for (let start = end - 1; start >= 0; start--) {
      const seconds = Math.max(0, endTime - (cues[start]?.start ?? 0));
      if (seconds > limits.maxSeconds && start < end - 1) break;

      const gain = start > 0 ? (gains[start] ?? 0) : 0;
      const total = (best[start] ?? 0) + gain - lengthPenalty(seconds, limits);
      if (total > (best[end] ?? Number.NEGATIVE_INFINITY)) {
        best[end] = total;
        previous[end] = start;
      }
    }
  }

  const starts: number[] = [];
  for (let end = count; end > 0; end = previous[end] ?? 0) starts.push(previous[end] ?? 0);
  return starts.reverse();
}
