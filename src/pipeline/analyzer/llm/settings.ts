import { z } from "zod";
import type { VIDEO_CATEGORIES } from "../../../../schemas/project.ts";
import type { Logger } from "../../../shared/logger.ts";
import { LlmConfigError } from "./errors.ts";

/** One of AutoClip's seven video categories; it picks the guidance in the prompts. */
export type VideoCategory = (typeof VIDEO_CATEGORIES)[number];

/** Settings shared by every project: the endpoint, the model, timing and chunking. */
export interface LlmConfig {
  /**
   * Base URL of an OpenAI-compatible API, the part before `/chat/completions`, for example
   * `https://api.deepseek.com/v1` or `http://127.0.0.1:11434/v1`.
   */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set and not empty. Never logged. */
  apiKey?: string;
  /** Model name as the endpoint lists it, for example `qwen-plus` or `deepseek-chat`. */
  model: string;
  /** Milliseconds one attempt of a request may take, the reply body included. @default 60000 */
  timeoutMs?: number;
  /** Retries of one request after a timeout, a connection error, HTTP 429 or 5xx. @default 4 */
  maxRetries?: number;
  /** Delay before the first retry in milliseconds; it doubles on each further retry. @default 1000 */
  retryBaseMs?: number;
  /** Maximum delay between retries in milliseconds, also for a longer `Retry-After`. @default 30000 */
  retryMaxMs?: number;
  /** Seconds of transcript sent in one outline request, and covered by one score or title request. @default 900 */
  chunkSeconds?: number;
  /** Seconds that consecutive outline chunks share, so a topic cut by a chunk edge is seen whole. @default 60 */
  overlapSeconds?: number;
  /** Sampling temperature sent with every request; left out when unset, so the endpoint's default applies. */
  temperature?: number;
  /** Replaces the global `fetch`, for tests. */
  fetch?: typeof fetch;
}

/** Per-project settings of one LLM analyzer. */
export interface LlmProjectSettings {
  /** Folder of the reply cache: replies are stored in `<cacheDir>/llm-cache/<sha256>.json`. */
  cacheDir: string;
  category: VideoCategory;
  logger: Logger;
}

/** Options of {@link createLlmAnalyzer}: the shared config and one project's settings. */
export type LlmAnalyzerOptions = LlmConfig & LlmProjectSettings;

/** The config after validation, with every default filled in. */
export interface ResolvedLlmConfig {
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
  chunkSeconds: number;
  overlapSeconds: number;
  temperature: number | undefined;
  fetch: typeof fetch;
}

const configSchema = z
  .object({
    baseUrl: z
      .url({ protocol: /^https?$/, error: "must be an http or https URL" })
      .transform((url) => url.replace(/\/+$/, "")),
    apiKey: z
      .string()
      .optional()
      .transform((key) => (key === undefined || key.trim() === "" ? undefined : key.trim())),
    model: z.string().trim().min(1, "must not be empty"),
    timeoutMs: z.number().int().positive().default(60_000),
    maxRetries: z.number().int().min(0).max(10).default(4),
    retryBaseMs: z.number().int().min(0).default(1000),
    retryMaxMs: z.number().int().min(0).default(30_000),
    chunkSeconds: z.number().min(60).default(900),
    overlapSeconds: z.number().min(0).default(60),
    temperature: z.number().min(0).max(2).optional(),
  })
  .refine((config) => config.overlapSeconds <= config.chunkSeconds / 2, {
    path: ["overlapSeconds"],
    message: "must be at most half of chunkSeconds",
  });

/** Formats the value of a bad setting for an error message, hiding the API key. */
function describeValue(input: Record<string, unknown>, key: PropertyKey | undefined): string {
  if (key === "apiKey") return "(hidden)";
  if (typeof key !== "string") return "";

  const value = input[key];
  return value === undefined ? "missing" : JSON.stringify(value);
}

/**
 * Validates the shared LLM config and fills in its defaults.
 *
 * @throws LlmConfigError naming every invalid setting with its value.
 */
export function resolveLlmConfig(config: LlmConfig): ResolvedLlmConfig {
  const input = config as unknown as Record<string, unknown>;
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new LlmConfigError(
      result.error.issues.map((issue) => {
        const key = issue.path[0];
        return `${String(key ?? "(config)")} ${issue.message} (got ${describeValue(input, key)})`;
      }),
    );
  }

  return Object.freeze({
    ...result.data,
    temperature: result.data.temperature,
    fetch: config.fetch ?? globalThis.fetch,
  });
}
