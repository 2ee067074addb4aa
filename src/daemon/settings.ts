import path from "node:path";
import { z } from "zod";
import { maxSecondsForBytes } from "../pipeline/speech/speech-config.ts";

/** One daemon setting: its flag, environment twin, and help text in both languages. */
interface SettingSpec {
  flag: string;
  env: string;
  type: "string" | "boolean";
  help: { en: string; zh: string };
}

/** Every setting the daemon reads, in the order `--help` lists them. */
export const SETTING_SPECS = {
  dataDir: {
    flag: "data-dir",
    env: "AUTOCLIP_DATA_DIR",
    type: "string",
    help: {
      en: "Data folder holding inbox/ and projects/ (path). Default: ./data",
      zh: "数据文件夹，包含 inbox/ 和 projects/（路径）。默认：./data",
    },
  },
  indexDir: {
    flag: "index-dir",
    env: "AUTOCLIP_INDEX_DIR",
    type: "string",
    help: {
      en: "LMDB index folder; keep it on a local disk (path). Default: <data-dir>/.index",
      zh: "LMDB 索引文件夹，须放在本地磁盘（路径）。默认：<data-dir>/.index",
    },
  },
  host: {
    flag: "host",
    env: "AUTOCLIP_HOST",
    type: "string",
    help: {
      en: "Address the HTTP API listens on. Default: 127.0.0.1",
      zh: "HTTP API 监听的地址。默认：127.0.0.1",
    },
  },
  port: {
    flag: "port",
    env: "AUTOCLIP_PORT",
    type: "string",
    help: {
      en: "TCP port of the HTTP API; 0 picks a free one. Default: 8000",
      zh: "HTTP API 的 TCP 端口，0 表示自动选择。默认：8000",
    },
  },
  concurrency: {
    flag: "concurrency",
    env: "AUTOCLIP_CONCURRENCY",
    type: "string",
    help: { en: "Pipeline jobs run at once (count). Default: 1", zh: "同时运行的处理任务数（个）。默认：1" },
  },
  reindex: {
    flag: "reindex",
    env: "AUTOCLIP_REINDEX",
    type: "boolean",
    help: {
      en: "Drop the index and rebuild it from the project files at start-up; meanwhile the API serves the projects rebuilt so far.",
      zh: "启动时删除索引，并根据项目文件重新构建；重建期间 API 提供已重建的项目。",
    },
  },
  logLevel: {
    flag: "log-level",
    env: "AUTOCLIP_LOG_LEVEL",
    type: "string",
    help: {
      en: "Log level: trace, debug, info, warn, error, fatal or silent. Default: info",
      zh: "日志级别：trace、debug、info、warn、error、fatal 或 silent。默认：info",
    },
  },
  inboxSettleMs: {
    flag: "inbox-settle-ms",
    env: "AUTOCLIP_INBOX_SETTLE_MS",
    type: "string",
    help: {
      en: "How long a dropped file's size and modification time must stay unchanged before it is taken (milliseconds). Default: 2000",
      zh: "放入的文件大小和修改时间需保持不变多久才会被处理（毫秒）。默认：2000",
    },
  },
  sidecarWaitSeconds: {
    flag: "sidecar-wait-seconds",
    env: "AUTOCLIP_SIDECAR_WAIT_SECONDS",
    type: "string",
    help: {
      en: "How long a subtitle or project .json file dropped without its video waits for the video before it is rejected (seconds). Default: 600",
      zh: "单独放入的字幕或项目 .json 文件等待同名视频的时间，超时后被拒收（秒）。默认：600",
    },
  },
  minClipSeconds: {
    flag: "min-clip-seconds",
    env: "AUTOCLIP_MIN_CLIP_SECONDS",
    type: "string",
    help: { en: "Minimum clip length (seconds). Default: 30", zh: "切片的最短时长（秒）。默认：30" },
  },
  maxClipSeconds: {
    flag: "max-clip-seconds",
    env: "AUTOCLIP_MAX_CLIP_SECONDS",
    type: "string",
    help: { en: "Maximum clip length (seconds). Default: 300", zh: "切片的最长时长（秒）。默认：300" },
  },
  scoreThreshold: {
    flag: "score-threshold",
    env: "AUTOCLIP_SCORE_THRESHOLD",
    type: "string",
    help: {
      en: "Topics scoring below this are not kept as clips (0 to 1). Default: 0.5",
      zh: "评分低于此值的话题不生成切片（0 到 1）。默认：0.5",
    },
  },
  encoderPreset: {
    flag: "encoder-preset",
    env: "AUTOCLIP_ENCODER_PRESET",
    type: "string",
    help: {
      en: "x264 preset for clip encoding, from ultrafast to veryslow. Default: veryfast",
      zh: "切片编码使用的 x264 预设，从 ultrafast 到 veryslow。默认：veryfast",
    },
  },
  reconcileIntervalSeconds: {
    flag: "reconcile-interval",
    env: "AUTOCLIP_RECONCILE_INTERVAL",
    type: "string",
    help: {
      en: "How often the index is compared with the project files to catch missed changes (seconds, 0 turns it off). Default: 60",
      zh: "定期将索引与项目文件比对、补上遗漏变更的间隔（秒，0 表示关闭）。默认：60",
    },
  },
  staleLockSeconds: {
    flag: "stale-lock-seconds",
    env: "AUTOCLIP_STALE_LOCK_SECONDS",
    type: "string",
    help: {
      en: "How long a project lock may go without a refresh before another daemon takes it over; every daemon sharing a data folder needs the same value (seconds, at least 2). Default: 30",
      zh: "项目锁多久未刷新即被其他守护进程接管；共用一个数据文件夹的所有守护进程须设为相同的值（秒，至少 2）。默认：30",
    },
  },
  ffmpegPath: {
    flag: "ffmpeg-path",
    env: "FFMPEG_PATH",
    type: "string",
    help: {
      en: "ffmpeg executable (path). Default: the binary shipped by @ffmpeg-installer/ffmpeg",
      zh: "ffmpeg 可执行文件（路径）。默认：@ffmpeg-installer/ffmpeg 自带的程序",
    },
  },
  ffprobePath: {
    flag: "ffprobe-path",
    env: "FFPROBE_PATH",
    type: "string",
    help: {
      en: "ffprobe executable (path). Default: the binary shipped by @ffprobe-installer/ffprobe",
      zh: "ffprobe 可执行文件（路径）。默认：@ffprobe-installer/ffprobe 自带的程序",
    },
  },
  cutMode: {
    flag: "cut-mode",
    env: "AUTOCLIP_CUT_MODE",
    type: "string",
    help: {
      en: "How clips are cut: accurate (frame-exact re-encode) or copy (stream copy from the keyframe at or before the start). Default: accurate",
      zh: "切片方式：accurate（逐帧精确、重新编码）或 copy（从起点处或之前的关键帧直接复制流）。默认：accurate",
    },
  },
  clipPaddingSeconds: {
    flag: "clip-padding-seconds",
    env: "AUTOCLIP_CLIP_PADDING_SECONDS",
    type: "string",
    help: {
      en: "Extra time added before and after each clip, never into the next topic (seconds). Default: 0",
      zh: "在每个切片前后额外保留的时间，不会延伸到相邻话题（秒）。默认：0",
    },
  },
  analyzer: {
    flag: "analyzer",
    env: "AUTOCLIP_ANALYZER",
    type: "string",
    help: {
      en: "Analyzer for topics, scores, titles and collections: embedded (no network) or llm (an OpenAI-compatible chat endpoint). Default: embedded",
      zh: "用于话题、评分、标题和合集的分析器：embedded（无需网络）或 llm（兼容 OpenAI 的对话接口）。默认：embedded",
    },
  },
  llmBaseUrl: {
    flag: "llm-base-url",
    env: "AUTOCLIP_LLM_BASE_URL",
    type: "string",
    help: {
      en: "Base URL of the OpenAI-compatible endpoint, up to /v1 (URL). Required with --analyzer llm",
      zh: "兼容 OpenAI 的接口地址，写到 /v1 为止（URL）。使用 --analyzer llm 时必填",
    },
  },
  llmApiKey: {
    flag: "llm-api-key",
    env: "AUTOCLIP_LLM_API_KEY",
    type: "string",
    help: {
      en: "API key sent as a Bearer token; never logged. Prefer the environment variable over the flag",
      zh: "以 Bearer 令牌发送的 API 密钥，不会写入日志。建议用环境变量而不是命令行参数",
    },
  },
  llmModel: {
    flag: "llm-model",
    env: "AUTOCLIP_LLM_MODEL",
    type: "string",
    help: {
      en: "Model name, for example qwen-plus or deepseek-chat. Required with --analyzer llm",
      zh: "模型名称，例如 qwen-plus 或 deepseek-chat。使用 --analyzer llm 时必填",
    },
  },
  llmTimeoutSeconds: {
    flag: "llm-timeout",
    env: "AUTOCLIP_LLM_TIMEOUT",
    type: "string",
    help: {
      en: "Timeout of one LLM request (seconds). Default: 120",
      zh: "单次 LLM 请求的超时时间（秒）。默认：120",
    },
  },
  speechRecognizer: {
    flag: "speech-recognizer",
    env: "AUTOCLIP_SPEECH_RECOGNIZER",
    type: "string",
    help: {
      en: "Speech recognizer for videos without subtitles: none, openai (an OpenAI-compatible /audio/transcriptions endpoint) or whisper-cpp (a local whisper.cpp program). Default: none",
      zh: "为没有字幕的视频做语音识别：none、openai（兼容 OpenAI 的 /audio/transcriptions 接口）或 whisper-cpp（本地 whisper.cpp 程序）。默认：none",
    },
  },
  speechBaseUrl: {
    flag: "speech-base-url",
    env: "AUTOCLIP_SPEECH_BASE_URL",
    type: "string",
    help: {
      en: "Base URL of the OpenAI-compatible transcription endpoint, up to /v1 (URL). Required with --speech-recognizer openai",
      zh: "兼容 OpenAI 的语音转写接口地址，写到 /v1 为止（URL）。使用 --speech-recognizer openai 时必填",
    },
  },
  speechApiKey: {
    flag: "speech-api-key",
    env: "AUTOCLIP_SPEECH_API_KEY",
    type: "string",
    help: {
      en: "API key of the transcription endpoint, sent as a Bearer token; never logged. Prefer the environment variable over the flag",
      zh: "语音转写接口的 API 密钥，以 Bearer 令牌发送，不会写入日志。建议用环境变量而不是命令行参数",
    },
  },
  speechModel: {
    flag: "speech-model",
    env: "AUTOCLIP_SPEECH_MODEL",
    type: "string",
    help: {
      en: "Transcription model, for example whisper-1 or whisper-large-v3. Required with --speech-recognizer openai",
      zh: "语音转写模型，例如 whisper-1 或 whisper-large-v3。使用 --speech-recognizer openai 时必填",
    },
  },
  speechLanguage: {
    flag: "speech-language",
    env: "AUTOCLIP_SPEECH_LANGUAGE",
    type: "string",
    help: {
      en: "Spoken language as an ISO 639-1 code, such as zh or en. Default: detected by the recognizer",
      zh: "语音的语言，ISO 639-1 代码，例如 zh 或 en。默认：由识别器检测",
    },
  },
  speechTimeoutSeconds: {
    flag: "speech-timeout",
    env: "AUTOCLIP_SPEECH_TIMEOUT",
    type: "string",
    help: {
      en: "Timeout of transcribing one audio chunk (seconds). Default: 300",
      zh: "转写单个音频分段的超时时间（秒）。默认：300",
    },
  },
  speechConcurrency: {
    flag: "speech-concurrency",
    env: "AUTOCLIP_SPEECH_CONCURRENCY",
    type: "string",
    help: {
      en: "Audio chunks transcribed at once (count). Default: 2",
      zh: "同时转写的音频分段数（个）。默认：2",
    },
  },
  speechChunkSeconds: {
    flag: "speech-chunk-seconds",
    env: "AUTOCLIP_SPEECH_CHUNK_SECONDS",
    type: "string",
    help: {
      en: "Maximum length of one audio chunk sent to the recognizer (seconds). Default: 600",
      zh: "发送给识别器的单个音频分段的最长时长（秒）。默认：600",
    },
  },
  speechChunkMb: {
    flag: "speech-chunk-mb",
    env: "AUTOCLIP_SPEECH_CHUNK_MB",
    type: "string",
    help: {
      en: "Maximum size of one audio chunk, 16 kHz mono WAV (megabytes of 1,000,000 bytes). Default: 24",
      zh: "单个音频分段（16 kHz 单声道 WAV）的最大大小（MB，按 1,000,000 字节计）。默认：24",
    },
  },
  speechOverlapSeconds: {
    flag: "speech-overlap",
    env: "AUTOCLIP_SPEECH_OVERLAP",
    type: "string",
    help: {
      en: "Audio shared by consecutive chunks around each cut (seconds, at most a quarter of a chunk). Default: 2",
      zh: "相邻分段在切分点附近共享的音频时长（秒，最多为分段的四分之一）。默认：2",
    },
  },
  whisperCppPath: {
    flag: "whisper-cpp-path",
    env: "AUTOCLIP_WHISPER_CPP_PATH",
    type: "string",
    help: {
      en: "whisper.cpp command-line program, such as whisper-cli (path). Required with --speech-recognizer whisper-cpp",
      zh: "whisper.cpp 命令行程序，例如 whisper-cli（路径）。使用 --speech-recognizer whisper-cpp 时必填",
    },
  },
  whisperCppModel: {
    flag: "whisper-cpp-model",
    env: "AUTOCLIP_WHISPER_CPP_MODEL",
    type: "string",
    help: {
      en: "whisper.cpp model file, such as ggml-base.bin (path). Required with --speech-recognizer whisper-cpp",
      zh: "whisper.cpp 模型文件，例如 ggml-base.bin（路径）。使用 --speech-recognizer whisper-cpp 时必填",
    },
  },
  whisperCppOutput: {
    flag: "whisper-cpp-output",
    env: "AUTOCLIP_WHISPER_CPP_OUTPUT",
    type: "string",
    help: {
      en: "File whisper.cpp writes and autoclipd reads: json (-oj) or srt (-osrt). Default: json",
      zh: "whisper.cpp 写出、autoclipd 读取的文件：json（-oj）或 srt（-osrt）。默认：json",
    },
  },
  apiToken: {
    flag: "api-token",
    env: "AUTOCLIP_API_TOKEN",
    type: "string",
    help: {
      en: "When set, every API route but /api/v1/health needs Authorization: Bearer <token>",
      zh: "设置后，除 /api/v1/health 外的所有 API 路由都需要 Authorization: Bearer <令牌>",
    },
  },
  insecureNoAuth: {
    flag: "insecure-no-auth",
    env: "AUTOCLIP_INSECURE_NO_AUTH",
    type: "boolean",
    help: {
      en: "Allow listening on a non-loopback address without --api-token (anyone on the network can then edit and delete)",
      zh: "允许在非回环地址上不设 --api-token 监听（网络上的任何人都能编辑和删除）",
    },
  },
  corsOrigins: {
    flag: "cors-origins",
    env: "AUTOCLIP_CORS_ORIGINS",
    type: "string",
    help: {
      en: "Comma-separated origins allowed to call the API from a browser, such as http://localhost:3000. Default: none",
      zh: "允许在浏览器中调用 API 的来源，用逗号分隔，例如 http://localhost:3000。默认：无",
    },
  },
  frontendDir: {
    flag: "frontend-dir",
    env: "AUTOCLIP_FRONTEND_DIR",
    type: "string",
    help: {
      en: "Folder of a built single-page frontend (such as AutoClip's frontend/dist) to serve at / (path)",
      zh: "已构建的单页前端文件夹（例如 AutoClip 的 frontend/dist），在 / 提供（路径）",
    },
  },
  maxUploadMb: {
    flag: "max-upload-mb",
    env: "AUTOCLIP_MAX_UPLOAD_MB",
    type: "string",
    help: {
      en: "Largest accepted upload (megabytes). Default: 4096",
      zh: "上传文件的大小上限（MB）。默认：4096",
    },
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTING_SPECS;

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
const X264_PRESETS = [
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

const flagBoolean = z
  .union([z.boolean(), z.enum(["1", "true", "yes", "0", "false", "no", ""])])
  .transform((value) => {
    if (typeof value === "boolean") return value;
    return value === "1" || value === "true" || value === "yes";
  });

/** The zod schema that turns raw flag and environment strings into settings. */
export const settingsSchema = z
  .object({
    dataDir: z.string().min(1).default("./data"),
    indexDir: z.string().min(1).optional(),
    host: z.string().min(1).default("127.0.0.1"),
    port: z.coerce.number().int().min(0).max(65_535).default(8000),
    concurrency: z.coerce.number().int().min(1).max(64).default(1),
    reindex: flagBoolean.default(false),
    logLevel: z.enum(LOG_LEVELS).default("info"),
    inboxSettleMs: z.coerce.number().int().min(0).max(600_000).default(2000),
    sidecarWaitSeconds: z.coerce.number().min(0).max(604_800).default(600),
    minClipSeconds: z.coerce.number().min(1).max(3600).default(30),
    maxClipSeconds: z.coerce.number().min(1).max(7200).default(300),
    scoreThreshold: z.coerce.number().min(0).max(1).default(0.5),
    encoderPreset: z.enum(X264_PRESETS).default("veryfast"),
    reconcileIntervalSeconds: z.coerce.number().min(0).max(86_400).default(60),
    // proper-lockfile treats any stale time under 2 seconds as 2 seconds.
    staleLockSeconds: z.coerce.number().min(2).max(3600).default(30),
    ffmpegPath: z.string().min(1).optional(),
    ffprobePath: z.string().min(1).optional(),
    cutMode: z.enum(["accurate", "copy"]).default("accurate"),
    clipPaddingSeconds: z.coerce.number().min(0).max(30).default(0),
    analyzer: z.enum(["embedded", "llm"]).default("embedded"),
    llmBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
    llmApiKey: z.string().min(1).optional(),
    llmModel: z.string().min(1).optional(),
    llmTimeoutSeconds: z.coerce.number().min(1).max(3600).default(120),
    speechRecognizer: z.enum(["none", "openai", "whisper-cpp"]).default("none"),
    speechBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
    speechApiKey: z.string().min(1).optional(),
    speechModel: z.string().min(1).optional(),
    speechLanguage: z
      .string()
      .regex(/^[a-zA-Z]{2,3}$/, "must be an ISO 639-1 code such as zh or en")
      .optional(),
    speechTimeoutSeconds: z.coerce.number().min(1).max(86_400).default(300),
    speechConcurrency: z.coerce.number().int().min(1).max(16).default(2),
    speechChunkSeconds: z.coerce.number().min(10).max(86_400).default(600),
    speechChunkMb: z.coerce.number().min(1).max(4096).default(24),
    speechOverlapSeconds: z.coerce.number().min(0).max(60).default(2),
    whisperCppPath: z.string().min(1).optional(),
    whisperCppModel: z.string().min(1).optional(),
    whisperCppOutput: z.enum(["json", "srt"]).default("json"),
    apiToken: z.string().min(8).optional(),
    insecureNoAuth: flagBoolean.default(false),
    corsOrigins: z
      .string()
      .transform((value) =>
        value
          .split(",")
          .map((origin) => origin.trim())
          .filter((origin) => origin !== ""),
      )
      .pipe(z.array(z.url({ protocol: /^https?$/ })))
      .default([]),
    frontendDir: z.string().min(1).optional(),
    maxUploadMb: z.coerce.number().int().min(1).max(1_048_576).default(4096),
  })
  .refine((value) => value.analyzer !== "llm" || value.llmBaseUrl !== undefined, {
    path: ["llmBaseUrl"],
    message: "is required with --analyzer llm",
    params: { reason: "required-with", flag: "--analyzer llm" },
  })
  .refine((value) => value.analyzer !== "llm" || value.llmModel !== undefined, {
    path: ["llmModel"],
    message: "is required with --analyzer llm",
    params: { reason: "required-with", flag: "--analyzer llm" },
  })
  .refine((value) => value.speechRecognizer !== "openai" || value.speechBaseUrl !== undefined, {
    path: ["speechBaseUrl"],
    message: "is required with --speech-recognizer openai",
    params: { reason: "required-with", flag: "--speech-recognizer openai" },
  })
  .refine((value) => value.speechRecognizer !== "openai" || value.speechModel !== undefined, {
    path: ["speechModel"],
    message: "is required with --speech-recognizer openai",
    params: { reason: "required-with", flag: "--speech-recognizer openai" },
  })
  .refine((value) => value.speechRecognizer !== "whisper-cpp" || value.whisperCppPath !== undefined, {
    path: ["whisperCppPath"],
    message: "is required with --speech-recognizer whisper-cpp",
    params: { reason: "required-with", flag: "--speech-recognizer whisper-cpp" },
  })
  .refine((value) => value.speechRecognizer !== "whisper-cpp" || value.whisperCppModel !== undefined, {
    path: ["whisperCppModel"],
    message: "is required with --speech-recognizer whisper-cpp",
    params: { reason: "required-with", flag: "--speech-recognizer whisper-cpp" },
  })
  .refine(
    (value) =>
      value.speechOverlapSeconds <=
      Math.min(value.speechChunkSeconds, maxSecondsForBytes(Math.round(value.speechChunkMb * 1e6))) / 4,
    {
      path: ["speechOverlapSeconds"],
      message:
        "must be at most a quarter of the chunk length set by speech-chunk-seconds and speech-chunk-mb",
      params: { reason: "overlap-too-long" },
      when: (payload) => !payload.issues.some((issue) => String(issue.path?.[0] ?? "").startsWith("speech")),
    },
  )
  .refine((value) => value.minClipSeconds <= value.maxClipSeconds, {
    path: ["minClipSeconds"],
    params: { reason: "min-above-max" },
    error: (issue) =>
      `must not be greater than max-clip-seconds (${(issue.input as { maxClipSeconds: number }).maxClipSeconds})`,
    // zod 4 skips an object's refinements once any field is invalid. Running this one unless a
    // clip bound is itself invalid lets one message list every bad setting.
    when: (payload) =>
      !payload.issues.some(
        (issue) => issue.path?.[0] === "minClipSeconds" || issue.path?.[0] === "maxClipSeconds",
      ),
  })
  .transform((value) => {
    const dataDir = path.resolve(value.dataDir);
    return { ...value, dataDir, indexDir: path.resolve(value.indexDir ?? path.join(dataDir, ".index")) };
  });

export type Settings = Readonly<z.output<typeof settingsSchema>>;
