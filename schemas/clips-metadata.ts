import { z } from "zod";

/**
 * AutoClip writes times as `HH:MM:SS,mmm` strings; this project writes seconds.
 * Both are accepted and read as seconds.
 */
export const timeValueSchema = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d{1,2}:\d{2}:\d{2}([,.]\d{1,3})?$/, "expected seconds or HH:MM:SS,mmm"),
]);

/** One entry of `clips_metadata.json`, with AutoClip's field names and our additions. */
export const clipSchema = z.looseObject({
  id: z.string().min(1),
  outline: z.string(),
  content: z.array(z.string()),
  start_time: timeValueSchema,
  end_time: timeValueSchema,
  chunk_index: z.number().int().nonnegative().default(0),
  final_score: z.number().min(0).max(1),
  recommend_reason: z.string().default(""),
  generated_title: z.string(),
  /** Duration in seconds. */
  duration: z.number().nonnegative().optional(),
  /** Clip video path relative to the project folder. */
  video_file: z.string().optional(),
  thumbnail_file: z.string().optional(),
});

export const clipsMetadataSchema = z.array(clipSchema);

export type Clip = z.infer<typeof clipSchema>;
