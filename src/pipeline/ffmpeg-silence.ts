import { execFile } from "node:child_process";
import type { Logger } from "../shared/logger.ts";
import type { FfmpegBinaries } from "./ffmpeg-binaries.ts";
import { FfmpegError } from "./ffmpeg-errors.ts";

/** A stretch of low audio energy, in seconds. */
export interface Silence {
  start: number;
  end: number;
}

/** Options of {@link detectSilences}. */
export interface DetectSilencesOptions {
  input: string;
  /** Level under which audio counts as silence, in dBFS. @default -35 */
  noiseDb?: number;
  /**
   * Minimum length of a silence in seconds. Pauses between sentences can be short: in a 73 s
   * recorded prompt, a 0.3 s minimum found 7 pauses and 0.2 s found 19. @default 0.2
   */
  minSeconds?: number;
  /** Length of the input in seconds, which closes a silence that runs to the end. */
  duration: number;
  signal?: AbortSignal;
  logger?: Logger;
}

/** silencedetect prints one line per event; a long file stays far below this many bytes. */
const MAX_OUTPUT_BYTES = 64 * 2 ** 20;

/** Reads the `silence_start` and `silence_end` lines that ffmpeg's silencedetect filter prints. */
export function parseSilenceLog(log: string, duration: number): Silence[] {
  const silences: Silence[] = [];
  let start: number | null = null;

  for (const line of log.split("\n")) {
    const opened = /silence_start:\s*(-?[\d.]+)/.exec(line);
    if (opened) {
      start = Math.max(0, Number(opened[1]));
      continue;
    }
    const closed = /silence_end:\s*([\d.]+)/.exec(line);
    if (closed && start !== null) {
      silences.push({ start, end: Number(closed[1]) });
      start = null;
    }
  }
  if (start !== null && start < duration) silences.push({ start, end: duration });

  return silences;
}

/**
 * Finds the silences of an audio file with ffmpeg's silencedetect filter, which decodes the
 * whole file once and writes nothing.
 */
export async function detectSilences(
  options: DetectSilencesOptions,
  binaries: FfmpegBinaries,
): Promise<Silence[]> {
  const { input, duration, signal, logger } = options;
  const noiseDb = options.noiseDb ?? -35;
  const minSeconds = options.minSeconds ?? 0.2;
  // The filter reports at the info level, so -loglevel info is needed and -nostats drops progress lines.
  const args = [
    ...["-hide_banner", "-nostdin", "-nostats", "-loglevel", "info", "-i", input],
    ...["-af", `silencedetect=noise=${noiseDb}dB:duration=${minSeconds}`, "-f", "null", "-"],
  ];
  logger?.debug({ binary: binaries.ffmpeg, args }, "ffmpeg started");

  const stderr = await new Promise<string>((resolve, reject) => {
    execFile(
      binaries.ffmpeg,
      args,
      { maxBuffer: MAX_OUTPUT_BYTES, encoding: "utf8", signal },
      (error, _stdout, output) => {
        if (error) {
          const tailLines = output.trim().split("\n").slice(-5).join("\n");
          reject(new FfmpegError(`detect silences in ${input}`, args, tailLines, { cause: error }));
          return;
        }
        resolve(output);
      },
    );
  });

  return parseSilenceLog(stderr, duration);
}
