import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cleanCueText } from "./clean-text.ts";

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
  ];
  for (const [name, input, expected] of cases) {
    test(name, () => {
      assert.equal(cleanCueText(input), expected);
    });
  }
});
