import type { ChildProcess } from "node:child_process";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import ffmpeg from "fluent-ffmpeg";
import { ATOMIC_TEMP_SUFFIX } from "../project/atomic-write.ts";
import { isNotFound } from "../shared/fs-errors.ts";
import type { Logger } from "../shared/logger.ts";
import type { FfmpegBinaries } from "./ffmpeg-binaries.ts";
import { FfmpegArgumentError, FfmpegError, isSpawnFailure, ProbeError } from "./ffmpeg-errors.ts";
import { findKeyframeAtOrBefore } from "./ffmpeg-keyframes.ts";

export {
  type FfmpegBinaries,
  FfmpegBinaryNotFoundError,
  type FfmpegBinaryOverrides,
  resolveFfmpegBinaries,
} from "./ffmpeg-binaries.ts";
export { FfmpegArgumentError, FfmpegError, ProbeError } from "./ffmpeg-errors.ts";

/** A subtitle track inside the container. */
export interface SubtitleStreamInfo {
  /** Stream index as ffprobe numbers the streams, usable in `-map 0:INDEX`. */
  index: number;
  codec: string;
  /** Language tag of the stream, or null when it is missing or `und`. */
  language: string | null;
}

/** Facts about a media file, read by ffprobe. Times are in seconds. */
export interface MediaInfo {
  /** Container duration. */
  duration: number;
  /** Frame size of the main video stream in pixels, 0 without video. */
  width: number;
  height: number;
  /** Average frame rate of the main video stream in frames per second, 0 without video. */
  fps: number;
  hasVideo: boolean;
  hasAudio: boolean;
  videoCodec: string | null;
  audioCodec: string | null;
  /** Sample rate of the first audio stream in Hz. */
  audioSampleRate: number | null;
  audioChannels: number | null;
  /** ffprobe index of the main video stream, which is the first one that is not cover art. */
  videoStreamIndex: number | null;
  /** ffprobe index of the first audio stream. */
  audioStreamIndex: number | null;
  /** Start time of the main video stream. */
  videoStart: number | null;
  /** Start time of the first audio stream. */
  audioStart: number | null;
  /** ffprobe's format name, for example `mov,mp4,m4a,3gp,3g2,mj2`. */
  formatName: string;
  subtitleStreams: SubtitleStreamInfo[];
}

/**
 * Range that was cut, with `end` moved to the nearest frame boundary and clamped to the duration.
 * `start` is the requested start moved to the nearest frame boundary, or in copy mode the keyframe
 * at or before it.
 */
export interface ClipRange {
  start: number;
  end: number;
}

/** Progress of one cut. */
export interface CutProgress {
  /** Seconds of the clip written so far. */
  seconds: number;
  /** Share of the clip written so far, 0–100. */
  percent: number;
}

/** x264 speed presets, from fastest and largest to slowest and smallest. */
export const X264_PRESETS = [
  "ultrafast",
  "superfast",
  "veryfast",
  "faster",
  "fast",
  "medium",
  "slow",
  "slower",
  "veryslow",
] as const;

/** Cutting method of {@link cutClip}: `accurate` re-encodes on frame boundaries, `copy` copies the streams from a keyframe. */
export type CutMode = "accurate" | "copy";

export const CUT_MODES: readonly CutMode[] = ["accurate", "copy"];

export interface CutClipOptions {
  /** Source video. */
  input: string;
  /** Clip to write. Its folder is created when missing. */
  output: string;
  /** Start of the clip in seconds from the start of the input, inclusive. Moved to the nearest frame boundary. */
  start: number;
  /** End of the clip in seconds, exclusive. Moved to the nearest frame boundary and clamped to the duration. */
  end: number;
  /** Re-encode frame-accurately, or copy the streams from the keyframe at or before `start`. @default "accurate" */
  mode?: CutMode;
  /**
   * In accurate mode, drops the frames before `start` with the trim and atrim filters instead of
   * the decoder's seek, which is slower and exact where a seek is not. @default false
   */
  trimFilters?: boolean;
  /** x264 speed preset, one of {@link X264_PRESETS}. Unused in copy mode. @default "veryfast" */
  preset?: string;
  /** x264 constant rate factor from 0 to 51, where lower means better quality and larger files. @default 23 */
  crf?: number;
  /** Probe result of `input` from {@link probeVideo}, which saves an ffprobe run when one source gives many clips. */
  sourceInfo?: MediaInfo;
  /** Aborting kills ffmpeg and removes the partial file. */
  signal?: AbortSignal;
  /** Called each time ffmpeg reports progress, about twice a second. */
  onProgress?: (progress: CutProgress) => void;
  /** Receives the command line at debug level. */
  logger?: Logger;
}

/** Join method that {@link concatVideos} used. */
export type ConcatMethod = "copy" | "reencode";

export interface ConcatVideosOptions {
  /** Videos to join, in order. */
  inputs: readonly string[];
  /** Joined video to write. Its folder is created when missing. */
  output: string;
  /**
   * Probe results of `inputs` in the same order, such as the `info` of each clip that renderClip
   * wrote, which saves an ffprobe run per input. @default each input is probed
   */
  inputInfos?: readonly MediaInfo[];
  /** Aborting kills ffmpeg and removes the partial file. */
  signal?: AbortSignal;
  /** Receives the command lines at debug level and a copy-join failure at warn level. */
  logger?: Logger;
}

export interface ThumbnailOptions {
  input: string;
  /** JPEG file to write. Its folder is created when missing. */
  output: string;
  /** Time of the frame in seconds, clamped inside the video. */
  at: number;
  /** Width of the image in pixels. The height keeps the aspect ratio. @default 480 */
  width?: number;
  /** Probe result of `input`, which saves an ffprobe run. @default `input` is probed */
  inputInfo?: MediaInfo;
  /** Receives the command line at debug level. */
  logger?: Logger;
}

export interface ExtractSubtitleOptions {
  input: string;
  /** ffprobe index of the subtitle stream, as in {@link SubtitleStreamInfo.index}. */
  streamIndex: number;
  /** Codec of the stream; `ass` and `ssa` streams are written as ASS, every other text codec as SRT. */
  codec: string;
  /** Subtitle file to write, under a temporary name first. Its folder is created when missing. */
  output: string;
  signal?: AbortSignal;
  /** Receives the command line at debug level. */
  logger?: Logger;
}

export interface ExtractAudioOptions {
  input: string;
  /** WAV file to write (16 kHz, mono, 16-bit PCM), under a temporary name first. */
  output: string;
  signal?: AbortSignal;
  /** Receives the command line at debug level. */
  logger?: Logger;
}

export interface TestVideoOptions {
  output: string;
  /** Length in seconds. */
  duration: number;
  /** Frame width in pixels, even. @default 640 */
  width?: number;
  /** Frame height in pixels, even. @default 360 */
  height?: number;
  /** Frames per second. @default 25 */
  fps?: number;
  /** Adds a mono 44.1 kHz AAC track. @default true */
  withAudio?: boolean;
  /** Seconds between keyframes, rounded to whole frames. @default 10 */
  keyframeInterval?: number;
  signal?: AbortSignal;
  /** Receives the command line at debug level. */
  logger?: Logger;
}

const STDERR_TAIL_LINES = 20;
/** Milliseconds between SIGTERM, which lets ffmpeg close its output, and SIGKILL on abort. */
const KILL_GRACE_MS = 2000;
/** Global options before the first input. -stats keeps the progress lines, while -loglevel error hides the rest. */
const GLOBAL_ARGS = ["-hide_banner", "-nostdin", "-loglevel", "error", "-stats"];
/** libx264 with yuv420p rejects odd frame sizes, so the size is rounded down to even numbers. */
const EVEN_SIZE_FILTER = "scale=trunc(iw/2)*2:trunc(ih/2)*2";
const AAC_ARGS = ["-c:a", "aac", "-b:a", "128k"];
/** Preset and quality of re-encoded joins, matching the default of {@link cutClip}. */
const JOIN_PRESET = "veryfast";
const JOIN_CRF = 23;
const MP4_ARGS = ["-movflags", "+faststart", "-f", "mp4"];
/** Seconds that a trim-filter cut seeks before its start, so the seek never lands after the first frame it keeps. */
const TRIM_SEEK_LEAD_SECONDS = 5;
const PROGRESS_LINE = /^\s*(frame|size)=/;
const PROGRESS_TIME = /time=(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/;
/**
 * A 220 Hz tone with a slow pitch wobble (vibrato), silent for 2 s out of every 8 s so that
 * pause detection has something to find. A tremolo stage was left out because it doubled the
 * AAC encoding time.
 */
const TALK_AUDIO_FILTER = "vibrato=f=0.3:d=0.8,volume='0.5*lt(mod(t,8),6)':eval=frame";

interface RunContext {
  task: string;
  binaries: FfmpegBinaries;
  logger: Logger | undefined;
  signal: AbortSignal | undefined;
  onStderrLine?: (line: string) => void;
}

type PathCallback = (error: Error | null, binaryPath: string) => void;

function tailOf(stderr: string): string {
  const lines = stderr.split(/\r\n|\r|\n/).filter((line) => line.trim() !== "" && !PROGRESS_LINE.test(line));

  return lines.slice(-STDERR_TAIL_LINES).join("\n");
}

function h264Args(preset: string, crf: number): string[] {
  return ["-c:v", "libx264", "-preset", preset, "-crf", String(crf), "-pix_fmt", "yuv420p"];
}

function formatSeconds(seconds: number): string {
  return seconds.toFixed(6);
}

/**
 * Formats seconds rounded down to the microsecond, so that a time computed as a frame boundary
 * never lands after that frame. A seek then keeps the frame, and a duration leaves out the frame at its end.
 */
function formatSecondsDown(seconds: number): string {
  return (Math.floor(seconds * 1e6 + 1e-3) / 1e6).toFixed(6);
}

/** Moves `seconds` to the nearest boundary of the frame grid that starts at 0. */
function snapToFrame(seconds: number, fps: number): number {
  return fps > 0 ? Math.round(seconds * fps) / fps : seconds;
}

/** Creates a fluent-ffmpeg command bound to `binaries`. */
function createCommand(binaries: FfmpegBinaries): ffmpeg.FfmpegCommand {
  const command = ffmpeg({ stdoutLines: 100 });

  // fluent-ffmpeg 2.1 keeps binary paths in one cache shared by every command (setFfmpegPath),
  // so the lookups are replaced on this instance to keep each call on its own binaries.
  // NOTE: the list of formats and encoders that fluent-ffmpeg checks before a run is cached
  // the same way, so it comes from whichever binary ran first in the process.
  Object.assign(command, {
    _getFfmpegPath: (callback: PathCallback) => callback(null, binaries.ffmpeg),
    _getFfprobePath: (callback: PathCallback) => callback(null, binaries.ffprobe),
  });

  return command;
}

/**
 * Adds arguments as separate parameters, because fluent-ffmpeg splits a lone argument that
 * contains one space into two. Every list passed here is empty or has at least two entries.
 */
function addInput(command: ffmpeg.FfmpegCommand, source: string, args: readonly string[]): void {
  command.input(source);
  if (args.length > 0) command.inputOptions(...args);
}

function addOutput(command: ffmpeg.FfmpegCommand, target: string, args: readonly string[]): void {
  command.output(target);
  command.outputOptions(...args);
}

/**
 * Runs `command` until ffmpeg exits. Rejects with {@link FfmpegError} on failure, or with the
 * signal's reason after an abort, which sends SIGTERM and then SIGKILL after a grace period.
 */
function runCommand(command: ffmpeg.FfmpegCommand, context: RunContext): Promise<void> {
  const { signal, logger, task } = context;
  const args = command._getArguments();

  return new Promise((resolve, reject) => {
    let started = false;
    let killTimer: NodeJS.Timeout | undefined;

    const terminate = () => {
      // Before the spawn there is no process to signal, so the start handler terminates it.
      if (!started || killTimer) return;
      command.kill("SIGTERM");
      killTimer = setTimeout(() => command.kill("SIGKILL"), KILL_GRACE_MS);
    };
    const cleanUp = () => {
      clearTimeout(killTimer);
      signal?.removeEventListener("abort", terminate);
    };

    const fail = (error: unknown, stderr: string) => {
      cleanUp();
      reject(signal?.aborted ? signal.reason : new FfmpegError(task, args, tailOf(stderr), { cause: error }));
    };

    command.on("start", () => {
      started = true;
      logger?.debug({ binary: context.binaries.ffmpeg, args, task }, "ffmpeg started");

      // fluent-ffmpeg 2.1.3 handles a process 'error' event (such as a missing executable) by
      // reading stderr buffers it has not passed along, and the resulting TypeError would be
      // uncaught and stop the daemon. Its listener is replaced before that event can fire.
      const child = (command as { ffmpegProc?: ChildProcess }).ffmpegProc;
      child?.removeAllListeners("error");
      child?.on("error", (error) => fail(error, ""));

      if (signal?.aborted) terminate();
    });
    if (context.onStderrLine) command.on("stderr", context.onStderrLine);
    command.on("end", () => {
      cleanUp();
      resolve();
    });
    command.on("error", (error, _stdout, stderr) => fail(error, stderr ?? ""));

    signal?.addEventListener("abort", terminate, { once: true });
    command.run();
  });
}

/** Name of a hidden temporary file beside `output`, ending in the suffix that watchers ignore. */
function tempPathFor(output: string, infix = ""): string {
  return path.join(path.dirname(output), `.${path.basename(output)}${infix}${ATOMIC_TEMP_SUFFIX}`);
}

/**
 * Lets `write` produce `output` under a temporary name in the same folder, then renames it into
 * place, so readers never see a half-written video. The temporary file is removed on failure.
 */
async function writeThroughPartial(
  output: string,
  signal: AbortSignal | undefined,
  write: (partial: string) => Promise<void>,
): Promise<void> {
  const partial = tempPathFor(output);
  await mkdir(path.dirname(output), { recursive: true });

  try {
    await write(partial);
    signal?.throwIfAborted();
    await rename(partial, output);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

function assertFiniteNumber(option: string, value: number, expected: string, isValid: boolean): void {
  if (!Number.isFinite(value) || !isValid) throw new FfmpegArgumentError(option, value, expected);
}

function assertDistinctOutput(inputs: readonly string[], output: string): void {
  if (inputs.includes(output)) {
    throw new FfmpegArgumentError("output", output, "a path different from every input");
  }
}

function toNumber(value: unknown): number | null {
  const number = typeof value === "string" ? Number.parseFloat(value) : value;

  return typeof number === "number" && Number.isFinite(number) ? number : null;
}

/** Parses an ffprobe rate such as `30000/1001`. The rate `0/0` means unknown and yields null. */
function parseRate(rate: unknown): number | null {
  if (typeof rate !== "string") return toNumber(rate);

  const [numerator, denominator] = rate.split("/").map(Number);
  if (numerator === undefined || denominator === undefined || !(denominator > 0)) return null;

  const value = numerator / denominator;
  return Number.isFinite(value) && value > 0 ? value : null;
}

function toLanguage(tags: unknown): string | null {
  const language = (tags as { language?: unknown } | undefined)?.language;
  if (typeof language !== "string" || language === "" || language === "und") return null;

  return language;
}

async function assertNonEmptyFile(file: string): Promise<void> {
  try {
    const stats = await stat(file);
    if (!stats.isFile()) throw new ProbeError(file, "it is not a regular file");
    if (stats.size === 0) throw new ProbeError(file, "the file is empty (0 bytes)");
  } catch (error) {
    if (isNotFound(error)) throw new ProbeError(file, "the file does not exist", { cause: error });
    throw error;
  }
}

function runProbe(
  file: string,
  binaries: FfmpegBinaries,
  logger: Logger | undefined,
): Promise<ffmpeg.FfprobeData> {
  const options = ["-v", "error"];
  // fluent-ffmpeg runs ffprobe with these arguments around the options.
  const args = ["-show_streams", "-show_format", ...options, file];
  logger?.debug({ binary: binaries.ffprobe, args }, "ffprobe started");

  return new Promise((resolve, reject) => {
    createCommand(binaries)
      .input(file)
      .ffprobe(options, (error: unknown, data) => {
        if (!error) {
          resolve(data);
          return;
        }

        // A spawn failure means the binary is missing, not that the file is bad.
        if (isSpawnFailure(error)) {
          reject(new FfmpegError(`read ${file}`, args, "", { cause: error, binary: "ffprobe" }));
          return;
        }

        // fluent-ffmpeg appends ffprobe's stderr to the message after the first line.
        const stderr = tailOf(
          String((error as Error).message)
            .split("\n")
            .slice(1)
            .join("\n"),
        );
        const reason = (stderr.split("\n").at(-1) ?? "").replace(`${file}: `, "") || "ffprobe failed";
        reject(new ProbeError(file, reason, { cause: error, stderr }));
      });
  });
}

function toMediaInfo(file: string, data: ffmpeg.FfprobeData): MediaInfo {
  const formatName = String(data.format.format_name ?? "");
  const video = data.streams.find(
    (stream) => stream.codec_type === "video" && Number(stream.disposition?.attached_pic) !== 1,
  );
  const audio = data.streams.find((stream) => stream.codec_type === "audio");
  const streamDurations = data.streams.map((stream) => toNumber(stream.duration) ?? 0);
  const duration = toNumber(data.format.duration) ?? Math.max(0, ...streamDurations);

  // ffprobe reads any text file as an ANSI art "video" in the tty format.
  if (formatName === "tty") throw new ProbeError(file, "ffprobe found plain text (format tty)");
  if (!video && !audio) throw new ProbeError(file, `no video or audio stream in format ${formatName}`);
  if (!(duration > 0)) throw new ProbeError(file, "ffprobe reported no duration");

  return {
    duration,
    width: toNumber(video?.width) ?? 0,
    height: toNumber(video?.height) ?? 0,
    fps: parseRate(video?.avg_frame_rate) ?? parseRate(video?.r_frame_rate) ?? 0,
    hasVideo: video !== undefined,
    hasAudio: audio !== undefined,
    videoCodec: video?.codec_name ?? null,
    audioCodec: audio?.codec_name ?? null,
    audioSampleRate: toNumber(audio?.sample_rate),
    audioChannels: toNumber(audio?.channels),
    videoStreamIndex: video?.index ?? null,
    audioStreamIndex: audio?.index ?? null,
    videoStart: toNumber(video?.start_time),
    audioStart: toNumber(audio?.start_time),
    formatName,
    subtitleStreams: data.streams
      .filter((stream) => stream.codec_type === "subtitle")
      .map((stream) => ({
        index: stream.index,
        codec: stream.codec_name ?? "unknown",
        language: toLanguage(stream.tags),
      })),
  };
}

/**
 * Reads duration, streams and format of `file` with ffprobe.
 * Raises {@link ProbeError} when the file is missing, empty, not media (such as text) or cut
 * short so that its index is missing, and {@link FfmpegError} when ffprobe cannot start.
 */
export async function probeMedia(
  file: string,
  binaries: FfmpegBinaries,
  logger?: Logger,
): Promise<MediaInfo> {
  const absolute = path.resolve(file);
  await assertNonEmptyFile(absolute);

  const data = await runProbe(absolute, binaries, logger);
  return toMediaInfo(absolute, data);
}

/** Probes `file` and raises {@link ProbeError} unless it has a video stream. */
export async function probeVideo(
  file: string,
  binaries: FfmpegBinaries,
  logger?: Logger,
): Promise<MediaInfo> {
  const info = await probeMedia(file, binaries, logger);
  if (info.videoStreamIndex === null) throw new ProbeError(file, "it has no video stream");

  return info;
}

function parseProgressSeconds(line: string): number | null {
  const match = PROGRESS_TIME.exec(line);
  if (!match) return null;

  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

/** Builds the output arguments of a re-encoding cut that seeks before `-i` and keeps the decoder's frames from there. */
function seekCutArgs(info: MediaInfo, duration: number, encodeArgs: readonly string[]): string[] {
  const audioArgs = info.audioStreamIndex === null ? ["-an"] : ["-map", `0:${info.audioStreamIndex}`];
  // Without setpts, a first frame a few microseconds after the seek point would be moved to
  // the second frame slot by the constant frame rate that the MP4 output uses.
  const videoArgs = ["-map", `0:${info.videoStreamIndex}`, "-vf", `setpts=PTS-STARTPTS,${EVEN_SIZE_FILTER}`];

  return [
    ...["-t", formatSecondsDown(duration), "-map_chapters", "-1"],
    ...videoArgs,
    ...audioArgs,
    ...encodeArgs,
  ];
}

/**
 * Builds the output arguments of a re-encoding cut that trims decoded frames and samples with the
 * trim and atrim filters. `offset` is the clip start counted from the input seek point.
 */
function trimCutArgs(
  info: MediaInfo,
  offset: number,
  duration: number,
  encodeArgs: readonly string[],
): string[] {
  const range = `start=${formatSecondsDown(offset)}:duration=${formatSecondsDown(duration)}`;
  const filters = [`[0:${info.videoStreamIndex}]trim=${range},setpts=PTS-STARTPTS,${EVEN_SIZE_FILTER}[v]`];
  const maps = ["-map", "[v]"];
  if (info.audioStreamIndex !== null) {
    // The audio keeps its offset from the video, and aresample fills a late start with silence,
    // so a source whose audio begins after its video still gives a clip that starts with both.
    const shift = `asetpts=PTS-${formatSecondsDown(offset)}/TB`;
    filters.push(`[0:${info.audioStreamIndex}]atrim=${range},${shift},aresample=async=1:first_pts=0[a]`);
    maps.push("-map", "[a]");
  }

  return ["-filter_complex", filters.join(";"), ...maps, "-map_chapters", "-1", ...encodeArgs];
}

/**
 * Computes the range that {@link cutClip} cuts from `input`, whose probe result is `info`: in
 * accurate mode both ends move to the nearest frame boundaries, in copy mode the start moves to
 * the keyframe at or before it. `end` is clamped to the duration in both modes.
 */
export async function planCut(
  input: string,
  info: MediaInfo,
  request: { start: number; end: number; mode: CutMode },
  binaries: FfmpegBinaries,
  logger?: Logger,
): Promise<ClipRange> {
  const { start, mode } = request;
  if (start >= info.duration) {
    throw new FfmpegArgumentError("start", start, `seconds before the end of ${input} (${info.duration} s)`);
  }

  // Cutting on frame boundaries makes the video exactly (end - start) * fps frames long and
  // lets the audio start with the first frame, so the output stays within a frame of the request.
  // NOTE: the grid assumes a constant frame rate from time 0, so other sources end up to about a frame off.
  const cutStart =
    mode === "copy"
      ? await findKeyframeAtOrBefore(input, start, binaries, logger)
      : snapToFrame(start, info.fps);
  const end = Math.min(snapToFrame(request.end, info.fps), info.duration);
  if (!(end - cutStart > 0)) {
    throw new FfmpegArgumentError("end", request.end, `at least one frame after start (${start})`);
  }
  if (end < request.end) {
    logger?.debug({ input, requestedEnd: request.end, end }, "clip end clamped to duration");
  }

  return { start: cutStart, end };
}

/**
 * Cuts [start, end) of `input` into an MP4 and resolves with the range that was cut. The
 * output is written under a temporary name and renamed into place.
 *
 * - `accurate` (the default) re-encodes to H.264/AAC with both ends moved to the nearest frame
 *   boundaries and `end` clamped to the input duration. Seeking before `-i` jumps to the last
 *   keyframe before `start`, and ffmpeg decodes from there and drops the frames before `start`.
 *   With `trimFilters`, the trim and atrim filters drop them instead, which decodes a few seconds
 *   more and is exact even where the seek is not.
 * - `copy` copies the streams without re-encoding from the last keyframe at or before `start`,
 *   so the range starts at that keyframe and the clip is longer than requested.
 */
export async function cutClip(options: CutClipOptions, binaries: FfmpegBinaries): Promise<ClipRange> {
  const { start, signal, onProgress, logger } = options;
  const mode = options.mode ?? "accurate";
  const preset = options.preset ?? "veryfast";
  const crf = options.crf ?? 23;
  const input = path.resolve(options.input);
  const output = path.resolve(options.output);

  signal?.throwIfAborted();
  assertFiniteNumber("start", start, "seconds >= 0", start >= 0);
  assertFiniteNumber("end", options.end, `seconds after start (${start})`, options.end > start);
  assertFiniteNumber("crf", crf, "a number from 0 to 51", crf >= 0 && crf <= 51);
  if (!(X264_PRESETS as readonly string[]).includes(preset))
    throw new FfmpegArgumentError("preset", preset, X264_PRESETS.join(", "));
  if (!(CUT_MODES as readonly string[]).includes(mode))
    throw new FfmpegArgumentError("mode", mode, CUT_MODES.join(", "));
  assertDistinctOutput([input], output);

  const info = options.sourceInfo ?? (await probeVideo(input, binaries, logger));
  signal?.throwIfAborted();
  const { start: cutStart, end } = await planCut(
    input,
    info,
    { start, end: options.end, mode },
    binaries,
    logger,
  );
  signal?.throwIfAborted();
  const duration = end - cutStart;

  const onStderrLine = (line: string) => {
    const seconds = parseProgressSeconds(line);
    if (seconds !== null) onProgress?.({ seconds, percent: Math.min(100, (seconds / duration) * 100) });
  };
  const encodeArgs = [
    ...h264Args(preset, crf),
    ...(info.audioStreamIndex === null ? [] : AAC_ARGS),
    ...MP4_ARGS,
  ];

  await writeThroughPartial(output, signal, async (partial) => {
    const command = createCommand(binaries);

    if (mode === "copy") {
      // Seeking to the keyframe's own time keeps it as the first packet, so no edit list hides a pre-roll.
      addInput(command, input, [...GLOBAL_ARGS, "-ss", formatSeconds(cutStart)]);
      const audioMap = info.audioStreamIndex === null ? [] : ["-map", `0:${info.audioStreamIndex}`];
      addOutput(command, partial, [
        ...["-t", formatSecondsDown(duration), "-map_chapters", "-1", "-map", `0:${info.videoStreamIndex}`],
        ...[...audioMap, "-c", "copy", ...MP4_ARGS],
      ]);
    } else if (options.trimFilters) {
      const seekPoint = Math.max(0, cutStart - TRIM_SEEK_LEAD_SECONDS);
      addInput(command, input, [...GLOBAL_ARGS, "-ss", formatSecondsDown(seekPoint)]);
      addOutput(command, partial, trimCutArgs(info, cutStart - seekPoint, duration, encodeArgs));
    } else {
      addInput(command, input, [...GLOBAL_ARGS, "-ss", formatSecondsDown(cutStart)]);
      addOutput(command, partial, seekCutArgs(info, duration, encodeArgs));
    }

    const task = `cut clip ${input} [${cutStart}, ${end}) into ${output} (${mode}${options.trimFilters ? ", trim filters" : ""})`;
    await runCommand(command, { task, binaries, logger, signal, onStderrLine: onProgress && onStderrLine });
  });

  return { start: cutStart, end };
}

/**
 * Quotes `file` for a concat demuxer list. The path goes inside single quotes, and each single
 * quote in it is closed, escaped and reopened as `'\''`. Inside single quotes a backslash is literal.
 */
export function quoteConcatPath(file: string): string {
  return `'${file.replaceAll("'", "'\\''")}'`;
}

/** Tells whether stream copy can join the inputs, because the concat demuxer then needs matching streams. */
// NOTE: H.264 profile and parameter sets are not compared, so a copy-mode clip joined with a
// clip that fell back to re-encoding may play its second part with the first part's settings.
function canJoinByCopy(infos: readonly MediaInfo[]): boolean {
  const [first, ...rest] = infos;
  if (!first) return false;

  return rest.every(
    (info) =>
      info.videoCodec === first.videoCodec &&
      info.width === first.width &&
      info.height === first.height &&
      info.fps === first.fps &&
      info.audioCodec === first.audioCodec &&
      info.audioSampleRate === first.audioSampleRate &&
      info.audioChannels === first.audioChannels,
  );
}

async function joinByCopy(
  inputs: readonly string[],
  listFile: string,
  partial: string,
  context: RunContext,
): Promise<void> {
  const lines = inputs.map((input) => `file ${quoteConcatPath(input)}`);
  await writeFile(listFile, `ffconcat version 1.0\n${lines.join("\n")}\n`);
  context.logger?.debug({ listFile, inputs }, "concat list written");

  try {
    const command = createCommand(context.binaries);
    addInput(command, listFile, [...GLOBAL_ARGS, "-f", "concat", "-safe", "0"]);
    addOutput(command, partial, ["-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", ...MP4_ARGS]);
    await runCommand(command, context);
  } finally {
    await rm(listFile, { force: true });
  }
}

/** Builds a concat filter graph that scales every input to the first one's size and fills missing audio with silence. */
function buildConcatFilter(infos: readonly MediaInfo[]): { graph: string; maps: string[] } {
  const first = infos[0] as MediaInfo;
  const width = Math.floor(first.width / 2) * 2;
  const height = Math.floor(first.height / 2) * 2;
  const audioSource = infos.find((info) => info.hasAudio);
  const sampleRate = audioSource?.audioSampleRate ?? 48000;
  const layout = audioSource?.audioChannels === 1 ? "mono" : "stereo";
  const filters: string[] = [];
  const segments: string[] = [];

  infos.forEach((info, i) => {
    filters.push(
      `[${i}:${info.videoStreamIndex}]scale=${width}:${height}:force_original_aspect_ratio=decrease,` +
        `pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[v${i}]`,
    );
    segments.push(`[v${i}]`);
    if (!audioSource) return;

    filters.push(
      info.audioStreamIndex === null
        ? `anullsrc=channel_layout=${layout}:sample_rate=${sampleRate},atrim=duration=${formatSeconds(info.duration)}[a${i}]`
        : `[${i}:${info.audioStreamIndex}]aformat=sample_fmts=fltp:sample_rates=${sampleRate}:channel_layouts=${layout}[a${i}]`,
    );
    segments.push(`[a${i}]`);
  });

  const audioCount = audioSource ? 1 : 0;
  filters.push(
    `${segments.join("")}concat=n=${infos.length}:v=1:a=${audioCount}[v]${audioSource ? "[a]" : ""}`,
  );
  const maps = audioSource ? ["-map", "[v]", "-map", "[a]"] : ["-map", "[v]"];

  return { graph: filters.join(";"), maps };
}

async function joinByReencode(
  inputs: readonly string[],
  infos: readonly MediaInfo[],
  partial: string,
  context: RunContext,
): Promise<void> {
  const { graph, maps } = buildConcatFilter(infos);
  const command = createCommand(context.binaries);
  inputs.forEach((input, i) => {
    addInput(command, input, i === 0 ? GLOBAL_ARGS : []);
  });
  const audioArgs = infos.some((info) => info.hasAudio) ? AAC_ARGS : [];
  addOutput(command, partial, [
    ...["-filter_complex", graph, ...maps],
    ...h264Args(JOIN_PRESET, JOIN_CRF),
    ...audioArgs,
    ...MP4_ARGS,
  ]);

  await runCommand(command, context);
}

async function probeEach(
  inputs: readonly string[],
  binaries: FfmpegBinaries,
  logger: Logger | undefined,
  signal: AbortSignal | undefined,
): Promise<MediaInfo[]> {
  const infos: MediaInfo[] = [];
  for (const input of inputs) {
    infos.push(await probeVideo(input, binaries, logger));
    signal?.throwIfAborted();
  }

  return infos;
}

/**
 * Joins `inputs` in order into one MP4. Inputs with matching codecs, frame size, frame rate
 * and audio format are joined by the concat demuxer with stream copy. Other inputs, or a copy
 * that ffmpeg rejects, are re-encoded with the concat filter (x264 veryfast, CRF 23, AAC).
 * Resolves with the method used.
 */
export async function concatVideos(
  options: ConcatVideosOptions,
  binaries: FfmpegBinaries,
): Promise<ConcatMethod> {
  const { signal, logger } = options;
  const inputs = options.inputs.map((input) => path.resolve(input));
  const output = path.resolve(options.output);

  signal?.throwIfAborted();
  if (inputs.length === 0) throw new FfmpegArgumentError("inputs", options.inputs, "at least one video");
  // The concat list has one file per line, so a line break cannot be written inside a path.
  const brokenPath = inputs.find((input) => /[\r\n]/.test(input));
  if (brokenPath) throw new FfmpegArgumentError("inputs", brokenPath, "paths without line breaks");
  assertDistinctOutput(inputs, output);

  if (options.inputInfos && options.inputInfos.length !== inputs.length) {
    throw new FfmpegArgumentError(
      "inputInfos",
      options.inputInfos.length,
      `one per input (${inputs.length})`,
    );
  }

  const infos = options.inputInfos ?? (await probeEach(inputs, binaries, logger, signal));

  let method: ConcatMethod = canJoinByCopy(infos) ? "copy" : "reencode";
  await writeThroughPartial(output, signal, async (partial) => {
    const context = { binaries, logger, signal };

    if (method === "copy") {
      try {
        const task = `join ${inputs.length} videos into ${output}`;
        await joinByCopy(inputs, tempPathFor(output, ".ffconcat"), partial, { ...context, task });
        return;
      } catch (error) {
        if (!(error instanceof FfmpegError)) throw error;
        logger?.warn({ err: error, output }, "stream copy join failed, re-encoding");
        method = "reencode";
      }
    }

    await joinByReencode(inputs, infos, partial, {
      ...context,
      task: `re-encode ${inputs.length} videos into ${output}`,
    });
  });

  return method;
}

/**
 * Writes one JPEG frame of `input` taken at `at` seconds, scaled to `width` pixels wide.
 * `at` is clamped to [0, duration − 0.25 s], because seeking into the last frame can yield no
 * frame at all. Resolves with the time used.
 */
export async function writeThumbnail(options: ThumbnailOptions, binaries: FfmpegBinaries): Promise<number> {
  const { logger } = options;
  const width = options.width ?? 480;
  const input = path.resolve(options.input);
  const output = path.resolve(options.output);

  assertFiniteNumber("at", options.at, "seconds", true);
  const isWholeWidth = Number.isInteger(width) && width > 0;
  assertFiniteNumber("width", width, "a positive whole number of pixels", isWholeWidth);
  assertDistinctOutput([input], output);

  const info = options.inputInfo ?? (await probeVideo(input, binaries, logger));
  const at = Math.min(Math.max(0, options.at), Math.max(0, info.duration - 0.25));
  const task = `write a thumbnail of ${input} at ${at} s into ${output}`;

  await writeThroughPartial(output, undefined, async (partial) => {
    const command = createCommand(binaries);
    addInput(command, input, [...GLOBAL_ARGS, "-ss", formatSeconds(at)]);
    addOutput(command, partial, [
      ...["-map", `0:${info.videoStreamIndex}`, "-frames:v", "1", "-vf", `scale=${width}:-2`, "-q:v", "3"],
      // -update 1 makes the image2 muxer write one file, so a % in the name is not a pattern.
      ...["-f", "image2", "-update", "1"],
    ]);
    await runCommand(command, { task, binaries, logger, signal: undefined });

    // ffmpeg exits with success and writes nothing when the seek lands after the last frame.
    const size = await stat(partial).then(
      (stats) => stats.size,
      () => 0,
    );
    if (size === 0) {
      const cause = new Error("ffmpeg decoded no frame at that time");
      throw new FfmpegError(task, command._getArguments(), "", { cause });
    }
  });

  return at;
}

/**
 * Subtitle codecs that ffmpeg decodes to text, as ffprobe names them: SubRip, WebVTT, ASS/SSA,
 * MP4 timed text, closed captions and the older text formats.
 */
export const TEXT_SUBTITLE_CODECS: ReadonlySet<string> = new Set([
  "subrip",
  "srt",
  "webvtt",
  "ass",
  "ssa",
  "mov_text",
  "text",
  "eia_608",
  "microdvd",
  "mpl2",
  "jacosub",
  "pjs",
  "realtext",
  "sami",
  "stl",
  "subviewer",
  "subviewer1",
  "vplayer",
]);

/** Subtitle codecs that carry images of text (DVD, DVB, Blu-ray PGS, DivX XSUB), which only OCR could read. */
export const BITMAP_SUBTITLE_CODECS: ReadonlySet<string> = new Set([
  "dvd_subtitle",
  "dvb_subtitle",
  "hdmv_pgs_subtitle",
  "xsub",
]);

/**
 * Writes one text subtitle stream of `input` to a subtitle file: ASS for `ass` and `ssa`
 * streams, which keeps their override tags for the parser to remove, and SRT for every other
 * codec in {@link TEXT_SUBTITLE_CODECS}. The file is written under a temporary name and renamed
 * into place. Resolves with the format written.
 */
export async function extractSubtitleStream(
  options: ExtractSubtitleOptions,
  binaries: FfmpegBinaries,
): Promise<"srt" | "ass"> {
  const { streamIndex, codec, signal, logger } = options;
  const input = path.resolve(options.input);
  const output = path.resolve(options.output);

  signal?.throwIfAborted();
  const isIndex = Number.isInteger(streamIndex) && streamIndex >= 0;
  assertFiniteNumber("streamIndex", streamIndex, "a stream index >= 0", isIndex);
  if (!TEXT_SUBTITLE_CODECS.has(codec)) {
    throw new FfmpegArgumentError(
      "codec",
      codec,
      `a text subtitle codec: ${[...TEXT_SUBTITLE_CODECS].join(", ")}`,
    );
  }
  assertDistinctOutput([input], output);

  const format = codec === "ass" || codec === "ssa" ? "ass" : "srt";
  await writeThroughPartial(output, signal, async (partial) => {
    const command = createCommand(binaries);
    addInput(command, input, GLOBAL_ARGS);
    // The partial file's name does not end in .srt or .ass, so the muxer is named with -f.
    addOutput(command, partial, ["-map", `0:${streamIndex}`, "-c:s", format, "-f", format]);

    const task = `extract subtitle stream ${streamIndex} (${codec}) of ${input} into ${output}`;
    await runCommand(command, { task, binaries, logger, signal });
  });

  return format;
}

/**
 * Extracts the first audio stream of `input` as 16 kHz mono 16-bit PCM WAV, the input that
 * speech recognizers expect. The header carries no metadata, so it is the plain 44 bytes.
 */
export async function extractAudio(options: ExtractAudioOptions, binaries: FfmpegBinaries): Promise<void> {
  const { signal, logger } = options;
  const input = path.resolve(options.input);
  const output = path.resolve(options.output);

  signal?.throwIfAborted();
  assertDistinctOutput([input], output);

  await writeThroughPartial(output, signal, async (partial) => {
    const command = createCommand(binaries);
    addInput(command, input, GLOBAL_ARGS);
    addOutput(command, partial, [
      ...["-map", "0:a:0", "-vn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le"],
      ...["-map_metadata", "-1", "-fflags", "+bitexact", "-f", "wav"],
    ]);

    await runCommand(command, {
      task: `extract the audio of ${input} into ${output}`,
      binaries,
      logger,
      signal,
    });
  });
}

/**
 * Generates a synthetic talk-like video: the testsrc2 pattern, which shows a running clock,
 * and a tone with a changing pitch and regular pauses. It favors speed over quality (x264
 * ultrafast at about 0.025 bits per pixel, 48 kbit/s mono AAC) and places a keyframe every
 * `keyframeInterval` seconds (10 by default), so that most cut points fall between keyframes.
 */
export async function generateTestVideo(options: TestVideoOptions, binaries: FfmpegBinaries): Promise<void> {
  const { duration, signal, logger } = options;
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const fps = options.fps ?? 25;
  const withAudio = options.withAudio ?? true;
  const keyframeInterval = options.keyframeInterval ?? 10;
  const output = path.resolve(options.output);

  signal?.throwIfAborted();
  assertFiniteNumber("duration", duration, "seconds > 0", duration > 0);
  // libx264 with yuv420p needs even frame sizes.
  const isEvenSize = (value: number) => Number.isInteger(value) && value > 0 && value % 2 === 0;
  assertFiniteNumber("width", width, "an even number of pixels > 0", isEvenSize(width));
  assertFiniteNumber("height", height, "an even number of pixels > 0", isEvenSize(height));
  assertFiniteNumber("fps", fps, "frames per second > 0", fps > 0);
  const gop = Math.round(fps * keyframeInterval);
  assertFiniteNumber("keyframeInterval", keyframeInterval, "seconds of at least one frame", gop >= 1);

  const videoKbps = Math.max(32, Math.round((width * height * fps * 0.025) / 1000));
  const audioArgs = withAudio
    ? ["-map", "1:a", "-af", TALK_AUDIO_FILTER, "-c:a", "aac", "-b:a", "48k", "-ac", "1"]
    : [];

  await writeThroughPartial(output, signal, async (partial) => {
    const command = createCommand(binaries);
    addInput(command, `testsrc2=size=${width}x${height}:rate=${fps}`, [...GLOBAL_ARGS, "-f", "lavfi"]);
    if (withAudio) addInput(command, "sine=frequency=220:sample_rate=44100", ["-f", "lavfi"]);
    addOutput(command, partial, [
      ...["-t", formatSeconds(duration), "-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast"],
      ...["-b:v", `${videoKbps}k`, "-g", String(gop), "-pix_fmt", "yuv420p"],
      ...audioArgs,
      ...MP4_ARGS,
    ]);

    await runCommand(command, { task: `generate a test video into ${output}`, binaries, logger, signal });
  });
}
