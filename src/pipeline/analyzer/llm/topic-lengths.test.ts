import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Cue, Topic } from "../../../../schemas/step-files.ts";
import { spanSeconds } from "./chunks.ts";
import { fitTopicLengths } from "./topic-lengths.ts";

const LIMITS = { minSeconds: 30, maxSeconds: 120 };

/** Cues of ten seconds each; every third one ends a sentence. */
const cues: Cue[] = Array.from({ length: 60 }, (_, index) => ({
  start: index * 10,
  end: index * 10 + 10,
  text: index % 3 === 2 ? `and that ends point ${index}.` : `words of cue ${index}`,
}));

function topic(start: number, end: number, content: string[] = []): Topic {
  return { outline: "A topic", start_cue: start, end_cue: end, content };
}

function assertContiguous(topics: Topic[], first: number, last: number): void {
  assert.equal(topics[0]?.start_cue, first);
  assert.equal(topics.at(-1)?.end_cue, last);
  for (const [index, current] of topics.entries()) {
    const previous = topics[index - 1];
    if (previous) assert.equal(current.start_cue, previous.end_cue + 1, `topic ${index} follows`);
  }
}

describe("fitTopicLengths", () => {
  test("long topic split at sentence ends", () => {
    const fitted = fitTopicLengths([topic(0, 59, ["and that ends point 50."])], cues, LIMITS, "en");

    assertContiguous(fitted, 0, 59);
    assert.ok(fitted.length >= 5, `${fitted.length} pieces`);
    for (const piece of fitted) {
      const seconds = spanSeconds(cues, piece.start_cue, piece.end_cue);
      assert.ok(seconds <= LIMITS.maxSeconds, `${seconds} s is at most the maximum`);
      assert.ok(seconds >= LIMITS.minSeconds, `${seconds} s is at least the minimum`);
      assert.equal(piece.end_cue % 3, 2, `piece ending at cue ${piece.end_cue} ends a sentence`);
    }
    assert.match(fitted[0]?.outline ?? "", /^A topic \(1\/\d\)$/);
    const withKey = fitted.filter((piece) => piece.content.includes("and that ends point 50."));
    assert.equal(withKey.length, 1, "the key sentence stays with its piece");
    assert.ok((withKey[0]?.start_cue ?? 99) <= 50, "the piece with the key sentence starts before cue 50");
    assert.ok((withKey[0]?.end_cue ?? 0) >= 50, "the piece with the key sentence ends after cue 50");
  });

  test("captions without punctuation split at pauses", () => {
    const captions: Cue[] = Array.from({ length: 60 }, (_, index) => ({
      start: index * 10,
      end: index * 10 + (index % 5 === 2 ? 8 : 9.9),
      text: `words of caption ${index}`,
    }));

    const fitted = fitTopicLengths([topic(0, 59)], captions, LIMITS, "en");

    assertContiguous(fitted, 0, 59);
    assert.ok(fitted.length >= 5, `${fitted.length} pieces`);
    for (const piece of fitted.slice(0, -1)) {
      assert.equal(piece.end_cue % 5, 2, `piece ending at cue ${piece.end_cue} is before a pause`);
    }
  });

  test("short topic joins shorter neighbour", () => {
    const fitted = fitTopicLengths([topic(0, 8), topic(9, 10), topic(11, 13)], cues, LIMITS, "en");
    assert.deepEqual(
      fitted.map((item) => [item.start_cue, item.end_cue]),
      [
        [0, 8],
        [9, 13],
      ],
    );
  });

  test("short topic stays when joins are too long", () => {
    const limits = { minSeconds: 30, maxSeconds: 115 };
    const fitted = fitTopicLengths([topic(0, 10), topic(11, 11), topic(12, 22)], cues, limits, "en");
    assert.equal(fitted.length, 3);
  });

  test("chinese pieces are numbered", () => {
    const fitted = fitTopicLengths([{ ...topic(0, 29), outline: "话题" }], cues, LIMITS, "zh");
    assert.match(fitted[0]?.outline ?? "", /^话题（1\/\d）$/);
  });

  test("single long cue stays whole", () => {
    const long: Cue[] = [{ start: 0, end: 500, text: "one long cue." }];
    assert.deepEqual(fitTopicLengths([topic(0, 0)], long, LIMITS, "en"), [topic(0, 0)]);
  });
});
