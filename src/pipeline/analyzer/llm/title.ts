import type { ScoredTopic, TitledTopic, TranscriptFile } from "../../../../schemas/step-files.ts";
import { makeTitlesDistinct } from "../embedded/distinct-titles.ts";
import type { AnalyzerOptions } from "../types.ts";
import { batchTopics } from "./chunks.ts";
import { joinCueTexts } from "./cue-text.ts";
import { buildMessages, type LlmContext, repairIn } from "./llm-context.ts";
import { titleReplySchema } from "./reply-schemas.ts";

/**
 * Titles every topic with the model in the transcript language. Topics are sent in batches
 * that last about `chunkSeconds` together. A title equal to an earlier one gets a number.
 */
export async function titleTopics(
  context: LlmContext,
  topics: readonly ScoredTopic[],
  transcript: TranscriptFile,
  options: AnalyzerOptions,
): Promise<TitledTopic[]> {
  const { cues, language } = transcript;
  const titles = new Map<string, string>();
  const batches = batchTopics(topics, cues, context.config.chunkSeconds);

  for (const [index, batch] of batches.entries()) {
    options.signal?.throwIfAborted();
    const input = {
      topics: batch.map((topic) => ({
        id: topic.id,
        outline: topic.outline,
        text: joinCueTexts(cues, topic.start_cue, topic.end_cue),
      })),
    };
    const reply = await context.request({
      label: { task: "title", chunkIndex: index },
      messages: buildMessages(context, "title", language, input),
      schema: titleReplySchema(
        batch.map((topic) => topic.id),
        language,
      ),
      repairMessage: repairIn(language),
      signal: options.signal,
    });
    for (const entry of reply.titles) titles.set(entry.id, entry.title);
  }

  const distinct = makeTitlesDistinct(
    topics.map((topic) => titles.get(topic.id) ?? topic.id),
    [],
    language,
  );
  return topics.map((topic, index) => ({ ...topic, generated_title: distinct[index] ?? topic.id }));
}
