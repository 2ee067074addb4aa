import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildPhraseTable } from "./key-phrases.ts";
import { phrasesOverlap, rankKeyPhrases, rankSharedPhrases } from "./rank-phrases.ts";

describe("key phrases", () => {
  test("whole chinese word wins over its fragments", () => {
    const table = buildPhraseTable([
      ["咖啡豆要密封保存。", "买咖啡豆看日期。", "选咖啡豆先看产地。"],
      ["睡眠周期很重要。", "深睡的时候身体修复。"],
    ]);
    const phrases = rankKeyPhrases(table, 0, 3).map((phrase) => phrase.text);
    assert.equal(phrases[0], "咖啡豆");
    assert.ok(!phrases.includes("啡豆"), `fragment in ${phrases.join(",")}`);
    assert.ok(table.fragments.has("啡豆"));
  });

  test("english multiword phrase with its written form", () => {
    const table = buildPhraseTable([
      ["The hash function maps input.", "A hash function is fast.", "Every Hash function differs."],
      ["The garden needs water.", "Water the garden daily."],
    ]);
    const phrases = rankKeyPhrases(table, 0, 2);
    assert.equal(phrases[0]?.text, "hash function");
    assert.equal(phrases[0]?.count, 3);
  });

  test("shared phrases need two documents", () => {
    const table = buildPhraseTable([
      ["The telescope shows a galaxy."],
      ["A galaxy far away.", "The comet moves."],
      ["The comet and the tomato."],
    ]);
    assert.deepEqual(
      rankSharedPhrases(table, [0, 1], 3).map((phrase) => phrase.text),
      ["galaxy"],
    );
    assert.deepEqual(rankSharedPhrases(table, [0], 3), []);
  });

  test("overlap of phrases", () => {
    assert.equal(phrasesOverlap("咖啡", "咖啡豆"), true);
    assert.equal(phrasesOverlap("啡豆", "咖啡豆"), true);
    assert.equal(phrasesOverlap("咖啡", "睡眠"), false);
    assert.equal(phrasesOverlap("hash function", "hash"), true);
    assert.equal(phrasesOverlap("hash", "block"), false);
  });
});
