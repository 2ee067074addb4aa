import { splitLines } from "./split-lines.ts";
import type { ParserOptions, ParserResult, RawCue } from "./types.ts";

/** A MicroDVD line: start frame and end frame in braces, then the text. The end may be empty. */
const MICRODVD_LINE = /^\{(\d+)\}\{(\d*)\}(.*)$/;

/** A frame rate written as the text of the first cue, as in `{1}{1}23.976`. */
const FRAME_RATE_TEXT = /^\d{1,3}(?:\.\d+)?$/;

/** Frame rates accepted from a file's first line, in frames per second. */
const MIN_FPS = 1;
const MAX_FPS = 240;

/** Seconds given to a last cue that has no end frame. */
const OPEN_END_SECONDS = 2;

/** Relative difference above which the file's frame rate and the video's are reported as different. */
const FPS_MISMATCH = 0.005;

interface FrameCue {
  startFrame: number;
  endFrame: number | null;
  text: string;
  line: number;
}

function readFrameRate(cue: FrameCue | undefined): number | null {
  if (!cue || cue.startFrame > 1 || (cue.endFrame ?? 0) > 1) return null;
  if (!FRAME_RATE_TEXT.test(cue.text.trim())) return null;

  const fps = Number(cue.text.trim());
  return fps >= MIN_FPS && fps <= MAX_FPS ? fps : null;
}

function toSeconds(frame: number, fps: number): number {
  return Math.round((frame / fps) * 1000) / 1000;
}

/**
 * Parses MicroDVD (`.sub`) text: lines of `{start frame}{end frame}text`, where `|` breaks a line
 * and codes such as `{y:i}` style it (removed later by cleaning). The frame rate comes from a
 * first line such as `{1}{1}23.976`, else from `options.fps`. Without either, no time can be
 * computed, so the result carries an `error`.
 */
export function parseMicroDvd(text: string, options: ParserOptions): ParserResult {
  const frameCues: FrameCue[] = [];
  const lines = splitLines(text);
  let strayLines = 0;

  for (let index = 0; index < lines.length; index++) {
    const line = (lines[index] ?? "").trim();
    if (line === "") continue;

    const match = MICRODVD_LINE.exec(line);
    if (!match) {
      strayLines++;
      continue;
    }
    const endFrame = match[2] === "" ? null : Number(match[2]);
    frameCues.push({ startFrame: Number(match[1]), endFrame, text: match[3] ?? "", line: index + 1 });
  }

  const warnings: string[] = [];
  const notes: string[] = [];
  if (strayLines > 0) warnings.push(`ignored ${strayLines} line(s) that do not start with {start}{end}`);

  const declaredFps = readFrameRate(frameCues[0]);
  if (declaredFps !== null) frameCues.shift();
  const videoFps = options.fps && options.fps > 0 ? options.fps : null;
  const fps = declaredFps ?? videoFps;
  const timingLines = frameCues.length;

  if (fps === null) {
    return {
      cues: [],
      timingLines,
      warnings,
      error:
        "its times are frame numbers, and neither a first line such as {1}{1}23.976 nor the video gives the frame rate. Add such a first line with the video's frame rate, or convert the file to SRT",
    };
  }

  if (
    declaredFps !== null &&
    videoFps !== null &&
    Math.abs(declaredFps - videoFps) / videoFps > FPS_MISMATCH
  ) {
    notes.push(
      `the file declares ${declaredFps} fps and the video has ${videoFps} fps, so frame numbers were read at the file's ${declaredFps} fps`,
    );
  } else if (declaredFps === null) {
    notes.push(`frame numbers were read at the video's ${fps} fps`);
  }

  let openEnds = 0;
  const cues: RawCue[] = frameCues.map((cue, index) => {
    let endFrame = cue.endFrame;
    if (endFrame === null) {
      openEnds++;
      endFrame = frameCues[index + 1]?.startFrame ?? cue.startFrame + OPEN_END_SECONDS * fps;
    }
    return {
      start: toSeconds(cue.startFrame, fps),
      end: toSeconds(endFrame, fps),
      text: cue.text.replaceAll("|", "\n"),
      line: cue.line,
    };
  });
  if (openEnds > 0) warnings.push(`${openEnds} cue(s) had no end frame and end where the next cue starts`);

  return { cues, timingLines, warnings, notes };
}
