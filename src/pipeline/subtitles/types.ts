/** The subtitle formats that have a parser. */
export type SubtitleFormat = "srt" | "vtt";

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
}

/** A parser for one subtitle format. It reads decoded text and reports bad input as warnings, not errors. */
export type SubtitleParser = (text: string) => ParserResult;
