import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import type {
  PlannedCollection,
  ScoredTopic,
  TitledTopic,
  TranscriptFile,
} from "../../../../schemas/step-files.ts";
import { countCjkCharacters } from "../../subtitles/cjk.ts";
import { detectLanguage, parseSubtitle } from "../../subtitles/index.ts";
import { toTimedTopics } from "../timeline.ts";
import type { AnalyzerOptions } from "../types.ts";
import { createEmbeddedAnalyzer } from "./index.ts";
import { buildSectionedTranscript, CHINESE_VOCABULARIES, ENGLISH_VOCABULARIES } from "./test-transcripts.ts";

const OPTIONS: AnalyzerOptions = {
  minClipSeconds: 30,
  maxClipSeconds: 300,
  scoreThreshold: 0.5,
  minCollectionSize: 2,
};
const FIXTURES = "/work/shared/fixtures";
const DEMO = path.resolve(import.meta.dirname, "../../../../samples/talk.zh.srt");

interface AnalysisRun {
  scored: ScoredTopic[];
  titled: TitledTopic[];
  collections: PlannedCollection[];
}

async function analyze(transcript: TranscriptFile, options = OPTIONS): Promise<AnalysisRun> {
  const analyzer = createEmbeddedAnalyzer();
  const topics = await analyzer.outline(transcript, options);
  const scored = await analyzer.score(toTimedTopics(topics, transcript.cues), transcript, options);
  const kept = scored.filter((topic) => topic.final_score >= options.scoreThreshold);
  const titled = await analyzer.title(kept, transcript, options);
  const collections = await analyzer.collections(titled, transcript, options);
  return { scored, titled, collections };
}

function readTranscript(file: string): TranscriptFile {
  const parsed = parseSubtitle(readFileSync(file), path.basename(file));
  return {
    source: path.basename(file),
    format: parsed.format,
    language: detectLanguage(parsed.cues),
    cues: parsed.cues,
  };
}

/** Builds a talk that visits three subjects twice, in the order A B C A B C. */
function twiceVisitedTalk(language: "zh" | "en"): TranscriptFile {
  const vocabularies = Object.values(language === "zh" ? CHINESE_VOCABULARIES : ENGLISH_VOCABULARIES);
  return buildSectionedTranscript(language, [...vocabularies, ...vocabularies], 90).transcript;
}

function assertWellFormed(run: AnalysisRun, language: "zh" | "en"): void {
  for (const topic of run.scored) {
    assert.ok(topic.final_score >= 0, `score ${topic.final_score} is at least 0`);
    assert.ok(topic.final_score <= 1, `score ${topic.final_score} is at most 1`);
    assert.notEqual(topic.recommend_reason, "");
    assert.equal(
      countCjkCharacters(topic.recommend_reason) > 0,
      language === "zh",
      `reason language: ${topic.recommend_reason}`,
    );
  }

  const titles = run.titled.map((topic) => topic.generated_title);
  assert.equal(
    new Set(titles.map((title) => title.toLowerCase())).size,
    titles.length,
    `distinct titles: ${titles}`,
  );
  for (const title of titles) {
    assert.notEqual(title.trim(), "");
    assert.equal(countCjkCharacters(title) > 0, language === "zh", `title language: ${title}`);
  }

  const clipIds = new Set(run.titled.map((topic) => topic.id));
  const startOf = new Map(run.titled.map((topic) => [topic.id, topic.start_time]));
  run.collections.forEach((collection, index) => {
    assert.equal(collection.id, String(index + 1));
    assert.ok(collection.clip_ids.length >= OPTIONS.minCollectionSize, `collection ${collection.id} size`);
    assert.notEqual(collection.collection_title, "");
    assert.notEqual(collection.collection_summary, "");
    for (const id of collection.clip_ids) assert.ok(clipIds.has(id), `clip ${id} exists`);
    const starts = collection.clip_ids.map((id) => startOf.get(id) ?? 0);
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => a - b),
      `collection ${collection.id} in time order`,
    );
  });
}

describe("embedded analyzer", () => {
  for (const language of ["en", "zh"] as const) {
    test(`${language} talk end to end`, async () => {
      const run = await analyze(twiceVisitedTalk(language));
      assertWellFormed(run, language);
      assert.ok(run.titled.length >= 3, `${run.titled.length} clips kept`);
      assert.ok(run.collections.length >= 1, "at least one collection");
      assert.ok(Math.max(...run.scored.map((topic) => topic.final_score)) >= 0.7, "best topic scores high");
    });

    test(`${language} collections group one subject`, async () => {
      const transcript = twiceVisitedTalk(language);
      const run = await analyze(transcript, { ...OPTIONS, scoreThreshold: 0 });
      const vocabularies = Object.values(language === "zh" ? CHINESE_VOCABULARIES : ENGLISH_VOCABULARIES);
      const subjectOf = (id: string) => {
        const topic = run.titled.find((clip) => clip.id === id) as TitledTopic;
        const text = transcript.cues
          .slice(topic.start_cue, topic.end_cue + 1)
          .map((cue) => cue.text)
          .join(" ");
        return vocabularies.findIndex((words) => words.some((word) => text.includes(word)));
      };
      assert.ok(run.collections.length >= 2, `${run.collections.length} collections`);
      for (const collection of run.collections) {
        assert.equal(
          new Set(collection.clip_ids.map(subjectOf)).size,
          1,
          `collection ${collection.id} mixes subjects`,
        );
      }
    });
  }

  test("deterministic across runs", async () => {
    for (const language of ["en", "zh"] as const) {
      const first = await analyze(twiceVisitedTalk(language));
      const second = await analyze(twiceVisitedTalk(language));
      assert.deepEqual(second, first);
    }
  });

  test("three unrelated clips still get a collection", async () => {
    const analyzer = createEmbeddedAnalyzer();
    const cues = Object.values(ENGLISH_VOCABULARIES).flatMap((words, section) =>
      words.map((word, index) => ({
        start: section * 60 + index * 6,
        end: section * 60 + index * 6 + 5,
        text: `${word}.`,
      })),
    );
    const transcript: TranscriptFile = { source: "a.srt", format: "srt", language: "en", cues };
    const topics = toTimedTopics(
      [0, 1, 2].map((index) => ({
        outline: "",
        start_cue: index * 10,
        end_cue: index * 10 + 9,
        content: [],
      })),
      cues,
    );
    const scored = await analyzer.score(topics, transcript, OPTIONS);
    const titled = await analyzer.title(scored, transcript, OPTIONS);
    const collections = await analyzer.collections(titled, transcript, OPTIONS);
    assert.equal(collections.length, 1);
    assert.equal(collections[0]?.clip_ids.length, 2);
    assert.match(collections[0]?.collection_summary ?? "", /share little vocabulary/);
  });

  test("fewer clips than the minimum collection size", async () => {
    const analyzer = createEmbeddedAnalyzer();
    const { transcript } = buildSectionedTranscript("en", [ENGLISH_VOCABULARIES.coffee], 60);
    const topics = toTimedTopics([{ outline: "", start_cue: 0, end_cue: 14, content: [] }], transcript.cues);
    const scored = await analyzer.score(topics, transcript, OPTIONS);
    const titled = await analyzer.title(scored, transcript, OPTIONS);
    assert.equal(
      scored[0]?.final_score !== undefined && scored[0].final_score >= 0.7,
      true,
      "a single topic scores high",
    );
    assert.deepEqual(await analyzer.collections(titled, transcript, OPTIONS), []);
  });

  test("empty input", async () => {
    const analyzer = createEmbeddedAnalyzer();
    const transcript: TranscriptFile = { source: "a.srt", format: "srt", language: "en", cues: [] };
    assert.deepEqual(await analyzer.outline(transcript, OPTIONS), []);
    assert.deepEqual(await analyzer.score([], transcript, OPTIONS), []);
    assert.deepEqual(await analyzer.title([], transcript, OPTIONS), []);
    assert.deepEqual(await analyzer.collections([], transcript, OPTIONS), []);
  });

  test("aborted signal rejects", async () => {
    const controller = new AbortController();
    controller.abort(new Error("shutting down"));
    const transcript = twiceVisitedTalk("en");
    await assert.rejects(
      createEmbeddedAnalyzer().outline(transcript, { ...OPTIONS, signal: controller.signal }),
      /shutting down/,
    );
  });

  test("chinese demo talk", { skip: !existsSync(DEMO) && "samples/talk.zh.srt missing" }, async () => {
    const transcript = readTranscript(DEMO);
    assert.equal(transcript.language, "zh");
    const run = await analyze(transcript);
    assertWellFormed(run, "zh");
    assert.ok(run.titled.length >= 3, `${run.titled.length} clips kept`);
    assert.ok(run.collections.length >= 1, `${run.collections.length} collections`);
  });

  test("real talks", { skip: !existsSync(FIXTURES) && "fixtures folder missing" }, async () => {
    const files = [
      "real/3b1b/2017-bitcoin/en.captions.srt",
      "real/3b1b/2017-bitcoin/zh-Hans.china_community.srt",
      "real/3b1b/2024-gpt/zh-Hans.captions.srt",
      "real/karpathy-zero-to-hero/en.whisper.makemore5.vtt",
      "real/en__cmu15213-lec13-linking__youtube-auto.srt",
      "real/zh__pie-podcast-ep10__whisper-autotranscribe-0based-dotms.srt",
    ];
    for (const file of files) {
      const transcript = readTranscript(`${FIXTURES}/${file}`);
      const run = await analyze(transcript);
      assertWellFormed(run, transcript.language);

      const keptShare = run.titled.length / run.scored.length;
      assert.ok(
        keptShare >= 0.4 && keptShare <= 0.9,
        `${file}: kept ${run.titled.length} of ${run.scored.length}`,
      );
      assert.ok(run.collections.length >= 1, `${file}: ${run.collections.length} collections`);
    }
  });

  test("timing on the longest real file", {
    skip: !existsSync(FIXTURES) && "fixtures folder missing",
  }, async (context) => {
    const files = readdirSync(FIXTURES, { recursive: true, withFileTypes: true })
      .filter(
        (entry) => entry.isFile() && /\.(srt|vtt)$/.test(entry.name) && !entry.parentPath.includes("mozilla"),
      )
      .map((entry) => path.join(entry.parentPath, entry.name));
    const transcripts = files.map((file) => {
      try {
        return readTranscript(file);
      } catch {
        return { source: file, format: "srt", language: "en" as const, cues: [] };
      }
    });
    const longest = transcripts.reduce((best, transcript) =>
      transcript.cues.length > best.cues.length ? transcript : best,
    );

    const started = performance.now();
    await analyze(longest);
    const milliseconds = performance.now() - started;

    const source = files[transcripts.indexOf(longest)] ?? "";
    context.diagnostic(
      `analyzed ${path.relative(FIXTURES, source)} (${longest.cues.length} cues, ${statSync(source).size} bytes) in ${milliseconds.toFixed(0)} ms`,
    );
  });
});
