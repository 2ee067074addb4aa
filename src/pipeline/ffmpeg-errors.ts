/** Error classes of the ffmpeg module, kept apart so that callers can import them without fluent-ffmpeg. */

/** Tells whether `error` comes from starting a process, as when its executable is missing. */
export function isSpawnFailure(error: unknown): boolean {
  const syscall = (error as { syscall?: unknown } | undefined)?.syscall;

  return typeof syscall === "string" && syscall.startsWith("spawn");
}

function describeFailure(stderr: string, cause: unknown): string {
  const lastLine = stderr.split("\n").at(-1)?.trim();
  if (lastLine) return lastLine;
  if (cause instanceof Error) return cause.message;

  return "no error output";
}

/** Raised when ffmpeg or ffprobe fails to start or exits with an error. */
export class FfmpegError extends Error {
  override name = "FfmpegError";
  readonly code = "FFMPEG_FAILED";
  /** The executable that failed. */
  readonly binary: "ffmpeg" | "ffprobe";

  constructor(
    /** Description of the failed work, for example `cut clip /in.mp4 [1, 5) into /out.mp4`. */
    readonly task: string,
    /** Arguments passed to the binary, without the binary itself. */
    readonly args: readonly string[],
    /** The last lines that the binary wrote to stderr, without progress lines. */
    readonly stderr: string,
    options?: { cause?: unknown; binary?: "ffmpeg" | "ffprobe" },
  ) {
    const binary = options?.binary ?? "ffmpeg";
    const hint = isSpawnFailure(options?.cause)
      ? `Check that the ${binary} path in the config points to an executable file.`
      : "Check that the input is a complete video and that the output folder is writable. " +
        "The arguments and the stderr tail are in the error's args and stderr fields.";
    super(`${binary} failed to ${task}: ${describeFailure(stderr, options?.cause)}. ${hint}`, options);
    this.binary = binary;
  }
}

/** Raised when a file cannot be read as a video or audio file. */
export class ProbeError extends Error {
  override name = "ProbeError";
  readonly code = "MEDIA_UNREADABLE";

  /** ffprobe's stderr output, empty when it did not run. */
  readonly stderr: string;

  constructor(
    readonly file: string,
    /** Short reason for the rejection, such as `the file is empty (0 bytes)`. */
    readonly detail: string,
    options?: { cause?: unknown; stderr?: string },
  ) {
    super(
      `${file} could not be read as a video: ${detail}. ` +
        "Expected a complete video file, not a text file, an empty file or an interrupted download. " +
        "Replace the file and try again.",
      options,
    );
    this.stderr = options?.stderr ?? "";
  }
}

/** Raised when a caller passes a value that no ffmpeg command could use. */
export class FfmpegArgumentError extends RangeError {
  override name = "FfmpegArgumentError";
  readonly code = "INVALID_FFMPEG_ARGUMENT";

  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(
      `Invalid ${option}: expected ${expected}, got ${JSON.stringify(value)}. Pass a value in that range.`,
    );
  }
}
