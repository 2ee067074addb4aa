import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { pickFormat, sniffBitmapSubtitle } from "./sniff-format.ts";

const SRT = "1\n00:00:01,000 --> 00:00:02,000\nHi\n";
const ASS = "[Script Info]\nScriptType: v4.00+\n\n[Events]\nDialogue: 0,0:00:01.00,0:00:02.00,,,0,0,0,,Hi\n";

describe("pickFormat", () => {
  const cases: Array<[string, string, string, string | null]> = [
    ["srt by extension", SRT, "a.srt", "srt"],
    ["srt without extension", SRT, "a", "srt"],
    ["headerless vtt stays vtt", SRT, "a.vtt", "vtt"],
    ["ass by content", ASS, "a.txt", "ass"],
    ["ssa by script type", ASS.replace("v4.00+", "v4.00"), "a.txt", "ssa"],
    ["ssa by styles section", "[V4 Styles]\n[Events]\n", "a", "ssa"],
    ["ass content in an ssa file", ASS, "a.ssa", "ass"],
    ["microdvd by content", "{1}{1}25\n{25}{50}Hi\n", "a.txt", "microdvd"],
    ["sub extension", "{25}{50}Hi\n", "a.sub", "microdvd"],
    ["sbv by content", "0:00:01.000,0:00:02.000\nHi\n", "a.txt", "sbv"],
    ["subviewer sub file", "[INFORMATION]\n00:00:01.00,00:00:02.00\nHi\n", "a.sub", "sbv"],
    ["unknown text", "just words\n", "a.txt", null],
  ];
  for (const [name, text, fileName, expected] of cases) {
    test(name, () => {
      assert.equal(pickFormat(text, fileName).format, expected);
    });
  }

  test("content overrides extension with a warning", () => {
    const choice = pickFormat(ASS, "a.srt");
    assert.equal(choice.format, "ass");
    assert.match(choice.warning ?? "", /read as ASS despite its \.srt name/);
  });

  test("formats without a parser", () => {
    const cases: Array<[string, string, string]> = [
      ["<SAMI><BODY><SYNC Start=0><P>Hi</SAMI>", "a.smi", "SAMI"],
      ['<tt xmlns="http://www.w3.org/ns/ttml"><body/></tt>', "a.xml", "TTML"],
      ["[00:01.00]Hi\n[00:02.00]There\n", "a.lrc", "LRC lyrics"],
      ["Scenarist_SCC V1.0\n", "a.scc", "Scenarist closed captions (SCC)"],
      ["", "a.ttml", "TTML"],
    ];
    for (const [text, fileName, name] of cases) {
      const choice = pickFormat(text, fileName);
      assert.equal(choice.format, null, fileName);
      assert.equal(choice.unsupported, name, fileName);
    }
  });
});

describe("sniffBitmapSubtitle", () => {
  test("vobsub program stream", () => {
    assert.equal(sniffBitmapSubtitle(new Uint8Array([0, 0, 1, 0xba, 0x44])), "VobSub bitmap subtitles");
  });

  test("pgs segment", () => {
    const bytes = new Uint8Array([0x50, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0x16, 0, 0x13]);
    assert.equal(sniffBitmapSubtitle(bytes), "Blu-ray PGS bitmap subtitles");
  });

  test("text is no bitmap", () => {
    assert.equal(sniffBitmapSubtitle(new TextEncoder().encode("PG-13 rating\n")), null);
  });
});
