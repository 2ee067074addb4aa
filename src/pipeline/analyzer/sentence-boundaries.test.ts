import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { endsWithSentenceMark, findSentenceEnds } from "./sentence-boundaries.ts";

function cuesOf(texts: string[], gaps: number[] = []) {
  let time = 0;
  return texts.map((text, index) => {
    const cue = { start: time, end: time + 2, text };
    time += 2 + (gaps[index] ?? 0);
    return cue;
  });
}

describe("endsWithSentenceMark", () => {
  const cases: Array<[string, boolean]> = [
    ["这是第一句。", true],
    ["真的吗？", true],
    ["太好了！", true],
    ["然后……", true],
    ["他说：“走吧。”", true],
    ["“拥有”一枚比特币究竟意味着什么?", true],
    ["我们先看一下", false],
    ["This is the end.", true],
    ["Is it?", true],
    ["Wow!", true],
    ["(as he said.)", true],
    ["and then Mr.", false],
    ["we asked Dr.", false],
    ["for example, e.g.", false],
    ["without a mark", false],
    ["the value 3.14 is", false],
  ];
  for (const [text, expected] of cases) {
    test(`${text}`, () => {
      assert.equal(endsWithSentenceMark(text), expected);
    });
  }

  test("decimal split across cues", () => {
    assert.equal(endsWithSentenceMark("the value is 3.", "5 percent"), false);
  });

  test("number at a sentence end", () => {
    assert.equal(endsWithSentenceMark("the answer is 3.", "Then we go on."), true);
  });
});

describe("findSentenceEnds", () => {
  test("punctuated transcript ignores pauses", () => {
    const result = findSentenceEnds(cuesOf(["One two", "three.", "Four five", "six."], [3, 0, 3]));
    assert.equal(result.evidence, "punctuation");
    assert.deepEqual(result.ends, [false, true, false, true]);
  });

  test("unpunctuated transcript uses pauses", () => {
    const cues = cuesOf(["我们先看", "这个例子", "然后再看", "另一个", "最后总结"], [0, 1, 0.1, 0.8]);
    const result = findSentenceEnds(cues);
    assert.equal(result.evidence, "pauses");
    assert.deepEqual(result.ends, [false, true, false, true, true]);
  });

  test("pause threshold at most 0.6 s", () => {
    const cues = cuesOf(["a", "b", "c", "d"], [5, 6, 0.7]);
    assert.equal(findSentenceEnds(cues).pauseSeconds, 0.6);
  });

  test("timing jitter is no pause", () => {
    const cues = cuesOf(["a", "b", "c"], [0.05, 0.05]);
    const result = findSentenceEnds(cues);
    assert.deepEqual(result.ends, [false, false, true]);
  });

  test("empty transcript", () => {
    assert.deepEqual(findSentenceEnds([]).ends, []);
  });
});
