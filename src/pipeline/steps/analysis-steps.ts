import {
  highScoreFileSchema,
  outlineFileSchema,
  timelineFileSchema,
  titlesFileSchema,
  transcriptFileSchema,
} from "../../../schemas/step-files.ts";
import { writeJsonAtomic } from "../../project/atomic-write.ts";
import { readJsonFile } from "../../project/read-json.ts";
import { toTimedTopics } from "../analyzer/timeline.ts";
import type { PipelineStep, StepContext } from "../step-types.ts";

function readTranscript(context: StepContext) {
  return readJsonFile(context.paths.file("transcript"), transcriptFileSchema);
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

/** Gives each topic its time range, snapped to whole cues (`step2_timeline.json`). */
export const timelineStep: PipelineStep = {
  name: "timeline",
  output: "timeline",
  weight: 1,

  async run(context) {
    const transcript = await readTranscript(context);
    const { topics } = await readJsonFile(context.paths.file("outline"), outlineFileSchema);
    const timed = toTimedTopics(topics, transcript.cues);

    await writeJsonAtomic(context.paths.file("timeline"), { topics: timed });
    return { status: "done", summary: { topics: timed.length } };
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

    await writeJsonAtomic(context.paths.file("allScored"), { topics: scored });
    await writeJsonAtomic(context.paths.file("highScore"), {
      threshold,
      candidates: scored.length,
      best_score: bestScore,
      topics: kept,
    });

    if (kept.length === 0) {
      context.logger.warn(
        { candidates: scored.length, bestScore, threshold },
        "no topic reached the score threshold",
      );
    }
    return {
      status: "done",
      summary: { candidates: scored.length, kept: kept.length, best_score: bestScore, threshold },
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
