import type { Logger } from "../../../shared/logger.ts";
import type { ChatMessage } from "./chat-client.ts";
import type { LlmTask } from "./errors.ts";
import { buildRepairMessage, buildSystemPrompt } from "./prompts.ts";
import type { JsonRequester } from "./request-json.ts";
import type { ResolvedLlmConfig, VideoCategory } from "./settings.ts";

/** State shared by the analyzer's methods within one project. */
export interface LlmContext {
  config: ResolvedLlmConfig;
  category: VideoCategory;
  request: JsonRequester;
  logger: Logger;
}

/** Builds the messages of one request: the task's system prompt and the input as compact JSON. */
export function buildMessages(
  context: LlmContext,
  task: LlmTask,
  language: "zh" | "en",
  input: unknown,
  values: Record<string, string | number> = {},
): ChatMessage[] {
  return [
    { role: "system", content: buildSystemPrompt(language, task, context.category, values) },
    { role: "user", content: JSON.stringify(input) },
  ];
}

/** Returns the repair message builder for the transcript language. */
export function repairIn(language: "zh" | "en"): (issue: string) => string {
  return (issue) => buildRepairMessage(language, issue);
}

/** Rounds seconds to tenths, enough for cue times and fewer tokens. */
export function roundSeconds(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
