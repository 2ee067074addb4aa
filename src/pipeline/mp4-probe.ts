import type { MediaInfo } from "./ffmpeg.ts";
import { type Mp4Movie, type Mp4Track, readMp4Movie } from "./mp4-boxes.ts";

/** ffprobe's format name of every MP4 and QuickTime file. */
const MP4_FORMAT_NAME = "mov,mp4,m4a,3gp,3g2,mj2";
/** Names that ffprobe gives the codecs of the sample descriptions read here. */
const VIDEO_CODECS: Readonly<Record<string, string>> = {
  avc1: "h264",
  avc3: "h264",
  hvc1: "hevc",
  hev1: "hevc",
  av01: "av1",
  vp09: "vp9",
};
/** MPEG-4 object type of MPEG-4 audio, which ffprobe names `aac`. */
const MPEG4_AUDIO = 0x40;
/** Samples read at the start of a track to find its earliest presentation time, as B-frames reorder the first few. */
const START_SAMPLES = 16;

/** Placement of a track's media by its edit list, in the track's timescale. */
interface TrackTiming {
  /** Delay of the track from its leading empty edits. */
  delay: number;
  /** Media time that the edit shows at the end of the delay. */
  mediaTime: number;
  /** Length of the media edit, or null when the track has no edit list. */
  length: number | null;
}

/** Rounds seconds to the microsecond, as ffprobe prints them. */
function toMicroseconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/**
 * Reads the edit list of `track` as ffmpeg's mov demuxer applies it: empty edits at the start
 * delay the track, and the one edit with media after them shows its media time at the end of
 * that delay. Returns null for lists that ffmpeg plays in other ways (several media edits, a
 * rate other than 1).
 */
function trackTiming(movie: Mp4Movie, track: Mp4Track): TrackTiming | null {
  const empty = track.edits.filter((edit) => edit.mediaTime === -1);
  const media = track.edits.filter((edit) => edit.mediaTime !== -1);
  const leadingEmpty = track.edits.slice(0, empty.length).every((edit) => edit.mediaTime === -1);
  if (media.length > 1 || !leadingEmpty || media.some((edit) => edit.rate !== 1)) return null;
  if (track.edits.length > 0 && !(movie.timescale > 0)) return null;

  // ffmpeg moves edit lengths from the movie's timescale to the track's, rounding to the nearest unit.
  const toTrackUnits = (value: number) => Math.round((value * track.timescale) / movie.timescale);
  const delay = toTrackUnits(empty.reduce((sum, edit) => sum + edit.segmentDuration, 0));
  const edit = media[0];

  return {
    delay,
    mediaTime: edit?.mediaTime ?? 0,
    length: edit && edit.segmentDuration > 0 ? toTrackUnits(edit.segmentDuration) : null,
  };
}

/** Counts the samples of `track`. */
function sampleCount(track: Mp4Track): number {
  return track.durations.reduce((sum, run) => sum + run.count, 0);
}

/**
 * Returns the composition time (decoding time plus composition offset) of each of the 1-based
 * `samples`, which are in ascending order. It steps through the runs of the timing tables, so
 * the cost grows with the runs and the samples asked for, not with the length of the track.
 */
function compositionTimes(track: Mp4Track, samples: readonly number[]): number[] {
  const times: number[] = [];
  let durationRun = 0;
  let durationFirst = 1;
  let durationStart = 0;
  let offsetRun = 0;
  let offsetFirst = 1;

  for (const sample of samples) {
    let run = track.durations[durationRun];
    while (run && sample >= durationFirst + run.count) {
      durationStart += run.count * run.value;
      durationFirst += run.count;
      durationRun += 1;
      run = track.durations[durationRun];
    }
    if (!run) break;

    let offset = track.offsets[offsetRun];
    while (offset && sample >= offsetFirst + offset.count) {
      offsetFirst += offset.count;
      offsetRun += 1;
      offset = track.offsets[offsetRun];
    }
    times.push(durationStart + (sample - durationFirst) * run.value + (offset?.value ?? 0));
  }

  return times;
}

/** Presentation times in seconds of the sync samples of `track`, sorted. */
function keyframeTimes(track: Mp4Track, timing: TrackTiming): number[] {
  const samples = track.syncSamples ?? Array.from({ length: sampleCount(track) }, (_, i) => i + 1);
  const sorted = [...samples].sort((a, b) => a - b);
  const shift = timing.delay - timing.mediaTime;

  return compositionTimes(track, sorted)
    .map((time) => toMicroseconds((time + shift) * (1 / track.timescale)))
    .sort((a, b) => a - b);
}

/**
 * Start and length of `track` in its timescale. Media before the edit's start is cut off, so
 * an audio track whose first frame begins before it still starts at the edit, like ffmpeg's
 * demuxer, which skips those samples.
 */
function trackSpan(track: Mp4Track, timing: TrackTiming): { start: number; length: number } {
  const first = Array.from({ length: Math.min(START_SAMPLES, sampleCount(track)) }, (_, i) => i + 1);
  const earliest = Math.min(...compositionTimes(track, first));
  const total = track.durations.reduce((sum, run) => sum + run.count * run.value, 0);
  const start = timing.delay + Math.max(earliest, timing.mediaTime) - timing.mediaTime;

  return { start, length: timing.length === null ? total : Math.min(total, timing.length) };
}

/** Frames per second as ffprobe's average frame rate: samples per second of summed sample durations. */
function averageFrameRate(track: Mp4Track): number {
  const frames = sampleCount(track);
  const ticks = track.durations.reduce((sum, run) => sum + run.count * run.value, 0);

  return ticks > 0 ? (frames * track.timescale) / ticks : 0;
}

/**
 * Reads the times of the video keyframes of an MP4 or QuickTime `file` from its index, as
 * ffprobe lists them for the packets of the first video stream flagged as keyframes, in
 * seconds rounded to the microsecond. This reads the `moov` box only, where ffprobe reads
 * every packet. Resolves with null when the file is not such an MP4, is fragmented, has
 * no video track or an edit list that this reader does not apply.
 */
export async function readMp4KeyframeTimes(file: string): Promise<number[] | null> {
  const movie = await readMp4Movie(file);
  const video = movie?.tracks.find((track) => track.handler === "vide");
  if (!movie || movie.fragmented || !video) return null;

  const timing = trackTiming(movie, video);
  return timing && keyframeTimes(video, timing);
}

/**
 * Reads the facts that ffprobe gives from the `moov` box alone: the movie duration, frame size
 * and rate, audio format and the start time of each stream. It handles an MP4 `file` with one
 * H.264, HEVC, AV1 or VP9 video track and at most one AAC audio track, such as a clip that
 * cutClip wrote, and resolves with null for any other file, which ffprobe should then read.
 */
// NOTE: the start and length rules of trackSpan were matched to the bundled ffprobe on files that
// ffmpeg wrote (see mp4-probe.test.ts). Edit lists from other muxers are not covered by those tests.
export async function readMp4MediaInfo(file: string): Promise<MediaInfo | null> {
  const movie = await readMp4Movie(file);
  if (!movie || movie.fragmented) return null;

  const { tracks } = movie;
  const video = tracks.find((track) => track.handler === "vide");
  const audio = tracks.find((track) => track.handler === "soun");
  const videoCodec = video && VIDEO_CODECS[video.format];
  const config = audio?.audioConfig;
  // ffprobe reports the doubled rate of HE-AAC (object types 5 and 29), which the config does not hold.
  const isPlainAac =
    audio?.format === "mp4a" &&
    config?.objectType === MPEG4_AUDIO &&
    config.audioObjectType !== 5 &&
    config.audioObjectType !== 29 &&
    config.sampleRate !== null &&
    (config.channelConfig ?? 0) > 0;
  if (!video || !videoCodec || tracks.length !== (audio ? 2 : 1) || (audio && !isPlainAac)) return null;

  const videoTiming = trackTiming(movie, video);
  const audioTiming = audio && trackTiming(movie, audio);
  if (!videoTiming || (audio && !audioTiming)) return null;

  const videoSpan = trackSpan(video, videoTiming);
  const audioSpan = audio && audioTiming ? trackSpan(audio, audioTiming) : null;
  const spans = [{ track: video, span: videoSpan }];
  if (audio && audioSpan) spans.push({ track: audio, span: audioSpan });
  // ffmpeg gives the file the span from the earliest stream start to the latest stream end, in microseconds.
  const startUs = spans.map(({ track, span }) => Math.round((span.start * 1e6) / track.timescale));
  const endUs = spans.map(
    ({ track, span }, i) => (startUs[i] ?? 0) + Math.round((span.length * 1e6) / track.timescale),
  );
  const duration = (Math.max(...endUs) - Math.min(...startUs)) / 1e6;
  if (!(duration > 0)) return null;

  return {
    duration,
    width: video.width,
    height: video.height,
    fps: averageFrameRate(video),
    hasVideo: true,
    hasAudio: audio !== undefined,
    videoCodec,
    audioCodec: audio ? "aac" : null,
    audioSampleRate: config?.sampleRate ?? null,
    audioChannels: config?.channelConfig === 7 ? 8 : (config?.channelConfig ?? null),
    videoStreamIndex: tracks.indexOf(video),
    audioStreamIndex: audio ? tracks.indexOf(audio) : null,
    videoStart: toMicroseconds(videoSpan.start / video.timescale),
    audioStart: audio && audioSpan ? toMicroseconds(audioSpan.start / audio.timescale) : null,
    formatName: MP4_FORMAT_NAME,
    subtitleStreams: [],
  };
}
