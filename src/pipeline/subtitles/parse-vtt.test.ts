import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseVtt } from "./parse-vtt.ts";

describe("parseVtt", () => {
  test("header, blocks, identifiers and settings", () => {
    const text = [
      "WEBVTT - a title",
      "Kind: captions",
      "",
      "STYLE",
      "::cue { color: papayawhip; }",
      "",
      "REGION",
      "id:fred width:40%",
      "",
      "NOTE this is a comment",
      "spanning two lines",
      "",
      "intro",
      "00:01.000 --> 00:04.000 align:start position:10%",
      "Hello <v Alice>there</v>",
      "",
      "NOTE",
      "another comment",
      "",
      "2",
      "00:00:05.000 --> 00:00:09.500",
      "Second cue",
      "",
    ].join("\n");
    const result = parseVtt(text);
    assert.deepEqual(
      result.cues.map((cue) => [cue.start, cue.end, cue.text]),
      [
        [1, 4, "Hello <v Alice>there</v>"],
        [5, 9.5, "Second cue"],
      ],
    );
    assert.deepEqual(result.warnings, []);
  });

  test("hour-less timestamps without identifiers", () => {
    const text = "WEBVTT\n\n00:00.000 --> 00:04.400\nHi everyone.\n\n00:04.400 --> 00:09.000\nNext\n";
    assert.deepEqual(
      parseVtt(text).cues.map((cue) => [cue.start, cue.end]),
      [
        [0, 4.4],
        [4.4, 9],
      ],
    );
  });

  test("blank lines inside a cue", () => {
    const text = "WEBVTT FILE\n\n1096\n01:45:13.056 --> 01:45:14.390\n\n\n\n...mission.\n";
    const result = parseVtt(text);
    assert.equal(result.cues.length, 1);
    assert.equal(result.cues[0]?.text, "...mission.");
    assert.equal(result.cues[0]?.start, 6313.056);
  });

  test("missing header is read with a warning", () => {
    const result = parseVtt("00:01.000 --> 00:02.000\nNo header\n");
    assert.equal(result.cues[0]?.text, "No header");
    assert.match(result.warnings[0] ?? "", /first line is not "WEBVTT"/);
  });

  test("header directly followed by a cue", () => {
    const result = parseVtt("WEBVTT\n00:01.000 --> 00:02.000\nTight\n");
    assert.deepEqual(
      result.cues.map((cue) => cue.text),
      ["Tight"],
    );
  });

  test("crlf line endings", () => {
    const result = parseVtt(
      "WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\nOne\r\n\r\n00:03.000 --> 00:04.000\r\nTwo\r\n",
    );
    assert.deepEqual(
      result.cues.map((cue) => cue.text),
      ["One", "Two"],
    );
  });
});
