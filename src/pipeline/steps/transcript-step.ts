import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { TranscriptFile } from "../../../schemas/step-files.ts";
import { writeJsonAtomic } from "../../project/atomic-write.ts";
import {
  BITMAP_SUBTITLE_CODECS,
  extractSubtitleStream,
  ProbeError,
  probeMedia,
  type SubtitleStreamInfo,
  TEXT_SUBTITLE_CODECS,
} from "../ffmpeg.ts";
import type { PipelineStep, StepContext, StepOutcome } from "../step-types.ts";
import {
  detectLanguage,
  type ParsedSubtitle,
  parseSubtitle,
  SubtitleParseError,
  type SubtitleParseErrorCode,
} from "../subtitles/index.ts";
import { PARSED_SUBTITLE_EXTENSIONS } from "../subtitles/sniff-format.ts";
import { recognizeSpeech } from "./speech-source.ts";

/** Subtitle text to parse, from a file beside the video or from a stream inside it. */
interface SubtitleSource {
  bytes: Uint8Array;
  /** File name passed to the parser, whose extension picks the format. */
  fileName: string;
  /** Path recorded in the transcript, relative to the project folder for an extracted stream. */
  recordedAs: string;
  stream?: SubtitleStreamInfo;
  /** Language known without reading the text, such as a recognizer's; else it is guessed from the cues. */
  language?: "zh" | "en" | undefined;
  /** Facts that speech recognition reported, when it produced the text. */
  recognition?: Record<string, unknown>;
}

/** Share of cues that may start after the video's end before the transcript is rejected. */
const MAX_OVERRUN_SHARE = 0.2;

/** Base name of the file that an embedded subtitle stream is extracted to, in `metadata/`. */
const EMBEDDED_SUBTITLE_BASE = "embedded_subtitles";

const PARSE_HINTS: Record<SubtitleParseErrorCode, { en: string; zh: string }> = {
  SUBTITLE_UNREADABLE: {
    en: "Check that the subtitle file is complete and in SRT, WebVTT, ASS/SSA, MicroDVD or SBV format, or convert it to SRT.",
    zh: "请检查字幕文件是否完整，格式是否为 SRT、WebVTT、ASS/SSA、MicroDVD 或 SBV，或将其转换为 SRT。",
  },
  SUBTITLE_EMPTY: {
    en: "Use a subtitle file whose cues contain the spoken text.",
    zh: "请使用字幕条中含有说话内容的字幕文件。",
  },
  SUBTITLE_UNSUPPORTED_FORMAT: {
    en: "Convert the subtitle file to SRT, for example with ffmpeg, and add it again.",
    zh: "请把字幕文件转换为 SRT（例如用 ffmpeg），然后重新添加。",
  },
};

/**
 * Chinese summaries of the parse failures. They name the file and the kind of failure, while the
 * English `message` keeps the parser's detail.
 */
const PARSE_MESSAGES_ZH: Record<SubtitleParseErrorCode, (file: string) => string> = {
  SUBTITLE_UNREADABLE: (file) => `无法读取字幕文件 ${file}：没有找到可用的字幕条。`,
  SUBTITLE_EMPTY: (file) => `字幕文件 ${file} 的字幕条都是空的。`,
  SUBTITLE_UNSUPPORTED_FORMAT: (file) => `字幕文件 ${file} 的格式不受支持。`,
};

function failed(
  code: string,
  message: { en: string; zh: string },
  hint: { en: string; zh: string },
): StepOutcome {
  return {
    status: "failed",
    code,
    message: message.en,
    hint: hint.en,
    message_zh: message.zh,
    hint_zh: hint.zh,
  };
}

/** Describes the subtitle streams for {@link subtitleMissing}'s message, in English and Chinese. */
function describeFound(streams: readonly SubtitleStreamInfo[]): { en: string; zh: string } {
  const bitmap = streams.filter((stream) => BITMAP_SUBTITLE_CODECS.has(stream.codec));
  if (bitmap.length === streams.length && bitmap.length > 0) {
    return {
      en: `only bitmap subtitle streams (${describeStreams(bitmap)}), which are images of text and cannot be read without OCR`,
      zh: `只有图形字幕流（${describeStreams(bitmap)}），它们是文字的图片，没有 OCR 无法读取`,
    };
  }
  if (streams.length > 0) {
    return {
      en: `no text subtitle stream (${describeStreams(streams)}), only codecs that ffmpeg cannot turn into text`,
      zh: `没有文本字幕流（${describeStreams(streams)}），只有 ffmpeg 无法转成文字的编码`,
    };
  }
  return { en: "no subtitle stream", zh: "没有字幕流" };
}

function describeStreams(streams: readonly SubtitleStreamInfo[]): string {
  return streams.map((stream) => `stream ${stream.index}: ${stream.codec}`).join(", ");
}

/**
 * Builds the `SUBTITLE_MISSING` outcome for a video without subtitles while speech recognition
 * is off, naming what the video has and both ways to a transcript.
 */
function subtitleMissing(
  video: string,
  inputDir: string,
  streams: readonly SubtitleStreamInfo[],
): StepOutcome {
  const base = path.parse(video).name;
  const found = describeFound(streams);
  const files = `${base}.srt, ${base}.vtt or ${base}.ass; .ssa, .sbv and .sub work too`;
  const filesZh = `${base}.srt、${base}.vtt 或 ${base}.ass；.ssa、.sbv 和 .sub 也可以`;

  return {
    status: "failed",
    code: "SUBTITLE_MISSING",
    message: `The video ${video} came without a subtitle file and has ${found.en}, so there is no transcript.`,
    hint: `Either put a subtitle file with the video's base name (${files}) into ${inputDir} and retry the project, or configure a speech recognizer (--speech-recognizer openai or whisper-cpp) and retry the project.`,
    message_zh: `视频 ${video} 没有附带字幕文件，且${found.zh}，因此没有文字稿。`,
    hint_zh: `可以把与视频同名的字幕文件（${filesZh}）放入 ${inputDir} 后重试项目，或者配置语音识别器（--speech-recognizer openai 或 whisper-cpp）后重试项目。`,
  };
}

/**
 * Finds a subtitle file with the video's base name in `input/` that arrived after ingest, as the
 * `SUBTITLE_MISSING` hint asks for. The speech recognizer's own `transcript.srt` is not taken,
 * unless the video itself is named `transcript`.
 */
async function findLateSubtitle(inputDir: string, video: string): Promise<string | undefined> {
  const base = path.parse(video).name;
  const names = new Set(await readdir(inputDir));
  return PARSED_SUBTITLE_EXTENSIONS.map((extension) => `${base}${extension}`).find((name) => names.has(name));
}

/**
 * Extracts the first text subtitle stream of the video into `metadata/`. A video without one is
 * transcribed by the configured speech recognizer, or fails with `SUBTITLE_MISSING` when none is.
 */
async function extractEmbedded(context: StepContext): Promise<SubtitleSource | StepOutcome> {
  const { project, paths, binaries, logger, signal } = context;
  const video = path.join(paths.input, project.source_file);

  const { subtitleStreams } = await probeMedia(video, binaries, logger);
  signal.throwIfAborted();
  const stream = subtitleStreams.find((candidate) => TEXT_SUBTITLE_CODECS.has(candidate.codec));
  if (!stream) {
    if (context.speech) return recognizeSpeech(context, context.speech);
    return subtitleMissing(project.source_file, paths.input, subtitleStreams);
  }

  const extension = stream.codec === "ass" || stream.codec === "ssa" ? "ass" : "srt";
  const fileName = `${EMBEDDED_SUBTITLE_BASE}.${extension}`;
  const output = path.join(paths.metadata, fileName);
  await extractSubtitleStream(
    { input: video, streamIndex: stream.index, codec: stream.codec, output, signal, logger },
    binaries,
  );
  logger.info(
    { stream: stream.index, codec: stream.codec, language: stream.language, file: fileName },
    "no subtitle file, extracted the subtitle stream of the video",
  );

  return {
    bytes: await readFile(output),
    fileName,
    recordedAs: path.relative(paths.dir, output),
    stream,
  };
}

async function findSource(context: StepContext): Promise<SubtitleSource | StepOutcome> {
  const { project, paths, logger } = context;
  let subtitleFile: string | null | undefined = project.subtitle_file;
  if (!subtitleFile) {
    subtitleFile = await findLateSubtitle(paths.input, project.source_file);
    if (subtitleFile)
      logger.info({ file: subtitleFile }, "using a subtitle file added to input/ after ingest");
  }
  if (!subtitleFile) return extractEmbedded(context);

  const bytes = await readFile(path.join(paths.input, subtitleFile));
  return { bytes, fileName: subtitleFile, recordedAs: subtitleFile };
}

/**
 * Frame rate of the project's video, which MicroDVD files without a frame rate line need: the
 * one that ingest recorded from ffprobe, else (for a project.json without it) read with ffprobe now.
 */
async function videoFrameRate(context: StepContext): Promise<number | undefined> {
  const { project, paths, binaries, logger } = context;
  const recorded = project.video?.fps;
  if (recorded) return recorded;

  try {
    const { fps } = await probeMedia(path.join(paths.input, project.source_file), binaries, logger);
    return fps > 0 ? fps : undefined;
  } catch (error) {
    if (!(error instanceof ProbeError)) throw error;
    logger.warn({ err: error }, "could not read the video's frame rate");
    return undefined;
  }
}

/**
 * Parses the project's subtitles into `step0_transcript.json`: the sidecar file, else the
 * video's own text subtitle stream, else the transcript of the configured speech recognizer.
 */
export const transcriptStep: PipelineStep = {
  name: "transcript",
  output: "transcript",
  weight: 3,

  async run(context) {
    const { project, paths, logger } = context;

    const source = await findSource(context);
    if ("status" in source) return source;

    const fps = await videoFrameRate(context);
    let parsed: ParsedSubtitle;
    try {
      parsed = parseSubtitle(source.bytes, source.fileName, { fps });
    } catch (error) {
      if (error instanceof SubtitleParseError)
        return failed(
          error.code,
          { en: error.message, zh: PARSE_MESSAGES_ZH[error.code](source.recordedAs) },
          PARSE_HINTS[error.code],
        );
      throw error;
    }

    for (const warning of parsed.warnings)
      logger.warn({ file: source.recordedAs, warning }, "subtitle warning");
    for (const note of parsed.notes) logger.info({ file: source.recordedAs, note }, "subtitle note");

    const duration = project.video?.duration ?? Number.POSITIVE_INFINITY;
    const inside = parsed.cues.filter((cue) => cue.start < duration - 0.05);
    const overrun = parsed.cues.length - inside.length;
    if (inside.length === 0 || overrun / parsed.cues.length > MAX_OVERRUN_SHARE) {
      const last = parsed.cues.at(-1)?.end ?? 0;
      return failed(
        "SUBTITLE_PAST_VIDEO_END",
        {
          en: `The subtitles run to ${last.toFixed(1)} s but the video is only ${duration.toFixed(1)} s long; ${overrun} of ${parsed.cues.length} cues start after the video ends.`,
          zh: `字幕一直到 ${last.toFixed(1)} 秒，但视频只有 ${duration.toFixed(1)} 秒长；${parsed.cues.length} 条字幕中有 ${overrun} 条在视频结束后才开始。`,
        },
        {
          en: "Check that the subtitle file belongs to this video (same base name) and has the right timing.",
          zh: "请确认字幕文件属于这个视频（同名），并且时间轴正确。",
        },
      );
    }

    const cues = inside.map((cue) => (cue.end > duration ? { ...cue, end: duration } : cue));
    const warnings = [...parsed.warnings];
    if (overrun > 0) {
      logger.warn({ dropped: overrun, duration }, "dropped cues that start after the video ends");
      warnings.push(`dropped ${overrun} of ${parsed.cues.length} cues that start after the video ends`);
    }

    const transcript: TranscriptFile = {
      source: source.recordedAs,
      format: parsed.format,
      language: source.language ?? detectLanguage(cues),
      cues,
    };
    await writeJsonAtomic(paths.file("transcript"), transcript);

    return {
      status: "done",
      summary: {
        cues: cues.length,
        format: parsed.format,
        encoding: parsed.encoding,
        language: transcript.language,
        source: source.recordedAs,
        ...(source.stream && { subtitle_stream: source.stream }),
        ...(source.recognition && { speech_recognition: source.recognition }),
        notes: parsed.notes,
        warnings,
      },
    };
  },
};
