import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cleanCueLines, cleanCueText } from "./clean-text.ts";

describe("cleanCueText", () => {
  const cases: Array<[string, string, string]> = [
    ["html tags", '<i>Hello</i> <font color="red">there</font>', "Hello there"],
    ["ass override blocks", "{\\an8}Top {\\i1}line{\\i0}", "Top line"],
    ["microdvd control codes", "{y:i}Slanted", "Slanted"],
    ["plain braces stay", "show this: {normal text}", "show this: {normal text}"],
    ["ass line breaks", "First\\Nsecond\\nthird", "First second third"],
    ["ass hard space", "a\\hb", "a b"],
    ["english lines joined with a space", "First line\nsecond line", "First line second line"],
    ["chinese lines joined without space", "我们今天\n聊咖啡", "我们今天聊咖啡"],
    ["mixed lines keep a space", "GPT 是\nGenerative", "GPT 是 Generative"],
    ["zero-width characters", "zero\u200bwidth\u200d \ufeffmark", "zerowidth mark"],
    ["entities", "Tom &amp; Jerry &lt;3 &#x4E2D;&#25991;", "Tom & Jerry <3 中文"],
    ["whitespace collapses", "  a \t  b  \n\n  c ", "a b c"],
    ["less-than in text", "2<3,5>1,4<6", "2<3,5>1,4<6"],
    ["webvtt timestamp and class tags", "<c.title><00:00:35.000>This</c> <b>bold</b>", "This bold"],
    ["only markup", "<i></i>{\\an8}", ""],
    ["karaoke tags", "{\\k20}Twin{\\kf35}kle {\\ko40}star", "Twinkle star"],
    ["vector drawing dropped", "{\\an7\\p1}m 0 0 l 100 0 100 100 0 100{\\p0}Sign text", "Sign text"],
    ["drawing scale above one", "{\\p3\\pos(1,2)}m 34 -191 l 162 -6", ""],
    ["drawing until the end", "Before{\\p1}m 0 0 l 10 10", "Before"],
    ["pos tag is not a drawing", "{\\pos(400,570)}Like an angel", "Like an angel"],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      assert.equal(cleanCueText(input), expected);
    });
  }
});

describe("cleanCueText with ASS markup", () => {
  const cases: Array<[string, string, string]> = [
    ["comment blocks", "{=12}{Aegisub note}Visible", "Visible"],
    ["nested opening brace", "{=0}{{\\fax0.62\\pos(203,137)}什么?", "什么?"],
    ["line breaks", "深呼吸\\N{\\c&H62a8eb&\\fs13}Breathe.", "深呼吸 Breathe."],
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      assert.equal(cleanCueText(input, { assMarkup: true }), expected);
    });
  }
});

describe("cleanCueLines", () => {
  test("keeps lines apart", () => {
    assert.deepEqual(cleanCueLines("<i>First</i>\nsecond\\Nthird\n\n"), ["First", "second", "third"]);
  });

  test("drops lines left empty", () => {
    assert.deepEqual(cleanCueLines(" \n{\\an8}\nText"), ["Text"]);
  });
});
