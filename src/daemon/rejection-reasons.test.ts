import assert from "node:assert/strict";
import { test } from "node:test";
import { unreadableMedia } from "./rejection-reasons.ts";

test("unreadableMedia words known details in Chinese", () => {
  const cases: Array<[string, string]> = [
    ["the file is empty (0 bytes)", "文件是空的（0 字节）"],
    ["ffprobe found plain text (format tty)", "ffprobe 识别为纯文本（格式 tty）"],
    ["no video or audio stream in format data", "格式 data 中没有视频流或音频流"],
    ["x.mp4: Invalid data found when processing input", "ffprobe 无法识别文件内容"],
    ["[mov,mp4] moov atom not found", "找不到 MP4 的 moov 索引"],
  ];
  for (const [detail, chinese] of cases) {
    const reason = unreadableMedia("x.mp4", detail);
    assert.ok(reason.message_zh.includes(chinese), `${detail} → ${reason.message_zh}`);
    assert.ok(reason.message.endsWith(detail), reason.message);
  }
});

test("unreadableMedia keeps an unknown detail", () => {
  const reason = unreadableMedia("x.mp4", "something new");

  assert.equal(reason.message_zh, "无法将 x.mp4 读取为视频：something new");
});
