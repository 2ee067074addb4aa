import type { ScoredTopic, TimedTopic, TranscriptFile } from "../../../../schemas/step-files.ts";
import type { AnalyzerOptions } from "../types.ts";
import { batchTopics } from "./chunks.ts";
import { joinCueTexts } from "./cue-text.ts";
import { buildMessages, type LlmContext, repairIn, roundSeconds } from "./llm-context.ts";
import { scoreReplySchema } from "./reply-schemas.ts";

/**
 * Scores every topic from 0 to 1 with the model, with a one-sentence reason in the transcript
 * language. Topics are sent in batches that last about `chunkSeconds` together. Scores are
 * rounded to three decimals.
 */
export async function scoreTopics(
  context: LlmContext,
  topics: readonly TimedTopic[],
  transcript: TranscriptFile,
  options: AnalyzerOptions,
): Promise<ScoredTopic[]> {
  const { cues, language } = transcript;
  const results = new Map<string, { score: number; reason: string }>();
  const batches = batchTopics(topics, cues, context.config.chunkSeconds);

  for (const [index, batch] of batches.entries()) {
    options.signal?.throwIfAborted();
    const input = {
      topics: batch.map((topic) => ({
        id: topic.id,
        seconds: roundSeconds(topic.end_time - topic.start_time),
        outline: topic.outline,
        text: joinCueTexts(cues, topic.start_cue, topic.end_cue),
      })),
    };
    const reply = await context.request({
      label: { task: "score", chunkIndex: index },
      messages: buildMessages(context, "score", language, input),
      schema: scoreReplySchema(
        batch.map((topic) => topic.id),
        language,
      ),
      repairMessage: repairIn(language),
      signal: options.signal,
    });
    for (const entry of reply.scores) results.set(entry.id, { score: entry.score, reason: entry.reason });
  }

  return topics.map((topic) => {
    const result = results.get(topic.id);
    const score = Math.min(1, Math.max(0, result?.score ?? 0));
    return { ...topic, final_score: Math.round(score * 1000) / 1000, recommend_reason: result?.reason ?? "" };
  });
}
