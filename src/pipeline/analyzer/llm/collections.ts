import type { PlannedCollection, TitledTopic, TranscriptFile } from "../../../../schemas/step-files.ts";
import { makeTitlesDistinct } from "../embedded/distinct-titles.ts";
import type { AnalyzerOptions } from "../types.ts";
import { buildMessages, type LlmContext, repairIn, roundSeconds } from "./llm-context.ts";
import { collectionsReplySchema } from "./reply-schemas.ts";

/**
 * Groups clips into collections with the model, in one request. A clip that the model puts in
 * several collections stays in the first, and a collection left with fewer than
 * `minCollectionSize` clips (2 at least) is dropped. Collections are numbered in order of
 * their first clip and list their clips in time order.
 */
export async function planCollections(
  context: LlmContext,
  topics: readonly TitledTopic[],
  transcript: TranscriptFile,
  options: AnalyzerOptions,
): Promise<PlannedCollection[]> {
  const minSize = Math.max(2, options.minCollectionSize);
  if (topics.length < minSize) return [];

  const { language } = transcript;
  const input = {
    min_collection_size: minSize,
    clips: topics.map((topic) => ({
      id: topic.id,
      title: topic.generated_title,
      outline: topic.outline,
      start: roundSeconds(topic.start_time),
      end: roundSeconds(topic.end_time),
    })),
  };
  const reply = await context.request({
    label: { task: "collections", chunkIndex: 0 },
    messages: buildMessages(context, "collections", language, input),
    schema: collectionsReplySchema(
      topics.map((topic) => topic.id),
      minSize,
      language,
    ),
    repairMessage: repairIn(language),
    signal: options.signal,
  });

  const startOf = new Map(topics.map((topic) => [topic.id, topic.start_time]));
  const byTime = (a: string, b: string) => (startOf.get(a) ?? 0) - (startOf.get(b) ?? 0);
  const taken = new Set<string>();
  const groups = reply.collections
    .map((collection) => {
      const clipIds = collection.clip_ids.filter((id) => !taken.has(id)).sort(byTime);
      for (const id of clipIds) taken.add(id);
      return { ...collection, clip_ids: clipIds };
    })
    .filter((collection) => collection.clip_ids.length >= minSize)
    .sort((a, b) => byTime(a.clip_ids[0] ?? "", b.clip_ids[0] ?? ""));

  if (groups.length < reply.collections.length) {
    context.logger.warn(
      { proposed: reply.collections.length, kept: groups.length },
      "collections that shared clips with earlier ones were dropped",
    );
  }

  const titles = makeTitlesDistinct(
    groups.map((group) => group.title),
    [],
    language,
  );
  return groups.map((group, index) => ({
    id: String(index + 1),
    collection_title: titles[index] ?? group.title,
    collection_summary: group.summary,
    clip_ids: group.clip_ids,
  }));
}
