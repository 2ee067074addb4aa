import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import {
  allScoredFileSchema,
  collectionsPlanFileSchema,
  outlineFileSchema,
  type Topic,
  type TranscriptFile,
  titlesFileSchema,
} from "../../../schemas/step-files.ts";
import { silentLogger } from "../../shared/logger.ts";
import { countCjkCharacters } from "../subtitles/cjk.ts";
import { createEmbeddedAnalyzer } from "./embedded/index.ts";
import { outlineTopics } from "./embedded/segment.ts";
import {
  buildSectionedTranscript,
  CHINESE_VOCABULARIES,
  ENGLISH_VOCABULARIES,
} from "./embedded/test-transcripts.ts";
import { createLlmAnalyzer } from "./llm/index.ts";
import { answerRequest, type Segmenter } from "./llm/test-answers.ts";
import { startFakeLlmServer } from "./llm/test-server.ts";
import { toTimedTopics } from "./timeline.ts";
import type { Analyzer, AnalyzerOptions } from "./types.ts";

/**
 * One implementation of {@link Analyzer} under test. `start` returns a fresh analyzer and a
 * function that releases what it needed (a server, a folder).
 */
interface Implementation {
  name: string;
  start(): Promise<{ analyzer: Analyzer; stop(): Promise<void> }>;
}

const OPTIONS: AnalyzerOptions = {
  minClipSeconds: 30,
  maxClipSeconds: 150,
  scoreThreshold: 0.5,
  minCollectionSize: 2,
};

/**
 * Proposes for each chunk the topics that the embedded analyzer finds in it, so the fake
 * model's outline depends on the transcript alone and differs between overlapping chunks.
 */
const embeddedSegmenter: Segmenter = (cues, firstCue, language) =>
  outlineTopics({ source: "chunk", format: "srt", language, cues }, OPTIONS).map((topic) => ({
    start_cue: topic.start_cue + firstCue,
    end_cue: topic.end_cue + firstCue,
  }));

const IMPLEMENTATIONS: Implementation[] = [
  {
    name: "embedded",
    start: async () => ({ analyzer: createEmbeddedAnalyzer(), stop: async () => {} }),
  },
  {
    name: "llm",
    async start() {
      const server = await startFakeLlmServer((request) => ({
        content: JSON.stringify(answerRequest(request, embeddedSegmenter)),
      }));
      const cacheDir = await mkdtemp(path.join(tmpdir(), "autoclip-contract-"));
      // Five-minute chunks make the talks below span several overlapping chunks.
      const analyzer = createLlmAnalyzer({
        baseUrl: server.baseUrl,
        model: "contract-model",
        chunkSeconds: 300,
        overlapSeconds: 60,
        cacheDir,
        category: "knowledge",
        logger: silentLogger,
      });
      return {
        analyzer,
        async stop() {
          await server.close();
          await rm(cacheDir, { recursive: true, force: true });
        },
      };
    },
  },
];

/** Builds a talk that visits three subjects twice, 100 seconds each. */
function talk(language: "zh" | "en"): TranscriptFile {
  const vocabularies = Object.values(language === "zh" ? CHINESE_VOCABULARIES : ENGLISH_VOCABULARIES);
  return buildSectionedTranscript(language, [...vocabularies, ...vocabularies], 100).transcript;
}

function seconds(topic: Topic, transcript: TranscriptFile): number {
  return (transcript.cues[topic.end_cue]?.end ?? 0) - (transcript.cues[topic.start_cue]?.start ?? 0);
}

function assertLanguage(text: string, language: "zh" | "en", what: string): void {
  assert.notEqual(text.trim(), "", `${what} is not empty`);
  assert.equal(countCjkCharacters(text) > 0, language === "zh", `${what} is in ${language}: ${text}`);
}

async function withAnalyzer(implementation: Implementation, body: (analyzer: Analyzer) => Promise<void>) {
  const { analyzer, stop } = await implementation.start();
  try {
    await body(analyzer);
  } finally {
    await stop();
  }
}

for (const implementation of IMPLEMENTATIONS) {
  describe(`analyzer contract: ${implementation.name}`, () => {
    for (const language of ["en", "zh"] as const) {
      test(`${language} talk through every step`, async () => {
        await withAnalyzer(implementation, async (analyzer) => {
          const transcript = talk(language);
          const cueCount = transcript.cues.length;

          const topics = await analyzer.outline(transcript, OPTIONS);
          outlineFileSchema.parse({ topics });
          assert.equal(topics[0]?.start_cue, 0, "the first topic starts at cue 0");
          assert.equal(topics.at(-1)?.end_cue, cueCount - 1, "the last topic ends at the last cue");
          for (const [index, topic] of topics.entries()) {
            const previous = topics[index - 1];
            if (previous)
              assert.equal(topic.start_cue, previous.end_cue + 1, `topic ${index} follows its predecessor`);
            assert.ok(topic.end_cue >= topic.start_cue, `topic ${index} is not reversed`);
            const length = seconds(topic, transcript);
            assert.ok(
              length <= OPTIONS.maxClipSeconds,
              `topic ${index} lasts ${length} s, at most the maximum`,
            );
            assert.ok(
              length >= OPTIONS.minClipSeconds,
              `topic ${index} lasts ${length} s, at least the minimum`,
            );
            assert.notEqual(topic.outline.trim(), "", `topic ${index} has an outline`);
          }

          const timed = toTimedTopics(topics, transcript.cues);
          const scored = await analyzer.score(timed, transcript, OPTIONS);
          allScoredFileSchema.parse({ topics: scored });
          assert.deepEqual(
            scored.map((topic) => topic.id),
            timed.map((topic) => topic.id),
            "every topic is scored, in order",
          );
          for (const topic of scored) {
            assert.ok(
              topic.final_score >= 0 && topic.final_score <= 1,
              `score ${topic.final_score} in [0, 1]`,
            );
            assertLanguage(topic.recommend_reason, language, `reason of topic ${topic.id}`);
          }

          const kept = scored.filter((topic) => topic.final_score >= OPTIONS.scoreThreshold);
          const titled = await analyzer.title(kept, transcript, OPTIONS);
          titlesFileSchema.parse({ topics: titled });
          assert.deepEqual(
            titled.map((topic) => topic.id),
            kept.map((topic) => topic.id),
            "every kept topic is titled, in order",
          );
          for (const topic of titled)
            assertLanguage(topic.generated_title, language, `title of topic ${topic.id}`);
          const titles = titled.map((topic) => topic.generated_title.toLowerCase());
          assert.equal(new Set(titles).size, titles.length, "titles differ");

          const collections = await analyzer.collections(titled, transcript, OPTIONS);
          collectionsPlanFileSchema.parse({ collections });
          assert.ok(kept.length >= 2, `${kept.length} topics kept, enough for a collection`);
          assert.ok(collections.length >= 1, "this talk yields a collection to check");
          const startOf = new Map(titled.map((topic) => [topic.id, topic.start_time]));
          for (const [index, collection] of collections.entries()) {
            assert.equal(collection.id, String(index + 1), "collections are numbered from 1");
            assert.ok(
              collection.clip_ids.length >= OPTIONS.minCollectionSize,
              `collection ${collection.id} size`,
            );
            assertLanguage(collection.collection_title, language, `title of collection ${collection.id}`);
            assertLanguage(collection.collection_summary, language, `summary of collection ${collection.id}`);
            for (const id of collection.clip_ids) assert.ok(startOf.has(id), `clip ${id} exists`);
            const starts = collection.clip_ids.map((id) => startOf.get(id) ?? 0);
            assert.deepEqual(
              starts,
              [...starts].sort((a, b) => a - b),
              `collection ${collection.id} in time order`,
            );
          }
        });
      });
    }

    test("same input, same output", async () => {
      await withAnalyzer(implementation, async (analyzer) => {
        const transcript = talk("en");
        const first = await analyzer.outline(transcript, OPTIONS);
        const second = await analyzer.outline(transcript, OPTIONS);
        assert.deepEqual(second, first);
      });
    });

    test("larger minimum collection size", async () => {
      await withAnalyzer(implementation, async (analyzer) => {
        const transcript = talk("en");
        const options = { ...OPTIONS, minCollectionSize: 3, scoreThreshold: 0 };
        const timed = toTimedTopics(await analyzer.outline(transcript, options), transcript.cues);
        const titled = await analyzer.title(
          await analyzer.score(timed, transcript, options),
          transcript,
          options,
        );

        const collections = await analyzer.collections(titled, transcript, options);

        for (const collection of collections)
          assert.ok(collection.clip_ids.length >= 3, `collection ${collection.id}`);
        const fewer = await analyzer.collections(titled.slice(0, 2), transcript, options);
        assert.deepEqual(fewer, [], "two clips make no collection of three");
      });
    });

    test("empty transcript", async () => {
      await withAnalyzer(implementation, async (analyzer) => {
        const transcript: TranscriptFile = { source: "a.srt", format: "srt", language: "en", cues: [] };
        assert.deepEqual(await analyzer.outline(transcript, OPTIONS), []);
        assert.deepEqual(await analyzer.score([], transcript, OPTIONS), []);
        assert.deepEqual(await analyzer.title([], transcript, OPTIONS), []);
        assert.deepEqual(await analyzer.collections([], transcript, OPTIONS), []);
      });
    });

    test("aborted signal rejects", async () => {
      await withAnalyzer(implementation, async (analyzer) => {
        const controller = new AbortController();
        controller.abort(new Error("shutting down"));
        const options = { ...OPTIONS, signal: controller.signal };
        const transcript = talk("en");
        const timed = toTimedTopics(
          [{ outline: "x", start_cue: 0, end_cue: 9, content: [] }],
          transcript.cues,
        );

        await assert.rejects(analyzer.outline(transcript, options), /shutting down/);
        await assert.rejects(analyzer.score(timed, transcript, options), /shutting down/);
      });
    });
  });
}
