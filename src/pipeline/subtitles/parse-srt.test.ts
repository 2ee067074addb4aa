import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseSrt } from "./parse-srt.ts";
import { parseTimingLine } from "./timestamp.ts";

function times(text: string): Array<[number, number]> {
  return parseSrt(text).cues.map((cue) => [cue.start, cue.end]);
}

function texts(text: string): string[] {
  return parseSrt(text).cues.map((cue) => cue.text);
}

describe("parseTimingLine", () => {
  const cases: Array<[string, [number, number] | null]> = [
    ["00:00:01,000 --> 00:00:04,000", [1, 4]],
    ["00:00:01.500 --> 00:00:04.250", [1.5, 4.25]],
    ["00:00:00.05 --> 00:00:02.00", [0.05, 2]],
    ["00:00:01,5 --> 00:00:02,25", [1.5, 2.25]],
    ["00:00:04,560.0000000000009 --> 00:00:06,000.0000000001", [4.56, 6]],
    ["0:0:3,120 --> 0:00:6,040", [3.12, 6.04]],
    ["01:02:03,004 --> 01:02:05,000", [3723.004, 3725]],
    ["00:00:01 --> 00:00:10", [1, 10]],
    ["00:01.000 --> 00:04.000 align:start position:10%", [1, 4]],
    ["00:00.000 --> 00:01.000line:40%", [0, 1]],
    ["00:00:21,501 --> 00:00:22,500  X1:000 X2:000 Y1:050 Y2:100", [21.501, 22.5]],
    ["120:00:00.000 --> 120:00:10.000", [432000, 432010]],
    ["00.00.000 --> 00:02.000", null],
    ["MALFORMED -->", null],
    ["just text", null],
  ];
  for (const [line, expected] of cases) {
    test(`reads ${line}`, () => {
      const timing = parseTimingLine(line);
      assert.deepEqual(timing && [timing.start, timing.end], expected);
    });
  }
});

describe("parseSrt", () => {
  test("crlf and numbered cues", () => {
    const text =
      "1\r\n00:00:01,000 --> 00:00:02,000\r\nHello\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nWorld\r\n";
    assert.deepEqual(texts(text), ["Hello", "World"]);
    assert.deepEqual(times(text), [
      [1, 2],
      [3, 4],
    ]);
  });

  test("lone carriage returns", () => {
    assert.deepEqual(
      texts("1\r00:00:01,000 --> 00:00:02,000\rHello\r\r2\r00:00:03,000 --> 00:00:04,000\rWorld\r"),
      ["Hello", "World"],
    );
  });

  test("missing numbering", () => {
    const text = "00:00:01,000 --> 00:00:02,000\nOne\n\n00:00:03,000 --> 00:00:04,000\nTwo\n";
    assert.deepEqual(texts(text), ["One", "Two"]);
  });

  test("gapped and zero-based numbering", () => {
    const text =
      "0\n00:00:01,000 --> 00:00:02,000\nZero\n\n7\n00:00:03,000 --> 00:00:04,000\nSeven\n\n3\n00:00:05,000 --> 00:00:06,000\nThree\n";
    assert.deepEqual(texts(text), ["Zero", "Seven", "Three"]);
  });

  test("blank line inside a cue continues it", () => {
    const text =
      "1\n00:00:01,000 --> 00:00:02,000\nFirst line\n\nsecond line\n\n2\n00:00:03,000 --> 00:00:04,000\nNext\n";
    assert.deepEqual(texts(text), ["First line\nsecond line", "Next"]);
  });

  test("number line of text stays text", () => {
    const text =
      "1\n00:00:01,000 --> 00:00:02,000\nThe answer is\n\n42\n\n2\n00:00:03,000 --> 00:00:04,000\nNext\n";
    assert.deepEqual(texts(text), ["The answer is\n42", "Next"]);
  });

  test("index without blank line before it", () => {
    const text = "1\n00:00:01,000 --> 00:00:02,000\nOne\n2\n00:00:03,000 --> 00:00:04,000\nTwo\n";
    assert.deepEqual(texts(text), ["One", "Two"]);
  });

  test("empty and zero-length cues are kept for the caller", () => {
    const text = "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:03,000 --> 00:00:03,000\nHidden\n";
    const result = parseSrt(text);
    assert.equal(result.cues.length, 2);
    assert.equal(result.cues[0]?.text, "");
    assert.equal(result.cues[1]?.start, result.cues[1]?.end);
  });

  test("unreadable timing line drops its cue", () => {
    const text =
      "1\n00:00:01,000 --> 00:00:02,000\nGood\n\n2\n00:00:xx,000 --> 00:00:04,000\nBad\n\n3\n00:00:05,000 --> 00:00:06,000\nAlso good\n";
    const result = parseSrt(text);
    assert.deepEqual(
      result.cues.map((cue) => cue.text),
      ["Good", "Also good"],
    );
    assert.equal(result.timingLines, 3);
    assert.match(
      result.warnings.join("\n"),
      /dropped 1 cue\(s\) whose timing line could not be read: line 6/,
    );
  });

  test("text before the first cue is counted", () => {
    const result = parseSrt("garbage\n\n1\n00:00:01,000 --> 00:00:02,000\nHello\n");
    assert.deepEqual(
      result.cues.map((cue) => cue.text),
      ["Hello"],
    );
    assert.match(result.warnings.join("\n"), /ignored 1 text line/);
  });

  test("line numbers point at timing lines", () => {
    const result = parseSrt("1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:03,000 --> 00:00:04,000\nB\n");
    assert.deepEqual(
      result.cues.map((cue) => cue.line),
      [2, 6],
    );
  });

  test("no timing lines", () => {
    const result = parseSrt("Hello world\nno cues here\n");
    assert.equal(result.cues.length, 0);
    assert.equal(result.timingLines, 0);
  });
});
