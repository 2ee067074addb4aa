import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { clipsMetadataSchema } from "../schemas/clips-metadata.ts";
import { pipelineFileSchema } from "../schemas/pipeline.ts";
import { transcriptFileSchema } from "../schemas/step-files.ts";
import { ingestVideo } from "../src/daemon/ingest.ts";
import { localizedErrorMessage } from "../src/http/autoclip-shapes.ts";
import { deriveProject } from "../src/index/derive-project.ts";
import { createEmbeddedAnalyzer } from "../src/pipeline/analyzer/embedded/index.ts";
import { extractAudio, resolveFfmpegBinaries } from "../src/pipeline/ffmpeg.ts";
import { type PipelineDependencies, runPipeline } from "../src/pipeline/pipeline-runner.ts";
import { prepareRetry } from "../src/pipeline/reset-steps.ts";
import { resolveSpeechConfig, type SpeechConfig } from "../src/pipeline/speech/speech-config.ts";
import {
  type FakeTranscriptionServer,
  fixtureSentences,
  pcmOf,
  SPEECH_FIXTURES,
  startFakeTranscriptionServer,
  type TranscriptionResponder,
  timelineResponder,
  timeSentences,
} from "../src/pipeline/speech/test-transcription-server.ts";
import { dataLayout, projectPaths } from "../src/project/layout.ts";
import { silentLogger } from "../src/shared/logger.ts";

const binaries = resolveFfmpegBinaries();
const runFile = promisify(execFile);

let root: string;
let video: string;
let referenceWav: Buffer;
let sentences: ReturnType<typeof timeSentences>;
let answer: TranscriptionResponder;
let ingests = 0;
const servers: FakeTranscriptionServer[] = [];

/** Generates a video of a coloured frame with the fixture speech as its only sound, and no subtitles. */
async function generateSpeechVideo(audio: string, output: string): Promise<void> {
  await runFile(binaries.ffmpeg, [
    ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=navy:s=160x90:r=10", "-i", audio],
    ...[
      "-shortest",
      "-map",
      "0:v",
      "-map",
      "1:a",
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-pix_fmt",
      "yuv420p",
    ],
    ...["-c:a", "aac", "-b:a", "64k", output],
  ]);
}

function dependencies(speech: Partial<SpeechConfig> & { baseUrl: string }): PipelineDependencies {
  return {
    createAnalyzer: () => createEmbeddedAnalyzer(),
    analyzerOptions: { minClipSeconds: 10, maxClipSeconds: 40, scoreThreshold: 0, minCollectionSize: 2 },
    binaries,
    encoderPreset: "ultrafast",
    logger: silentLogger,
    staleLockMs: 30_000,
    speech: resolveSpeechConfig({
      kind: "openai",
      model: "whisper-1",
      retryBaseMs: 10,
      maxRetries: 0,
      ...speech,
    }),
  };
}

/** Drops the video into a fresh data folder's inbox and ingests it, with no subtitle file. */
async function ingest(): Promise<{ projectsDir: string; projectId: string; projectDir: string }> {
  const layout = dataLayout(path.join(root, `data-${++ingests}`));
  await mkdir(layout.inbox, { recursive: true });
  await mkdir(layout.projects, { recursive: true });
  await copyFile(video, path.join(layout.inbox, "phone demo.mp4"));

  const result = await ingestVideo(path.join(layout.inbox, "phone demo.mp4"), {
    layout,
    binaries,
    logger: silentLogger,
  });
  assert.equal(result.kind, "ingested", JSON.stringify(result));
  const projectId = (result as { projectId: string }).projectId;
  return { projectsDir: layout.projects, projectId, projectDir: path.join(layout.projects, projectId) };
}

async function serve(responder: TranscriptionResponder): Promise<FakeTranscriptionServer> {
  const server = await startFakeTranscriptionServer(responder);
  servers.push(server);
  return server;
}

/** Checks the transcript and that every clip starts and ends where a returned segment does. */
async function assertClipsFollowSegments(projectDir: string): Promise<void> {
  const paths = projectPaths(projectDir);
  const transcript = transcriptFileSchema.parse(JSON.parse(await readFile(paths.file("transcript"), "utf8")));
  assert.equal(transcript.source, path.join("input", "transcript.srt"));
  assert.equal(transcript.language, "en");
  assert.deepEqual(
    transcript.cues.map((cue) => cue.text),
    sentences.map((segment) => segment.text),
  );
  const srt = await readFile(path.join(paths.input, "transcript.srt"), "utf8");
  assert.match(srt, /^1\n00:00:00,\d{3} --> /);

  const clips = clipsMetadataSchema.parse(JSON.parse(await readFile(paths.file("clipsMetadata"), "utf8")));
  assert.ok(clips.length >= 2, `the project has 2 or more clips, got ${clips.length}`);
  const starts = sentences.map((segment) => segment.start);
  const ends = sentences.map((segment) => segment.end);
  for (const clip of clips) {
    const start = Number(clip.start_time);
    const end = Number(clip.end_time);
    assert.ok(
      starts.some((time) => Math.abs(time - start) < 0.002),
      `clip ${clip.id} starts at ${start}, at no segment start (${starts.join(", ")})`,
    );
    assert.ok(
      ends.some((time) => Math.abs(time - end) < 0.002),
      `clip ${clip.id} ends at ${end}, at no segment end (${ends.join(", ")})`,
    );
    assert.ok(clip.video_file, `clip ${clip.id} has a video`);
  }
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-speech-e2e-"));
  video = path.join(root, "phone demo.mp4");
  await generateSpeechVideo(SPEECH_FIXTURES.instruct.file, video);
  const reference = path.join(root, "reference.wav");
  await extractAudio({ input: video, output: reference }, binaries);
  referenceWav = await readFile(reference);
  const duration = pcmOf(referenceWav).length / 32_000;
  sentences = timeSentences(fixtureSentences("instruct") ?? [], duration);
  answer = timelineResponder(referenceWav, sentences);
});

after(async () => {
  for (const server of servers) await server.close();
  await rm(root, { recursive: true, force: true });
});

/** Eleven Chinese sentences on two subjects, spoken (as the fake server claims) over the fixture audio. */
const CHINESE_SENTENCES = [
  "今天我们来聊一聊电话系统的分机号码。",
  "每个分机号码对应一位用户和一部电话。",
  "拨打分机号码就可以直接联系到这位用户。",
  "如果分机占线，系统会提示你留下语音留言。",
  "语音留言会保存在语音信箱里面。",
  "接下来我们换个话题，说说网络延迟。",
  "网络延迟是声音从你传到服务器所需要的时间。",
  "回声测试可以让你直接听到网络延迟。",
  "在回声测试中，你说的每句话都会被重复。",
  "网络延迟太高时，通话就会出现明显的停顿。",
  "最后，按井号键就可以挂断电话。",
];

describe("speech recognition in the pipeline", { timeout: 300_000 }, () => {
  test("video without subtitles completes", async () => {
    const server = await serve(answer);
    const project = await ingest();

    const result = await runPipeline(
      project.projectDir,
      dependencies({ baseUrl: server.baseUrl }),
      new AbortController().signal,
    );

    assert.equal(result, "completed");
    assert.equal(server.requests.length, 1);
    await assertClipsFollowSegments(project.projectDir);
  });

  test("several chunks complete", async () => {
    const server = await serve(answer);
    const project = await ingest();

    const result = await runPipeline(
      project.projectDir,
      dependencies({ baseUrl: server.baseUrl, maxChunkSeconds: 15, concurrency: 2 }),
      new AbortController().signal,
    );

    assert.equal(result, "completed");
    assert.ok(server.requests.length >= 5, `expected 5 or more chunks, got ${server.requests.length}`);
    await assertClipsFollowSegments(project.projectDir);
  });

  test("reply language sets chinese titles", async () => {
    const chinese = timeSentences(CHINESE_SENTENCES, pcmOf(referenceWav).length / 32_000);
    const server = await serve(timelineResponder(referenceWav, chinese, "chinese"));
    const project = await ingest();

    const result = await runPipeline(
      project.projectDir,
      dependencies({ baseUrl: server.baseUrl }),
      new AbortController().signal,
    );

    assert.equal(result, "completed");
    const paths = projectPaths(project.projectDir);
    const transcript = transcriptFileSchema.parse(
      JSON.parse(await readFile(paths.file("transcript"), "utf8")),
    );
    assert.equal(transcript.language, "zh");
    const clips = clipsMetadataSchema.parse(JSON.parse(await readFile(paths.file("clipsMetadata"), "utf8")));
    assert.ok(clips.length > 0, "the project has clips");
    for (const clip of clips)
      assert.match(clip.generated_title, /\p{Script=Han}/u, `title "${clip.generated_title}" is Chinese`);
  });

  test("config language wins over the reply", async () => {
    const server = await serve(timelineResponder(referenceWav, sentences, "chinese"));
    const project = await ingest();

    const result = await runPipeline(
      project.projectDir,
      dependencies({ baseUrl: server.baseUrl, language: "en" }),
      new AbortController().signal,
    );

    assert.equal(result, "completed");
    assert.equal(server.requests[0]?.fields.language, "en");
    await assertClipsFollowSegments(project.projectDir);
  });

  test("retry after a fault skips finished chunks", async () => {
    let faulty = true;
    const server = await serve((request, index) =>
      faulty && index === 1
        ? { status: 401, json: { error: { message: "invalid key" } } }
        : answer(request, index),
    );
    const project = await ingest();
    const speech = { baseUrl: server.baseUrl, maxChunkSeconds: 15, concurrency: 1 };

    const first = await runPipeline(project.projectDir, dependencies(speech), new AbortController().signal);
    assert.equal(first, "failed");
    const state = pipelineFileSchema.parse(
      JSON.parse(await readFile(path.join(project.projectDir, "pipeline.json"), "utf8")),
    );
    assert.equal(state.status, "failed");
    assert.equal(state.error?.step, "transcript");
    assert.equal(state.error?.code, "SPEECH_UNAUTHORIZED");
    assert.match(state.error?.message ?? "", /^Speech recognizer openai failed on chunk 2 of \d+ \(/);
    assert.match(state.error?.message ?? "", /HTTP 401/);
    assert.match(state.error?.hint ?? "", /AUTOCLIP_SPEECH_API_KEY/);
    assert.match(state.error?.message_zh ?? "", /^语音识别器 openai 在第 2 段/);

    const derived = await deriveProject(project.projectsDir, project.projectId);
    assert.ok(derived);
    assert.match(
      derived.record.error_message ?? "",
      /chunk 2 of \d+ .*HTTP 401.* Set a valid key in AUTOCLIP_SPEECH_API_KEY/,
    );
    assert.match(
      localizedErrorMessage(derived.record, "zh") ?? "",
      /^语音识别器 openai 在第 2 段.*。请在 AUTOCLIP_SPEECH_API_KEY/,
    );
    assert.equal(server.requests.length, 2);

    faulty = false;
    await prepareRetry(project.projectDir);
    const second = await runPipeline(project.projectDir, dependencies(speech), new AbortController().signal);

    assert.equal(second, "completed");
    const chunks = server.requests.length - 2 + 1;
    assert.ok(chunks >= 5, `expected 5 or more chunks, got ${chunks}`);
    assert.deepEqual(
      server.requests[2]?.audio,
      server.requests[1]?.audio,
      "the retry starts at the failed chunk",
    );
    assert.ok(
      server.requests
        .slice(2)
        .every((request) => !request.audio.equals(server.requests[0]?.audio ?? Buffer.alloc(0))),
      "the finished first chunk is not sent again",
    );
    await assertClipsFollowSegments(project.projectDir);
  });
});
