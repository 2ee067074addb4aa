import path from "node:path";
import { type FfmpegBinaries, type MediaInfo, ProbeError, probeMedia } from "../pipeline/ffmpeg.ts";
import {
  type RejectionReason,
  unreadableMedia,
  videoCodecUnsupported,
  videoStreamMissing,
} from "./rejection-reasons.ts";

/** Outcome of {@link checkVideo}: the probed media, or why the file cannot be ingested. */
export type VideoCheck = { kind: "usable"; media: MediaInfo } | { kind: "unusable"; reason: RejectionReason };

/** Codec names ffprobe gives a stream it has no decoder for. */
const UNKNOWN_CODECS = new Set(["unknown", "none", ""]);

/**
 * Probes `file` with ffprobe and returns whether ingest can turn it into a project. A usable
 * file is readable media with a video stream in a codec that ffmpeg decodes. `name` is the file name used
 * in the reason, so a staged upload under a temporary name is reported by the name the user
 * gave. Raises only when ffprobe itself cannot run.
 */
export async function checkVideo(
  file: string,
  binaries: FfmpegBinaries,
  name = path.basename(file),
): Promise<VideoCheck> {
  let media: MediaInfo;
  try {
    media = await probeMedia(file, binaries);
  } catch (error) {
    if (!(error instanceof ProbeError)) throw error;
    return { kind: "unusable", reason: unreadableMedia(name, error.detail) };
  }

  if (!media.hasVideo) return { kind: "unusable", reason: videoStreamMissing(name) };
  const codec = media.videoCodec ?? "";
  if (UNKNOWN_CODECS.has(codec)) {
    return { kind: "unusable", reason: videoCodecUnsupported(name, codec || "none") };
  }

  return { kind: "usable", media };
}
