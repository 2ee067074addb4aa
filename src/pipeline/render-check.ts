import { stat } from "node:fs/promises";
import path from "node:path";
import { isNotFound } from "../shared/fs-errors.ts";
import type { Logger } from "../shared/logger.ts";
import {
  type ClipRange,
  type CutClipOptions,
  type CutMode,
  cutClip,
  type FfmpegBinaries,
  type MediaInfo,
  planCut,
  probeVideo,
} from "./ffmpeg.ts";
import { probeMediaFast } from "./probe-fast.ts";

/** Measured facts of one rendered clip next to its plan, as written to the clip's `render_check`. Times are in seconds. */
export interface RenderCheck {
  /** Planned duration: the cut range's end minus its start. */
  planned: number;
  /** Container duration of the output, as ffprobe reports it (read from the MP4 index where possible). */
  measured: number;
  /** Largest allowed gap between `planned` and `measured`: one video frame plus one AAC frame of 1024 samples. */
  tolerance: number;
  /** Gap between the start times of the video and audio streams, or null without audio. */
  av_offset: number | null;
}

/** Result of {@link checkRender}: the numbers, and whether they pass. */
export interface RenderCheckResult {
  check: RenderCheck;
  ok: boolean;
}

export interface RenderClipOptions extends Omit<CutClipOptions, "logger" | "trimFilters"> {
  /** Id of the clip, named in logs and errors. */
  clipId: string;
  /** Keeps an existing `output` whose render check against this plan passes, instead of cutting again. @default false */
  reuseExisting?: boolean;
  logger?: Logger;
}

/** Clip written by {@link renderClip}. */
export interface RenderedClip {
  /** Cut range. In copy mode `start` is the keyframe where the clip really starts. */
  range: ClipRange;
  /** Mode of the file on disk, which is `accurate` when a copy-mode cut fell back to re-encoding. */
  mode: CutMode;
  /** Measured duration of the output in seconds. */
  duration: number;
  /** Facts of the output file, which concatVideos can take instead of probing it again. */
  info: MediaInfo;
  check: RenderCheck;
  /** True when an existing file passed the check and was kept. */
  reused: boolean;
}

/** Largest gap in seconds between the start times of the video and audio streams of a clip. */
export const MAX_AV_OFFSET_SECONDS = 0.05;
/** AAC encodes 1024 samples per frame, so the audio track can end up to that many samples off. */
const AAC_FRAME_SAMPLES = 1024;
/** Rounding slack of the ffprobe times, which are printed to the microsecond. */
const EPSILON = 1e-6;

/** Raised when a clip's measured duration or audio/video start misses its plan after every render attempt. */
export class RenderMismatchError extends Error {
  override name = "RenderMismatchError";
  readonly code = "RENDER_MISMATCH";

  constructor(
    readonly clipId: string,
    readonly output: string,
    /** Numbers of the last attempt. */
    readonly check: RenderCheck,
    options?: { cause?: unknown },
  ) {
    const offset = check.av_offset === null ? "no audio" : `${check.av_offset.toFixed(6)} s`;
    super(
      `Clip ${clipId} rendered to ${output} does not match its plan: planned ${check.planned.toFixed(6)} s, ` +
        `measured ${check.measured.toFixed(6)} s (tolerance ${check.tolerance.toFixed(6)} s), ` +
        `audio/video start offset ${offset} (maximum ${MAX_AV_OFFSET_SECONDS} s). ` +
        "Check that the source video is complete and has a constant frame rate, then retry the project.",
      options,
    );
  }
}

/**
 * Compares a rendered clip, probed as `info`, with its planned duration. It passes when the
 * duration is within one frame (1/fps) plus one AAC frame (1024 / sample rate) of the plan and
 * the audio and video streams start within {@link MAX_AV_OFFSET_SECONDS} of each other.
 */
export function checkRender(planned: number, info: MediaInfo): RenderCheckResult {
  const frame = info.fps > 0 ? 1 / info.fps : 0;
  const audioFrame = info.audioSampleRate ? AAC_FRAME_SAMPLES / info.audioSampleRate : 0;
  const tolerance = frame + audioFrame;
  const hasBothStarts = info.hasAudio && info.videoStart !== null && info.audioStart !== null;
  const avOffset = hasBothStarts ? Math.abs((info.videoStart ?? 0) - (info.audioStart ?? 0)) : null;

  const check = { planned, measured: info.duration, tolerance, av_offset: avOffset };
  const durationOk = Math.abs(info.duration - planned) <= tolerance + EPSILON;
  const offsetOk = avOffset === null || avOffset <= MAX_AV_OFFSET_SECONDS + EPSILON;

  return { check, ok: durationOk && offsetOk };
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Cuts with `options`, then reads the output's facts and checks them against the cut range. */
async function cutAndCheck(
  options: CutClipOptions,
  binaries: FfmpegBinaries,
): Promise<{ range: ClipRange; info: MediaInfo; result: RenderCheckResult }> {
  const range = await cutClip(options, binaries);
  const info = await probeMediaFast(options.output, binaries, options.logger);

  return { range, info, result: checkRender(range.end - range.start, info) };
}

/** Keeps an existing output when it passes the render check against a fresh plan. */
async function reuseExisting(
  options: RenderClipOptions,
  binaries: FfmpegBinaries,
): Promise<RenderedClip | null> {
  const { input, output, start, end, logger } = options;
  const mode = options.mode ?? "accurate";
  if (!(await fileExists(output))) return null;

  const sourceInfo = options.sourceInfo ?? (await probeVideo(path.resolve(input), binaries, logger));
  const range = await planCut(path.resolve(input), sourceInfo, { start, end, mode }, binaries, logger);
  const info = await probeMediaFast(output, binaries, logger);
  const result = checkRender(range.end - range.start, info);
  if (!result.ok) return null;

  return { range, mode, duration: info.duration, info, check: result.check, reused: true };
}

/**
 * Cuts one clip with {@link cutClip} and checks the output against the cut range (see
 * {@link checkRender}), with the facts that ffprobe would report read from the output's MP4
 * index ({@link probeMediaFast}). In accurate mode a failed check re-encodes once more with the trim
 * filters, and raises {@link RenderMismatchError} if that also fails. In copy mode a failed
 * check re-encodes the clip in accurate mode, with the same retry, and logs a warning.
 */
export async function renderClip(
  options: RenderClipOptions,
  binaries: FfmpegBinaries,
): Promise<RenderedClip> {
  const { clipId, logger, reuseExisting: reuse, ...rest } = options;
  const mode = options.mode ?? "accurate";
  // The source is probed once for the reuse check and every attempt.
  const sourceInfo = rest.sourceInfo ?? (await probeVideo(path.resolve(rest.input), binaries, logger));
  const cutOptions = { ...rest, sourceInfo };

  if (reuse) {
    const reusable = await reuseExisting({ ...options, sourceInfo }, binaries);
    if (reusable) {
      logger?.debug({ clipId, check: reusable.check }, "reusing clip rendered by an earlier run");
      return reusable;
    }
    options.signal?.throwIfAborted();
  }

  if (mode === "copy") {
    const copied = await cutAndCheck({ ...cutOptions, mode: "copy", logger }, binaries);
    if (copied.result.ok) {
      return {
        range: copied.range,
        mode,
        duration: copied.info.duration,
        info: copied.info,
        check: copied.result.check,
        reused: false,
      };
    }
    logger?.warn({ clipId, check: copied.result.check }, "stream copy missed the plan, re-encoding the clip");
  }

  const accurate = { ...cutOptions, mode: "accurate" as const, logger };
  const first = await cutAndCheck(accurate, binaries);
  if (first.result.ok) {
    return {
      range: first.range,
      mode: "accurate",
      duration: first.info.duration,
      info: first.info,
      check: first.result.check,
      reused: false,
    };
  }

  logger?.warn({ clipId, check: first.result.check }, "clip missed the plan, re-encoding with trim filters");
  const second = await cutAndCheck({ ...accurate, trimFilters: true }, binaries);
  if (second.result.ok) {
    return {
      range: second.range,
      mode: "accurate",
      duration: second.info.duration,
      info: second.info,
      check: second.result.check,
      reused: false,
    };
  }

  throw new RenderMismatchError(clipId, path.resolve(options.output), second.result.check);
}
