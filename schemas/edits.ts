import { z } from "zod";

/** Prefix of hand-made collection ids; pipeline and AutoClip collection ids never start with it. */
export const MANUAL_COLLECTION_PREFIX = "manual-";

/** Maximum length of an edited clip or collection title, in characters. */
export const MAX_EDITED_TITLE_LENGTH = 200;

/** Maximum length of an edited collection summary, in characters. */
export const MAX_EDITED_SUMMARY_LENGTH = 2000;

const idSchema = z.string().min(1);
const titleSchema = z.string().trim().min(1).max(MAX_EDITED_TITLE_LENGTH);
const summarySchema = z.string().trim().max(MAX_EDITED_SUMMARY_LENGTH);

/** A collection made by hand, stored only in `edits.json`. */
export const manualCollectionSchema = z.object({
  /** `manual-` followed by 1 to 64 letters, digits, ".", "_" or "-". */
  id: z
    .string()
    .regex(
      /^manual-[A-Za-z0-9._-]{1,64}$/,
      'expected "manual-" followed by 1 to 64 letters, digits, ".", "_" or "-"',
    ),
  collection_title: titleSchema,
  collection_summary: summarySchema.default(""),
  /** Clip ids of `metadata/clips_metadata.json`, in the order shown. */
  clip_ids: z.array(idSchema),
  created_at: z.iso.datetime({ offset: true }),
});

/**
 * `edits.json`: the user's edits of one project, applied over the pipeline's files whenever the
 * index derives the project's records, so re-running a step keeps them. Unknown top-level keys
 * are kept (a newer daemon may write them), and the index lists them as warnings.
 */
export const editsFileSchema = z
  .looseObject({
    /** New clip titles by clip id; they replace `generated_title`. */
    clip_titles: z.record(idSchema, titleSchema).default({}),
    /** New collection titles by collection id, for pipeline and manual collections. */
    collection_titles: z.record(idSchema, titleSchema).default({}),
    /** New collection summaries by collection id, for pipeline and manual collections. */
    collection_summaries: z.record(idSchema, summarySchema).default({}),
    /** Clips hidden from the clip list and from every collection. */
    deleted_clip_ids: z.array(idSchema).default([]),
    /** Collections hidden from the collection list, pipeline or manual. */
    deleted_collection_ids: z.array(idSchema).default([]),
    manual_collections: z.array(manualCollectionSchema).default([]),
    /**
     * Clip order by collection id. Ids that are not clips of that collection are dropped, and
     * clips of the collection missing from the list follow in their previous order.
     */
    collection_order: z.record(idSchema, z.array(idSchema)).default({}),
    /** ISO 8601 time of the last write; null in a file written by hand without it. */
    updated_at: z.iso.datetime({ offset: true }).nullable().default(null),
  })
  .superRefine((edits, context) => {
    const seen = new Set<string>();
    edits.manual_collections.forEach((collection, index) => {
      if (seen.has(collection.id)) {
        context.addIssue({
          code: "custom",
          path: ["manual_collections", index, "id"],
          message: `repeats the manual collection id "${collection.id}"; ids must be unique`,
        });
      }
      seen.add(collection.id);
    });
  });

/** Top-level keys that `editsFileSchema` defines; any other key is kept but not applied. */
export const EDITS_FILE_KEYS = [
  "clip_titles",
  "collection_titles",
  "collection_summaries",
  "deleted_clip_ids",
  "deleted_collection_ids",
  "manual_collections",
  "collection_order",
  "updated_at",
] as const;

export type ManualCollection = z.infer<typeof manualCollectionSchema>;
export type EditsFile = z.infer<typeof editsFileSchema>;
