import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Topic, TranscriptFile } from "../../../../schemas/step-files.ts";
import type { AnalyzerOptions } from "../types.ts";
import { outlineTopics } from "./segment.ts";
import { buildSectionedTranscript, CHINESE_VOCABULARIES, ENGLISH_VOCABULARIES } from "./test-transcripts.ts";

const OPTIONS: AnalyzerOptions = {
  minClipSeconds: 30,
  maxClipSeconds: 300,
  scoreThreshold: 0.5,
  minCollectionSize: 2,
};

/** Largest distance in seconds between a true topic change and the nearest boundary found. */
const TOLERANCE_SECONDS = 10;

function assertCoversTranscript(topics: Topic[], transcript: TranscriptFile): void {
  assert.equal(topics[0]?.start_cue, 0, "first topic starts at cue 0");
  assert.equal(topics.at(-1)?.end_cue, transcript.cues.length - 1, "last topic ends at the last cue");
  topics.forEach((topic, index) => {
    assert.ok(topic.end_cue >= topic.start_cue, `topic ${index} is not reversed`);
    if (index > 0)
      assert.equal(topic.start_cue, (topics[index - 1]?.end_cue ?? 0) + 1, `topic ${index} follows on`);
  });
}

function durations(topics: Topic[], transcript: TranscriptFile): number[] {
  return topics.map(
    (topic) => (transcript.cues[topic.end_cue]?.end ?? 0) - (transcript.cues[topic.start_cue]?.start ?? 0),
  );
}

function boundaryTimes(topics: Topic[], transcript: TranscriptFile): number[] {
  return topics.slice(1).map((topic) => transcript.cues[topic.start_cue]?.start ?? 0);
}

describe("outlineTopics", () => {
  for (const [language, vocabularies] of [
    ["en", ENGLISH_VOCABULARIES],
    ["zh", CHINESE_VOCABULARIES],
  ] as const) {
    test(`${language} boundaries near vocabulary changes`, () => {
      const sections = Object.values(vocabularies);
      const { transcript, changes } = buildSectionedTranscript(language, sections, 120);
      const topics = outlineTopics(transcript, OPTIONS);

      assertCoversTranscript(topics, transcript);
      const boundaries = boundaryTimes(topics, transcript);
      for (const change of changes) {
        const nearest = Math.min(...boundaries.map((boundary) => Math.abs(boundary - change)));
        assert.ok(
          nearest <= TOLERANCE_SECONDS,
          `a boundary within ${TOLERANCE_SECONDS} s of ${change} s: ${boundaries}`,
        );
      }
      for (const seconds of durations(topics, transcript)) {
        assert.ok(
          seconds >= OPTIONS.minClipSeconds && seconds <= OPTIONS.maxClipSeconds,
          `topic of ${seconds} s`,
        );
      }
    });
  }

  test("long single subject is split under max", () => {
    const { transcript } = buildSectionedTranscript("en", [ENGLISH_VOCABULARIES.coffee], 900);
    const topics = outlineTopics(transcript, OPTIONS);
    assertCoversTranscript(topics, transcript);
    assert.ok(topics.length >= 3, `${topics.length} topics`);
    for (const seconds of durations(topics, transcript))
      assert.ok(seconds <= OPTIONS.maxClipSeconds, `topic of ${seconds} s`);
  });

  test("custom limits respected", () => {
    const options = { ...OPTIONS, minClipSeconds: 60, maxClipSeconds: 100 };
    const { transcript } = buildSectionedTranscript("en", Object.values(ENGLISH_VOCABULARIES), 150);
    const topics = outlineTopics(transcript, options);
    assertCoversTranscript(topics, transcript);
    for (const seconds of durations(topics, transcript)) {
      assert.ok(seconds >= 60, `topic of ${seconds} s is at least 60 s`);
      assert.ok(seconds <= 100, `topic of ${seconds} s is at most 100 s`);
    }
  });

  test("boundaries prefer sentence ends", () => {
    const { transcript } = buildSectionedTranscript("en", Object.values(ENGLISH_VOCABULARIES), 120);
    // Break every sentence over two cues, so only every other cue ends a sentence.
    const cues = transcript.cues.flatMap((cue) => {
      const middle = (cue.start + cue.end) / 2;
      const words = cue.text.split(" ");
      const half = Math.ceil(words.length / 2);
      return [
        { start: cue.start, end: middle, text: words.slice(0, half).join(" ") },
        { start: middle, end: cue.end, text: words.slice(half).join(" ") },
      ];
    });
    const split = { ...transcript, cues };
    for (const topic of outlineTopics(split, OPTIONS).slice(1)) {
      assert.match(
        cues[topic.start_cue - 1]?.text ?? "",
        /[.?]$/,
        `cue before cue ${topic.start_cue} ends a sentence`,
      );
    }
  });

  test("transcript shorter than min is one topic", () => {
    const { transcript } = buildSectionedTranscript("en", [ENGLISH_VOCABULARIES.garden], 20);
    const topics = outlineTopics(transcript, OPTIONS);
    assert.equal(topics.length, 1);
    assertCoversTranscript(topics, transcript);
  });

  test("single cue longer than max stays whole", () => {
    const transcript: TranscriptFile = {
      source: "a.srt",
      format: "srt",
      language: "en",
      cues: [
        { start: 0, end: 400, text: "A very long cue about the telescope." },
        { start: 401, end: 440, text: "Then the galaxy." },
      ],
    };
    const topics = outlineTopics(transcript, OPTIONS);
    assertCoversTranscript(topics, transcript);
  });

  test("empty transcript", () => {
    assert.deepEqual(
      outlineTopics({ source: "a.srt", format: "srt", language: "en", cues: [] }, OPTIONS),
      [],
    );
  });

  test("outline and content filled", () => {
    const { transcript } = buildSectionedTranscript("zh", Object.values(CHINESE_VOCABULARIES), 120);
    for (const topic of outlineTopics(transcript, OPTIONS)) {
      assert.notEqual(topic.outline, "");
      assert.ok(
        topic.content.length >= 1 && topic.content.length <= 3,
        `${topic.content.length} key sentences`,
      );
    }
  });
});
