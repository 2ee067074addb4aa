import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { type CliRequest, parseCli, renderHelp, SettingsError } from "./cli-args.ts";
import { SETTING_SPECS, type Settings } from "./settings.ts";

const HAN = /\p{Script=Han}/u;

/** Parses `argv` with `env` and returns the settings, failing the test on any other request. */
function settingsOf(argv: string[], env: NodeJS.ProcessEnv = {}): Settings {
  const request: CliRequest = parseCli(argv, env, "en");
  assert.equal(request.kind, "run");
  return (request as Extract<CliRequest, { kind: "run" }>).settings;
}

/** Runs `parseCli` expecting a {@link SettingsError} and returns its message. */
function settingsErrorOf(argv: string[], env: NodeJS.ProcessEnv = {}, locale: "en" | "zh" = "en"): string {
  try {
    parseCli(argv, env, locale);
  } catch (error) {
    assert.ok(error instanceof SettingsError, `expected SettingsError, got ${String(error)}`);
    assert.equal(error.code, "INVALID_SETTINGS");
    return error.message;
  }
  assert.fail(`parseCli accepted ${JSON.stringify(argv)} with ${JSON.stringify(env)}`);
}

test("parseCli defaults to serve", () => {
  const request = parseCli([], {}, "en");

  assert.equal(request.kind, "run");
  assert.equal((request as Extract<CliRequest, { kind: "run" }>).command, "serve");
});

test("parseCli uses defaults without flags", () => {
  const settings = settingsOf([]);

  assert.equal(settings.port, 8000);
  assert.equal(settings.host, "127.0.0.1");
  assert.equal(settings.concurrency, 1);
  assert.equal(settings.reindex, false);
  assert.equal(settings.logLevel, "info");
  assert.equal(settings.dataDir, path.resolve("data"));
  assert.equal(settings.indexDir, path.resolve("data", ".index"));
});

test("parseCli accepts the serve command", () => {
  const settings = settingsOf(["serve", "--port", "9001"]);

  assert.equal(settings.port, 9001);
});

test("parseCli reads env", () => {
  const settings = settingsOf([], { AUTOCLIP_PORT: "7000", AUTOCLIP_DATA_DIR: "/srv/clips" });

  assert.equal(settings.port, 7000);
  assert.equal(settings.dataDir, "/srv/clips");
  assert.equal(settings.indexDir, "/srv/clips/.index");
});

test("parseCli flag beats env", () => {
  const settings = settingsOf(["--port", "9000"], { AUTOCLIP_PORT: "7000" });

  assert.equal(settings.port, 9000);
});

test("parseCli ignores empty env", () => {
  const settings = settingsOf([], { AUTOCLIP_PORT: "", AUTOCLIP_LOG_LEVEL: "" });

  assert.equal(settings.port, 8000);
  assert.equal(settings.logLevel, "info");
});

test("parseCli reads the ffmpeg env twins", () => {
  const settings = settingsOf([], { FFMPEG_PATH: "/opt/ff/ffmpeg", FFPROBE_PATH: "/opt/ff/ffprobe" });

  assert.equal(settings.ffmpegPath, "/opt/ff/ffmpeg");
  assert.equal(settings.ffprobePath, "/opt/ff/ffprobe");
});

test("parseCli index-dir follows data-dir", () => {
  const settings = settingsOf(["--data-dir", "/srv/a b/data"]);

  assert.equal(settings.indexDir, "/srv/a b/data/.index");
});

test("parseCli index-dir flag wins", () => {
  const settings = settingsOf(["--data-dir", "/srv/data", "--index-dir", "/var/cache/autoclip"]);

  assert.equal(settings.indexDir, "/var/cache/autoclip");
});

test("parseCli reindex flag", () => {
  assert.equal(settingsOf(["--reindex"]).reindex, true);
  assert.equal(settingsOf([]).reindex, false);
});

test("parseCli reindex env", () => {
  assert.equal(settingsOf([], { AUTOCLIP_REINDEX: "1" }).reindex, true);
  assert.equal(settingsOf([], { AUTOCLIP_REINDEX: "true" }).reindex, true);
  assert.equal(settingsOf([], { AUTOCLIP_REINDEX: "0" }).reindex, false);
  assert.equal(settingsOf([], { AUTOCLIP_REINDEX: "no" }).reindex, false);
});

test("parseCli reindex flag beats env 0", () => {
  assert.equal(settingsOf(["--reindex"], { AUTOCLIP_REINDEX: "0" }).reindex, true);
});

test("parseCli returns frozen settings", () => {
  const settings = settingsOf([]);

  assert.ok(Object.isFrozen(settings));
  assert.throws(() => {
    (settings as { port: number }).port = 1;
  }, TypeError);
});

test("parseCli names a bad port", () => {
  const message = settingsErrorOf(["--port", "abc"]);

  assert.match(message, /--port/);
  assert.match(message, /AUTOCLIP_PORT/);
  assert.match(message, /"abc"/);
});

test("parseCli names a bad concurrency", () => {
  const message = settingsErrorOf(["--concurrency", "0"]);

  assert.match(message, /--concurrency/);
  assert.match(message, /AUTOCLIP_CONCURRENCY/);
  assert.match(message, /"0"/);
});

test("parseCli names a bad log level", () => {
  const message = settingsErrorOf(["--log-level", "loud"]);

  assert.match(message, /--log-level/);
  assert.match(message, /AUTOCLIP_LOG_LEVEL/);
  assert.match(message, /"loud"/);
});

test("parseCli names a bad env value", () => {
  const message = settingsErrorOf([], { AUTOCLIP_PORT: "http" });

  assert.match(message, /--port/);
  assert.match(message, /AUTOCLIP_PORT/);
  assert.match(message, /"http"/);
});

test("parseCli names min above max", () => {
  const message = settingsErrorOf(["--min-clip-seconds", "100", "--max-clip-seconds", "50"]);

  assert.match(message, /--min-clip-seconds/);
  assert.match(message, /AUTOCLIP_MIN_CLIP_SECONDS/);
  assert.match(message, /"100"/);
  assert.match(message, /max-clip-seconds \(50\)/);
});

test("parseCli names the default max", () => {
  const message = settingsErrorOf(["--min-clip-seconds", "400"]);

  assert.match(message, /--min-clip-seconds \(AUTOCLIP_MIN_CLIP_SECONDS\) = "400"/);
  assert.match(message, /max-clip-seconds \(300\)/);
});

test("parseCli lists several bad values", () => {
  const message = settingsErrorOf(["--port", "abc", "--concurrency", "0", "--log-level", "loud"]);
  const lines = message.split("\n");

  assert.equal(lines.length, 4, message);
  assert.match(message, /--port \(AUTOCLIP_PORT\) = "abc"/);
  assert.match(message, /--concurrency \(AUTOCLIP_CONCURRENCY\) = "0"/);
  assert.match(message, /--log-level \(AUTOCLIP_LOG_LEVEL\) = "loud"/);
});

test("parseCli lists clip order with other errors", () => {
  const message = settingsErrorOf(["--port", "abc", "--min-clip-seconds", "100", "--max-clip-seconds", "50"]);

  assert.match(message, /--port \(AUTOCLIP_PORT\) = "abc"/);
  assert.match(message, /--min-clip-seconds \(AUTOCLIP_MIN_CLIP_SECONDS\) = "100"/);
});

test("parseCli lists flag and env errors together", () => {
  const message = settingsErrorOf(["--concurrency", "0"], { AUTOCLIP_SCORE_THRESHOLD: "2" });

  assert.match(message, /--concurrency \(AUTOCLIP_CONCURRENCY\) = "0"/);
  assert.match(message, /--score-threshold \(AUTOCLIP_SCORE_THRESHOLD\) = "2"/);
});

test("parseCli reports errors in Chinese", () => {
  const message = settingsErrorOf(["--port", "abc"], {}, "zh");

  assert.match(message, HAN);
  assert.match(message, /--port（AUTOCLIP_PORT）= "abc"/);
});

test("parseCli words zod reasons in Chinese", () => {
  const message = settingsErrorOf(["--port", "abc", "--concurrency", "0"], {}, "zh");
  const reasons = message.split("\n").slice(1);

  assert.equal(reasons.length, 2);
  for (const line of reasons) assert.doesNotMatch(line, /[A-Za-z]{4,}\s[a-z]{3,}/, line);
});

test("parseCli words refinements in Chinese", () => {
  const clipBounds = settingsErrorOf(["--min-clip-seconds", "100", "--max-clip-seconds", "60"], {}, "zh");
  const llm = settingsErrorOf(["--analyzer", "llm"], {}, "zh");

  assert.match(clipBounds, /不能大于 max-clip-seconds（60）/);
  assert.match(llm, /--llm-base-url（AUTOCLIP_LLM_BASE_URL）= null：使用 --analyzer llm 时必填/);
});

test("parseCli words flag errors in Chinese", () => {
  assert.match(settingsErrorOf(["--bogus"], {}, "zh"), /未知参数 --bogus。运行 autoclipd --help/);
  assert.match(settingsErrorOf(["--port"], {}, "zh"), /参数 --port 缺少值/);
  assert.match(settingsErrorOf(["--help=1"], {}, "zh"), /参数 --help 不接受值/);
});

test("parseCli words flag errors plainly in English", () => {
  assert.match(settingsErrorOf(["--bogus"]), /^Unknown flag --bogus\. Run autoclipd --help/);
  assert.match(settingsErrorOf(["--port"]), /^Flag --port needs a value\./);
  assert.match(settingsErrorOf(["serve", "extra"]), /^Unexpected argument extra\./);
  assert.match(settingsErrorOf(["verify", "extra"], {}, "zh"), /^多余的参数 extra。/);
});

test("parseCli rejects an unknown flag", () => {
  const message = settingsErrorOf(["--bogus"]);

  assert.match(message, /--bogus/);
  assert.match(message, /--help/);
});

test("parseCli rejects a flag without value", () => {
  const message = settingsErrorOf(["--port"]);

  assert.match(message, /--port/);
});

test("parseCli rejects an unknown command", () => {
  const message = settingsErrorOf(["start"]);

  assert.match(message, /"start"/);
});

test("parseCli returns help and version", () => {
  assert.deepEqual(parseCli(["--help"], {}, "en"), { kind: "help" });
  assert.deepEqual(parseCli(["--version"], {}, "en"), { kind: "version" });
});

test("parseCli help skips bad values", () => {
  assert.deepEqual(parseCli(["--help", "--port", "abc"], {}, "en"), { kind: "help" });
});

test("renderHelp lists every flag in English", () => {
  const help = renderHelp("en");

  for (const spec of Object.values(SETTING_SPECS)) {
    assert.ok(help.includes(`--${spec.flag}`), `--${spec.flag} missing`);
    assert.ok(help.includes(spec.env), `${spec.env} missing`);
    assert.ok(help.includes(spec.help.en), `help text of --${spec.flag} missing`);
  }
  assert.match(help, /--help/);
  assert.match(help, /--version/);
  assert.doesNotMatch(help, HAN);
});

test("renderHelp lists every flag in Chinese", () => {
  const help = renderHelp("zh");

  for (const spec of Object.values(SETTING_SPECS)) {
    assert.ok(help.includes(`--${spec.flag}`), `--${spec.flag} missing`);
    assert.ok(help.includes(spec.env), `${spec.env} missing`);
    assert.ok(help.includes(spec.help.zh), `help text of --${spec.flag} missing`);
  }
  assert.match(help, HAN);
  assert.match(help, /--help/);
  assert.match(help, /--version/);
});

test("parseCli speech recognition defaults to none", () => {
  const settings = settingsOf([]);
  assert.equal(settings.speechRecognizer, "none");
  assert.equal(settings.speechChunkSeconds, 600);
  assert.equal(settings.speechChunkMb, 24);
  assert.equal(settings.speechOverlapSeconds, 2);
  assert.equal(settings.speechConcurrency, 2);
  assert.equal(settings.speechTimeoutSeconds, 300);
  assert.equal(settings.whisperCppOutput, "json");
});

test("parseCli reads the speech env twins", () => {
  const settings = settingsOf([], {
    AUTOCLIP_SPEECH_RECOGNIZER: "openai",
    AUTOCLIP_SPEECH_BASE_URL: "http://127.0.0.1:8080/v1",
    AUTOCLIP_SPEECH_API_KEY: "sk-speech-secret",
    AUTOCLIP_SPEECH_MODEL: "whisper-1",
    AUTOCLIP_SPEECH_LANGUAGE: "zh",
    AUTOCLIP_SPEECH_CHUNK_SECONDS: "120",
  });
  assert.equal(settings.speechRecognizer, "openai");
  assert.equal(settings.speechBaseUrl, "http://127.0.0.1:8080/v1");
  assert.equal(settings.speechApiKey, "sk-speech-secret");
  assert.equal(settings.speechModel, "whisper-1");
  assert.equal(settings.speechLanguage, "zh");
  assert.equal(settings.speechChunkSeconds, 120);
});

test("parseCli openai recognizer needs url and model", () => {
  const message = settingsErrorOf(["--speech-recognizer", "openai", "--speech-api-key", "sk-speech-secret"]);
  assert.match(
    message,
    /--speech-base-url \(AUTOCLIP_SPEECH_BASE_URL\) = null: is required with --speech-recognizer openai/,
  );
  assert.match(
    message,
    /--speech-model \(AUTOCLIP_SPEECH_MODEL\) = null: is required with --speech-recognizer openai/,
  );
});

test("parseCli whisper-cpp needs path and model", () => {
  const message = settingsErrorOf(["--speech-recognizer", "whisper-cpp"]);
  assert.match(message, /--whisper-cpp-path \(AUTOCLIP_WHISPER_CPP_PATH\) = null: is required/);
  assert.match(message, /--whisper-cpp-model \(AUTOCLIP_WHISPER_CPP_MODEL\) = null: is required/);
});

test("parseCli hides a bad speech api key", () => {
  const message = settingsErrorOf(["--speech-api-key", ""]);
  assert.match(message, /--speech-api-key \(AUTOCLIP_SPEECH_API_KEY\) = \(hidden\): /);
  const flagged = settingsErrorOf(["--speech-recognizer", "bogus", "--speech-api-key", "sk-speech-secret"]);
  assert.doesNotMatch(flagged, /sk-speech-secret/);
});

test("parseCli names an overlap too long for the chunk", () => {
  const message = settingsErrorOf(["--speech-chunk-seconds", "20", "--speech-overlap", "6"]);
  assert.match(message, /--speech-overlap \(AUTOCLIP_SPEECH_OVERLAP\) = "6": must be at most a quarter/);
});

test("parseCli names a bad speech language", () => {
  const message = settingsErrorOf(["--speech-language", "Chinese"]);
  assert.match(
    message,
    /--speech-language \(AUTOCLIP_SPEECH_LANGUAGE\) = "Chinese": must be an ISO 639-1 code/,
  );
});
