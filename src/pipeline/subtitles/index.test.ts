import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { detectLanguage, parseSubtitle, SubtitleParseError } from "./index.ts";

const FIXTURES = "/work/shared/fixtures";
const skipWithoutFixtures = !existsSync(FIXTURES) && "fixtures folder missing";

const encode = (text: string) => new TextEncoder().encode(text);

function listSubtitleFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(srt|vtt|ass|ssa|sub|sbv)$/i.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

describe("parseSubtitle", () => {
  test("srt by extension", () => {
    const parsed = parseSubtitle(encode("1\n00:00:01,000 --> 00:00:02,000\n<i>Hello</i>\n"), "talk.srt");
    assert.equal(parsed.format, "srt");
    assert.equal(parsed.encoding, "utf-8");
    assert.deepEqual(parsed.cues, [{ start: 1, end: 2, text: "Hello" }]);
    assert.deepEqual(parsed.warnings, []);
    assert.deepEqual(parsed.notes, []);
  });

  test("vtt by extension", () => {
    const parsed = parseSubtitle(encode("WEBVTT\n\n00:01.000 --> 00:02.000\nHello\n"), "talk.VTT");
    assert.equal(parsed.format, "vtt");
    assert.equal(parsed.cues.length, 1);
  });

  test("ass by extension", () => {
    const text = [
      "[Script Info]",
      "ScriptType: v4.00+",
      "[Events]",
      "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
      "Dialogue: 0,0:00:01.00,0:00:02.50,Default,,0,0,0,,{\\an8}Hello, {note}world\\Nagain",
      "Comment: 0,0:00:03.00,0:00:04.00,Default,,0,0,0,,hidden",
    ].join("\n");
    const parsed = parseSubtitle(encode(text), "talk.ass");
    assert.equal(parsed.format, "ass");
    assert.deepEqual(parsed.cues, [{ start: 1, end: 2.5, text: "Hello, world again" }]);
  });

  test("microdvd with the video's frame rate", () => {
    const parsed = parseSubtitle(encode("{25}{50}One|two\n{75}{100}{y:i}Three\n"), "talk.sub", { fps: 25 });
    assert.equal(parsed.format, "microdvd");
    assert.deepEqual(parsed.cues, [
      { start: 1, end: 2, text: "One two" },
      { start: 3, end: 4, text: "Three" },
    ]);
  });

  test("microdvd without a frame rate raises SUBTITLE_UNREADABLE", () => {
    assert.throws(
      () => parseSubtitle(encode("{25}{50}One\n"), "talk.sub"),
      (error: unknown) =>
        error instanceof SubtitleParseError &&
        error.code === "SUBTITLE_UNREADABLE" &&
        /frame rate/.test(error.message),
    );
  });

  test("sbv by extension", () => {
    const parsed = parseSubtitle(encode("0:00:01.000,0:00:02.000\nHello[br]there\n"), "talk.sbv");
    assert.equal(parsed.format, "sbv");
    assert.deepEqual(parsed.cues, [{ start: 1, end: 2, text: "Hello there" }]);
  });

  test("unsupported format raises SUBTITLE_UNSUPPORTED_FORMAT", () => {
    assert.throws(
      () => parseSubtitle(encode("<SAMI><BODY><SYNC Start=1000><P>Hi</BODY></SAMI>"), "talk.smi"),
      (error: unknown) =>
        error instanceof SubtitleParseError &&
        error.code === "SUBTITLE_UNSUPPORTED_FORMAT" &&
        error.message.includes("SAMI"),
    );
  });

  test("bitmap subtitles raise SUBTITLE_UNSUPPORTED_FORMAT", () => {
    assert.throws(
      () => parseSubtitle(new Uint8Array([0, 0, 1, 0xba, 0x44, 0, 4, 0]), "movie.sub"),
      (error: unknown) =>
        error instanceof SubtitleParseError &&
        error.code === "SUBTITLE_UNSUPPORTED_FORMAT" &&
        /OCR/.test(error.message),
    );
  });

  test("overlapping cues are cut and noted", () => {
    const text = "1\n00:00:01,000 --> 00:00:05,000\nOne\n\n2\n00:00:03,000 --> 00:00:06,000\nTwo\n";
    const parsed = parseSubtitle(encode(text), "a.srt");
    assert.deepEqual(
      parsed.cues.map((cue) => [cue.start, cue.end]),
      [
        [1, 3],
        [3, 6],
      ],
    );
    assert.match(parsed.notes.join("\n"), /shortened 1 cue that overlap/);
  });

  test("bilingual cue keeps one language", () => {
    const text = [
      "1\n00:00:01,000 --> 00:00:02,000\n深呼吸 深呼吸\nBreathe, breathe.",
      "2\n00:00:03,000 --> 00:00:04,000\n我知道自己是谁\nI know what I am.",
    ].join("\n\n");
    const chinese = parseSubtitle(encode(text), "a.srt");
    assert.deepEqual(
      chinese.cues.map((cue) => cue.text),
      ["深呼吸 深呼吸", "我知道自己是谁"],
    );
    assert.match(chinese.notes.join("\n"), /Kept the Chinese lines/);

    const english = parseSubtitle(encode(text), "a.srt", { preferredLanguage: "en" });
    assert.deepEqual(
      english.cues.map((cue) => cue.text),
      ["Breathe, breathe.", "I know what I am."],
    );
  });

  test("format sniffed from content", () => {
    assert.equal(
      parseSubtitle(encode("WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n"), "captions.txt").format,
      "vtt",
    );
    assert.equal(parseSubtitle(encode("1\n00:00:01,000 --> 00:00:02,000\nHi\n"), "captions").format, "srt");
  });

  test("webvtt content in a .srt file", () => {
    const parsed = parseSubtitle(encode("WEBVTT\n\nNOTE skip me\n\n00:01.000 --> 00:02.000\nHi\n"), "a.srt");
    assert.equal(parsed.format, "vtt");
    assert.deepEqual(
      parsed.cues.map((cue) => cue.text),
      ["Hi"],
    );
    assert.match(parsed.warnings.join("\n"), /read as WebVTT/);
  });

  test("cues sorted by start", () => {
    const text = "1\n00:00:05,000 --> 00:00:06,000\nLater\n\n2\n00:00:01,000 --> 00:00:02,000\nEarlier\n";
    assert.deepEqual(
      parseSubtitle(encode(text), "a.srt").cues.map((cue) => cue.text),
      ["Earlier", "Later"],
    );
  });

  test("empty and zero-length cues dropped with warnings", () => {
    const text = [
      "1\n00:00:01,000 --> 00:00:02,000\nKept",
      "2\n00:00:03,000 --> 00:00:04,000\n<i></i>",
      "3\n00:00:05,000 --> 00:00:06,000\n",
      "4\n00:00:07,000 --> 00:00:07,000\nZero",
      "5\n00:00:09,000 --> 00:00:08,000\nBackwards",
    ].join("\n\n");
    const parsed = parseSubtitle(encode(text), "a.srt");
    assert.deepEqual(
      parsed.cues.map((cue) => cue.text),
      ["Kept"],
    );
    assert.ok(parsed.warnings.includes("dropped 2 empty cues"), parsed.warnings.join("; "));
    assert.ok(
      parsed.warnings.includes("dropped 2 cues that end at or before their start"),
      parsed.warnings.join("; "),
    );
  });

  test("unknown format raises SUBTITLE_UNREADABLE", () => {
    assert.throws(
      () => parseSubtitle(encode("just some words\n"), "notes.txt"),
      (error: unknown) =>
        error instanceof SubtitleParseError &&
        error.code === "SUBTITLE_UNREADABLE" &&
        error.name === "SubtitleParseError" &&
        error.message.includes("notes.txt"),
    );
  });

  test("srt without timing lines raises SUBTITLE_UNREADABLE", () => {
    assert.throws(
      () => parseSubtitle(encode("1\nHello\n"), "broken.srt"),
      (error: unknown) => error instanceof SubtitleParseError && error.code === "SUBTITLE_UNREADABLE",
    );
  });

  test("only empty cues raise SUBTITLE_EMPTY", () => {
    assert.throws(
      () => parseSubtitle(encode("1\n00:00:01,000 --> 00:00:02,000\n\n"), "empty.srt"),
      (error: unknown) =>
        error instanceof SubtitleParseError &&
        error.code === "SUBTITLE_EMPTY" &&
        error.fileName === "empty.srt",
    );
  });

  test("replacement characters are reported", () => {
    const parsed = parseSubtitle(encode("1\n00:00:01,000 --> 00:00:02,000\nbad \uFFFD char\n"), "a.srt");
    assert.match(parsed.warnings.join("\n"), /1 undecodable character/);
  });

  test("messy fixtures parse or raise SubtitleParseError", { skip: skipWithoutFixtures }, () => {
    const failures: string[] = [];
    for (const file of listSubtitleFiles(`${FIXTURES}/messy`)) {
      try {
        parseSubtitle(readFileSync(file), path.basename(file));
      } catch (error) {
        if (!(error instanceof SubtitleParseError)) failures.push(`${file}: ${String(error)}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test("known messy fixtures", { skip: skipWithoutFixtures }, () => {
    const cases: Array<[string, number, string]> = [
      [
        "1c7__srt-parser-2__single-digit-hour.srt",
        3,
        "Hi, I’m Carrie Anne, and welcome to Crash Course Computer Science!",
      ],
      [
        "1c7__srt-parser-2__3.dot_and_millisecond_two_digit.srt",
        3,
        "- [Adam] Hello, my name is Adam Wilbert,",
      ],
      [
        "byroot__pysrt__no-indexes.srt",
        7,
        "About 2 months ago I found myself on the comment section of YouTube",
      ],
      ["byroot__pysrt__empty.srt", 5, "About 2 months ago I found myself on the comment section of YouTube"],
      ["cdown__srt__gb2312.srt", 3, "宇宙守护神 保护我们远离邪恶"],
      ["osk__node-webvtt__malformed.vtt", 1, "...mission."],
      [
        "papnkukn__subsrt__sample.vtt",
        5,
        "— Hi, my name is Alice Miller and this is John Brown. — And we're the owners of Miller Bakery.",
      ],
      [
        "orchetect__DAWFileKit__SRT-BOM-CRLF-ExtendedChars.srt",
        5,
        "- Subtitles Author - -- www.example.com --",
      ],
    ];
    for (const [file, count, firstText] of cases) {
      const parsed = parseSubtitle(readFileSync(`${FIXTURES}/messy/${file}`), file);
      assert.equal(parsed.cues.length, count, file);
      assert.equal(parsed.cues[0]?.text, firstText, file);
    }
  });

  test("real fixtures all parse", { skip: skipWithoutFixtures }, () => {
    for (const file of listSubtitleFiles(`${FIXTURES}/real`)) {
      const parsed = parseSubtitle(readFileSync(file), path.basename(file));
      assert.ok(parsed.cues.length > 100, `${file} has ${parsed.cues.length} cues`);
      let previousEnd = 0;
      for (const cue of parsed.cues) {
        assert.ok(cue.end > cue.start, `${file}: cue at ${cue.start} ends after it starts`);
        assert.ok(cue.start >= previousEnd, `${file}: cue at ${cue.start} starts after the cue before ends`);
        assert.notEqual(cue.text, "", `${file}: cue at ${cue.start} has text`);
        previousEnd = cue.end;
      }
    }
  });

  test("hour-less vtt matches its srt twin", { skip: skipWithoutFixtures }, () => {
    const base = `${FIXTURES}/real/karpathy-zero-to-hero/en.whisper.makemore5`;
    const srt = parseSubtitle(readFileSync(`${base}.srt`), "a.srt");
    const vtt = parseSubtitle(readFileSync(`${base}.vtt`), "a.vtt");
    assert.equal(vtt.cues.length, srt.cues.length);
    assert.deepEqual(
      vtt.cues.map((cue) => cue.start),
      srt.cues.map((cue) => cue.start),
    );
  });
});

describe("detectLanguage", () => {
  const cue = (text: string) => ({ start: 0, end: 1, text });

  test("chinese", () => {
    assert.equal(detectLanguage([cue("我们今天来聊一聊咖啡。")]), "zh");
  });

  test("english", () => {
    assert.equal(detectLanguage([cue("Today we talk about coffee.")]), "en");
  });

  test("chinese with english terms", () => {
    assert.equal(detectLanguage([cue("我们用 GPT 来生成文本，这个模型叫 Transformer。")]), "zh");
  });

  test("bilingual cues count as chinese", () => {
    assert.equal(
      detectLanguage([cue("这里是全宇宙最强大的力量吗？ Is this the greatest power in the universe?")]),
      "zh",
    );
  });

  test("english with a chinese name", () => {
    assert.equal(
      detectLanguage([cue("My teacher 李明 told us a long story about mathematics and physics.")]),
      "en",
    );
  });

  test("no letters", () => {
    assert.equal(detectLanguage([cue("123 456")]), "en");
    assert.equal(detectLanguage([]), "en");
  });

  test("real fixtures", { skip: skipWithoutFixtures }, () => {
    const cases: Array<[string, "zh" | "en"]> = [
      ["real/3b1b/2017-bitcoin/en.captions.srt", "en"],
      ["real/3b1b/2017-bitcoin/zh-Hans.china_community.srt", "zh"],
      ["real/3b1b/2024-gpt/zh-Hans.captions.srt", "zh"],
      ["real/zh__pie-podcast-ep10__whisper-autotranscribe-0based-dotms.srt", "zh"],
      ["messy/ChineseSubFinder/loki-s01e03.zimuku.chs-eng.bilingual.srt", "zh"],
      ["messy/gsantiago__subtitle.js__WonderWoman.srt", "en"],
    ];
    for (const [file, language] of cases) {
      const parsed = parseSubtitle(readFileSync(`${FIXTURES}/${file}`), path.basename(file));
      assert.equal(detectLanguage(parsed.cues), language, file);
    }
  });
});
