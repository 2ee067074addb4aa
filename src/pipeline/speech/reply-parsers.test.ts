import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseRawReply } from "./reply-parsers.ts";
import { SpeechError } from "./speech-errors.ts";

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SpeechError, String(error));
    return error.code;
  }
  assert.fail("expected a SpeechError");
}

describe("parseRawReply", () => {
  test("verbose_json segments and language", () => {
    const text = JSON.stringify({
      language: "english",
      text: " Hi there. Bye.",
      segments: [
        { id: 0, start: 0.5, end: 1.2, text: " Hi there." },
        { id: 1, start: 1.2, end: 1.2, text: " zero length" },
        { id: 2, start: 2, end: 2.6, text: "   " },
        { id: 3, start: 3, end: 3.5, text: " Bye." },
      ],
    });
    assert.deepEqual(parseRawReply({ format: "verbose_json", text }), {
      language: "english",
      segments: [
        { start: 0.5, end: 1.2, text: "Hi there." },
        { start: 3, end: 3.5, text: "Bye." },
      ],
    });
  });

  test("silence without segments is empty", () => {
    const reply = parseRawReply({ format: "verbose_json", text: '{"text":""}' });
    assert.deepEqual(reply, { segments: [], language: null });
  });

  test("text without segments fails", () => {
    assert.equal(
      codeOf(() => parseRawReply({ format: "verbose_json", text: '{"text":"hello"}' })),
      "SPEECH_NO_TIMESTAMPS",
    );
    const empty = '{"text":"hello","segments":[]}';
    assert.equal(
      codeOf(() => parseRawReply({ format: "verbose_json", text: empty })),
      "SPEECH_NO_TIMESTAMPS",
    );
  });

  test("non-json body fails", () => {
    assert.equal(
      codeOf(() => parseRawReply({ format: "verbose_json", text: "<html>bad gateway</html>" })),
      "SPEECH_BAD_REPLY",
    );
    assert.equal(
      codeOf(() => parseRawReply({ format: "verbose_json", text: '{"segments":"x"}' })),
      "SPEECH_BAD_REPLY",
    );
  });

  test("whisper.cpp json offsets in milliseconds", () => {
    const text = JSON.stringify({
      result: { language: "zh" },
      transcription: [
        {
          timestamps: { from: "00:00:00,000", to: "00:00:01,500" },
          offsets: { from: 0, to: 1500 },
          text: " 你好",
        },
      ],
    });
    assert.deepEqual(parseRawReply({ format: "whisper_json", text }), {
      language: "zh",
      segments: [{ start: 0, end: 1.5, text: "你好" }],
    });
    assert.equal(
      codeOf(() => parseRawReply({ format: "whisper_json", text: "{}" })),
      "SPEECH_BAD_REPLY",
    );
  });

  test("whisper.cpp srt", () => {
    const text = "1\n00:00:00,000 --> 00:00:02,000\n Hello\n\n2\n00:00:02,000 --> 00:00:03,250\nworld\n";
    assert.deepEqual(parseRawReply({ format: "srt", text }).segments, [
      { start: 0, end: 2, text: "Hello" },
      { start: 2, end: 3.25, text: "world" },
    ]);
    assert.deepEqual(parseRawReply({ format: "srt", text: "" }).segments, []);
    assert.equal(
      codeOf(() => parseRawReply({ format: "srt", text: "not subtitles" })),
      "SPEECH_BAD_REPLY",
    );
  });
});
