import { z } from "zod";
import { countCjkCharacters } from "../../subtitles/cjk.ts";

/** Maximum title length in characters; longer titles are sent back for repair. */
const MAX_TITLE_LENGTH = { zh: 40, en: 100 } as const;

/** Maximum number of key sentences kept per topic. */
const MAX_KEY_SENTENCES = 3;

/** Quotes that some models wrap around a whole title. 《》 stays, because it marks a work's name. */
const WRAPPING_QUOTES = /^["'“”‘’「」『』]+|["'“”‘’「」『』]+$/g;

/** A cue index, also accepted as a string of digits. */
const cueIndex = z.preprocess(
  (value) => (typeof value === "string" && /^\d+$/.test(value.trim()) ? Number(value) : value),
  z.number().int().nonnegative(),
);

/** A clip id, also accepted as a number. */
const clipId = z.union([z.string(), z.number()]).transform((value) => String(value).trim());

const text = z.string().trim().min(1);

/**
 * Tells whether `value` is written in `language`: Chinese text contains CJK characters, and
 * English text contains Latin letters and more of them than CJK characters.
 */
export function isInLanguage(value: string, language: "zh" | "en"): boolean {
  const cjk = countCjkCharacters(value);
  if (language === "zh") return cjk > 0;

  const latin = value.match(/[A-Za-z]/g)?.length ?? 0;
  return latin > 0 && latin > cjk;
}

function languageName(language: "zh" | "en"): string {
  return language === "zh" ? "Chinese" : "English";
}

/** Adds an issue for every id of `expected` that `received` misses, repeats or adds. */
function checkIds(
  context: z.RefinementCtx,
  received: readonly string[],
  expected: readonly string[],
  field: string,
): void {
  const wanted = new Set(expected);
  const seen = new Set<string>();

  received.forEach((id, index) => {
    if (!wanted.has(id)) {
      context.addIssue({ code: "custom", path: [field, index, "id"], message: `unknown id "${id}"` });
    } else if (seen.has(id)) {
      context.addIssue({ code: "custom", path: [field, index, "id"], message: `id "${id}" appears twice` });
    }
    seen.add(id);
  });

  const missing = expected.filter((id) => !seen.has(id));
  if (missing.length > 0) {
    context.addIssue({ code: "custom", path: [field], message: `ids missing: ${missing.join(", ")}` });
  }
}

function checkLanguage(
  context: z.RefinementCtx,
  value: string,
  language: "zh" | "en",
  path: (string | number)[],
): void {
  if (isInLanguage(value, language)) return;

  context.addIssue({ code: "custom", path, message: `must be written in ${languageName(language)}` });
}

/**
 * Schema of an outline reply for the cues `firstCue` to `lastCue`. Topics are sorted by their
 * first cue; each must lie within the chunk and overlap no other.
 */
export function outlineReplySchema(firstCue: number, lastCue: number, language: "zh" | "en") {
  const topic = z.object({
    start_cue: cueIndex,
    end_cue: cueIndex,
    outline: text,
    key_sentences: z
      .array(z.string())
      .default([])
      .transform((sentences) =>
        sentences.map((sentence) => sentence.trim()).filter((sentence) => sentence !== ""),
      ),
  });

  return z
    .object({ topics: z.array(topic).min(1) })
    .transform((reply) => ({
      topics: [...reply.topics]
        .sort((a, b) => a.start_cue - b.start_cue)
        .map((entry) => ({ ...entry, key_sentences: entry.key_sentences.slice(0, MAX_KEY_SENTENCES) })),
    }))
    .superRefine((reply, context) => {
      let previousEnd = -1;
      reply.topics.forEach((entry, index) => {
        const path = ["topics", index];
        if (entry.start_cue < firstCue || entry.end_cue > lastCue) {
          context.addIssue({
            code: "custom",
            path,
            message: `cues ${entry.start_cue}-${entry.end_cue} lie outside the given cues ${firstCue}-${lastCue}`,
          });
        }
        if (entry.end_cue < entry.start_cue) {
          context.addIssue({ code: "custom", path, message: "end_cue is before start_cue" });
        }
        if (entry.start_cue <= previousEnd) {
          context.addIssue({
            code: "custom",
            path,
            message: `starts at cue ${entry.start_cue}, inside the previous topic that ends at cue ${previousEnd}`,
          });
        }
        checkLanguage(context, entry.outline, language, [...path, "outline"]);
        previousEnd = Math.max(previousEnd, entry.end_cue);
      });
    });
}

/** Schema of a score reply: one score from 0 to 1 and a reason for each id of `ids`. */
export function scoreReplySchema(ids: readonly string[], language: "zh" | "en") {
  const entry = z.object({ id: clipId, score: z.number().min(0).max(1), reason: text });

  return z.object({ scores: z.array(entry) }).superRefine((reply, context) => {
    checkIds(
      context,
      reply.scores.map((score) => score.id),
      ids,
      "scores",
    );
    reply.scores.forEach((score, index) => {
      checkLanguage(context, score.reason, language, ["scores", index, "reason"]);
    });
  });
}

/** Schema of a title reply: one short title for each id of `ids`, with wrapping quotes removed. */
export function titleReplySchema(ids: readonly string[], language: "zh" | "en") {
  const maxLength = MAX_TITLE_LENGTH[language];
  const title = text
    .transform((value) => value.replace(WRAPPING_QUOTES, "").trim())
    .pipe(
      z
        .string()
        .min(1)
        .refine((value) => Array.from(value).length <= maxLength, {
          message: `must be at most ${maxLength} characters`,
        }),
    );
  const entry = z.object({ id: clipId, title });

  return z.object({ titles: z.array(entry) }).superRefine((reply, context) => {
    checkIds(
      context,
      reply.titles.map((item) => item.id),
      ids,
      "titles",
    );
    reply.titles.forEach((item, index) => {
      checkLanguage(context, item.title, language, ["titles", index, "title"]);
    });
  });
}

/**
 * Schema of a collections reply: every collection names at least `minSize` distinct clips of
 * `ids`. A clip listed in several collections is accepted here and kept in the first only.
 */
export function collectionsReplySchema(ids: readonly string[], minSize: number, language: "zh" | "en") {
  const known = new Set(ids);
  const collection = z.object({
    title: text,
    summary: text,
    clip_ids: z.array(clipId).transform((list) => [...new Set(list)]),
  });

  return z.object({ collections: z.array(collection) }).superRefine((reply, context) => {
    reply.collections.forEach((entry, index) => {
      const path = ["collections", index];
      const unknown = entry.clip_ids.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        context.addIssue({
          code: "custom",
          path: [...path, "clip_ids"],
          message: `unknown clip ids: ${unknown.join(", ")}`,
        });
      }
      if (entry.clip_ids.length < minSize) {
        context.addIssue({
          code: "custom",
          path: [...path, "clip_ids"],
          message: `lists ${entry.clip_ids.length} clip(s), expected at least ${minSize}`,
        });
      }
      checkLanguage(context, entry.title, language, [...path, "title"]);
      checkLanguage(context, entry.summary, language, [...path, "summary"]);
    });
  });
}
