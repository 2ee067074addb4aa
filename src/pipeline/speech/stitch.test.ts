import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseSubtitle } from "../subtitles/index.ts";
import type { PlannedChunk } from "./chunk-plan.ts";
import { stitchSegments, toSrt } from "./stitch.ts";

const FIRST: PlannedChunk = { index: 0, start: 0, end: 11, keepFrom: 0, keepUntil: 10 };
const SECOND: PlannedChunk = {
  index: 1,
  start: 9,
  end: 20,
  keepFrom: 10,
  keepUntil: Number.POSITIVE_INFINITY,
};

describe("stitchSegments", () => {
  test("shifts onto the source timeline", () => {
    const cues = stitchSegments(
      [
        { plan: FIRST, segments: [{ start: 1, end: 3, text: "One." }] },
        { plan: SECOND, segments: [{ start: 3, end: 5, text: "Two." }] },
      ],
      20,
    );
    assert.deepEqual(cues, [
      { start: 1, end: 3, text: "One." },
      { start: 12, end: 14, text: "Two." },
    ]);
  });

  test("keeps an overlap sentence once", () => {
    const cues = stitchSegments(
      [
        { plan: FIRST, segments: [{ start: 9.2, end: 9.8, text: "Before the cut." }] },
        {
          plan: SECOND,
          segments: [
            { start: 0.2, end: 0.8, text: "before the cut" },
            { start: 1.3, end: 1.9, text: "After the cut." },
          ],
        },
      ],
      20,
    );
    assert.deepEqual(
      cues.map((cue) => cue.text),
      ["Before the cut.", "After the cut."],
    );
    assert.deepEqual(
      cues.map((cue) => [cue.start, cue.end]),
      [
        [9.2, 9.8],
        [10.3, 10.9],
      ],
    );
  });

  test("joins a sentence cut by the chunk edge", () => {
    const cues = stitchSegments(
      [
        { plan: FIRST, segments: [{ start: 8, end: 11, text: "A long sentence." }] },
        { plan: SECOND, segments: [{ start: 0, end: 4, text: "A long sentence." }] },
      ],
      20,
    );
    assert.deepEqual(cues, [{ start: 8, end: 13, text: "A long sentence." }]);
  });

  test("different text in the overlap is not merged", () => {
    const cues = stitchSegments(
      [
        { plan: FIRST, segments: [{ start: 8, end: 11, text: "A long sent" }] },
        { plan: SECOND, segments: [{ start: 0, end: 4, text: "ence that ends here." }] },
      ],
      20,
    );
    assert.deepEqual(cues, [{ start: 8, end: 11, text: "A long sent" }]);
  });

  test("clamps to the duration and cuts overlapping cues", () => {
    const cues = stitchSegments(
      [
        {
          plan: SECOND,
          segments: [
            { start: 1, end: 3, text: "First." },
            { start: 2.5, end: 4, text: "Second." },
            { start: 9, end: 14, text: "Past the end." },
          ],
        },
      ],
      19,
    );
    assert.deepEqual(cues, [
      { start: 10, end: 11.5, text: "First." },
      { start: 11.5, end: 13, text: "Second." },
      { start: 18, end: 19, text: "Past the end." },
    ]);
  });
});

describe("toSrt", () => {
  test("writes numbered cues the parser reads back", () => {
    const text = toSrt([
      { start: 0.5, end: 1.25, text: "Hello." },
      { start: 3661.001, end: 3662, text: "Line one\nline two" },
    ]);
    assert.match(
      text,
      /^1\n00:00:00,500 --> 00:00:01,250\nHello\.\n\n2\n01:01:01,001 --> 01:01:02,000\nLine one line two\n$/,
    );
    const parsed = parseSubtitle(new TextEncoder().encode(text), "transcript.srt");
    assert.deepEqual(
      parsed.cues.map((cue) => [cue.start, cue.end, cue.text]),
      [
        [0.5, 1.25, "Hello."],
        [3661.001, 3662, "Line one line two"],
      ],
    );
  });
});
