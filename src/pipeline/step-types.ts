import type { StepName } from "../../schemas/pipeline.ts";
import type { ProjectFile } from "../../schemas/project.ts";
import type { ProjectFileKey, ProjectPaths } from "../project/layout.ts";
import type { Logger } from "../shared/logger.ts";
import type { Analyzer, AnalyzerOptions } from "./analyzer/types.ts";
import type { CutMode, FfmpegBinaries } from "./ffmpeg.ts";
import type { Recognizer } from "./speech/recognizer.ts";
import type { ResolvedSpeechConfig } from "./speech/speech-config.ts";

/** The configured speech recognizer with its settings. */
export interface SpeechSetup {
  config: ResolvedSpeechConfig;
  recognizer: Recognizer;
}

/** Inputs of every step: the project, its paths and the shared tools. */
export interface StepContext {
  projectId: string;
  paths: ProjectPaths;
  project: ProjectFile;
  analyzer: Analyzer;
  analyzerOptions: AnalyzerOptions;
  binaries: FfmpegBinaries;
  /** x264 preset for clip encoding. */
  encoderPreset: string;
  /** Cutting method for clips: `accurate` re-encodes on frame boundaries, `copy` copies the streams from a keyframe. @default "accurate" */
  cutMode?: CutMode;
  /** Speech recognizer for videos without subtitles; unset when recognition is off. */
  speech?: SpeechSetup;
  logger: Logger;
  signal: AbortSignal;
  /** Reports progress inside the step, `fraction` from 0 to 1. */
  reportProgress(fraction: number, message: string): void;
}

/**
 * Outcome of a step. A failure carries a stable code, a message and a hint on what to do next,
 * and may carry both again in Chinese.
 */
export type StepOutcome =
  | { status: "done"; summary?: Record<string, unknown> }
  | { status: "failed"; code: string; message: string; hint: string; message_zh?: string; hint_zh?: string };

/** One pipeline step. It writes its output file last, so a present file means the step finished. */
export interface PipelineStep {
  name: StepName;
  /** The file whose presence marks the step as done. */
  output: ProjectFileKey;
  /** Share of the whole run's time this step usually takes, for the progress bar. */
  weight: number;
  run(context: StepContext): Promise<StepOutcome>;
}
