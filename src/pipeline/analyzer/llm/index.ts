import type { Logger } from "../../../shared/logger.ts";
import type { Analyzer } from "../types.ts";
import { createChatClient } from "./chat-client.ts";
import { planCollections } from "./collections.ts";
import type { LlmContext } from "./llm-context.ts";
import { outlineTranscript } from "./outline.ts";
import { openReplyCache } from "./reply-cache.ts";
import { createJsonRequester } from "./request-json.ts";
import { scoreTopics } from "./score.ts";
import {
  type LlmAnalyzerOptions,
  type LlmConfig,
  type ResolvedLlmConfig,
  resolveLlmConfig,
  type VideoCategory,
} from "./settings.ts";
import { titleTopics } from "./title.ts";

export * from "./errors.ts";
export type { LlmAnalyzerOptions, LlmConfig, VideoCategory } from "./settings.ts";

import type { AnalyzerFactory } from "../types.ts";

export type { AnalyzerFactory, ProjectAnalyzerContext } from "../types.ts";

function buildAnalyzer(
  config: ResolvedLlmConfig,
  project: { cacheDir: string; category: VideoCategory; logger: Logger },
): Analyzer {
  const logger = project.logger.child({ module: "llm-analyzer", model: config.model });
  const client = createChatClient(config, logger);
  const cache = openReplyCache(project.cacheDir, logger);
  const context: LlmContext = {
    config,
    category: project.category,
    request: createJsonRequester(client, cache, config.model, logger),
    logger,
  };

  return {
    name: `llm:${config.model}`,
    outline: (transcript, options) => outlineTranscript(context, transcript, options),
    score: (topics, transcript, options) => scoreTopics(context, topics, transcript, options),
    title: (topics, transcript, options) => titleTopics(context, topics, transcript, options),
    collections: (topics, transcript, options) => planCollections(context, topics, transcript, options),
  };
}

/**
 * Creates an analyzer that sends the language steps to an OpenAI-compatible chat endpoint,
 * with prompts in the transcript's language (Chinese or English) for the project's video
 * category. Replies are validated, repaired once when invalid, and cached in
 * `<cacheDir>/llm-cache/`, so a re-run sends no request for work already done. Its name is
 * `llm:<model>`.
 *
 * @throws LlmConfigError naming every invalid option.
 */
export function createLlmAnalyzer(options: LlmAnalyzerOptions): Analyzer {
  const config = resolveLlmConfig(options);
  return buildAnalyzer(config, options);
}

/**
 * Validates the shared config once and returns a function that creates the analyzer of one
 * project, caching into that project's `metadata/` folder. Call it at start-up, so that a
 * bad setting stops the daemon before any project runs.
 *
 * @throws LlmConfigError naming every invalid setting.
 */
export function createLlmAnalyzerFactory(config: LlmConfig, logger: Logger): AnalyzerFactory {
  const resolved = resolveLlmConfig(config);
  logger.info(
    {
      module: "llm-analyzer",
      baseUrl: resolved.baseUrl,
      model: resolved.model,
      apiKeySet: resolved.apiKey !== undefined,
    },
    "LLM analyzer configured",
  );

  return (project) =>
    buildAnalyzer(resolved, {
      cacheDir: project.metadataDir,
      category: project.category,
      logger: project.logger,
    });
}
