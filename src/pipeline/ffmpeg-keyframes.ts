import { execFile } from "node:child_process";
import { stat } from "node:fs/promises";
import type { Logger } from "../shared/logger.ts";
import type { FfmpegBinaries } from "./ffmpeg-binaries.ts";
import { FfmpegError } from "./ffmpeg-errors.ts";
import { readMp4KeyframeTimes } from "./mp4-probe.ts";

/** Seconds read before the requested time, so that a keyframe is found without reading the whole file. */
const KEYFRAME_LOOKBEHIND_SECONDS = 30;
/** ffprobe's CSV output of a long read stays far below this many bytes. */
const MAX_PROBE_OUTPUT_BYTES = 64 * 2 ** 20;
/** Sources whose keyframe index stays in memory. A run cuts one source at a time, so a few are plenty. */
const MAX_CACHED_INDEXES = 8;

interface KeyframeIndex {
  size: number;
  mtimeMs: number;
  /** Keyframe times in seconds, or null when the file has no MP4 index that lists them. */
  times: number[] | null;
}

/** Keyframe indexes by absolute path, oldest first, each valid while the file keeps its size and modification time. */
const indexes = new Map<string, KeyframeIndex>();

function runFfprobe(args: readonly string[], binaries: FfmpegBinaries, task: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      binaries.ffprobe,
      args,
      { maxBuffer: MAX_PROBE_OUTPUT_BYTES, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) {
          reject(new FfmpegError(task, args, stderr.trim(), { cause: error, binary: "ffprobe" }));
          return;
        }
        resolve(stdout);
      },
    );
  });
}

/** Parses `pts_time,flags` lines and returns the times of the packets flagged `K` (keyframe), in order. */
export function parseKeyframeTimes(csv: string): number[] {
  const times: number[] = [];

  for (const line of csv.split("\n")) {
    const [ptsTime, flags] = line.trim().split(",");
    if (!flags?.includes("K")) continue;

    const time = Number(ptsTime);
    if (ptsTime !== "" && Number.isFinite(time)) times.push(time);
  }

  return times.sort((a, b) => a - b);
}

async function readKeyframeTimes(
  input: string,
  interval: string,
  binaries: FfmpegBinaries,
  logger: Logger | undefined,
): Promise<number[]> {
  // The keyframe flag is read from the demuxed packets, so no frame is decoded.
  const args = [
    ...["-v", "error", "-select_streams", "v:0", "-read_intervals", interval],
    ...["-show_entries", "packet=pts_time,flags", "-of", "csv=p=0", input],
  ];
  logger?.debug({ binary: binaries.ffprobe, args }, "ffprobe started");

  const csv = await runFfprobe(args, binaries, `list keyframes of ${input} in ${interval}`);
  return parseKeyframeTimes(csv);
}

/**
 * Reads the keyframe times of `input` from its MP4 index once per version of the file, and
 * from memory after that. Resolves with null when the file has no such index.
 */
async function indexedKeyframeTimes(input: string, logger: Logger | undefined): Promise<number[] | null> {
  const { size, mtimeMs } = await stat(input);
  const cached = indexes.get(input);
  if (cached && cached.size === size && cached.mtimeMs === mtimeMs) return cached.times;

  const times = await readMp4KeyframeTimes(input);
  indexes.delete(input);
  indexes.set(input, { size, mtimeMs, times });
  if (indexes.size > MAX_CACHED_INDEXES) indexes.delete(indexes.keys().next().value as string);
  logger?.debug({ input, keyframes: times?.length ?? null }, "keyframe index read from the MP4 index");

  return times;
}

/**
 * Finds the time of the last video keyframe at or before `time` seconds, which is where a stream
 * copy of `input` starting at `time` really starts. An MP4 or QuickTime file's keyframes come
 * from its index (the `moov` box), read once per file and kept in memory. For other files
 * ffprobe reads packets from 30 s before `time` up to a second after it, and the whole start of
 * the file when that window has no keyframe. Resolves with 0 when the file has no keyframe
 * before `time`, because playback then starts at the first packet.
 */
export async function findKeyframeAtOrBefore(
  input: string,
  time: number,
  binaries: FfmpegBinaries,
  logger?: Logger,
): Promise<number> {
  // A tolerance of a microsecond keeps a keyframe printed as 2.000000 for a requested 2.0.
  const atOrBefore = (times: number[]) => times.filter((keyframe) => keyframe <= time + 1e-6).at(-1);
  const indexed = await indexedKeyframeTimes(input, logger);
  if (indexed) return atOrBefore(indexed) ?? 0;

  const from = Math.max(0, time - KEYFRAME_LOOKBEHIND_SECONDS);
  // ffprobe stops before a packet at exactly the interval's end, so the read goes a second further.
  const to = (time + 1).toFixed(6);
  const near = await readKeyframeTimes(input, `${from.toFixed(6)}%${to}`, binaries, logger);

  const found = atOrBefore(near);
  if (found !== undefined || from === 0) return found ?? 0;

  const all = await readKeyframeTimes(input, `%${to}`, binaries, logger);
  return atOrBefore(all) ?? 0;
}
