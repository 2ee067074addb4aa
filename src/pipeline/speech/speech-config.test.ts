import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { maxSecondsForBytes, resolveSpeechConfig, SpeechConfigError } from "./speech-config.ts";

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SpeechConfigError, String(error));
    assert.equal(error.code, "SPEECH_CONFIG_INVALID");
    return error.message;
  }
  assert.fail("expected a SpeechConfigError");
}

describe("resolveSpeechConfig", () => {
  test("fills in defaults", () => {
    const config = resolveSpeechConfig({
      kind: "openai",
      baseUrl: "http://127.0.0.1:8000/v1/",
      model: "whisper-1",
      language: "ZH",
    });
    assert.equal(config.baseUrl, "http://127.0.0.1:8000/v1");
    assert.equal(config.language, "zh");
    assert.equal(config.apiKey, undefined);
    assert.equal(config.maxChunkSeconds, 600);
    assert.equal(config.maxChunkBytes, 24_000_000);
    assert.equal(config.overlapSeconds, 2);
    assert.equal(config.concurrency, 2);
    assert.equal(config.maxRetries, 3);
    assert.equal(config.whisperCppOutput, "json");
    assert.ok(Object.isFrozen(config));
  });

  test("names every missing setting", () => {
    const openai = problemsOf(() => resolveSpeechConfig({ kind: "openai", apiKey: "sk-config-secret" }));
    assert.match(openai, /baseUrl is required for the openai recognizer \(got missing\)/);
    assert.match(openai, /model is required for the openai recognizer \(got missing\)/);
    const whisper = problemsOf(() => resolveSpeechConfig({ kind: "whisper-cpp" }));
    assert.match(whisper, /whisperCppPath is required for the whisper-cpp recognizer/);
    assert.match(whisper, /whisperCppModel is required for the whisper-cpp recognizer/);
  });

  test("hides the api key", () => {
    const message = problemsOf(() =>
      resolveSpeechConfig({
        kind: "openai",
        baseUrl: "ftp://host",
        model: "m",
        apiKey: 42 as unknown as string,
      }),
    );
    assert.match(message, /baseUrl must be an http or https URL \(got "ftp:\/\/host"\)/);
    assert.match(message, /apiKey .*\(got \(hidden\)\)/);
  });

  test("overlap limited by the byte limit", () => {
    assert.equal(maxSecondsForBytes(320_046), 10);
    const message = problemsOf(() =>
      resolveSpeechConfig({
        kind: "whisper-cpp",
        whisperCppPath: "w",
        whisperCppModel: "m",
        maxChunkBytes: 320_044,
        overlapSeconds: 3,
      }),
    );
    assert.match(message, /overlapSeconds must be at most a quarter of the chunk length, 2\.50 s \(got 3\)/);
  });
});
