import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { extractTerms, stemEnglishWord } from "./tokenize.ts";

describe("extractTerms", () => {
  test("english drops stopwords and numbers", () => {
    assert.deepEqual(extractTerms("The networks are learning 42 things, aren't they?"), ["network", "learn"]);
  });

  test("chinese bigrams skip function words", () => {
    const terms = extractTerms("我们的咖啡豆");
    assert.ok(terms.includes("咖啡"));
    assert.ok(terms.includes("啡豆"));
    assert.ok(!terms.includes("我们"), "function bigram 我们");
    assert.ok(!terms.includes("的咖"), "bigram with the particle 的");
  });

  test("chinese stopwords and numerals", () => {
    const terms = extractTerms("这个时候二十分钟");
    assert.ok(!terms.includes("时候"));
    assert.ok(!terms.includes("二十"));
    assert.ok(terms.includes("分钟"));
  });

  test("mixed text keeps both scripts", () => {
    assert.deepEqual(extractTerms("用 Python 写爬虫"), ["用", "python", "写爬", "爬虫"]);
  });

  test("lone cjk character", () => {
    assert.deepEqual(extractTerms("跑，的"), ["跑"]);
  });
});

describe("stemEnglishWord", () => {
  const cases: Array<[string, string]> = [
    ["networks", "network"],
    ["running", "run"],
    ["stopped", "stop"],
    ["studies", "study"],
    ["classes", "class"],
    ["quickly", "quick"],
    ["bus", "bus"],
    ["analysis", "analysis"],
    ["run", "run"],
  ];
  for (const [word, stem] of cases) {
    test(`${word} to ${stem}`, () => {
      assert.equal(stemEnglishWord(word), stem);
    });
  }
});
