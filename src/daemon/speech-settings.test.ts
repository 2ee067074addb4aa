import assert from "node:assert/strict";
import { test } from "node:test";
import { type CliRequest, parseCli } from "./cli-args.ts";
import { speechConfigOf } from "./speech-settings.ts";

function settingsOf(argv: string[]) {
  const request: CliRequest = parseCli(argv, {}, "en");
  assert.equal(request.kind, "run");
  return (request as Extract<CliRequest, { kind: "run" }>).settings;
}

test("speechConfigOf is off by default", () => {
  assert.equal(speechConfigOf(settingsOf([])), undefined);
});

test("speechConfigOf maps the openai flags", () => {
  const config = speechConfigOf(
    settingsOf([
      ...["--speech-recognizer", "openai", "--speech-base-url", "http://127.0.0.1:9000/v1"],
      ...[
        "--speech-model",
        "whisper-large-v3",
        "--speech-api-key",
        "sk-speech-secret",
        "--speech-language",
        "zh",
      ],
      ...["--speech-timeout", "90", "--speech-concurrency", "3", "--speech-chunk-seconds", "120"],
      ...["--speech-chunk-mb", "2.5", "--speech-overlap", "4"],
    ]),
  );
  assert.ok(config);
  assert.equal(config.kind, "openai");
  assert.equal(config.baseUrl, "http://127.0.0.1:9000/v1");
  assert.equal(config.model, "whisper-large-v3");
  assert.equal(config.apiKey, "sk-speech-secret");
  assert.equal(config.language, "zh");
  assert.equal(config.timeoutMs, 90_000);
  assert.equal(config.concurrency, 3);
  assert.equal(config.maxChunkSeconds, 120);
  assert.equal(config.maxChunkBytes, 2_500_000);
  assert.equal(config.overlapSeconds, 4);
});

test("speechConfigOf maps the whisper-cpp flags", () => {
  const config = speechConfigOf(
    settingsOf([
      ...["--speech-recognizer", "whisper-cpp", "--whisper-cpp-path", "/opt/whisper-cli"],
      ...["--whisper-cpp-model", "/opt/ggml-base.bin", "--whisper-cpp-output", "srt"],
    ]),
  );
  assert.ok(config);
  assert.equal(config.kind, "whisper-cpp");
  assert.equal(config.whisperCppPath, "/opt/whisper-cli");
  assert.equal(config.whisperCppModel, "/opt/ggml-base.bin");
  assert.equal(config.whisperCppOutput, "srt");
});

test("speechConfigOf accepts every overlap the settings accept", () => {
  // A 1 MB chunk has room for 31.25 s of audio less one sample and the header, so 7.8125 s is just too long.
  const message = (() => {
    try {
      settingsOf([
        "--speech-recognizer",
        "whisper-cpp",
        "--whisper-cpp-path",
        "w",
        "--whisper-cpp-model",
        "m",
        "--speech-chunk-mb",
        "1",
        "--speech-overlap",
        "7.8125",
      ]);
    } catch (error) {
      return (error as Error).message;
    }
    return "";
  })();
  assert.match(
    message,
    /--speech-overlap \(AUTOCLIP_SPEECH_OVERLAP\) = "7\.8125": must be at most a quarter/,
  );

  const settings = settingsOf([
    ...["--speech-recognizer", "whisper-cpp", "--whisper-cpp-path", "w", "--whisper-cpp-model", "m"],
    ...["--speech-chunk-mb", "1", "--speech-overlap", "7.81"],
  ]);
  assert.equal(speechConfigOf(settings)?.overlapSeconds, 7.81);
});
