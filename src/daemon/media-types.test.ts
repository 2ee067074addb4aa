import assert from "node:assert/strict";
import { test } from "node:test";
import {
  classifyInboxFile,
  type InboxFileKind,
  SUBTITLE_EXTENSIONS,
  VIDEO_EXTENSIONS,
  videoBaseName,
} from "./media-types.ts";

test("classifyInboxFile takes every video extension", () => {
  for (const extension of VIDEO_EXTENSIONS) {
    assert.equal(classifyInboxFile(`talk${extension}`), "video", extension);
  }
});

test("classifyInboxFile ignores extension case", () => {
  const cases = ["TALK.MP4", "Talk.Mov", "talk.MKV", "talk.WebM", "clip.M4V", "stream.TS"];

  for (const name of cases) {
    assert.equal(classifyInboxFile(name), "video", name);
  }
});

test("classifyInboxFile keeps subtitles as sidecars", () => {
  for (const extension of SUBTITLE_EXTENSIONS) {
    assert.equal(classifyInboxFile(`talk${extension}`), "sidecar", extension);
    assert.equal(classifyInboxFile(`talk${extension.toUpperCase()}`), "sidecar", extension.toUpperCase());
  }
});

test("classifyInboxFile keeps other sidecars", () => {
  const cases = ["talk.sub", "talk.sbv", "talk.json", "talk.info.JSON"];

  for (const name of cases) {
    assert.equal(classifyInboxFile(name), "sidecar", name);
  }
});

test("classifyInboxFile marks downloads temporary", () => {
  const cases = [
    "talk.mp4.part",
    "talk.mp4.crdownload",
    "talk.mp4.tmp",
    "talk.mp4.PART",
    "talk.mkv.partial",
    "talk.mp4.download",
    "talk.mp4.!qB",
    "talk.srt.tmp",
  ];

  for (const name of cases) {
    assert.equal(classifyInboxFile(name), "temporary", name);
  }
});

test("classifyInboxFile marks dotfiles temporary", () => {
  const cases = [".talk.mp4", ".DS_Store", ".talk.srt", ".~lock.talk.mp4#"];

  for (const name of cases) {
    assert.equal(classifyInboxFile(name), "temporary", name);
  }
});

test("classifyInboxFile marks error reports temporary", () => {
  const cases = ["talk.mp4.error.json", "talk.mp4.ERROR.JSON"];

  for (const name of cases) {
    assert.equal(classifyInboxFile(name), "temporary", name);
  }
});

test("classifyInboxFile marks the rest other", () => {
  const cases = ["notes.txt", "cover.jpg", "talk.mp3", "archive.zip", "README", "talk.mp4.bak", "talk.mpeg4"];

  for (const name of cases) {
    assert.equal(classifyInboxFile(name), "other", name);
  }
});

test("classifyInboxFile reads only the base name", () => {
  const cases: Array<[string, InboxFileKind]> = [
    ["/data/inbox/talk.mp4", "video"],
    ["/data/.hidden/talk.mp4", "video"],
    ["/data/inbox/.talk.mp4", "temporary"],
    ["/data/inbox.mp4/notes.txt", "other"],
  ];

  for (const [file, kind] of cases) {
    assert.equal(classifyInboxFile(file), kind, file);
  }
});

test("classifyInboxFile takes awkward names", () => {
  const cases = [`it's a "clip" $(x) \`y\`.mp4`, "演讲 🎬 第一部分.mp4", "two.dots.in.name.mkv"];

  for (const name of cases) {
    assert.equal(classifyInboxFile(name), "video", name);
  }
});

test("videoBaseName sees videos and their downloads", () => {
  const cases: Array<[string, string | null]> = [
    ["talk.mp4", "talk"],
    ["Talk.MKV", "Talk"],
    ["talk.mp4.part", "talk"],
    ["talk.mov.crdownload", "talk"],
    ["talk.srt", null],
    ["talk.srt.part", null],
    ["talk.json", null],
  ];

  for (const [name, base] of cases) {
    assert.equal(videoBaseName(name), base, name);
  }
});
