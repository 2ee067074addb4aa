import type { Cue, TimedTopic, Topic } from "../../../schemas/step-files.ts";

/** Raised when a topic's cue range does not fit the transcript it was made from. */
export class TimelineError extends Error {
  override readonly name = "TimelineError";
  readonly code = "TOPIC_OUT_OF_RANGE";
}

/**
 * Converts outline topics to timed topics: a topic runs from the start of its first cue to
 * the end of its last cue. Ids are "1", "2", … in topic order, and `chunk_index` is 0.
 *
 * @throws TimelineError when a topic's cue range is reversed or lies outside `cues`.
 */
export function toTimedTopics(topics: readonly Topic[], cues: readonly Cue[]): TimedTopic[] {
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
