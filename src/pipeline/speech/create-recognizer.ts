import type { Logger } from "../../shared/logger.ts";
import { createOpenAiRecognizer } from "./openai-recognizer.ts";
import type { Recognizer } from "./recognizer.ts";
import type { ResolvedSpeechConfig } from "./speech-config.ts";
import { createWhisperCppRecognizer } from "./whisper-cpp-recognizer.ts";

/** Creates the recognizer that the config names, or returns null for `none`. */
export function createRecognizer(config: ResolvedSpeechConfig, logger: Logger): Recognizer | null {
  const child = logger.child({ module: "speech", recognizer: config.kind });
  if (config.kind === "openai") return createOpenAiRecognizer(config, child);
  if (config.kind === "whisper-cpp") return createWhisperCppRecognizer(config, child);

  return null;
}
