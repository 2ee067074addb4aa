import { z } from "zod";

/** One subtitle cue; times in seconds. */
export const cueSchema = z.object({
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  text: z.string(),
});

/** `metadata/step0_transcript.json`: the cleaned cues the later steps read. */
export const transcriptFileSchema = z.object({
  source: z.string(),
  format: z.string(),
  /** BCP 47 primary language guessed from the text: `zh` or `en`. */
  language: z.enum(["zh", "en"]),
  cues: z.array(cueSchema),
});

/** A topic as the outline step finds it: a run of whole cues. */
export const topicSchema = z.object({
  outline: z.string(),
  /** Index of the first cue of the topic. */
  start_cue: z.number().int().nonnegative(),
  /** Index of the last cue of the topic (inclusive). */
  end_cue: z.number().int().nonnegative(),
  content: z.array(z.string()),
});

/** `metadata/step1_outline.json`. */
export const outlineFileSchema = z.object({ topics: z.array(topicSchema) });

/** A topic with its time range, as written from the timeline step on. */
export const timedTopicSchema = topicSchema.extend({
  id: z.string(),
  chunk_index: z.number().int().nonnegative(),
  start_time: z.number().nonnegative(),
  end_time: z.number().nonnegative(),
  /** False when no sentence end could be found near a boundary, so the clip may cut mid-sentence. */
  sentence_aligned: z.boolean().optional(),
});

/** `metadata/step2_timeline.json`. */
export const timelineFileSchema = z.object({ topics: z.array(timedTopicSchema) });

export const scoredTopicSchema = timedTopicSchema.extend({
  final_score: z.number().min(0).max(1),
  recommend_reason: z.string(),
});

/** `metadata/step3_all_scored.json`: every candidate with its score. */
export const allScoredFileSchema = z.object({ topics: z.array(scoredTopicSchema) });

/** `metadata/step3_high_score_clips.json`: the candidates kept, and why the rest were not. */
export const highScoreFileSchema = z.object({
  threshold: z.number(),
  candidates: z.number().int().nonnegative(),
  best_score: z.number().nullable(),
  /** Reason no clip was kept, when none reached the threshold. */
  message: z.string().optional(),
  topics: z.array(scoredTopicSchema),
});

export const titledTopicSchema = scoredTopicSchema.extend({ generated_title: z.string() });

/** `metadata/step4_titles.json`. */
export const titlesFileSchema = z.object({ topics: z.array(titledTopicSchema) });

export const plannedCollectionSchema = z.object({
  id: z.string(),
  collection_title: z.string(),
  collection_summary: z.string(),
  clip_ids: z.array(z.string()),
});

/** `metadata/step5_collections.json`. */
export const collectionsPlanFileSchema = z.object({ collections: z.array(plannedCollectionSchema) });

/** `output/step6_video_output.json`: what the video step rendered. */
export const videoOutputFileSchema = z.object({
  clips: z.array(
    z.object({
      id: z.string(),
      video_file: z.string(),
      thumbnail_file: z.string(),
      duration: z.number().nonnegative(),
    }),
  ),
  collections: z.array(
    z.object({
      id: z.string(),
      video_file: z.string(),
      duration: z.number().nonnegative(),
    }),
  ),
});

export type Cue = z.infer<typeof cueSchema>;
export type TranscriptFile = z.infer<typeof transcriptFileSchema>;
export type Topic = z.infer<typeof topicSchema>;
export type TimedTopic = z.infer<typeof timedTopicSchema>;
export type ScoredTopic = z.infer<typeof scoredTopicSchema>;
export type TitledTopic = z.infer<typeof titledTopicSchema>;
export type PlannedCollection = z.infer<typeof plannedCollectionSchema>;
export type VideoOutputFile = z.infer<typeof videoOutputFileSchema>;
