import { z } from "zod";

/** Speech recognizer kinds: `none` turns recognition off. */
export const RECOGNIZER_KINDS = ["none", "openai", "whisper-cpp"] as const;
export type RecognizerKind = (typeof RECOGNIZER_KINDS)[number];

/** Output format that whisper.cpp is asked to write: `-oj` (JSON) or `-osrt` (SRT). */
export type WhisperCppOutput = "json" | "srt";

/** Settings of speech recognition, shared by every project. */
export interface SpeechConfig {
  kind: RecognizerKind;
  /** Base URL of an OpenAI-compatible API, the part before `/audio/transcriptions`, such as `https://api.openai.com/v1`. */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. Never logged. */
  apiKey?: string;
  /** Model name sent to the endpoint, such as `whisper-1` or `whisper-large-v3`. */
  model?: string;
  /** ISO 639-1 code of the spoken language, such as `en` or `zh`; unset lets the recognizer detect it. */
  language?: string;
  /** whisper.cpp command-line program, such as `/opt/whisper.cpp/build/bin/whisper-cli`. */
  whisperCppPath?: string;
  /** whisper.cpp model file (ggml), such as `models/ggml-base.bin`. */
  whisperCppModel?: string;
  /** @default "json" */
  whisperCppOutput?: WhisperCppOutput;
  /** Milliseconds one attempt of one chunk may take. @default 300000 */
  timeoutMs?: number;
  /** Retries of one chunk after a timeout, a connection error, HTTP 429 or 5xx. @default 3 */
  maxRetries?: number;
  /** Delay before the first retry in milliseconds; it doubles on each further retry. @default 2000 */
  retryBaseMs?: number;
  /** Maximum delay between retries in milliseconds, also for a longer `Retry-After`. @default 60000 */
  retryMaxMs?: number;
  /** Chunks transcribed at once. @default 2 */
  concurrency?: number;
  /** Maximum length of one chunk in seconds. @default 600 */
  maxChunkSeconds?: number;
  /** Maximum size of one chunk file in bytes; OpenAI accepts up to 25 MB. @default 24000000 */
  maxChunkBytes?: number;
  /** Seconds that consecutive chunks share, so a word cut by a chunk edge is heard whole in one of them. @default 2 */
  overlapSeconds?: number;
  /** Replaces the global `fetch`, for tests. */
  fetch?: typeof fetch;
}

/** The config after validation, with every default filled in. */
export type ResolvedSpeechConfig = Readonly<
  Required<
    Omit<SpeechConfig, "baseUrl" | "apiKey" | "model" | "language" | "whisperCppPath" | "whisperCppModel">
  > &
    Pick<SpeechConfig, "baseUrl" | "apiKey" | "model" | "language" | "whisperCppPath" | "whisperCppModel">
>;

/** Raised when the speech settings are invalid; the message lists every bad setting. */
export class SpeechConfigError extends Error {
  override readonly name = "SpeechConfigError";
  readonly code = "SPEECH_CONFIG_INVALID";

  constructor(readonly problems: string[]) {
    super(`Invalid speech recognition settings: ${problems.join("; ")}. Fix these settings and start again.`);
  }
}

const configSchema = z
  .object({
    kind: z.enum(RECOGNIZER_KINDS),
    baseUrl: z
      .url({ protocol: /^https?$/, error: "must be an http or https URL" })
      .transform((url) => url.replace(/\/+$/, ""))
      .optional(),
    apiKey: z
      .string()
      .optional()
      .transform((key) => (key === undefined || key.trim() === "" ? undefined : key.trim())),
    model: z.string().trim().min(1, "must not be empty").optional(),
    language: z
      .string()
      .trim()
      .regex(/^[a-z]{2,3}$/i, "must be an ISO 639-1 code such as en or zh")
      .transform((code) => code.toLowerCase())
      .optional(),
    whisperCppPath: z.string().min(1).optional(),
    whisperCppModel: z.string().min(1).optional(),
    whisperCppOutput: z.enum(["json", "srt"]).default("json"),
    timeoutMs: z.number().int().positive().default(300_000),
    maxRetries: z.number().int().min(0).max(10).default(3),
    retryBaseMs: z.number().int().min(0).default(2000),
    retryMaxMs: z.number().int().min(0).default(60_000),
    concurrency: z.number().int().min(1).max(16).default(2),
    maxChunkSeconds: z.number().min(1).default(600),
    maxChunkBytes: z.number().int().min(64_000).default(24_000_000),
    overlapSeconds: z.number().min(0).default(2),
  })
  .refine((config) => config.kind !== "openai" || config.baseUrl !== undefined, {
    path: ["baseUrl"],
    message: "is required for the openai recognizer",
  })
  .refine((config) => config.kind !== "openai" || config.model !== undefined, {
    path: ["model"],
    message: "is required for the openai recognizer",
  })
  .refine((config) => config.kind !== "whisper-cpp" || config.whisperCppPath !== undefined, {
    path: ["whisperCppPath"],
    message: "is required for the whisper-cpp recognizer",
  })
  .refine((config) => config.kind !== "whisper-cpp" || config.whisperCppModel !== undefined, {
    path: ["whisperCppModel"],
    message: "is required for the whisper-cpp recognizer",
  });

/** Formats the value of a bad setting for an error message, hiding the API key. */
function describeValue(input: Record<string, unknown>, key: PropertyKey | undefined): string {
  if (key === "apiKey") return "(hidden)";
  if (typeof key !== "string") return "";

  const value = input[key];
  return value === undefined ? "missing" : JSON.stringify(value);
}

/**
 * Validates the speech config and fills in its defaults.
 *
 * @throws SpeechConfigError naming every invalid setting with its value.
 */
export function resolveSpeechConfig(config: SpeechConfig): ResolvedSpeechConfig {
  const input = config as unknown as Record<string, unknown>;
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new SpeechConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path[0];
        return `${String(key ?? "(config)")} ${issue.message} (got ${describeValue(input, key)})`;
      }),
    );
  }

  const overlapLimit =
    Math.min(result.data.maxChunkSeconds, maxSecondsForBytes(result.data.maxChunkBytes)) / 4;
  if (result.data.overlapSeconds > overlapLimit) {
    throw new SpeechConfigError([
      `overlapSeconds must be at most a quarter of the chunk length, ${overlapLimit.toFixed(2)} s (got ${result.data.overlapSeconds})`,
    ]);
  }

  return Object.freeze({ ...result.data, fetch: config.fetch ?? globalThis.fetch });
}

/** Bytes per second of the extracted audio: 16 kHz, mono, 16-bit PCM. */
export const AUDIO_BYTES_PER_SECOND = 32_000;
/** Size of the WAV header written before each chunk's samples. */
export const WAV_HEADER_BYTES = 44;

/** Returns the longest chunk, in seconds, whose WAV file fits into `maxBytes`. */
export function maxSecondsForBytes(maxBytes: number): number {
  // Chunk edges are rounded to whole samples, which can add one 2-byte sample to a chunk.
  return Math.max(0, maxBytes - WAV_HEADER_BYTES - 2) / AUDIO_BYTES_PER_SECOND;
}
