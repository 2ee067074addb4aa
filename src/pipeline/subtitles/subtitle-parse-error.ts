/** Stable codes of {@link SubtitleParseError}. */
export type SubtitleParseErrorCode = "SUBTITLE_UNREADABLE" | "SUBTITLE_EMPTY" | "SUBTITLE_UNSUPPORTED_FORMAT";

/** Raised when a subtitle file yields no usable cue. The message names the file and the fix. */
export class SubtitleParseError extends Error {
  override readonly name = "SubtitleParseError";
  readonly code: SubtitleParseErrorCode;
  readonly fileName: string;

  constructor(
    code: SubtitleParseErrorCode,
    fileName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
    this.fileName = fileName;
  }
}
