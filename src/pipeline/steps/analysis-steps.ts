import {
  highScoreFileSchema,
  outlineFileSchema,
  timelineFileSchema,
  titlesFileSchema,
  transcriptFileSchema,
} from "../../../schemas/step-files.ts";
import { writeJsonAtomic } from "../../project/atomic-write.ts";
import { readJsonFile } from "../../project/read-json.ts";
import { buildTimeline } from "../analyzer/timeline.ts";
import type { PipelineStep, StepContext } from "../step-types.ts";

function readTranscript(context: StepContext) {
  return readJsonFile(context.paths.file("transcript"), transcriptFileSchema);
}

/** Length of the video against the shortest clip allowed, for a notice about a video too short to cut. */
export interface ClipLengthCheck {
  videoSeconds: number;
  minClipSeconds: number;
}

/**
 * Builds the message for a run that keeps no clip: a video shorter than the minimum clip
 * length, or else the threshold, the best score and the number of candidates, and how to keep
 * more.
 */
export function noClipsNotice(
  threshold: number,
  bestScore: number | null,
  candidates: number,
  lengths?: ClipLengthCheck,
): string {
  if (lengths && lengths.videoSeconds < lengths.minClipSeconds) {
    return `The video is ${lengths.videoSeconds.toFixed(1)} s long, shorter than the minimum clip length of ${lengths.minClipSeconds} s, so no clip was made; lower --min-clip-seconds to cut shorter clips.`;
  }
  if (candidates === 0) return "The transcript gave no topic to score, so no clip was made.";

  return `No topic reached the score threshold ${threshold} (best ${bestScore} of ${candidates} candidates); lower --score-threshold to keep more.`;
}

/** Splits the transcript into topics (`step1_outline.json`). */
export const outlineStep: PipelineStep = {
  name: "outline",
  output: "outline",
  weight: 5,

  async run(context) {
    const transcript = await readTranscript(context);
    const topics = await context.analyzer.outline(transcript, context.analyzerOptions);

    await writeJsonAtomic(context.paths.file("outline"), { topics });
    return { status: "done", summary: { topics: topics.length, analyzer: context.analyzer.name } };
  },
};

/**
 * Gives each topic its time range (`step2_timeline.json`): edges snapped to sentence ends on
 * whole cues, overlong topics split, then padded. Works on any analyzer's outline.
 */
export const timelineStep: PipelineStep = {
  name: "timeline",
  output: "timeline",
  weight: 1,

  async run(context) {
    const transcript = await readTranscript(context);
    const { topics } = await readJsonFile(context.paths.file("outline"), outlineFileSchema);
    const { minClipSeconds, maxClipSeconds, paddingSeconds } = context.analyzerOptions;
    const timed = buildTimeline(topics, transcript.cues, {
      minClipSeconds,
      maxClipSeconds,
      paddingSeconds: paddingSeconds ?? 0,
      videoEnd: context.project.video?.duration ?? transcript.cues.at(-1)?.end ?? 0,
    });
    const unaligned = timed.filter((topic) => !topic.sentence_aligned).length;

    if (unaligned > 0) {
      context.logger.warn({ unaligned, topics: timed.length }, "some clip edges are not on a sentence end");
    }
    await writeJsonAtomic(context.paths.file("timeline"), { topics: timed });
    return {
      status: "done",
      summary: { topics: timed.length, split: timed.length - topics.length, unaligned },
    };
  },
};

/** Scores every topic and keeps those at or above the threshold (`step3_*.json`). */
export const scoringStep: PipelineStep = {
  name: "scoring",
  output: "highScore",
  weight: 3,

  async run(context) {
    const transcript = await readTranscript(context);
    const { topics } = await readJsonFile(context.paths.file("timeline"), timelineFileSchema);
    const scored = await context.analyzer.score(topics, transcript, context.analyzerOptions);
    const threshold = context.analyzerOptions.scoreThreshold;
    const kept = scored.filter((topic) => topic.final_score >= threshold);
    const bestScore = scored.length > 0 ? Math.max(...scored.map((topic) => topic.final_score)) : null;

    const videoSeconds = context.project.video?.duration;
    const lengths =
      videoSeconds === undefined
        ? undefined
        : { videoSeconds, minClipSeconds: context.analyzerOptions.minClipSeconds };
    const notice =
      kept.length === 0 ? noClipsNotice(threshold, bestScore, scored.length, lengths) : undefined;

    await writeJsonAtomic(context.paths.file("allScored"), { topics: scored });
    await writeJsonAtomic(context.paths.file("highScore"), {
      threshold,
      candidates: scored.length,
      best_score: bestScore,
      topics: kept,
      ...(notice ? { message: notice } : {}),
    });

    if (notice) {
      context.logger.warn(
        { candidates: scored.length, bestScore, threshold },
        "no topic reached the score threshold",
      );
    }
    return {
      status: "done",
      summary: {
        candidates: scored.length,
        kept: kept.length,
        best_score: bestScore,
        threshold,
        ...(notice ? { notice } : {}),
      },
    };
  },
};

/** Titles the kept topics (`step4_titles.json`). */
export const titlesStep: PipelineStep = {
  name: "titles",
  output: "titles",
  weight: 2,

  async run(context) {
    const transcript = await readTranscript(context);
    const { topics } = await readJsonFile(context.paths.file("highScore"), highScoreFileSchema);
    const titled = await context.analyzer.title(topics, transcript, context.analyzerOptions);

    await writeJsonAtomic(context.paths.file("titles"), { topics: titled });
    return { status: "done", summary: { titles: titled.length } };
  },
};

/** Groups related clips into collections (`step5_collections.json`). */
export const collectionsStep: PipelineStep = {
  name: "collections",
  output: "collectionsPlan",
  weight: 2,

  async run(context) {
    const transcript = await readTranscript(context);
    const { topics } = await readJsonFile(context.paths.file("titles"), titlesFileSchema);
    const collections =
      topics.length >= context.analyzerOptions.minCollectionSize
        ? await context.analyzer.collections(topics, transcript, context.analyzerOptions)
        : [];

    await writeJsonAtomic(context.paths.file("collectionsPlan"), { collections });
    return { status: "done", summary: { collections: collections.length } };
  },
};
