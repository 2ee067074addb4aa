import type { Cue } from "../../../../schemas/step-files.ts";

/** The cue range of a topic, as every step's topic type carries it. */
export interface CueRange {
  start_cue: number;
  end_cue: number;
}

/** Returns the cues of a topic; indexes outside the transcript are clipped to it. */
export function cuesOfTopic(topic: CueRange, cues: readonly Cue[]): Cue[] {
  const first = Math.max(0, topic.start_cue);
  const last = Math.min(cues.length - 1, topic.end_cue);
  return cues.slice(first, last + 1);
}

/** Returns the cue texts of every topic, in topic order. */
export function topicTexts(topics: readonly CueRange[], cues: readonly Cue[]): string[][] {
  return topics.map((topic) => cuesOfTopic(topic, cues).map((cue) => cue.text));
}
