import assert from "node:assert/strict";
import { test } from "node:test";
import { cutChineseAtWords } from "./cut-words.ts";

const CLAUSE = "比特币的工作原理到底是什么以及为什么它能够防止双重支付";

function wordBoundaries(text: string): Set<number> {
  const segmenter = new Intl.Segmenter("zh", { granularity: "word" });
  const boundaries = new Set([text.length]);
  for (const segment of segmenter.segment(text)) boundaries.add(segment.index);
  return boundaries;
}

test("cutChineseAtWords keeps whole words within the limit", () => {
  const title = cutChineseAtWords(CLAUSE, 0, 18);
  const boundaries = wordBoundaries(CLAUSE);

  assert.ok(CLAUSE.startsWith(title), title);
  assert.ok(Array.from(title).length <= 18, title);
  assert.ok(boundaries.has(title.length), `cut inside a word: ${title}`);
  assert.ok(Array.from(title).length >= 12, `cut too short: ${title}`);
});

test("cutChineseAtWords starts at the word boundary before the index", () => {
  const from = CLAUSE.indexOf("原理") + 1;
  const title = cutChineseAtWords(CLAUSE, from, 10);

  assert.ok(title.startsWith("原理"), title);
  assert.ok(wordBoundaries(CLAUSE).has(CLAUSE.indexOf(title) + title.length), title);
});

test("cutChineseAtWords cuts one overlong word by characters", () => {
  assert.equal(cutChineseAtWords("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 0, 5), "ABCDE");
});

test("cutChineseAtWords returns short text whole", () => {
  assert.equal(cutChineseAtWords("工作原理", 0, 18), "工作原理");
});
