import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseSbv, parseSbvTiming } from "./parse-sbv.ts";

describe("parseSbvTiming", () => {
  const cases: Array<[string, [number, number] | null]> = [
    ["0:00:00.599,0:00:04.160", [0.599, 4.16]],
    ["1:02:03.500,1:02:04.000", [3723.5, 3724]],
    ["00:04:35.03,00:04:38.82", [275.03, 278.82]],
    ["0:00:01.000 , 0:00:02.000", [1, 2]],
    ["0:00:01.000 --> 0:00:02.000", null],
    ["Hello, world", null],
  ];
  for (const [line, expected] of cases) {
    test(`reads ${line}`, () => {
      const timing = parseSbvTiming(line);
      assert.deepEqual(timing && [timing.start, timing.end], expected);
    });
  }
});

describe("parseSbv", () => {
  test("cues with line breaks", () => {
    const text = [
      "0:00:00.599,0:00:04.160",
      ">> ALICE: Hi, my name is Alice[br]and this is John",
      "",
      "0:00:04.160,0:00:06.770",
      "Two",
      "lines",
      "",
    ].join("\n");
    const result = parseSbv(text);
    assert.deepEqual(
      result.cues.map((cue) => [cue.start, cue.end, cue.text]),
      [
        [0.599, 4.16, ">> ALICE: Hi, my name is Alice\nand this is John"],
        [4.16, 6.77, "Two\nlines"],
      ],
    );
    assert.equal(result.timingLines, 2);
  });

  test("numbers stay text", () => {
    const result = parseSbv("0:00:01.000,0:00:02.000\n42\n\n0:00:03.000,0:00:04.000\nNext\n");
    assert.deepEqual(
      result.cues.map((cue) => cue.text),
      ["42", "Next"],
    );
  });
});
