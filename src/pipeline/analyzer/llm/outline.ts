import type { Topic, TranscriptFile } from "../../../../schemas/step-files.ts";
import type { AnalyzerOptions } from "../types.ts";
import { chunkCues } from "./chunks.ts";
import { sentencesOfRange } from "./cue-text.ts";
import { buildMessages, type LlmContext, repairIn, roundSeconds } from "./llm-context.ts";
import { fillGaps, mergeCandidates, type TopicCandidate, touchesChunkCut } from "./merge-topics.ts";
import { outlineReplySchema } from "./reply-schemas.ts";
import { fitTopicLengths } from "./topic-lengths.ts";

/**
 * Splits a transcript into topics with the model. The transcript is sent in overlapping
 * chunks of `chunkSeconds`, and the model proposes topics as cue ranges. Duplicates from the
 * overlaps are merged, uncovered cues are given to a topic, and topic lengths are fitted to
 * the clip limits, so the result is contiguous runs of whole cues that cover the transcript
 * in time order.
 */
export async function outlineTranscript(
  context: LlmContext,
  transcript: TranscriptFile,
  options: AnalyzerOptions,
): Promise<Topic[]> {
  const { cues, language } = transcript;
  if (cues.length === 0) return [];

  const { chunkSeconds, overlapSeconds } = context.config;
  const chunks = chunkCues(cues, chunkSeconds, overlapSeconds);
  const candidates: TopicCandidate[] = [];

  for (const chunk of chunks) {
    options.signal?.throwIfAborted();
    const input = {
      first_cue: chunk.firstCue,
      last_cue: chunk.lastCue,
      cues: cues
        .slice(chunk.firstCue, chunk.lastCue + 1)
        .map((cue, offset) => [
          chunk.firstCue + offset,
          roundSeconds(cue.start),
          roundSeconds(cue.end),
          cue.text,
        ]),
    };
    const reply = await context.request({
      label: { task: "outline", chunkIndex: chunk.index },
      messages: buildMessages(context, "outline", language, input, {
        min_seconds: options.minClipSeconds,
        max_seconds: options.maxClipSeconds,
      }),
      schema: outlineReplySchema(chunk.firstCue, chunk.lastCue, language),
      repairMessage: repairIn(language),
      signal: options.signal,
    });

    for (const topic of reply.topics) {
      const content =
        topic.key_sentences.length > 0
          ? topic.key_sentences
          : sentencesOfRange(cues, topic.start_cue, topic.end_cue, language).slice(0, 1);
      candidates.push({
        outline: topic.outline,
        start_cue: topic.start_cue,
        end_cue: topic.end_cue,
        content,
        chunkIndex: chunk.index,
        touchesCut: touchesChunkCut(topic, chunk, chunks.length),
      });
    }
  }

  const merged = mergeCandidates(candidates);
  const covered = fillGaps(merged.topics, cues, options.minClipSeconds, language);
  const topics = fitTopicLengths(
    covered,
    cues,
    { minSeconds: options.minClipSeconds, maxSeconds: options.maxClipSeconds },
    language,
  );

  context.logger.info(
    {
      chunks: chunks.length,
      candidates: candidates.length,
      duplicates: merged.dropped,
      trimmed: merged.trimmed,
      topics: topics.length,
    },
    "outline finished",
  );
  return topics;
}
