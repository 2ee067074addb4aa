import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, test } from "node:test";
import {
  allScoredFileSchema,
  collectionsPlanFileSchema,
  outlineFileSchema,
  type TimedTopic,
  type TitledTopic,
  type TranscriptFile,
  titlesFileSchema,
} from "../../../../schemas/step-files.ts";
import { countCjkCharacters } from "../../subtitles/cjk.ts";
import { outlineTopics } from "../embedded/segment.ts";
import {
  buildSectionedTranscript,
  CHINESE_VOCABULARIES,
  ENGLISH_VOCABULARIES,
} from "../embedded/test-transcripts.ts";
import { toTimedTopics } from "../timeline.ts";
import type { AnalyzerOptions } from "../types.ts";
import { chunkCues } from "./chunks.ts";
import {
  createLlmAnalyzer,
  createLlmAnalyzerFactory,
  LlmConfigError,
  LlmInvalidReplyError,
} from "./index.ts";
import type { LlmAnalyzerOptions } from "./settings.ts";
import {
  answerRequest,
  describeRequest,
  gridSegmenter,
  inputOf,
  type OutlineInput,
  type Segmenter,
} from "./test-answers.ts";
import {
  captureLogger,
  type FakeLlmServer,
  fenced,
  type Responder,
  startFakeLlmServer,
} from "./test-server.ts";

const API_KEY = "sk-live-93b1d0c4e8a2";
const OPTIONS: AnalyzerOptions = {
  minClipSeconds: 30,
  maxClipSeconds: 300,
  scoreThreshold: 0.5,
  minCollectionSize: 2,
};

/** A reply computed from the request, with 90-second topics. */
const answerOf = (request: Parameters<Responder>[0]) => answerRequest(request, gridSegmenter(90));
const plainResponder: Responder = (request) => ({ content: JSON.stringify(answerOf(request)) });

let server: FakeLlmServer | undefined;
const folders: string[] = [];

afterEach(async () => {
  await server?.close();
  server = undefined;
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

async function tempFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), "autoclip-llm-"));
  folders.push(folder);
  return folder;
}

async function setUp(responder: Responder, overrides: Partial<LlmAnalyzerOptions> = {}) {
  server = await startFakeLlmServer(responder);
  const cacheDir = overrides.cacheDir ?? (await tempFolder());
  const { logger, lines } = captureLogger();
  const analyzer = createLlmAnalyzer({
    baseUrl: server.baseUrl,
    apiKey: API_KEY,
    model: "fake-model",
    category: "knowledge",
    timeoutMs: 2000,
    retryBaseMs: 1,
    retryMaxMs: 5,
    logger,
    ...overrides,
    cacheDir,
  });
  return { analyzer, server, lines, cacheDir };
}

function talk(language: "zh" | "en", sections = 3, sectionSeconds = 90): TranscriptFile {
  const vocabularies = Object.values(language === "zh" ? CHINESE_VOCABULARIES : ENGLISH_VOCABULARIES);
  const chosen = Array.from(
    { length: sections },
    (_, index) => vocabularies[index % vocabularies.length] ?? [],
  );
  return buildSectionedTranscript(language, chosen, sectionSeconds).transcript;
}

function ranges(topics: Array<{ start_cue: number; end_cue: number }>): Array<[number, number]> {
  return topics.map((topic) => [topic.start_cue, topic.end_cue]);
}

function assertCoversInOrder(topics: Array<{ start_cue: number; end_cue: number }>, cueCount: number): void {
  assert.equal(topics[0]?.start_cue, 0, "first topic starts at cue 0");
  assert.equal(topics.at(-1)?.end_cue, cueCount - 1, "last topic ends at the last cue");
  for (const [index, topic] of topics.entries()) {
    assert.ok(topic.end_cue >= topic.start_cue, `topic ${index} is not reversed`);
    const previous = topics[index - 1];
    if (previous)
      assert.equal(topic.start_cue, previous.end_cue + 1, `topic ${index} follows topic ${index - 1}`);
  }
}

async function runAll(analyzer: ReturnType<typeof createLlmAnalyzer>, transcript: TranscriptFile) {
  const topics = await analyzer.outline(transcript, OPTIONS);
  const scored = await analyzer.score(toTimedTopics(topics, transcript.cues), transcript, OPTIONS);
  const titled = await analyzer.title(scored, transcript, OPTIONS);
  const collections = await analyzer.collections(titled, transcript, OPTIONS);
  return { topics, scored, titled, collections };
}

function timedTopics(transcript: TranscriptFile): TimedTopic[] {
  const starts = [0, 23, 46];
  return toTimedTopics(
    starts.map((start, index) => ({
      outline: `topic ${index}`,
      start_cue: start,
      end_cue: (starts[index + 1] ?? transcript.cues.length) - 1,
      content: [],
    })),
    transcript.cues,
  );
}

describe("llm analyzer outline", () => {
  test("plain reply", async () => {
    const transcript = talk("en");
    const { analyzer, server } = await setUp(plainResponder);

    const topics = await analyzer.outline(transcript, OPTIONS);

    outlineFileSchema.parse({ topics });
    assert.deepEqual(ranges(topics), [
      [0, 22],
      [23, 44],
      [45, 68],
    ]);
    assert.equal(server.requests.length, 1);
    const system = server.requests[0]?.body.messages[0]?.content ?? "";
    assert.match(system, /Video category: knowledge and science/);
    assert.match(system, /between 30 and 300 seconds/);
    const input = inputOf<OutlineInput>(server.requests[0] as never);
    assert.equal(input.first_cue, 0);
    assert.equal(input.last_cue, transcript.cues.length - 1);
    assert.deepEqual(input.cues[1], [1, 4, 7.6, transcript.cues[1]?.text]);
    assert.equal(analyzer.name, "llm:fake-model");
  });

  test("fenced reply", async () => {
    const { analyzer, server } = await setUp((request) => ({ content: fenced(answerOf(request)) }));

    const topics = await analyzer.outline(talk("en"), OPTIONS);

    assert.equal(topics.length, 3);
    assert.equal(server.requests.length, 1);
  });

  test("truncated JSON is repaired", async () => {
    const { analyzer, server, lines } = await setUp((request, index) => {
      const full = JSON.stringify(answerOf(request));
      return index === 0
        ? { content: full.slice(0, full.length / 2), finishReason: "length" }
        : { content: full };
    });

    const topics = await analyzer.outline(talk("en"), OPTIONS);

    assert.equal(topics.length, 3);
    assert.equal(server.requests.length, 2);
    const repair = server.requests[1]?.body.messages ?? [];
    assert.equal(repair.length, 4);
    assert.equal(repair[2]?.role, "assistant");
    assert.equal(repair[3]?.role, "user");
    assert.match(repair[3]?.content ?? "", /not valid JSON/);
    assert.match(repair[3]?.content ?? "", /cut off/);
    assert.ok(lines.some((line) => line.includes("sending one repair request")));
  });

  test("wrong shape is repaired", async () => {
    const { analyzer, server } = await setUp((request, index) =>
      index === 0 ? { content: '{"segments": []}' } : { content: JSON.stringify(answerOf(request)) },
    );

    const topics = await analyzer.outline(talk("en"), OPTIONS);

    assert.equal(topics.length, 3);
    assert.match(server.requests[1]?.body.messages[3]?.content ?? "", /topics/);
  });

  test("cue outside chunk is repaired", async () => {
    const { analyzer, server } = await setUp((request, index) =>
      index === 0
        ? { content: '{"topics":[{"start_cue":0,"end_cue":999,"outline":"All of it","key_sentences":[]}]}' }
        : { content: JSON.stringify(answerOf(request)) },
    );

    await analyzer.outline(talk("en"), OPTIONS);

    assert.match(server.requests[1]?.body.messages[3]?.content ?? "", /outside the given cues 0-68/);
  });

  test("failed repair raises LLM_INVALID_REPLY", async () => {
    const { analyzer, server, cacheDir } = await setUp(() => ({ content: '{"segments": []}' }));

    await assert.rejects(analyzer.outline(talk("en"), OPTIONS), (error: unknown) => {
      assert.ok(error instanceof LlmInvalidReplyError);
      assert.equal(error.code, "LLM_INVALID_REPLY");
      assert.equal(error.name, "LlmInvalidReplyError");
      assert.equal(error.task, "outline");
      assert.equal(error.chunkIndex, 0);
      assert.match(error.issue, /topics/);
      assert.match(error.message, /chunk 0/);
      return true;
    });
    assert.equal(server.requests.length, 2, "one request and one repair, no more");
    assert.deepEqual(await readdir(cacheDir), [], "an invalid reply is not cached");
  });

  // With 90-second topics the chunk edges at 540 s steps fall on topic edges, so only a chunk's
  // last topic is cut. With 100-second topics both sides of an overlap cut a topic.
  for (const period of [90, 100]) {
    test(`long transcript in overlapping chunks, ${period} s topics`, async () => {
      const transcript = talk("en", 16, 150);
      const { analyzer, server, lines } = await setUp(
        (request) => ({ content: JSON.stringify(answerRequest(request, gridSegmenter(period))) }),
        { chunkSeconds: 600, overlapSeconds: 60 },
      );
      const chunks = chunkCues(transcript.cues, 600, 60);

      const topics = await analyzer.outline(transcript, OPTIONS);

      assert.ok(chunks.length >= 4, `${chunks.length} chunks`);
      assert.equal(server.requests.length, chunks.length);
      for (const [index, chunk] of chunks.entries()) {
        const input = inputOf<OutlineInput>(server.requests[index] as never);
        assert.equal(input.first_cue, chunk.firstCue);
        assert.equal(input.last_cue, chunk.lastCue);
        assert.equal(input.cues.length, chunk.lastCue - chunk.firstCue + 1);
        if (index > 0)
          assert.ok(chunk.firstCue <= (chunks[index - 1]?.lastCue ?? 0), `chunk ${index} overlaps`);
      }

      assertCoversInOrder(topics, transcript.cues.length);
      const expected = gridSegmenter(period)(transcript.cues, 0, "en");
      assert.deepEqual(ranges(topics), ranges(expected), `the ${period}-second topics, each once`);
      const summary = JSON.parse(lines.find((line) => line.includes("outline finished")) ?? "{}");
      assert.ok(summary.duplicates >= chunks.length - 1, `${summary.duplicates} duplicates merged`);
    });
  }

  test("chunks keep the topics of the whole", async () => {
    const transcript = talk("en", 6, 100);
    const segmentChunk: Segmenter = (cues, firstCue, language) =>
      outlineTopics({ source: "chunk", format: "srt", language, cues }, OPTIONS).map((topic) => ({
        start_cue: topic.start_cue + firstCue,
        end_cue: topic.end_cue + firstCue,
      }));
    const { analyzer, server } = await setUp(
      (request) => ({ content: JSON.stringify(answerRequest(request, segmentChunk)) }),
      { chunkSeconds: 300, overlapSeconds: 60 },
    );

    const topics = await analyzer.outline(transcript, OPTIONS);

    assert.equal(server.requests.length, 2);
    assert.deepEqual(ranges(topics), ranges(outlineTopics(transcript, OPTIONS)));
    assert.equal(
      topics.filter((topic) => topic.outline.startsWith("This part is about")).length,
      topics.length,
      "every topic keeps the outline the model wrote",
    );
  });

  test("aborted signal sends nothing", async () => {
    const controller = new AbortController();
    controller.abort(new Error("shutting down"));
    const { analyzer, server } = await setUp(plainResponder);

    await assert.rejects(
      analyzer.outline(talk("en"), { ...OPTIONS, signal: controller.signal }),
      /shutting down/,
    );
    assert.equal(server.requests.length, 0);
  });

  test("empty transcript sends nothing", async () => {
    const { analyzer, server } = await setUp(plainResponder);
    const transcript: TranscriptFile = { source: "a.srt", format: "srt", language: "en", cues: [] };

    assert.deepEqual(await analyzer.outline(transcript, OPTIONS), []);
    assert.deepEqual(await analyzer.score([], transcript, OPTIONS), []);
    assert.deepEqual(await analyzer.title([], transcript, OPTIONS), []);
    assert.deepEqual(await analyzer.collections([], transcript, OPTIONS), []);
    assert.equal(server.requests.length, 0);
  });
});

describe("llm analyzer cache", () => {
  test("second run sends no requests", async () => {
    const transcript = talk("zh", 6);
    let first = true;
    const responder: Responder = (request) => {
      const { task } = describeRequest(request);
      const truncate = first && task === "outline";
      first = false;
      const full = JSON.stringify(answerOf(request));
      return { content: truncate ? full.slice(0, 40) : fenced(JSON.parse(full)) };
    };
    const { analyzer, server, cacheDir } = await setUp(responder);

    const firstRun = await runAll(analyzer, transcript);
    const sent = server.requests.length;
    const second = createLlmAnalyzer({
      baseUrl: server.baseUrl,
      apiKey: API_KEY,
      model: "fake-model",
      category: "knowledge",
      cacheDir,
      logger: captureLogger().logger,
    });
    const secondRun = await runAll(second, transcript);

    assert.ok(sent >= 5, `${sent} requests in the first run`);
    assert.equal(server.requests.length, sent, "the second run sent nothing");
    assert.deepEqual(secondRun, firstRun);
    const files = await readdir(path.join(cacheDir, "llm-cache"));
    assert.equal(files.length, sent - 1, "one file per request, the repair stored under its first request");
    for (const file of files) assert.match(file, /^[0-9a-f]{64}\.json$/);
  });

  test("cache write failure is logged", async () => {
    const folder = await tempFolder();
    const cacheDir = path.join(folder, "not-a-folder");
    await writeFile(cacheDir, "");
    const { analyzer, lines } = await setUp(plainResponder, { cacheDir });

    const topics = await analyzer.outline(talk("en"), OPTIONS);

    assert.equal(topics.length, 3);
    assert.ok(lines.some((line) => line.includes("could not cache the LLM reply")));
  });

  test("another model misses the cache", async () => {
    const transcript = talk("en");
    const { analyzer, server, cacheDir } = await setUp(plainResponder);
    await analyzer.outline(transcript, OPTIONS);

    const other = createLlmAnalyzer({
      baseUrl: server.baseUrl,
      model: "other-model",
      category: "knowledge",
      cacheDir,
      logger: captureLogger().logger,
    });
    await other.outline(transcript, OPTIONS);

    assert.equal(server.requests.length, 2);
  });
});

describe("llm analyzer score, title, collections", () => {
  test("full run validates", async () => {
    for (const language of ["en", "zh"] as const) {
      const transcript = talk(language, 6);
      const { analyzer } = await setUp(plainResponder);

      const run = await runAll(analyzer, transcript);

      allScoredFileSchema.parse({ topics: run.scored });
      titlesFileSchema.parse({ topics: run.titled });
      collectionsPlanFileSchema.parse({ collections: run.collections });
      for (const topic of run.titled) {
        assert.equal(countCjkCharacters(topic.generated_title) > 0, language === "zh", topic.generated_title);
        assert.equal(
          countCjkCharacters(topic.recommend_reason) > 0,
          language === "zh",
          topic.recommend_reason,
        );
      }
      assert.deepEqual(
        run.collections.map((collection) => collection.id),
        run.collections.map((_, index) => String(index + 1)),
      );
      await server?.close();
      server = undefined;
    }
  });

  test("out-of-range score is repaired", async () => {
    const transcript = talk("en");
    const { analyzer, server } = await setUp((request, index) => {
      const reply = answerOf(request) as { scores: Array<{ score: number }> };
      if (index === 0 && reply.scores[0]) reply.scores[0].score = 8;
      return { content: JSON.stringify(reply) };
    });

    const scored = await analyzer.score(timedTopics(transcript), transcript, OPTIONS);

    assert.equal(server.requests.length, 2);
    assert.match(server.requests[1]?.body.messages[3]?.content ?? "", /scores\.0\.score/);
    for (const topic of scored) assert.ok(topic.final_score >= 0 && topic.final_score <= 1);
  });

  test("missing score id is repaired", async () => {
    const transcript = talk("en");
    const { analyzer, server } = await setUp((request, index) => {
      const reply = answerOf(request) as { scores: unknown[] };
      if (index === 0) reply.scores.pop();
      return { content: JSON.stringify(reply) };
    });

    const scored = await analyzer.score(timedTopics(transcript), transcript, OPTIONS);

    assert.match(server.requests[1]?.body.messages[3]?.content ?? "", /ids missing: 3/);
    assert.deepEqual(
      scored.map((topic) => topic.id),
      ["1", "2", "3"],
    );
  });

  test("title in wrong language is repaired", async () => {
    const transcript = talk("zh");
    const { analyzer, server } = await setUp((request, index) =>
      index === 0
        ? {
            content:
              '{"titles":[{"id":"1","title":"Coffee"},{"id":"2","title":"睡眠"},{"id":"3","title":"跑步"}]}',
          }
        : { content: JSON.stringify(answerOf(request)) },
    );
    const scored = timedTopics(transcript).map((topic) => ({
      ...topic,
      final_score: 0.9,
      recommend_reason: "好",
    }));

    const titled = await analyzer.title(scored, transcript, OPTIONS);

    assert.match(server.requests[1]?.body.messages[0]?.content ?? "", /中文标题/);
    assert.match(
      server.requests[1]?.body.messages[3]?.content ?? "",
      /titles\.0\.title: must be written in Chinese/,
    );
    for (const topic of titled)
      assert.ok(countCjkCharacters(topic.generated_title) > 0, topic.generated_title);
  });

  test("duplicate titles get numbers", async () => {
    const transcript = talk("en");
    const { analyzer } = await setUp(() => ({
      content:
        '{"titles":[{"id":"1","title":"\\"Same\\""},{"id":"2","title":"Same"},{"id":3,"title":"Other"}]}',
    }));
    const scored = timedTopics(transcript).map((topic) => ({
      ...topic,
      final_score: 0.9,
      recommend_reason: "ok",
    }));

    const titled = await analyzer.title(scored, transcript, OPTIONS);

    assert.deepEqual(
      titled.map((topic) => topic.generated_title),
      ["Same", "Same (2)", "Other"],
    );
  });

  test("collections keep each clip once", async () => {
    const transcript = talk("en", 6);
    const clips: TitledTopic[] = toTimedTopics(
      [0, 23, 45, 68, 90, 113].map((start, index, starts) => ({
        outline: `topic ${index}`,
        start_cue: start,
        end_cue: (starts[index + 1] ?? transcript.cues.length) - 1,
        content: [],
      })),
      transcript.cues,
    ).map((topic) => ({
      ...topic,
      final_score: 0.9,
      recommend_reason: "ok",
      generated_title: `Clip ${topic.id}`,
    }));
    const reply = {
      collections: [
        { title: "Later", summary: "Clips five and six.", clip_ids: ["6", "5"] },
        { title: "Early", summary: "Clips one to three.", clip_ids: ["3", 1, "2"] },
        { title: "Shared", summary: "Reuses clip one.", clip_ids: ["1", "4"] },
      ],
    };
    const { analyzer, lines } = await setUp(() => ({ content: JSON.stringify(reply) }));

    const collections = await analyzer.collections(clips, transcript, OPTIONS);

    assert.deepEqual(collections, [
      {
        id: "1",
        collection_title: "Early",
        collection_summary: "Clips one to three.",
        clip_ids: ["1", "2", "3"],
      },
      { id: "2", collection_title: "Later", collection_summary: "Clips five and six.", clip_ids: ["5", "6"] },
    ]);
    assert.ok(lines.some((line) => line.includes("shared clips with earlier ones")));
  });

  test("collection with unknown clip is repaired", async () => {
    const transcript = talk("en", 6);
    const { analyzer, server } = await setUp((request, index) =>
      index === 0
        ? { content: '{"collections":[{"title":"A","summary":"Both.","clip_ids":["1","99"]}]}' }
        : { content: JSON.stringify(answerOf(request)) },
    );
    const titled = timedTopics(transcript).map((topic) => ({
      ...topic,
      final_score: 0.9,
      recommend_reason: "ok",
      generated_title: `Clip ${topic.id}`,
    }));

    const collections = await analyzer.collections(titled, transcript, OPTIONS);

    assert.match(server.requests[1]?.body.messages[3]?.content ?? "", /unknown clip ids: 99/);
    assert.equal(collections.length, 1);
  });
});

describe("llm analyzer settings", () => {
  test("bad settings are listed", () => {
    assert.throws(
      () =>
        createLlmAnalyzer({
          baseUrl: "ftp://example.invalid",
          apiKey: API_KEY,
          model: " ",
          timeoutMs: -1,
          chunkSeconds: 100,
          overlapSeconds: 80,
          category: "knowledge",
          cacheDir: "/nonexistent",
          logger: captureLogger().logger,
        }),
      (error: unknown) => {
        assert.ok(error instanceof LlmConfigError);
        assert.equal(error.code, "LLM_CONFIG_INVALID");
        for (const name of ["baseUrl", "model", "timeoutMs", "overlapSeconds"]) {
          assert.match(error.message, new RegExp(name));
        }
        assert.match(error.message, /got -1/);
        assert.equal(error.message.includes(API_KEY), false);
        return true;
      },
    );
  });

  test("factory logs endpoint, not key", async () => {
    server = await startFakeLlmServer((request, index) =>
      index === 0 ? { status: 500, body: "" } : { content: JSON.stringify(answerOf(request)) },
    );
    const metadataDir = await tempFolder();
    const { logger, lines } = captureLogger();
    const factory = createLlmAnalyzerFactory(
      { baseUrl: `${server.baseUrl}/`, apiKey: API_KEY, model: "fake-model", retryBaseMs: 1 },
      logger,
    );
    const analyzer = factory({ metadataDir, category: "entertainment", logger });

    await runAll(analyzer, talk("zh", 6));

    const configured = JSON.parse(lines.find((line) => line.includes("LLM analyzer configured")) ?? "{}");
    assert.equal(configured.baseUrl, server.baseUrl);
    assert.equal(configured.model, "fake-model");
    assert.equal(configured.apiKeySet, true);
    assert.ok(lines.some((line) => line.includes("retrying")));
    for (const line of lines) assert.equal(line.includes(API_KEY), false, line);
    assert.match(server.requests[0]?.body.messages[0]?.content ?? "", /视频类型：娱乐/);
    assert.equal(server.requests[0]?.headers.authorization, `Bearer ${API_KEY}`);
  });
});
