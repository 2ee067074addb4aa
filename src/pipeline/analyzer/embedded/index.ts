import type { Analyzer } from "../types.ts";
import { planCollections } from "./collections.ts";
import { scoreTopics } from "./score.ts";
import { outlineTopics } from "./segment.ts";
import { titleTopics } from "./title.ts";

/**
 * Creates the embedded analyzer: lexical statistics only, with no network, no model and no
 * randomness, so the same transcript and options always give the same files.
 */
export function createEmbeddedAnalyzer(): Analyzer {
  return {
    name: "embedded",

    async outline(transcript, options) {
      options.signal?.throwIfAborted();
      return outlineTopics(transcript, options);
    },

    async score(topics, transcript, options) {
      options.signal?.throwIfAborted();
      return scoreTopics(topics, transcript, options);
    },

    async title(topics, transcript, options) {
      options.signal?.throwIfAborted();
      return titleTopics(topics, transcript);
    },

    async collections(topics, transcript, options) {
      options.signal?.throwIfAborted();
      return planCollections(topics, transcript, options);
    },
  };
}
