import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseAss, parseAssTime } from "./parse-ass.ts";

const ASS_SCRIPT = [
  "[Script Info]",
  "ScriptType: v4.00+",
  "",
  "[Aegisub Project Garbage]",
  "Video File: talk.mp4",
  "Dialogue: 0,0:00:00.00,0:00:01.00,Default,,0,0,0,,not an event",
  "",
  "[V4+ Styles]",
  "Format: Name, Fontname, Fontsize",
  "Style: Default,Arial,20",
  "",
  "[Events]",
  "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
  "Comment: 0,0:00:00.50,0:00:01.00,Default,,0,0,0,,a translator's note",
  "Dialogue: 0,0:00:01.50,0:00:04.25,Default,,0,0,0,,Well, first, we cut the clip, then join it",
  "Dialogue: 1,1:02:03.04,1:02:05.00,Default,Alice,0,0,0,,{\\i1}Second{\\i0}\\Nline",
  "",
  "[Fonts]",
  "fontname: Garamond_0.ttf",
  '[!VI(#-9($L/(RQ9*B=Q("9"2C!0.!5("TV8$!M/\'$5X$1U;(4MF2"=P#1Y]\'310$C!(""%C%3A,,SU*',
  "",
].join("\n");

describe("parseAssTime", () => {
  const cases: Array<[string, number | null]> = [
    ["0:00:01.18", 1.18],
    ["1:02:03.04", 3723.04],
    ["0:00:01.5", 1.5],
    ["0:00:01.123", 1.123],
    ["10:00:00.00", 36000],
    ["0:00:01", 1],
    ["00:01.00", null],
    ["abc", null],
  ];
  for (const [value, expected] of cases) {
    test(`reads ${value}`, () => {
      assert.equal(parseAssTime(value), expected);
    });
  }
});

describe("parseAss", () => {
  test("dialogue lines of the events section", () => {
    const result = parseAss(ASS_SCRIPT);
    assert.deepEqual(
      result.cues.map((cue) => [cue.start, cue.end, cue.text]),
      [
        [1.5, 4.25, "Well, first, we cut the clip, then join it"],
        [3723.04, 3725, "{\\i1}Second{\\i0}\\Nline"],
      ],
    );
    assert.equal(result.timingLines, 2);
    assert.deepEqual(result.warnings, []);
  });

  test("line numbers point at dialogue lines", () => {
    assert.deepEqual(
      parseAss(ASS_SCRIPT).cues.map((cue) => cue.line),
      [15, 16],
    );
  });

  test("format line decides the field order", () => {
    const text = [
      "[Events]",
      "Format: Start, End, Text",
      "Dialogue: 0:00:02.00,0:00:03.00,Short, with a comma",
    ].join("\n");
    assert.deepEqual(
      parseAss(text).cues.map((cue) => [cue.start, cue.end, cue.text]),
      [[2, 3, "Short, with a comma"]],
    );
  });

  test("ssa v4 marked field", () => {
    const text = [
      " [Script Info]",
      " ScriptType: v4.00",
      " [Events]",
      " Format: Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
      " Dialogue: Marked=0,0:00:01.18,0:00:06.85,DefaultVCD, NTP,0000,0000,0000,,{\\pos(400,570)}Like an angel",
    ].join("\n");
    assert.deepEqual(
      parseAss(text).cues.map((cue) => [cue.start, cue.end, cue.text]),
      [[1.18, 6.85, "{\\pos(400,570)}Like an angel"]],
    );
  });

  test("events without a format line", () => {
    const text = "[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,Default,,0,0,0,,Hello\n";
    assert.equal(parseAss(text).cues[0]?.text, "Hello");
  });

  test("unreadable times are dropped with a warning", () => {
    const text = [
      "[Events]",
      "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
      "Dialogue: 0,0:00:xx.00,0:00:02.00,Default,,0,0,0,,Bad",
      "Dialogue: 0,0:00:03.00",
      "Dialogue: 0,0:00:04.00,0:00:05.00,Default,,0,0,0,,Good",
    ].join("\n");
    const result = parseAss(text);
    assert.deepEqual(
      result.cues.map((cue) => cue.text),
      ["Good"],
    );
    assert.equal(result.timingLines, 3);
    assert.match(result.warnings.join("\n"), /dropped 2 Dialogue line\(s\).*line 3, 4/);
  });

  test("no events section", () => {
    const result = parseAss("[Script Info]\nTitle: nothing\n");
    assert.equal(result.cues.length, 0);
    assert.equal(result.timingLines, 0);
  });
});
