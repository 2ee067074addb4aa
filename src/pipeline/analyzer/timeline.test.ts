import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TimelineError, toTimedTopics } from "./timeline.ts";

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
