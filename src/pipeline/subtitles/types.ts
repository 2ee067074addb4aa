/** The subtitle formats that have a parser. `microdvd` is the frame-based `.sub` format. */
export type SubtitleFormat = "srt" | "vtt" | "ass" | "ssa" | "microdvd" | "sbv";

/** A cue as a parser reads it, before its text is cleaned. Times are in seconds. */
export interface RawCue {
  start: number;
  end: number;
  /** The cue's text lines joined with `\n`, markup still in place. */
  text: string;
  /** 1-based line number of the cue's timing line, for warnings. */
  line: number;
}

/** A parser's output: the cues it read and what it had to skip or guess. */
export interface ParserResult {
  cues: RawCue[];
  /** Number of timing lines found, readable or not; 0 means the text is not this format. */
  timingLines: number;
  warnings: string[];
  /** Decisions that are not problems, such as the frame rate a frame-based file declared. */
  notes?: string[];
  /** Reason that no cue can be read at all, such as a frame-based file without a frame rate. */
  error?: string;
}

/** Facts from outside the file that some formats need. */
export interface ParserOptions {
  /** Frame rate of the video in frames per second, for frame-based formats. */
  fps?: number | undefined;
}

/** A parser for one subtitle format. It reads decoded text and reports bad input as warnings, not errors. */
export type SubtitleParser = (text: string, options: ParserOptions) => ParserResult;

/** A cue after cleaning: plain text lines, none of them empty. Times are in seconds. */
export interface TextCue {
  start: number;
  end: number;
  lines: string[];
}
