import { z } from "zod";

/** Video categories that AutoClip's frontend offers; `knowledge` is the default. */
export const VIDEO_CATEGORIES = [
  "knowledge",
  "business",
  "opinion",
  "experience",
  "speech",
  "content_review",
  "entertainment",
] as const;

export type VideoCategory = (typeof VIDEO_CATEGORIES)[number];

/** `project.json`: facts fixed at ingest, written once. */
export const projectFileSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  source_file: z.string().min(1),
  subtitle_file: z.string().min(1).nullable().default(null),
  video_category: z.enum(VIDEO_CATEGORIES).default("knowledge"),
  description: z.string().default(""),
  created_at: z.iso.datetime({ offset: true }),
  video: z
    .object({
      duration: z.number().nonnegative(),
      width: z.number().int().nonnegative().nullable(),
      height: z.number().int().nonnegative().nullable(),
      fps: z.number().nonnegative().nullable(),
      has_audio: z.boolean(),
    })
    .optional(),
});

export type ProjectFile = z.infer<typeof projectFileSchema>;
