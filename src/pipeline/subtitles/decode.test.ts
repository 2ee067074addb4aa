import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import iconv from "iconv-lite";
import { decodeSubtitle } from "./decode.ts";

const MESSY = "/work/shared/fixtures/messy";

const SRT_ENGLISH = "1\n00:00:01,000 --> 00:00:02,000\nCafé au lait, s’il vous plaît — déjà vu.\n";
const SRT_SIMPLIFIED =
  "1\n00:00:01,000 --> 00:00:02,000\n我们今天来聊一聊咖啡和睡眠，这是一个很有意思的话题。\n";
const SRT_TRADITIONAL =
  "1\n00:00:01,000 --> 00:00:02,000\n我們今天來聊一聊咖啡和睡眠，這是一個很有意思的話題。\n";

function withMark(mark: number[], body: Buffer): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from(mark), body]));
}

describe("decodeSubtitle", () => {
  test("byte order marks", () => {
    const cases: Array<[string, number[], string]> = [
      ["utf-8", [0xef, 0xbb, 0xbf], "utf8"],
      ["utf-16le", [0xff, 0xfe], "utf16le"],
      ["utf-16be", [0xfe, 0xff], "utf16be"],
      ["utf-32le", [0xff, 0xfe, 0x00, 0x00], "utf32le"],
      ["utf-32be", [0x00, 0x00, 0xfe, 0xff], "utf32be"],
    ];
    for (const [encoding, mark, codec] of cases) {
      const decoded = decodeSubtitle(withMark(mark, iconv.encode(SRT_SIMPLIFIED, codec, { addBOM: false })));
      assert.equal(decoded.encoding, encoding);
      assert.equal(decoded.text, SRT_SIMPLIFIED, `text decoded as ${encoding}`);
    }
  });

  test("utf-16 without byte order mark", () => {
    const little = decodeSubtitle(new Uint8Array(iconv.encode(SRT_ENGLISH, "utf16le", { addBOM: false })));
    assert.equal(little.encoding, "utf-16le");
    assert.equal(little.text, SRT_ENGLISH);

    const big = decodeSubtitle(new Uint8Array(iconv.encode(SRT_ENGLISH, "utf16be", { addBOM: false })));
    assert.equal(big.encoding, "utf-16be");
    assert.equal(big.text, SRT_ENGLISH);
  });

  test("strict utf-8 without mark", () => {
    const decoded = decodeSubtitle(new TextEncoder().encode(SRT_SIMPLIFIED));
    assert.equal(decoded.encoding, "utf-8");
    assert.equal(decoded.text, SRT_SIMPLIFIED);
  });

  test("gbk bytes decode as gb18030", () => {
    const decoded = decodeSubtitle(new Uint8Array(iconv.encode(SRT_SIMPLIFIED, "gbk")));
    assert.equal(decoded.encoding, "gb18030");
    assert.equal(decoded.text, SRT_SIMPLIFIED);
  });

  test("big5 bytes decode as big5", () => {
    const decoded = decodeSubtitle(new Uint8Array(iconv.encode(SRT_TRADITIONAL, "big5")));
    assert.equal(decoded.encoding, "big5");
    assert.equal(decoded.text, SRT_TRADITIONAL);
  });

  test("western bytes decode as windows-1252", () => {
    const decoded = decodeSubtitle(new Uint8Array(iconv.encode(SRT_ENGLISH, "win1252")));
    assert.equal(decoded.encoding, "windows-1252");
    assert.equal(decoded.text, SRT_ENGLISH);
  });

  test("utf-8 with one invalid byte stays utf-8", () => {
    const bytes = Buffer.concat([Buffer.from(SRT_SIMPLIFIED.repeat(3)), Buffer.from([0xff])]);
    const decoded = decodeSubtitle(new Uint8Array(bytes));
    assert.equal(decoded.encoding, "utf-8");
    assert.ok(decoded.text.startsWith(SRT_SIMPLIFIED));
  });

  test("empty input", () => {
    assert.deepEqual(decodeSubtitle(new Uint8Array(0)), { text: "", encoding: "utf-8" });
  });

  test("real legacy-encoded fixtures", { skip: !existsSync(MESSY) && "fixtures folder missing" }, () => {
    const cases: Array<[string, string, string]> = [
      ["cdown__srt__gb2312.srt", "gb18030", "保护我们远离邪恶"],
      ["ylysyym__aspasia__gbk.srt", "gb18030", "这是中文"],
      ["byroot__pysrt__windows-1252.srt", "windows-1252", "Downloaded From www.AllSubs.org"],
      ["byroot__pysrt__bom-utf-16-le.srt", "utf-16le", "About 2 months ago"],
      ["byroot__pysrt__bom-utf-16-be.srt", "utf-16be", "About 2 months ago"],
      ["byroot__pysrt__bom-utf-32-le.srt", "utf-32le", "About 2 months ago"],
    ];
    for (const [file, encoding, excerpt] of cases) {
      const decoded = decodeSubtitle(readFileSync(`${MESSY}/${file}`));
      assert.equal(decoded.encoding, encoding, file);
      assert.ok(decoded.text.includes(excerpt), `${file} contains "${excerpt}"`);
      assert.ok(!decoded.text.includes("\uFFFD"), `${file} has no replacement characters`);
    }
  });

  test("windows-1252 fixture matches its utf-8 twin", {
    skip: !existsSync(MESSY) && "fixtures folder missing",
  }, () => {
    const legacy = decodeSubtitle(readFileSync(`${MESSY}/byroot__pysrt__windows-1252.srt`)).text;
    const unicode = decodeSubtitle(readFileSync(`${MESSY}/byroot__pysrt__utf-8.srt`)).text;
    assert.equal(legacy.replace(/\r\n/g, "\n"), unicode.replace(/\r\n/g, "\n"));
  });
});
