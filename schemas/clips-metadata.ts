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
  /** Start of the clip in the source in seconds, which in copy mode is the keyframe at or before `start_time`. */
  actual_start_time: z.number().nonnegative().optional(),
  /** ffprobe's measurement of the clip file next to its plan, in seconds. */
  render_check: z
    .object({
      planned: z.number(),
      measured: z.number(),
      /** Largest allowed gap between `planned` and `measured`. */
      tolerance: z.number().nonnegative(),
      /** Gap between the video and audio stream start times, null without audio. */
      av_offset: z.number().nonnegative().nullable(),
    })
    .optional(),
});

export const clipsMetadataSchema = z.array(clipSchema);

export type Clip = z.infer<typeof clipSchema>;
