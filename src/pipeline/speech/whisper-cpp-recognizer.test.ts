import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { silentLogger } from "../../shared/logger.ts";
import { resolveFfmpegBinaries } from "../ffmpeg.ts";
import { parseSubtitle } from "../subtitles/index.ts";
import { resolveSpeechConfig, type SpeechConfig } from "./speech-config.ts";
import { durationSegments, SPEECH_FIXTURES } from "./test-transcription-server.ts";
import { type TranscribeAudioResult, transcribeAudio } from "./transcribe-audio.ts";
import { createWhisperCppRecognizer } from "./whisper-cpp-recognizer.ts";

const binaries = resolveFfmpegBinaries();

/**
 * A stand-in for whisper-cli that logs its arguments and then acts as the `mode` file in its
 * folder names. In `ok` mode it writes one segment per 2 s of the input WAV ("Passage number
 * N."), as JSON for -oj or SRT for -osrt. In `fail` mode it exits with 3, in `hang` mode it
 * never finishes, and in `silent` mode it exits with 0 without writing a file.
 */
const FAKE_WHISPER = `#!${process.execPath}
const fs = require("node:fs");
const path = require("node:path");
const args = process.argv.slice(2);
const value = (flag) => args[args.indexOf(flag) + 1];
fs.appendFileSync(path.join(__dirname, "calls.log"), JSON.stringify(args) + "\\n");
const mode = fs.readFileSync(path.join(__dirname, "mode"), "utf8").trim();
if (mode === "fail") {
  process.stderr.write("whisper_init_from_file: loading model\\nerror: failed to load model\\n");
  process.exit(3);
}
if (mode === "hang") setInterval(() => {}, 1000);
if (mode === "silent") process.exit(0);
if (mode === "ok") {
  const seconds = (fs.statSync(value("-f")).size - 44) / 32000;
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  const stamp = (ms) => pad(Math.floor(ms / 3600000)) + ":" + pad(Math.floor(ms / 60000) % 60) + ":" + pad(Math.floor(ms / 1000) % 60) + "," + pad(ms % 1000, 3);
  const segments = [];
  for (let from = 0, n = 1; from < seconds * 1000 - 50; from += 2000, n++) {
    const to = Math.min(Math.round(seconds * 1000), from + 2000);
    segments.push({ from, to, text: " Passage number " + n + "." });
  }
  if (args.includes("-oj")) {
    const language = value("-l") === "auto" ? "en" : value("-l");
    const transcription = segments.map((s) => ({
      timestamps: { from: stamp(s.from), to: stamp(s.to) },
      offsets: { from: s.from, to: s.to },
      text: s.text,
    }));
    fs.writeFileSync(value("-of") + ".json", JSON.stringify({ result: { language }, transcription }));
  } else {
    const srt = segments.map((s, i) => (i + 1) + "\\n" + stamp(s.from) + " --> " + stamp(s.to) + "\\n" + s.text.trim() + "\\n").join("\\n");
    fs.writeFileSync(value("-of") + ".srt", srt);
  }
}
`;

let root: string;
let program: string;
let model: string;
let runs = 0;

async function setMode(mode: "ok" | "fail" | "hang" | "silent"): Promise<void> {
  await writeFile(path.join(path.dirname(program), "mode"), mode);
}

async function calls(): Promise<string[][]> {
  const text = await readFile(path.join(path.dirname(program), "calls.log"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as string[]);
}

interface Run {
  result: TranscribeAudioResult;
  output: string;
  dir: string;
}

async function transcribe(overrides: Partial<SpeechConfig> = {}, folder?: string): Promise<Run> {
  const dir = folder ?? path.join(root, `project-${++runs}`);
  const output = path.join(dir, "input", "transcript.srt");
  await mkdir(path.join(dir, "input"), { recursive: true });
  const config = resolveSpeechConfig({
    kind: "whisper-cpp",
    whisperCppPath: program,
    whisperCppModel: model,
    language: "en",
    ...overrides,
  });

  const result = await transcribeAudio({
    input: SPEECH_FIXTURES.jfk.file,
    output,
    metadataDir: path.join(dir, "metadata"),
    config,
    recognizer: createWhisperCppRecognizer(config, silentLogger),
    binaries,
    logger: silentLogger,
    signal: new AbortController().signal,
  });
  return { result, output, dir };
}

function failure(result: TranscribeAudioResult) {
  assert.equal(result.status, "failed", JSON.stringify(result));
  return result as Extract<TranscribeAudioResult, { status: "failed" }>;
}

async function cueTexts(file: string): Promise<Array<[number, number, string]>> {
  const parsed = parseSubtitle(await readFile(file), "transcript.srt");
  return parsed.cues.map((cue) => [cue.start, cue.end, cue.text]);
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-whisper-"));
  const bin = path.join(root, "bin");
  await mkdir(bin);
  program = path.join(bin, "whisper-cli");
  await writeFile(program, FAKE_WHISPER);
  await chmod(program, 0o755);
  model = path.join(root, "ggml-base.bin");
  await writeFile(model, "not a real model");
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("whisper-cpp recognizer", () => {
  test("reads the json output", async () => {
    await setMode("ok");
    const before = (await calls()).length;
    const run = await transcribe();

    assert.equal(run.result.status, "done", JSON.stringify(run.result));
    assert.equal((run.result as { language: string }).language, "en");
    const expected = durationSegments(11);
    assert.deepEqual(
      await cueTexts(run.output),
      expected.map((segment) => [segment.start, segment.end, segment.text]),
    );
    const args = (await calls()).slice(before);
    assert.equal(args.length, 1);
    const [first] = args;
    assert.deepEqual(first?.slice(0, 2), ["-m", model]);
    assert.equal(first?.[2], "-f");
    assert.match(first?.[3] ?? "", /chunk-1\.wav$/);
    assert.ok(first?.includes("-oj"));
    assert.deepEqual(first?.slice(-3), ["-l", "en", "-np"]);
  });

  test("reads the srt output", async () => {
    await setMode("ok");
    const run = await transcribe({ whisperCppOutput: "srt", language: undefined });

    assert.equal(run.result.status, "done", JSON.stringify(run.result));
    assert.deepEqual(
      (await cueTexts(run.output)).map((cue) => cue[2]),
      durationSegments(11).map((segment) => segment.text),
    );
    const last = (await calls()).at(-1);
    assert.ok(last?.includes("-osrt"));
    assert.deepEqual(last?.slice(-3), ["-l", "auto", "-np"]);
  });

  test("re-run reads the cache", async () => {
    await setMode("ok");
    const first = await transcribe();
    const count = (await calls()).length;
    const second = await transcribe({}, first.dir);

    assert.equal((second.result as { cachedChunks: number }).cachedChunks, 1);
    assert.equal((await calls()).length, count, "the program did not run again");
  });

  test("missing program", async () => {
    const missing = path.join(root, "bin", "no-such-whisper");
    const failed = failure((await transcribe({ whisperCppPath: missing })).result);

    assert.equal(failed.code, "SPEECH_PROGRAM_NOT_FOUND");
    assert.match(
      failed.message.en,
      /^Speech recognizer whisper-cpp failed on chunk 1 of 1 \(0:00\.0–0:11\.0\): /,
    );
    assert.match(failed.message.en, /program .*no-such-whisper could not be started \(ENOENT\)/);
    assert.match(failed.hint.en, /--whisper-cpp-path/);
  });

  test("missing model", async () => {
    await setMode("ok");
    const failed = failure((await transcribe({ whisperCppModel: path.join(root, "missing.bin") })).result);

    assert.equal(failed.code, "SPEECH_MODEL_NOT_FOUND");
    assert.match(failed.message.en, /model file .*missing\.bin does not exist/);
    assert.match(failed.hint.en, /--whisper-cpp-model/);
  });

  test("program failure quotes stderr", async () => {
    await setMode("fail");
    const failed = failure((await transcribe()).result);

    assert.equal(failed.code, "SPEECH_PROGRAM_FAILED");
    assert.match(failed.message.en, /failed with exit code 3: .*error: failed to load model/);
  });

  test("program without output", async () => {
    await setMode("silent");
    const failed = failure((await transcribe()).result);

    assert.equal(failed.code, "SPEECH_PROGRAM_FAILED");
    assert.match(failed.message.en, /exited without writing .*chunk-1\.json/);
  });

  test("program timeout", async () => {
    await setMode("hang");
    const failed = failure((await transcribe({ timeoutMs: 500 })).result);

    assert.equal(failed.code, "SPEECH_TIMEOUT");
    assert.match(failed.message.en, /did not finish within 0\.5 s/);
  });
});
