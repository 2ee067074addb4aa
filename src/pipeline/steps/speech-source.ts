import { readFile } from "node:fs/promises";
import path from "node:path";
import { transcribeAudio } from "../speech/transcribe-audio.ts";
import type { SpeechSetup, StepContext, StepOutcome } from "../step-types.ts";

/** Name of the transcript that speech recognition writes into `input/`. */
export const RECOGNIZED_TRANSCRIPT = "transcript.srt";

/** Subtitle text produced by speech recognition, with what the recognizer reported. */
export interface RecognizedSource {
  bytes: Uint8Array;
  fileName: string;
  recordedAs: string;
  /** Transcript language from the config or the replies, when it is one the analyzers know. */
  language: "zh" | "en" | undefined;
  recognition: Record<string, unknown>;
}

const CHINESE_NAMES = new Set(["chinese", "mandarin", "cantonese", "yue", "cmn"]);

/**
 * Maps a language as the config or a recognizer spells it (`zh`, `zh-CN`, `chinese`, `en`,
 * `english`) to a transcript language, or returns undefined for any other language, which
 * then is guessed from the text.
 */
export function toTranscriptLanguage(language: string | null | undefined): "zh" | "en" | undefined {
  const value = language?.trim().toLowerCase() ?? "";
  if (value.startsWith("zh") || CHINESE_NAMES.has(value)) return "zh";
  if (value === "en" || value.startsWith("en-") || value === "english") return "en";

  return undefined;
}

/**
 * Transcribes the video's audio with the configured recognizer into `input/transcript.srt`,
 * then reads that file back as the subtitle source. The language comes from the config when
 * it sets one, else from the recognizer's replies.
 */
export async function recognizeSpeech(
  context: StepContext,
  speech: SpeechSetup,
): Promise<RecognizedSource | StepOutcome> {
  const { project, paths, binaries, logger, signal } = context;
  const { config, recognizer } = speech;

  if (project.video?.has_audio === false) {
    return {
      status: "failed",
      code: "SPEECH_NO_AUDIO",
      message: `The video ${project.source_file} has no subtitles and no audio track, so speech recognizer ${recognizer.kind} has nothing to transcribe.`,
      hint: "Put a subtitle file with the video's base name into the project's input/ folder, then retry the project.",
      message_zh: `视频 ${project.source_file} 没有字幕，也没有音轨，语音识别器 ${recognizer.kind} 无法转写。`,
      hint_zh: "请把与视频同名的字幕文件放入项目的 input/ 文件夹，然后重试项目。",
    };
  }

  const output = path.join(paths.input, RECOGNIZED_TRANSCRIPT);
  logger.info({ recognizer: recognizer.kind }, "no subtitles; transcribing the audio");
  const result = await transcribeAudio({
    input: path.join(paths.input, project.source_file),
    output,
    metadataDir: paths.metadata,
    config,
    recognizer,
    binaries,
    logger,
    signal,
    reportProgress: context.reportProgress,
  });
  if (result.status === "failed") {
    return {
      status: "failed",
      code: result.code,
      message: result.message.en,
      hint: result.hint.en,
      message_zh: result.message.zh,
      hint_zh: result.hint.zh,
    };
  }

  const language = toTranscriptLanguage(config.language) ?? toTranscriptLanguage(result.language);
  return {
    bytes: await readFile(output),
    fileName: RECOGNIZED_TRANSCRIPT,
    recordedAs: path.join(path.basename(paths.input), RECOGNIZED_TRANSCRIPT),
    language,
    recognition: {
      recognizer: recognizer.kind,
      ...recognizer.identity,
      chunks: result.chunks,
      cached_chunks: result.cachedChunks,
      reported_language: result.language,
      audio_seconds: result.duration,
    },
  };
}
