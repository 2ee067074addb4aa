import type { Cue } from "../../../../schemas/step-files.ts";
import type { LlmTask } from "./errors.ts";
import { PROMPTS } from "./prompts.ts";
import type { ReceivedRequest } from "./test-server.ts";

/** The input of an outline request, as the analyzer sends it. */
export interface OutlineInput {
  first_cue: number;
  last_cue: number;
  cues: Array<[number, number, number, string]>;
}

/** Cue ranges, with indexes into the whole transcript, that a fake model proposes for a chunk. */
export type Segmenter = (
  cues: Cue[],
  firstCue: number,
  language: "zh" | "en",
) => Array<{ start_cue: number; end_cue: number }>;

/** Finds the task and language of a request from its system prompt. */
export function describeRequest(request: ReceivedRequest): { task: LlmTask; language: "zh" | "en" } {
  const system = request.body.messages[0]?.content ?? "";
  for (const language of ["en", "zh"] as const) {
    for (const task of ["outline", "score", "title", "collections"] as const) {
      if (system.startsWith(PROMPTS[language].tasks[task].slice(0, 30))) return { task, language };
    }
  }
  throw new Error(`the system prompt matches no task: ${system.slice(0, 80)}`);
}

/** Parses the first user message of a request: the input JSON, also in a repair request. */
export function inputOf<T>(request: ReceivedRequest): T {
  return JSON.parse(request.body.messages[1]?.content ?? "null") as T;
}

/** Returns the cues of an outline request with their start and end times. */
export function cuesOf(input: OutlineInput): Cue[] {
  return input.cues.map(([, start, end, text]) => ({ start, end, text }));
}

/** Splits cues into topics of whole `periodSeconds` windows of the transcript's time. */
export function gridSegmenter(periodSeconds: number): Segmenter {
  return (cues, firstCue) => {
    const ranges: Array<{ start_cue: number; end_cue: number }> = [];
    let currentWindow = -1;
    cues.forEach((cue, offset) => {
      const window = Math.floor(cue.start / periodSeconds);
      const last = ranges.at(-1);
      if (last && window === currentWindow) {
        last.end_cue = firstCue + offset;
        return;
      }
      ranges.push({ start_cue: firstCue + offset, end_cue: firstCue + offset });
      currentWindow = window;
    });
    return ranges;
  };
}

/**
 * Builds a valid reply for any request of the analyzer, computed from its input alone, so
 * that the same request always gets the same reply. `segment` chooses the outline topics.
 */
export function answerRequest(request: ReceivedRequest, segment: Segmenter): unknown {
  const { task, language } = describeRequest(request);
  const zh = language === "zh";

  if (task === "outline") {
    const input = inputOf<OutlineInput>(request);
    const cues = cuesOf(input);
    return {
      topics: segment(cues, input.first_cue, language).map((range) => {
        const first = cues[range.start_cue - input.first_cue]?.text ?? "";
        return {
          start_cue: range.start_cue,
          end_cue: range.end_cue,
          outline: zh ? `本段讨论：${first}` : `This part is about ${first}`,
          key_sentences: [first],
        };
      }),
    };
  }

  if (task === "score") {
    const { topics } = inputOf<{ topics: Array<{ id: string; text: string }> }>(request);
    return {
      scores: topics.map((topic) => ({
        id: topic.id,
        score: 0.4 + (Array.from(topic.text).length % 50) / 100,
        reason: zh ? "这一段观点清楚，内容完整。" : "The part makes one clear and complete point.",
      })),
    };
  }

  if (task === "title") {
    const { topics } = inputOf<{ topics: Array<{ id: string; outline: string }> }>(request);
    return {
      titles: topics.map((topic) => ({
        id: topic.id,
        title: zh
          ? `话题${topic.id}：${Array.from(topic.outline).slice(5, 13).join("")}`
          : `Topic ${topic.id}`,
      })),
    };
  }

  const { clips, min_collection_size: size } = inputOf<{
    clips: Array<{ id: string }>;
    min_collection_size: number;
  }>(request);
  const groups: string[][] = [];
  for (let start = 0; start + size <= clips.length; start += size) {
    groups.push(clips.slice(start, start + size).map((clip) => clip.id));
  }
  return {
    collections: groups.map((ids, index) => ({
      title: zh ? `合集${index + 1}` : `Collection ${index + 1}`,
      summary: zh ? "这些片段前后相连。" : "These clips follow each other.",
      clip_ids: ids,
    })),
  };
}
