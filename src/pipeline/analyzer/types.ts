import type {
  PlannedCollection,
  ScoredTopic,
  TimedTopic,
  TitledTopic,
  Topic,
  TranscriptFile,
} from "../../../schemas/step-files.ts";

/** Settings the language steps share, whichever analyzer runs them. */
export interface AnalyzerOptions {
  /** Shortest clip in seconds. @default 30 */
  minClipSeconds: number;
  /** Longest clip in seconds; a longer topic is split. @default 300 */
  maxClipSeconds: number;
  /** Topics scoring below this (0 to 1) are not kept as clips. @default 0.5 */
  scoreThreshold: number;
  /** Smallest number of clips a collection groups. @default 2 */
  minCollectionSize: number;
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
