import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { lineLanguage, reduceBilingual } from "./bilingual.ts";
import { parseSubtitle } from "./index.ts";
import type { TextCue } from "./types.ts";

const CMU_BILINGUAL = "/work/shared/fixtures/real/zh-en__cmu15213-lec12-cache-memories__bilingual.ass";

const cue = (start: number, end: number, ...lines: string[]): TextCue => ({ start, end, lines });

function texts(cues: readonly TextCue[]): string[] {
  return cues.map((entry) => entry.lines.join(" / "));
}

describe("lineLanguage", () => {
  const cases: Array<[string, "zh" | "en" | null]> = [
    ["这里是全宇宙最强大的力量吗？", "zh"],
    ["Is this the greatest power in the universe?", "en"],
    ["我们用 GPT 来生成文本", "zh"],
    ["My teacher 李明 told us a long story about physics.", "en"],
    ["101 ♪", null],
  ];
  for (const [line, expected] of cases) {
    test(line, () => {
      assert.equal(lineLanguage(line), expected);
    });
  }
});

describe("reduceBilingual", () => {
  test("two lines per cue keep chinese", () => {
    const result = reduceBilingual(
      [
        cue(0, 2, "一个在逃的时间犯", "A fugitive Variant."),
        cue(2, 4, "醉心于权力", "Drunk with power."),
        cue(4, 6, "前情提要"),
      ],
      "zh",
    );
    assert.deepEqual(texts(result.cues), ["一个在逃的时间犯", "醉心于权力", "前情提要"]);
    assert.match(result.note ?? "", /Kept the Chinese lines because Chinese is the preferred language/);
  });

  test("paired events at identical times", () => {
    const pairs = Array.from({ length: 10 }, (_, index) => [
      cue(index * 2, index * 2 + 1.5, `Sentence number ${index}`),
      cue(index * 2, index * 2 + 1.5, `第${index}句话`),
    ]).flat();
    const result = reduceBilingual([...pairs, cue(20, 22, "Which are called cache memories")], "zh");
    assert.equal(result.cues.length, 11);
    assert.equal(texts(result.cues)[0], "第0句话");
    assert.equal(texts(result.cues)[9], "第9句话");
    assert.equal(texts(result.cues)[10], "Which are called cache memories");
    assert.match(result.note ?? "", /10 of 11 cues carry both Chinese and English/);
  });

  test("english preferred", () => {
    const result = reduceBilingual([cue(0, 2, "深呼吸", "Breathe."), cue(2, 4, "我知道", "I know.")], "en");
    assert.deepEqual(texts(result.cues), ["Breathe.", "I know."]);
  });

  test("other language with more cues wins", () => {
    const result = reduceBilingual(
      [
        cue(0, 1, "我们开始", "Let's begin."),
        cue(1, 2, "你好", "Hello."),
        cue(2, 3, "Untranslated line one."),
        cue(3, 4, "Untranslated line two."),
      ],
      "zh",
    );
    assert.deepEqual(texts(result.cues), [
      "Let's begin.",
      "Hello.",
      "Untranslated line one.",
      "Untranslated line two.",
    ]);
    assert.match(result.note ?? "", /English has text in more cues than the preferred Chinese/);
  });

  test("few mixed cues leave the file alone", () => {
    const input = [
      cue(0, 1, "我们今天聊 Transformer"),
      cue(1, 2, "它是一个模型"),
      cue(2, 3, "论文标题", "Attention Is All You Need"),
      cue(3, 4, "很有名"),
    ];
    const result = reduceBilingual(input, "zh");
    assert.deepEqual(texts(result.cues), texts(input));
    assert.equal(result.note, null);
  });

  test("cmu lecture keeps chinese", { skip: !existsSync(CMU_BILINGUAL) && "fixture missing" }, () => {
    const parsed = parseSubtitle(readFileSync(CMU_BILINGUAL), "lecture.ass");
    const english = parsed.cues.filter((entry) => lineLanguage(entry.text) === "en");
    assert.equal(parsed.cues[0]?.text, "大家下午好，欢迎来到213，很高兴见到你");
    assert.ok(english.length < 10, `${english.length} cues left in English`);
    assert.match(parsed.notes.join("\n"), /bilingual subtitles: \d+ of \d+ cues/);
  });
});
