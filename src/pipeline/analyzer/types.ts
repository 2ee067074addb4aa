import type { VideoCategory } from "../../../schemas/project.ts";
import type {
  PlannedCollection,
  ScoredTopic,
  TimedTopic,
  TitledTopic,
  Topic,
  TranscriptFile,
} from "../../../schemas/step-files.ts";
import type { Logger } from "../../shared/logger.ts";

/** Settings the language steps share, whichever analyzer runs them. */
export interface AnalyzerOptions {
  /** Minimum clip length in seconds. @default 30 */
  minClipSeconds: number;
  /** Maximum clip length in seconds; a longer topic is split. @default 300 */
  maxClipSeconds: number;
  /** Topics scoring below this (0 to 1) are not kept as clips. @default 0.5 */
  scoreThreshold: number;
  /** Smallest number of clips a collection groups. @default 2 */
  minCollectionSize: number;
  /**
   * Seconds added before and after each clip by the timeline step, never past the video's
   * edges or into the neighboring clip. @default 0
   */
  paddingSeconds?: number;
  /** Cancels long work at shutdown. */
  signal?: AbortSignal;
}

/**
 * The language steps of the pipeline. The embedded analyzer and the LLM analyzer both
 * implement it, and both must produce files of the same shape.
 */
export interface Analyzer {
  readonly name: string;
  /** Splits the transcript into topics made of whole cues, in time order, covering no cue twice. */
  outline(transcript: TranscriptFile, options: AnalyzerOptions): Promise<Topic[]>;
  /** Scores every topic between 0 and 1 with a short reason in the transcript's language. */
  score(topics: TimedTopic[], transcript: TranscriptFile, options: AnalyzerOptions): Promise<ScoredTopic[]>;
  /** Gives every kept topic a short title in the transcript's language. */
  title(topics: ScoredTopic[], transcript: TranscriptFile, options: AnalyzerOptions): Promise<TitledTopic[]>;
  /** Groups related clips into collections of at least `minCollectionSize` clips. */
  collections(
    topics: TitledTopic[],
    transcript: TranscriptFile,
    options: AnalyzerOptions,
  ): Promise<PlannedCollection[]>;
}

/** Facts about one project that the pipeline passes when it creates the project's analyzer. */
export interface ProjectAnalyzerContext {
  /** The project's `metadata/` folder; the LLM analyzer caches replies in its `llm-cache/` folder. */
  metadataDir: string;
  /** `video_category` of `project.json`. */
  category: VideoCategory;
  /** The project's logger. */
  logger: Logger;
}

/** Creates the analyzer of one project. */
export type AnalyzerFactory = (project: ProjectAnalyzerContext) => Analyzer;
