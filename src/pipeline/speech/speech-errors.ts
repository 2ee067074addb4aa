/**
 * Errors of speech recognition. Each has a stable `code` that the pipeline records in
 * `pipeline.json`, and a reason in English and Chinese. Reasons name the endpoint or the
 * program, never the API key.
 */

/** Stable codes of speech recognition failures. */
export type SpeechErrorCode =
  | "SPEECH_NO_AUDIO"
  | "SPEECH_UNREACHABLE"
  | "SPEECH_UNAUTHORIZED"
  | "SPEECH_CHUNK_TOO_LARGE"
  | "SPEECH_RATE_LIMITED"
  | "SPEECH_TIMEOUT"
  | "SPEECH_HTTP_ERROR"
  | "SPEECH_BAD_REPLY"
  | "SPEECH_NO_TIMESTAMPS"
  | "SPEECH_EMPTY_TRANSCRIPT"
  | "SPEECH_PROGRAM_NOT_FOUND"
  | "SPEECH_MODEL_NOT_FOUND"
  | "SPEECH_PROGRAM_FAILED";

/** A text in both languages that people read. */
export interface BilingualText {
  en: string;
  zh: string;
}

/** Raised by a recognizer or by the transcription of one chunk. */
export class SpeechError extends Error {
  override readonly name = "SpeechError";

  constructor(
    readonly code: SpeechErrorCode,
    /** Reason the chunk failed, as a clause without a final period. */
    readonly reason: BilingualText,
    options?: { cause?: unknown },
  ) {
    super(reason.en, options);
  }
}

/** Next step after each failure, in both languages. */
export const SPEECH_HINTS: Record<SpeechErrorCode, BilingualText> = {
  SPEECH_NO_AUDIO: {
    en: "Speech recognition needs an audio track. Put a subtitle file with the video's base name into the project's input/ folder, then retry the project.",
    zh: "语音识别需要音轨。请把与视频同名的字幕文件放入项目的 input/ 文件夹，然后重试项目。",
  },
  SPEECH_UNREACHABLE: {
    en: "Check that the speech server runs and that --speech-base-url points to it, then retry the project. Finished chunks are not sent again.",
    zh: "请确认语音识别服务正在运行，且 --speech-base-url 指向该服务，然后重试项目。已完成的分段不会重复发送。",
  },
  SPEECH_UNAUTHORIZED: {
    en: "Set a valid key in AUTOCLIP_SPEECH_API_KEY (or --speech-api-key) that may use this model, then retry the project.",
    zh: "请在 AUTOCLIP_SPEECH_API_KEY（或 --speech-api-key）中设置可使用该模型的有效密钥，然后重试项目。",
  },
  SPEECH_CHUNK_TOO_LARGE: {
    en: "Lower --speech-chunk-mb or --speech-chunk-seconds below the provider's upload limit, then retry the project.",
    zh: "请把 --speech-chunk-mb 或 --speech-chunk-seconds 调低到服务商的上传限制以下，然后重试项目。",
  },
  SPEECH_RATE_LIMITED: {
    en: "The provider limits the request rate. Wait a while, lower --speech-concurrency or raise the quota, then retry the project. Finished chunks are not sent again.",
    zh: "服务商限制了请求频率。请稍等片刻、调低 --speech-concurrency 或提高配额，然后重试项目。已完成的分段不会重复发送。",
  },
  SPEECH_TIMEOUT: {
    en: "Raise --speech-timeout, lower --speech-chunk-seconds, or check that the recognizer is not overloaded, then retry the project.",
    zh: "请调高 --speech-timeout、调低 --speech-chunk-seconds，或确认识别服务没有过载，然后重试项目。",
  },
  SPEECH_HTTP_ERROR: {
    en: "Check the endpoint's reply quoted above, the model name and the base URL, then retry the project.",
    zh: "请检查上面引用的接口回复、模型名称和接口地址，然后重试项目。",
  },
  SPEECH_BAD_REPLY: {
    en: "Check that the base URL points to an OpenAI-compatible transcription endpoint, then retry the project.",
    zh: "请确认接口地址指向兼容 OpenAI 的语音转写接口，然后重试项目。",
  },
  SPEECH_NO_TIMESTAMPS: {
    en: "Use a model and endpoint that return segments with timestamps for response_format=verbose_json (for example whisper-1), then retry the project.",
    zh: "请使用在 response_format=verbose_json 时返回带时间戳分段的模型和接口（例如 whisper-1），然后重试项目。",
  },
  SPEECH_EMPTY_TRANSCRIPT: {
    en: "The audio may contain no speech, or the language setting may be wrong. Check --speech-language, or put a subtitle file with the video's base name into the project's input/ folder and retry the project.",
    zh: "音频中可能没有语音，或语言设置有误。请检查 --speech-language，或把与视频同名的字幕文件放入项目的 input/ 文件夹后重试项目。",
  },
  SPEECH_PROGRAM_NOT_FOUND: {
    en: "Set --whisper-cpp-path to the whisper.cpp command-line program (whisper-cli), then retry the project.",
    zh: "请把 --whisper-cpp-path 设为 whisper.cpp 的命令行程序（whisper-cli），然后重试项目。",
  },
  SPEECH_MODEL_NOT_FOUND: {
    en: "Set --whisper-cpp-model to a downloaded ggml model file, then retry the project.",
    zh: "请把 --whisper-cpp-model 设为已下载的 ggml 模型文件，然后重试项目。",
  },
  SPEECH_PROGRAM_FAILED: {
    en: "Run the whisper.cpp program by hand with the same model to see the full error, fix it, then retry the project.",
    zh: "请用同一模型手动运行 whisper.cpp 程序查看完整错误，修正后重试项目。",
  },
};
