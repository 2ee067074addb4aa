import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  buildTimeline,
  padTopics,
  snapToSentences,
  splitOverlongTopics,
  TimelineError,
  toTimedTopics,
} from "./timeline.ts";

const cues = [
  { start: 1, end: 2, text: "a" },
  { start: 3, end: 4, text: "b" },
  { start: 5, end: 7, text: "c" },
];

describe("toTimedTopics", () => {
  test("times from cue boundaries", () => {
    const timed = toTimedTopics(
      [
        { outline: "x", start_cue: 0, end_cue: 1, content: [] },
        { outline: "y", start_cue: 2, end_cue: 2, content: ["c"] },
      ],
      cues,
    );
    assert.deepEqual(timed, [
      {
        outline: "x",
        start_cue: 0,
        end_cue: 1,
        content: [],
        id: "1",
        chunk_index: 0,
        start_time: 1,
        end_time: 4,
      },
      {
        outline: "y",
        start_cue: 2,
        end_cue: 2,
        content: ["c"],
        id: "2",
        chunk_index: 0,
        start_time: 5,
        end_time: 7,
      },
    ]);
  });

  test("out-of-range topic raises TimelineError", () => {
    assert.throws(
      () => toTimedTopics([{ outline: "x", start_cue: 2, end_cue: 3, content: [] }], cues),
      (error: unknown) => error instanceof TimelineError && error.code === "TOPIC_OUT_OF_RANGE",
    );
  });

  test("reversed topic raises TimelineError", () => {
    assert.throws(
      () => toTimedTopics([{ outline: "x", start_cue: 2, end_cue: 1, content: [] }], cues),
      TimelineError,
    );
  });
});

/** Builds cues of 4 s each, with the given gaps in seconds after each cue (0 when missing). */
function timedCues(texts: string[], gaps: number[] = []) {
  let time = 0;
  return texts.map((text, index) => {
    const cue = { start: time, end: time + 4, text };
    time += 4 + (gaps[index] ?? 0);
    return cue;
  });
}

function topic(start: number, end: number) {
  return { outline: "t", start_cue: start, end_cue: end, content: [] };
}

function ranges(topics: Array<{ start_cue: number; end_cue: number }>) {
  return topics.map((item) => [item.start_cue, item.end_cue]);
}

const ENGLISH = timedCues([
  "We start with ledgers,",
  "which record payments.",
  "Signatures make them safe",
  "because nobody can forge them.",
  "Now the hash function",
  "turns any input into",
  "a fixed-size output.",
  "That is all.",
]);

const CHINESE = timedCues([
  "我们先说账本，",
  "它记录每一笔付款。",
  "签名让账本更安全，",
  "因为没有人能伪造签名！",
  "接下来看哈希函数，",
  "它把任意输入",
  "变成固定长度的输出。",
  "就这些。",
]);

describe("snapToSentences", () => {
  test("english shared cut moves to nearer sentence end", () => {
    const snapped = snapToSentences([topic(0, 2), topic(3, 7)], ENGLISH);
    assert.deepEqual(ranges(snapped), [
      [0, 1],
      [2, 7],
    ]);
  });

  test("chinese shared cut moves to nearer sentence end", () => {
    const snapped = snapToSentences([topic(0, 4), topic(5, 7)], CHINESE);
    assert.deepEqual(ranges(snapped), [
      [0, 3],
      [4, 7],
    ]);
  });

  test("aligned topics are marked", () => {
    const snapped = snapToSentences([topic(0, 2), topic(3, 7)], ENGLISH);
    assert.equal(snapped[0]?.sentence_aligned, true);
    assert.equal(snapped[1]?.sentence_aligned, true);
  });

  test("unpunctuated captions snap to pauses", () => {
    const cues = timedCues(
      ["so we start here", "and keep going", "until a pause", "then a new idea", "that goes on", "and ends"],
      [0, 0, 2, 0, 0],
    );
    const snapped = snapToSentences([topic(0, 3), topic(4, 5)], cues);
    assert.deepEqual(ranges(snapped), [
      [0, 2],
      [3, 5],
    ]);
  });

  test("topics stay contiguous", () => {
    const snapped = snapToSentences([topic(0, 2), topic(3, 5), topic(6, 7)], ENGLISH);
    for (let index = 1; index < snapped.length; index++) {
      assert.equal(snapped[index]?.start_cue, (snapped[index - 1]?.end_cue ?? -2) + 1, `topic ${index + 1}`);
    }
    assert.equal(snapped[0]?.start_cue, 0);
    assert.equal(snapped.at(-1)?.end_cue, 7);
  });

  test("lone topic grows to whole sentences", () => {
    const snapped = snapToSentences([topic(3, 4)], ENGLISH);
    assert.deepEqual(ranges(snapped), [[2, 6]]);
    assert.equal(snapped[0]?.sentence_aligned, true);
  });

  test("growth past max length goes inward", () => {
    const snapped = snapToSentences([topic(3, 5)], ENGLISH, { maxClipSeconds: 12 });
    assert.deepEqual(ranges(snapped), [[4, 6]]);
  });

  test("no sentence end leaves edge unaligned", () => {
    const cues = timedCues(["one", "two", "three", "four"]);
    const snapped = snapToSentences([topic(0, 1), topic(2, 3)], cues);
    assert.deepEqual(ranges(snapped), [
      [0, 1],
      [2, 3],
    ]);
    assert.equal(snapped[0]?.sentence_aligned, false);
  });

  test("edges stay on cue boundaries", () => {
    const snapped = toTimedTopics(snapToSentences([topic(0, 2), topic(3, 7)], ENGLISH), ENGLISH);
    const starts = new Set(ENGLISH.map((cue) => cue.start));
    const ends = new Set(ENGLISH.map((cue) => cue.end));
    for (const item of snapped) {
      assert.ok(starts.has(item.start_time), `start ${item.start_time} is a cue start`);
      assert.ok(ends.has(item.end_time), `end ${item.end_time} is a cue end`);
    }
  });
});

describe("splitOverlongTopics", () => {
  test("splits at the long pause between sentences", () => {
    const cues = timedCues(
      ["First idea.", "More of it.", "Still first.", "Second idea.", "More of that.", "Done."],
      [0, 0, 3, 0, 0],
    );
    const split = splitOverlongTopics([{ ...topic(0, 5), sentence_aligned: true }], cues, {
      minClipSeconds: 5,
      maxClipSeconds: 20,
    });
    assert.deepEqual(ranges(split), [
      [0, 2],
      [3, 5],
    ]);
    assert.equal(split[0]?.sentence_aligned, true);
  });

  test("never splits between a sentence's cues", () => {
    const split = splitOverlongTopics([{ ...topic(0, 7), sentence_aligned: true }], ENGLISH, {
      minClipSeconds: 4,
      maxClipSeconds: 20,
    });
    const sentenceStarts = new Set([0, 2, 4, 7]);
    for (const part of split)
      assert.ok(sentenceStarts.has(part.start_cue), `part starts at cue ${part.start_cue}`);
    assert.ok(split.length >= 2, `${split.length} parts`);
  });

  test("short topic is unchanged", () => {
    const split = splitOverlongTopics([{ ...topic(0, 1), sentence_aligned: true }], ENGLISH, {
      minClipSeconds: 1,
      maxClipSeconds: 60,
    });
    assert.deepEqual(ranges(split), [[0, 1]]);
  });
});

describe("padTopics", () => {
  const timed = toTimedTopics([topic(0, 1), topic(2, 3)], timedCues(["a.", "b.", "c.", "d."], [0, 2, 0]));

  test("clamps to zero and video end", () => {
    const padded = padTopics(timed, 5, 19);
    assert.equal(padded[0]?.start_time, 0);
    assert.equal(padded.at(-1)?.end_time, 19);
  });

  test("stops at the neighbor topic", () => {
    const padded = padTopics(timed, 5, 100);
    assert.equal(padded[0]?.end_time, timed[1]?.start_time);
    assert.equal(padded[1]?.start_time, timed[0]?.end_time);
  });

  test("zero padding keeps times", () => {
    assert.deepEqual(padTopics(timed, 0, 100), timed);
  });
});

describe("buildTimeline", () => {
  test("rejects out-of-range topic", () => {
    assert.throws(
      () => buildTimeline([topic(0, 9)], ENGLISH, { minClipSeconds: 1, maxClipSeconds: 60 }),
      TimelineError,
    );
  });

  test("pads snapped topics", () => {
    const timeline = buildTimeline([topic(0, 2), topic(3, 7)], ENGLISH, {
      minClipSeconds: 1,
      maxClipSeconds: 60,
      paddingSeconds: 1,
    });
    assert.deepEqual(ranges(timeline), [
      [0, 1],
      [2, 7],
    ]);
    assert.equal(timeline[0]?.start_time, 0);
    assert.equal(timeline[0]?.end_time, 8);
  });
});
