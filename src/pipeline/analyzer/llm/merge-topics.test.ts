import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Cue } from "../../../../schemas/step-files.ts";
import { fillGaps, mergeCandidates, type TopicCandidate, touchesChunkCut } from "./merge-topics.ts";

function candidate(start: number, end: number, chunkIndex: number, touchesCut = false): TopicCandidate {
  return { outline: `${start}-${end}`, start_cue: start, end_cue: end, content: [], chunkIndex, touchesCut };
}

function ranges(topics: Array<{ start_cue: number; end_cue: number }>): Array<[number, number]> {
  return topics.map((topic) => [topic.start_cue, topic.end_cue]);
}

/** Cues of ten seconds each, every one ending a sentence. */
const cues: Cue[] = Array.from({ length: 30 }, (_, index) => ({
  start: index * 10,
  end: index * 10 + 9,
  text: `Sentence number ${index} ends here.`,
}));

describe("mergeCandidates", () => {
  test("same range from two chunks", () => {
    const merged = mergeCandidates([candidate(0, 9, 0), candidate(10, 19, 0), candidate(10, 19, 1)]);

    assert.deepEqual(ranges(merged.topics), [
      [0, 9],
      [10, 19],
    ]);
    assert.equal(merged.dropped, 1);
    assert.equal(merged.topics[1]?.outline, "10-19");
  });

  test("cut candidate loses to whole one", () => {
    const merged = mergeCandidates([
      candidate(0, 7, 0),
      candidate(8, 19, 0, true),
      candidate(10, 19, 1),
      candidate(20, 29, 1),
    ]);

    assert.deepEqual(ranges(merged.topics), [
      [0, 7],
      [10, 19],
      [20, 29],
    ]);
  });

  test("longer wins when neither is cut", () => {
    const merged = mergeCandidates([candidate(8, 12, 0), candidate(10, 19, 1)]);
    assert.deepEqual(ranges(merged.topics), [[10, 19]]);
  });

  test("small overlap trims the loser", () => {
    const merged = mergeCandidates([
      candidate(0, 23, 0),
      candidate(24, 29, 0, true),
      candidate(26, 28, 1, true),
      candidate(29, 40, 1),
    ]);

    assert.deepEqual(ranges(merged.topics), [
      [0, 23],
      [24, 28],
      [29, 40],
    ]);
    assert.equal(merged.topics[1]?.outline, "24-29", "the trimmed topic keeps its outline");
    assert.equal(merged.dropped, 1);
    assert.equal(merged.trimmed, 1);
  });

  test("result never overlaps", () => {
    const merged = mergeCandidates([
      candidate(0, 6, 0),
      candidate(7, 15, 0, true),
      candidate(5, 12, 1, true),
      candidate(13, 20, 1),
      candidate(18, 25, 2),
    ]);

    for (const [index, topic] of merged.topics.entries()) {
      const previous = merged.topics[index - 1];
      if (previous) assert.ok(topic.start_cue > previous.end_cue, `topic ${index} overlaps`);
    }
  });
});

describe("touchesChunkCut", () => {
  const chunk = { index: 1, firstCue: 10, lastCue: 19 };

  test("edges of a middle chunk", () => {
    assert.equal(touchesChunkCut({ start_cue: 10, end_cue: 12 }, chunk, 3), true);
    assert.equal(touchesChunkCut({ start_cue: 15, end_cue: 19 }, chunk, 3), true);
    assert.equal(touchesChunkCut({ start_cue: 11, end_cue: 18 }, chunk, 3), false);
  });

  test("transcript ends are not cuts", () => {
    assert.equal(
      touchesChunkCut({ start_cue: 0, end_cue: 3 }, { index: 0, firstCue: 0, lastCue: 9 }, 2),
      false,
    );
    assert.equal(touchesChunkCut({ start_cue: 15, end_cue: 19 }, chunk, 2), false);
  });
});

describe("fillGaps", () => {
  const topic = (start: number, end: number) => ({
    outline: "t",
    start_cue: start,
    end_cue: end,
    content: [],
  });

  test("short gaps join neighbours", () => {
    const filled = fillGaps([topic(1, 10), topic(12, 27)], cues, 30, "en");
    assert.deepEqual(ranges(filled), [
      [0, 11],
      [12, 29],
    ]);
  });

  test("long gap becomes a topic", () => {
    const filled = fillGaps([topic(0, 5), topic(12, 29)], cues, 30, "en");

    assert.deepEqual(ranges(filled), [
      [0, 5],
      [6, 11],
      [12, 29],
    ]);
    assert.equal(filled[1]?.outline, "Sentence number 6 ends here.");
    assert.deepEqual(filled[1]?.content, ["Sentence number 6 ends here."]);
  });

  test("no topics covers everything", () => {
    assert.deepEqual(ranges(fillGaps([], cues, 30, "en")), [[0, 29]]);
  });

  test("input is not changed", () => {
    const topics = [topic(1, 10)];
    fillGaps(topics, cues, 30, "en");
    assert.deepEqual(ranges(topics), [[1, 10]]);
  });
});
