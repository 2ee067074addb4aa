import assert from "node:assert/strict";
import { test } from "node:test";
import { safeFileTitle } from "./safe-name.ts";

/** Characters that no result may contain: separators, shell and Windows specials, controls. */
const FORBIDDEN = /[/\\:*?"<>|$`'!&;#%{}[\]~^\p{Cc}\p{Cf}\s]/u;

test("safeFileTitle keeps a plain title", () => {
  assert.equal(safeFileTitle("Wind_and_Dough"), "Wind_and_Dough");
  assert.equal(safeFileTitle("深烘焙的咖啡豆苦味更重"), "深烘焙的咖啡豆苦味更重");
});

test("safeFileTitle turns spaces into underscores", () => {
  assert.equal(safeFileTitle("Wind and   Dough"), "Wind_and_Dough");
});

test("safeFileTitle replaces path separators", () => {
  const result = safeFileTitle("../../etc/passwd");

  assert.doesNotMatch(result, /[/\\]/);
  assert.ok(!result.startsWith("."), result);
  assert.equal(safeFileTitle("a\\b/c"), "a_b_c");
});

test("safeFileTitle replaces shell characters", () => {
  const result = safeFileTitle(`it's a "clip" $(touch pwned) \`id\` & rm -rf ~; echo #1 | tee *`);

  assert.doesNotMatch(result, FORBIDDEN);
  assert.match(result, /^it_s_a_clip_/);
});

test("safeFileTitle separates at control characters", () => {
  const result = safeFileTitle("title\u0000with\u0007bell\u001b[31m\u200b");

  assert.doesNotMatch(result, FORBIDDEN);
  assert.equal(result, "title_with_bell_31m");
});

test("safeFileTitle keeps words of a multi-line title apart", () => {
  assert.equal(safeFileTitle("Line one\nLine two"), "Line_one_Line_two");
});

test("safeFileTitle strips leading dots", () => {
  assert.equal(safeFileTitle(".hidden"), "hidden");
  assert.equal(safeFileTitle("...dots"), "dots");
  assert.equal(safeFileTitle("-_-.name"), "name");
});

test("safeFileTitle never returns empty", () => {
  const cases = ["", "   ", "...", "///", "\u0000\u0001", "\u200b", "___", "-"];

  for (const title of cases) {
    assert.equal(safeFileTitle(title), "untitled", JSON.stringify(title));
  }
});

test("safeFileTitle trims trailing underscores", () => {
  assert.equal(safeFileTitle("Done?!"), "Done");
});

test("safeFileTitle keeps emoji and CJK", () => {
  assert.equal(safeFileTitle("咖啡 🎬 拿铁"), "咖啡_🎬_拿铁");
});

test("safeFileTitle composes to NFC", () => {
  const decomposed = "Cafe\u0301";

  assert.equal(safeFileTitle(decomposed), "Caf\u00e9");
});

test("safeFileTitle fits a long ASCII title", () => {
  const result = safeFileTitle("a".repeat(400));

  assert.ok(Buffer.byteLength(result) <= 120, `${Buffer.byteLength(result)} bytes`);
  assert.ok(result.length > 0);
});

test("safeFileTitle cuts CJK on whole characters", () => {
  // 101 three-byte characters: 120 bytes hold 40 of them, and a byte cut would split the 41st.
  const title = `${"演".repeat(100)}讲`;
  const result = safeFileTitle(title);
  const bytes = Buffer.from(result, "utf8");

  assert.equal(result, "演".repeat(40));
  assert.equal(bytes.toString("utf8"), result);
  assert.doesNotMatch(result, /\uFFFD/);
});

test("safeFileTitle cuts emoji on whole characters", () => {
  // An emoji takes 4 bytes and two UTF-16 code units, so a cut inside it would leave a lone surrogate.
  const result = safeFileTitle(`${"a".repeat(118)}🎬🎬`);

  assert.equal(result, "a".repeat(118));
  assert.equal(Buffer.from(result, "utf8").toString("utf8"), result);
});

test("safeFileTitle leaves room in a 255-byte name", () => {
  const titles = ["字".repeat(300), "🎬".repeat(300), `${"a b/".repeat(200)}`];

  for (const title of titles) {
    const name = `999_${safeFileTitle(title)}.mp4`;
    // ffmpeg writes `.NAME.partial` first, so the longest name with that wrapper must fit too.
    assert.ok(Buffer.byteLength(`.${name}.partial`) <= 255, `${Buffer.byteLength(name)} bytes`);
  }
});
