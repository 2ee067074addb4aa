import { z } from "zod";

/** One entry of `collections_metadata.json`, with AutoClip's field names and our additions. */
export const collectionSchema = z.looseObject({
  id: z.string().min(1),
  collection_title: z.string(),
  collection_summary: z.string().default(""),
  clip_ids: z.array(z.string()),
  collection_type: z.enum(["ai_recommended", "manual"]).default("ai_recommended"),
  /** Collection video path relative to the project folder. */
  video_file: z.string().optional(),
  /** Duration in seconds. */
  duration: z.number().nonnegative().optional(),
});

export const collectionsMetadataSchema = z.array(collectionSchema);

export type Collection = z.infer<typeof collectionSchema>;
