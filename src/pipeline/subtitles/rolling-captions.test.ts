import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { parseSubtitle } from "./index.ts";
import { mergeOverlappingCues } from "./rolling-captions.ts";
import type { TextCue } from "./types.ts";

const MIT_LEC1 = "/work/shared/fixtures/real/en__mit-missing-semester-2020-lec1-shell__reviewed.srt";

const cue = (start: number, end: number, ...lines: string[]): TextCue => ({ start, end, lines });

/** YouTube auto captions: each cue shows the line before and adds one, with 10 ms cues in between. */
const YOUTUBE_VTT = [
  "WEBVTT",
  "Kind: captions",
  "Language: en",
  "",
  "00:00:00.000 --> 00:00:02.330 align:start position:0%",
  " ",
  "hi<00:00:00.480><c> everyone</c><00:00:00.960><c> welcome</c>",
  "",
  "00:00:02.330 --> 00:00:02.340 align:start position:0%",
  "hi everyone welcome",
  " ",
  "",
  "00:00:02.340 --> 00:00:04.670 align:start position:0%",
  "hi everyone welcome",
  "to<00:00:02.800><c> the</c><00:00:03.100><c> missing</c><00:00:03.500><c> semester</c>",
  "",
  "00:00:04.670 --> 00:00:04.680 align:start position:0%",
  "to the missing semester",
  " ",
  "",
  "00:00:04.680 --> 00:00:07.000 align:start position:0%",
  "to the missing semester",
  "today<00:00:05.000><c> we</c><00:00:05.400><c> talk</c><00:00:05.800><c> about</c><00:00:06.100><c> shells</c>",
  "",
].join("\n");

function texts(cues: readonly TextCue[]): string[] {
  return cues.map((entry) => entry.lines.join(" "));
}

describe("mergeOverlappingCues", () => {
  test("youtube rolling captions", () => {
    const parsed = parseSubtitle(new TextEncoder().encode(YOUTUBE_VTT), "auto.en.vtt");
    assert.deepEqual(
      parsed.cues.map((entry) => entry.text),
      ["hi everyone welcome", "to the missing semester", "today we talk about shells"],
    );
    assert.deepEqual(
      parsed.cues.map((entry) => [entry.start, entry.end]),
      [
        [0, 2.34],
        [2.34, 4.68],
        [4.68, 7],
      ],
    );
    assert.match(parsed.notes.join("\n"), /rolling captions/);
  });

  test("growing captions keep only new words", () => {
    const result = mergeOverlappingCues([
      cue(0, 2, "so today we are"),
      cue(1, 3, "so today we are going to look"),
      cue(2, 4, "so today we are going to look at linking"),
      cue(3, 5, "and why it matters"),
      cue(4, 6, "and why it matters for you"),
    ]);
    assert.deepEqual(texts(result.cues), [
      "so today we are",
      "going to look",
      "at linking",
      "and why it matters",
      "for you",
    ]);
  });

  test("chinese rolling captions by character", () => {
    const result = mergeOverlappingCues([
      cue(0, 2, "我们今天来聊"),
      cue(1, 3, "我们今天来聊一聊咖啡"),
      cue(2, 4, "我们今天来聊一聊咖啡和睡眠"),
      cue(3, 5, "这是一个话题"),
      cue(4, 6, "这是一个话题很有意思"),
    ]);
    assert.deepEqual(texts(result.cues), ["我们今天来聊", "一聊咖啡", "和睡眠", "这是一个话题", "很有意思"]);
  });

  test("overlapping cues end where the next starts", () => {
    const result = mergeOverlappingCues([
      cue(0, 5, "first line"),
      cue(3, 8, "second line"),
      cue(6, 9, "third line"),
    ]);
    assert.deepEqual(
      result.cues.map((entry) => [entry.start, entry.end]),
      [
        [0, 3],
        [3, 6],
        [6, 9],
      ],
    );
    assert.deepEqual(result.notes, ["shortened 2 cues that overlap the next cue to end where it starts"]);
  });

  test("cues starting together are merged", () => {
    const result = mergeOverlappingCues([cue(1, 3, "Alice speaks"), cue(1.02, 4, "Bob answers")]);
    assert.deepEqual(texts(result.cues), ["Alice speaks Bob answers"]);
    assert.equal(result.cues[0]?.end, 4);
  });

  test("same text in touching cues merges", () => {
    const result = mergeOverlappingCues([
      cue(0, 0.04, "第一季"),
      cue(0.04, 0.08, "第一季"),
      cue(0.08, 0.12, "第一季"),
    ]);
    assert.equal(result.cues.length, 1);
    assert.equal(result.cues[0]?.end, 0.12);
  });

  test("same text after a pause stays", () => {
    const result = mergeOverlappingCues([cue(0, 1, "Yes."), cue(3, 4, "Yes.")]);
    assert.equal(result.cues.length, 2);
  });

  test("plain subtitles keep their text", () => {
    const input = [
      cue(0, 2, "we use the shell"),
      cue(2, 4, "the shell is a program"),
      cue(4, 6, "a program that runs"),
      cue(6, 8, "commands you type"),
    ];
    const result = mergeOverlappingCues(input);
    assert.deepEqual(texts(result.cues), texts(input));
    assert.deepEqual(result.notes, []);
  });

  test("mit lecture without overlaps or repeats", {
    skip: !existsSync(MIT_LEC1) && "fixture missing",
  }, () => {
    const parsed = parseSubtitle(readFileSync(MIT_LEC1), "lec1.srt");
    const overlaps: string[] = [];
    const repeats: string[] = [];
    for (let index = 1; index < parsed.cues.length; index++) {
      const previous = parsed.cues[index - 1];
      const current = parsed.cues[index];
      if (!previous || !current) continue;
      if (previous.end > current.start) overlaps.push(`${previous.start} ends after ${current.start}`);
      if (current.text.startsWith(previous.text)) repeats.push(`${current.start}: ${current.text}`);
    }
    assert.ok(parsed.cues.length > 1100, `${parsed.cues.length} cues`);
    assert.deepEqual(overlaps, []);
    assert.deepEqual(repeats, []);
    assert.match(parsed.notes.join("\n"), /shortened 1171 cues/);
  });
});
