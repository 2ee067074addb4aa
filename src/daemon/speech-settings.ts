import { type ResolvedSpeechConfig, resolveSpeechConfig } from "../pipeline/speech/speech-config.ts";
import type { Settings } from "./settings.ts";

/** Builds the speech recognition config from the settings, or returns undefined when it is off. */
export function speechConfigOf(settings: Settings): ResolvedSpeechConfig | undefined {
  if (settings.speechRecognizer === "none") return undefined;

  return resolveSpeechConfig({
    kind: settings.speechRecognizer,
    baseUrl: settings.speechBaseUrl,
    apiKey: settings.speechApiKey,
    model: settings.speechModel,
    language: settings.speechLanguage,
    whisperCppPath: settings.whisperCppPath,
    whisperCppModel: settings.whisperCppModel,
    whisperCppOutput: settings.whisperCppOutput,
    timeoutMs: settings.speechTimeoutSeconds * 1000,
    concurrency: settings.speechConcurrency,
    maxChunkSeconds: settings.speechChunkSeconds,
    maxChunkBytes: Math.round(settings.speechChunkMb * 1e6),
    overlapSeconds: settings.speechOverlapSeconds,
  });
}
