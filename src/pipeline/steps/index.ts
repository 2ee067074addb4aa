import type { PipelineStep } from "../step-types.ts";
import { collectionsStep, outlineStep, scoringStep, timelineStep, titlesStep } from "./analysis-steps.ts";
import { transcriptStep } from "./transcript-step.ts";
import { videoStep } from "./video-step.ts";

/** The pipeline steps in run order. */
export const PIPELINE_STEPS: readonly PipelineStep[] = [
  transcriptStep,
  outlineStep,
  timelineStep,
  scoringStep,
  titlesStep,
  collectionsStep,
  videoStep,
];
