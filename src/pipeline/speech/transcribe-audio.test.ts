import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { silentLogger } from "../../shared/logger.ts";
import { unusedBaseUrl } from "../analyzer/llm/test-server.ts";
import { extractAudio, resolveFfmpegBinaries } from "../ffmpeg.ts";
import { detectSilences } from "../ffmpeg-silence.ts";
import { parseSubtitle } from "../subtitles/index.ts";
import { createOpenAiRecognizer } from "./openai-recognizer.ts";
import { type ResolvedSpeechConfig, resolveSpeechConfig, type SpeechConfig } from "./speech-config.ts";
import {
  durationSegments,
  type FakeTranscriptionServer,
  fixtureSentences,
  pcmOf,
  SPEECH_FIXTURES,
  startFakeTranscriptionServer,
  type TranscriptionResponder,
  timelineResponder,
  timeSentences,
} from "./test-transcription-server.ts";
import { type TranscribeAudioResult, transcribeAudio } from "./transcribe-audio.ts";

const binaries = resolveFfmpegBinaries();
const API_KEY = "sk-test-secret-key";

let root: string;
let runs = 0;
const servers: FakeTranscriptionServer[] = [];

interface Reference {
  file: string;
  wav: Buffer;
  duration: number;
}

/** Extracts the fixture's audio the way the recognizer input is made, as the server's reference. */
async function reference(file: string): Promise<Reference> {
  const output = path.join(root, `reference-${++runs}.wav`);
  await extractAudio({ input: file, output }, binaries);
  const wav = await readFile(output);
  return { file: output, wav, duration: pcmOf(wav).length / 32_000 };
}

async function serve(responder: TranscriptionResponder): Promise<FakeTranscriptionServer> {
  const server = await startFakeTranscriptionServer(responder);
  servers.push(server);
  return server;
}

function configFor(baseUrl: string, overrides: Partial<SpeechConfig> = {}): ResolvedSpeechConfig {
  return resolveSpeechConfig({
    kind: "openai",
    baseUrl,
    apiKey: API_KEY,
    model: "whisper-1",
    language: "en",
    retryBaseMs: 10,
    maxRetries: 2,
    ...overrides,
  });
}

interface Run {
  result: TranscribeAudioResult;
  output: string;
  metadataDir: string;
}

/** Transcribes `input` into a project-like folder; pass `folder` again to re-run with its cache. */
async function transcribe(input: string, config: ResolvedSpeechConfig, folder?: string): Promise<Run> {
  const dir = folder ?? path.join(root, `project-${++runs}`);
  const metadataDir = path.join(dir, "metadata");
  const output = path.join(dir, "input", "transcript.srt");
  await mkdir(metadataDir, { recursive: true });
  await mkdir(path.dirname(output), { recursive: true });

  const result = await transcribeAudio({
    input,
    output,
    metadataDir,
    config,
    recognizer: createOpenAiRecognizer(config, silentLogger),
    binaries,
    logger: silentLogger,
    signal: new AbortController().signal,
  });
  return { result, output, metadataDir };
}

function failure(result: TranscribeAudioResult) {
  assert.equal(result.status, "failed", JSON.stringify(result));
  return result as Extract<TranscribeAudioResult, { status: "failed" }>;
}

function done(result: TranscribeAudioResult) {
  assert.equal(result.status, "done", JSON.stringify(result));
  return result as Extract<TranscribeAudioResult, { status: "done" }>;
}

async function readCues(file: string): Promise<Array<[number, number, string]>> {
  const parsed = parseSubtitle(await readFile(file), "transcript.srt");
  return parsed.cues.map((cue) => [cue.start, cue.end, cue.text]);
}

function assertCuesMatch(
  actual: Array<[number, number, string]>,
  expected: ReturnType<typeof timeSentences>,
) {
  assert.deepEqual(
    actual.map((cue) => cue[2]),
    expected.map((segment) => segment.text),
  );
  for (const [index, cue] of actual.entries()) {
    const segment = expected[index];
    assert.ok(
      Math.abs(cue[0] - (segment?.start ?? 0)) < 0.002,
      `cue ${index} starts at ${cue[0]}, not ${segment?.start}`,
    );
    assert.ok(
      Math.abs(cue[1] - (segment?.end ?? 0)) < 0.002,
      `cue ${index} ends at ${cue[1]}, not ${segment?.end}`,
    );
  }
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-speech-"));
});

after(async () => {
  for (const server of servers) await server.close();
  await rm(root, { recursive: true, force: true });
});

describe("transcribeAudio with the openai recognizer", () => {
  test("single chunk follows the reply", async () => {
    const audio = await reference(SPEECH_FIXTURES.jfk.file);
    const sentences = timeSentences(fixtureSentences("jfk") ?? [], audio.duration);
    const server = await serve(timelineResponder(audio.wav, sentences));

    const run = await transcribe(SPEECH_FIXTURES.jfk.file, configFor(server.baseUrl));
    const result = done(run.result);

    assert.equal(result.chunks, 1);
    assert.equal(result.language, "english");
    assertCuesMatch(await readCues(run.output), sentences);
    const [request] = server.requests;
    assert.equal(server.requests.length, 1);
    assert.equal(request?.fields.model, "whisper-1");
    assert.equal(request?.fields.response_format, "verbose_json");
    assert.equal(request?.fields["timestamp_granularities[]"], "segment");
    assert.equal(request?.fields.language, "en");
    assert.equal(request?.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(request?.fileName, "chunk-1.wav");
    assert.equal(request?.contentType, "audio/wav");
    assert.equal(request?.audio.readUInt32LE(24), 16_000, "sample rate");
    assert.equal(request?.audio.readUInt16LE(22), 1, "channels");
    assert.deepEqual(request?.audio, audio.wav, "the one chunk is the whole extracted audio");
  });

  test("audio without a transcript", async () => {
    const audio = await reference(SPEECH_FIXTURES.commentary.file);
    const segments = durationSegments(audio.duration);
    const server = await serve(timelineResponder(audio.wav, segments));

    const run = await transcribe(SPEECH_FIXTURES.commentary.file, configFor(server.baseUrl));
    done(run.result);
    assertCuesMatch(await readCues(run.output), segments);
  });

  test("splits at silences and stitches chunks", async () => {
    const audio = await reference(SPEECH_FIXTURES.instruct.file);
    const sentences = timeSentences(fixtureSentences("instruct") ?? [], audio.duration);
    const server = await serve(timelineResponder(audio.wav, sentences));
    const config = configFor(server.baseUrl, { maxChunkSeconds: 15, overlapSeconds: 2, concurrency: 2 });

    const run = await transcribe(SPEECH_FIXTURES.instruct.file, config);
    const result = done(run.result);

    assert.ok(result.chunks >= 5, `73 s in chunks of at most 15 s needs 5 or more, got ${result.chunks}`);
    assert.equal(server.requests.length, result.chunks);
    assert.ok(server.maxInFlight() <= 2, `at most 2 requests at once, saw ${server.maxInFlight()}`);
    for (const request of server.requests) {
      const seconds = pcmOf(request.audio).length / 32_000;
      assert.ok(seconds <= 15 + 1e-6, `a chunk of ${seconds} s exceeds 15 s`);
    }
    assertCuesMatch(await readCues(run.output), sentences);

    // Each cut lies in the middle of the overlap of the chunks on both sides of it.
    const samples = pcmOf(audio.wav);
    const spans = server.requests
      .map((request) => {
        const chunk = pcmOf(request.audio);
        const start = samples.indexOf(chunk) / 32_000;
        return { start, end: start + chunk.length / 32_000 };
      })
      .sort((a, b) => a.start - b.start);
    const silences = await detectSilences({ input: audio.file, duration: audio.duration }, binaries);
    for (let index = 1; index < spans.length; index++) {
      const cut = ((spans[index - 1]?.end ?? 0) + (spans[index]?.start ?? 0)) / 2;
      const inSilence = silences.some((silence) => silence.start <= cut && cut <= silence.end);
      assert.ok(inSilence, `cut at ${cut.toFixed(2)} s lies in a silence: ${JSON.stringify(silences)}`);
    }

    const entries = await readdir(path.join(run.metadataDir, "speech-cache"));
    assert.equal(entries.length, result.chunks);
  });

  test("chunk size limit splits too", async () => {
    const audio = await reference(SPEECH_FIXTURES.jfk.file);
    const sentences = timeSentences(
      [
        "And so my fellow Americans,",
        "ask not what your country can do for you,",
        "ask what you can do for your country.",
      ],
      audio.duration,
    );
    const server = await serve(timelineResponder(audio.wav, sentences));
    const config = configFor(server.baseUrl, { maxChunkBytes: 128_044, overlapSeconds: 0.5 });

    const run = await transcribe(SPEECH_FIXTURES.jfk.file, config);
    const result = done(run.result);

    assert.ok(result.chunks >= 3, `11 s in chunks of 4 s needs 3 or more, got ${result.chunks}`);
    for (const request of server.requests)
      assert.ok(request.audio.length <= 128_044, `${request.audio.length} bytes`);
    assertCuesMatch(await readCues(run.output), sentences);
  });

  test("re-run sends nothing for cached chunks", async () => {
    const audio = await reference(SPEECH_FIXTURES.instruct.file);
    const sentences = timeSentences(fixtureSentences("instruct") ?? [], audio.duration);
    const server = await serve(timelineResponder(audio.wav, sentences));
    const config = configFor(server.baseUrl, { maxChunkSeconds: 20 });

    const first = await transcribe(SPEECH_FIXTURES.instruct.file, config);
    const sent = server.requests.length;
    const second = await transcribe(SPEECH_FIXTURES.instruct.file, config, path.dirname(first.metadataDir));

    assert.equal(server.requests.length, sent, "no request on the second run");
    assert.equal(done(second.result).cachedChunks, done(first.result).chunks);
    assert.equal(await readFile(second.output, "utf8"), await readFile(first.output, "utf8"));
  });

  test("retry resumes at the failed chunk", async () => {
    const audio = await reference(SPEECH_FIXTURES.instruct.file);
    const sentences = timeSentences(fixtureSentences("instruct") ?? [], audio.duration);
    const answer = timelineResponder(audio.wav, sentences);
    let faulty = true;
    const server = await serve((request, index) =>
      faulty && index === 2
        ? { status: 500, json: { error: { message: "model crashed" } } }
        : answer(request, index),
    );
    const config = configFor(server.baseUrl, { maxChunkSeconds: 15, concurrency: 1, maxRetries: 0 });

    const first = await transcribe(SPEECH_FIXTURES.instruct.file, config);
    const failed = failure(first.result);
    assert.equal(failed.code, "SPEECH_HTTP_ERROR");
    assert.match(
      failed.message.en,
      /^Speech recognizer openai failed on chunk 3 of \d+ \(0:\d\d\.\d–0:\d\d\.\d\): /,
    );
    assert.match(failed.message.en, /answered HTTP 500 after 1 attempt\(s\): .*model crashed/);
    assert.match(failed.message.zh, /^语音识别器 openai 在第 3 段（共 \d+ 段/);
    assert.equal(server.requests.length, 3, "no chunk starts after the failure");
    const failedAudio = server.requests[2]?.audio;

    faulty = false;
    const second = await transcribe(SPEECH_FIXTURES.instruct.file, config, path.dirname(first.metadataDir));
    const result = done(second.result);

    assert.equal(result.cachedChunks, 2);
    assert.equal(server.requests.length, 3 + result.chunks - 2, "finished chunks are not sent again");
    assert.deepEqual(server.requests[3]?.audio, failedAudio, "the retry starts with the failed chunk");
    assertCuesMatch(await readCues(second.output), sentences);
  });
});

describe("transcribeAudio errors", () => {
  test("unreachable endpoint", async () => {
    const baseUrl = await unusedBaseUrl();
    const run = await transcribe(SPEECH_FIXTURES.jfk.file, configFor(baseUrl, { maxRetries: 1 }));
    const failed = failure(run.result);

    assert.equal(failed.code, "SPEECH_UNREACHABLE");
    assert.match(failed.message.en, /^Speech recognizer openai failed on chunk 1 of 1 \(0:00\.0–0:11\.0\): /);
    assert.match(
      failed.message.en,
      /could not connect to http:\/\/127\.0\.0\.1:\d+\/v1\/audio\/transcriptions in 2 attempt\(s\) \(ECONNREFUSED\)/,
    );
    assert.match(failed.hint.en, /--speech-base-url/);
    assert.match(failed.hint.zh, /--speech-base-url/);
  });

  test("401 fails at once without the key", async () => {
    const server = await serve(() => ({
      status: 401,
      json: { error: { message: `Incorrect API key provided: ${API_KEY}` } },
    }));
    const run = await transcribe(SPEECH_FIXTURES.jfk.file, configFor(server.baseUrl));
    const failed = failure(run.result);

    assert.equal(failed.code, "SPEECH_UNAUTHORIZED");
    assert.equal(server.requests.length, 1, "401 is not retried");
    assert.match(
      failed.message.en,
      /chunk 1 of 1 .*rejected the request with HTTP 401; the API key is missing, wrong, or may not use model "whisper-1"/,
    );
    assert.match(failed.hint.en, /AUTOCLIP_SPEECH_API_KEY/);
    assert.doesNotMatch(JSON.stringify(failed), new RegExp(API_KEY));
  });

  test("413 names the chunk size", async () => {
    const server = await serve(() => ({
      status: 413,
      json: { error: { message: "Maximum content size limit exceeded" } },
    }));
    const run = await transcribe(SPEECH_FIXTURES.jfk.file, configFor(server.baseUrl));
    const failed = failure(run.result);

    assert.equal(failed.code, "SPEECH_CHUNK_TOO_LARGE");
    assert.equal(server.requests.length, 1, "413 is not retried");
    assert.match(failed.message.en, /rejected the 0\.4 MB chunk as too large \(HTTP 413\)/);
    assert.match(failed.hint.en, /--speech-chunk-mb/);
  });

  test("429 is retried with backoff", async () => {
    const audio = await reference(SPEECH_FIXTURES.jfk.file);
    const answer = timelineResponder(
      audio.wav,
      timeSentences(["Ask not what your country can do for you."], audio.duration),
    );
    const server = await serve((request, index) =>
      index < 2
        ? { status: 429, headers: { "retry-after": "0" }, json: { error: { message: "slow down" } } }
        : answer(request, index),
    );
    const run = await transcribe(SPEECH_FIXTURES.jfk.file, configFor(server.baseUrl));

    done(run.result);
    assert.equal(server.requests.length, 3);
    assert.deepEqual(
      (await readCues(run.output)).map((cue) => cue[2]),
      ["Ask not what your country can do for you."],
    );
  });

  test("429 until the retries run out", async () => {
    const server = await serve(() => ({ status: 429, json: { error: { message: "quota exceeded" } } }));
    const run = await transcribe(SPEECH_FIXTURES.jfk.file, configFor(server.baseUrl, { maxRetries: 2 }));
    const failed = failure(run.result);

    assert.equal(failed.code, "SPEECH_RATE_LIMITED");
    assert.equal(server.requests.length, 3);
    assert.match(
      failed.message.en,
      /still answered HTTP 429 \(too many requests\) after 3 attempt\(s\): .*quota exceeded/,
    );
    assert.match(failed.hint.en, /--speech-concurrency/);
  });

  test("timeout", async () => {
    const server = await serve(() => ({ delayMs: 20_000, json: { text: "", segments: [] } }));
    const config = configFor(server.baseUrl, { timeoutMs: 300, maxRetries: 1 });
    const run = await transcribe(SPEECH_FIXTURES.jfk.file, config);
    const failed = failure(run.result);

    assert.equal(failed.code, "SPEECH_TIMEOUT");
    assert.equal(server.requests.length, 2);
    assert.match(failed.message.en, /sent no complete reply within 0\.3 s, in 2 attempt\(s\)/);
    assert.match(failed.hint.en, /--speech-timeout/);
  });

  test("reply without timestamps", async () => {
    const audio = await reference(SPEECH_FIXTURES.jfk.file);
    const answer = timelineResponder(
      audio.wav,
      timeSentences(["Ask not what your country can do for you."], audio.duration),
    );
    let plain = true;
    const server = await serve((request, index) =>
      plain ? { json: { text: "Ask not what your country can do for you." } } : answer(request, index),
    );

    const first = await transcribe(SPEECH_FIXTURES.jfk.file, configFor(server.baseUrl));
    const failed = failure(first.result);
    assert.equal(failed.code, "SPEECH_NO_TIMESTAMPS");
    assert.match(failed.message.en, /chunk 1 of 1 .*has text but no segments with timestamps/);
    assert.match(failed.hint.en, /verbose_json/);

    plain = false;
    const second = await transcribe(
      SPEECH_FIXTURES.jfk.file,
      configFor(server.baseUrl),
      path.dirname(first.metadataDir),
    );
    assert.equal(done(second.result).cachedChunks, 0, "a reply without timestamps was not cached");
    assert.equal(server.requests.length, 2);
  });

  test("empty transcript", async () => {
    const server = await serve(() => ({
      json: { task: "transcribe", language: "english", text: "", segments: [] },
    }));
    const run = await transcribe(
      SPEECH_FIXTURES.lena.file,
      configFor(server.baseUrl, { maxChunkSeconds: 5, overlapSeconds: 1 }),
    );
    const failed = failure(run.result);

    assert.equal(failed.code, "SPEECH_EMPTY_TRANSCRIPT");
    assert.ok(server.requests.length >= 3, `12 s of singing in 5 s chunks, got ${server.requests.length}`);
    assert.match(
      failed.message.en,
      new RegExp(
        `^Speech recognizer openai found no speech in any of the ${server.requests.length} chunk\\(s\\) \\(0:00\\.0–0:12\\.\\d\\)`,
      ),
    );
    assert.match(failed.hint.en, /--speech-language/);
    assert.match(failed.message.zh, /没有识别出语音/);
  });
});
