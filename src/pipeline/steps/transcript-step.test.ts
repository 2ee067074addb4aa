import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { ProjectFile } from "../../../schemas/project.ts";
import type { TranscriptFile } from "../../../schemas/step-files.ts";
import { projectPaths } from "../../project/layout.ts";
import { silentLogger } from "../../shared/logger.ts";
import { createEmbeddedAnalyzer } from "../analyzer/embedded/index.ts";
import { generateTestVideo, probeMedia, resolveFfmpegBinaries } from "../ffmpeg.ts";
import { createOpenAiRecognizer } from "../speech/openai-recognizer.ts";
import { resolveSpeechConfig } from "../speech/speech-config.ts";
import type { StepContext, StepOutcome } from "../step-types.ts";
import { toTranscriptLanguage } from "./speech-source.ts";
import { transcriptStep } from "./transcript-step.ts";

const binaries = resolveFfmpegBinaries();
const runFile = promisify(execFile);
const MOV_TEXT = "/work/shared/fixtures/media/github-auto-editor/mov_text.mp4";
const VIDEO_SECONDS = 4;

const SRT = "1\n00:00:00,500 --> 00:00:01,500\nFirst line\n\n2\n00:00:02,000 --> 00:00:03,000\nSecond line\n";
const ASS = [
  "[Script Info]",
  "ScriptType: v4.00+",
  "",
  "[V4+ Styles]",
  "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding",
  "Style: Default,Arial,20,&H00FFFFFF,&H000000FF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1",
  "",
  "[Events]",
  "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text",
  "Dialogue: 0,0:00:00.50,0:00:01.50,Default,,0,0,0,,{\\an8}Hello, {\\i1}styled{\\i0} world",
  "Dialogue: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,{\\p1}m 0 0 l 10 0 10 10{\\p0}",
  "Dialogue: 0,0:00:02.00,0:00:03.00,Default,,0,0,0,,Second\\Nline",
  "",
].join("\n");

let root: string;
let video: string;
let testCount = 0;

interface Project {
  context: StepContext;
  dir: string;
}

/** Creates a project folder holding `files` in `input/`, with `video` as its source. */
async function createProject(
  files: Record<string, string | Uint8Array>,
  options: {
    subtitle?: string | null;
    source?: string;
    sourcePath?: string;
    fps?: number;
    /** Facts of the video as ingest records them, or null for a project.json without them. */
    video?: ProjectFile["video"] | null;
  } = {},
): Promise<Project> {
  testCount++;
  const dir = path.join(root, `project-${testCount}`);
  const paths = projectPaths(dir);
  await mkdir(paths.input, { recursive: true });
  await mkdir(paths.metadata, { recursive: true });

  const source = options.source ?? "talk.mp4";
  await copyFile(options.sourcePath ?? video, path.join(paths.input, source));
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(paths.input, name), content);

  const project: ProjectFile = {
    id: `project-${testCount}`,
    name: "talk",
    source_file: source,
    subtitle_file: options.subtitle ?? null,
    video_category: "knowledge",
    description: "",
    created_at: new Date().toISOString(),
    video: { duration: VIDEO_SECONDS, width: 160, height: 90, fps: options.fps ?? 25, has_audio: false },
  };
  if (options.video !== undefined) {
    if (options.video === null) delete project.video;
    else project.video = options.video;
  }
  const context: StepContext = {
    projectId: project.id,
    paths,
    project,
    analyzer: createEmbeddedAnalyzer(),
    analyzerOptions: { minClipSeconds: 30, maxClipSeconds: 300, scoreThreshold: 0.5, minCollectionSize: 2 },
    binaries,
    encoderPreset: "ultrafast",
    logger: silentLogger,
    signal: new AbortController().signal,
    reportProgress: () => undefined,
  };
  return { context, dir };
}

async function readTranscript(project: Project): Promise<TranscriptFile> {
  return JSON.parse(await readFile(project.context.paths.file("transcript"), "utf8")) as TranscriptFile;
}

/** Muxes `video` and a subtitle file into a Matroska file with one subtitle stream. */
async function muxWithSubtitles(
  subtitle: string | Uint8Array,
  extension: "srt" | "ass" | "sup",
  codec: string,
): Promise<string> {
  const dir = path.join(root, `mux-${++testCount}`);
  await mkdir(dir);
  const subtitleFile = path.join(dir, `subtitles.${extension}`);
  const output = path.join(dir, "talk.mkv");
  await writeFile(subtitleFile, subtitle);
  await runFile(binaries.ffmpeg, [
    ...["-hide_banner", "-loglevel", "error", "-i", video, "-i", subtitleFile],
    ...["-map", "0", "-map", "1", "-c:v", "copy", "-c:s", codec, output],
  ]);
  return output;
}

/** Builds a Blu-ray PGS stream of two empty display sets, enough for ffmpeg to mux it. */
function pgsSubtitles(): Uint8Array {
  const segment = (pts: number, type: number, payload: number[]) => [
    ...[0x50, 0x47],
    ...[(pts >>> 24) & 0xff, (pts >>> 16) & 0xff, (pts >>> 8) & 0xff, pts & 0xff],
    ...[0, 0, 0, 0, type, 0, payload.length],
    ...payload,
  ];
  // Presentation composition: 160x90 frame, frame rate code, composition number, state, no objects.
  const composition = (number: number, state: number) => [0, 160, 0, 90, 0x10, 0, number, state, 0, 0, 0];
  return new Uint8Array([
    ...segment(90_000, 0x16, composition(0, 0x80)),
    ...segment(90_000, 0x80, []),
    ...segment(180_000, 0x16, composition(1, 0)),
    ...segment(180_000, 0x80, []),
  ]);
}

function failure(outcome: StepOutcome): { code: string; message: string; hint: string } {
  assert.equal(outcome.status, "failed", JSON.stringify(outcome));
  return outcome as { status: "failed"; code: string; message: string; hint: string };
}

function summary(outcome: StepOutcome): Record<string, unknown> {
  assert.equal(outcome.status, "done", JSON.stringify(outcome));
  return (outcome as { summary: Record<string, unknown> }).summary;
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-transcript-"));
  video = path.join(root, "source.mp4");
  await generateTestVideo(
    { output: video, duration: VIDEO_SECONDS, width: 160, height: 90, fps: 25, withAudio: false },
    binaries,
  );
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("transcriptStep", () => {
  test("sidecar srt", async () => {
    const project = await createProject({ "talk.srt": SRT }, { subtitle: "talk.srt" });
    const done = summary(await transcriptStep.run(project.context));
    const transcript = await readTranscript(project);
    assert.equal(done.cues, 2);
    assert.equal(transcript.source, "talk.srt");
    assert.deepEqual(
      transcript.cues.map((cue) => cue.text),
      ["First line", "Second line"],
    );
  });

  test("microdvd without a frame rate line uses the probed video's rate", async () => {
    // 30 fps differs from the 25 fps of the other test videos and from the 23.976 of film.
    const video30 = path.join(root, "talk-30fps.mp4");
    await generateTestVideo(
      { output: video30, duration: VIDEO_SECONDS, width: 160, height: 90, fps: 30, withAudio: false },
      binaries,
    );
    const media = await probeMedia(video30, binaries);
    const recorded = { duration: media.duration, width: 160, height: 90, fps: media.fps, has_audio: false };
    const files = { "talk.sub": "{30}{60}One\n{90}{105}Two\n" };

    // As ingest records it, and for a project.json without the video's facts, which the step probes.
    for (const video of [recorded, null]) {
      const project = await createProject(files, { subtitle: "talk.sub", sourcePath: video30, video });
      const done = summary(await transcriptStep.run(project.context));
      const transcript = await readTranscript(project);

      assert.equal(media.fps, 30);
      assert.deepEqual(done.notes, ["frame numbers were read at the video's 30 fps"]);
      assert.deepEqual(
        transcript.cues.map((cue) => [cue.start, cue.end]),
        [
          [1, 2],
          [3, 3.5],
        ],
      );
    }
  });

  test("sidecar microdvd uses the video frame rate", async () => {
    const project = await createProject(
      { "talk.sub": "{25}{50}One\n{60}{70}Two\n" },
      { subtitle: "talk.sub", fps: 25 },
    );
    summary(await transcriptStep.run(project.context));
    const transcript = await readTranscript(project);
    assert.equal(transcript.format, "microdvd");
    assert.deepEqual(
      transcript.cues.map((cue) => [cue.start, cue.end]),
      [
        [1, 2],
        [2.4, 2.8],
      ],
    );
  });

  test("bilingual choice in the summary", async () => {
    const text =
      "1\n00:00:00,500 --> 00:00:01,500\n深呼吸\nBreathe.\n\n2\n00:00:02,000 --> 00:00:03,000\n我知道\nI know.\n";
    const project = await createProject({ "talk.srt": text }, { subtitle: "talk.srt" });
    const done = summary(await transcriptStep.run(project.context));
    assert.match(String(done.notes), /Kept the Chinese lines/);
    assert.equal((await readTranscript(project)).language, "zh");
  });

  test("no subtitles fails SUBTITLE_MISSING", async () => {
    const project = await createProject({});
    const failed = failure(await transcriptStep.run(project.context));
    assert.equal(failed.code, "SUBTITLE_MISSING");
    assert.match(failed.message, /talk\.mp4 came without a subtitle file and has no subtitle stream/);
    assert.match(failed.hint, /talk\.srt, talk\.vtt or talk\.ass/);
    assert.match(failed.hint, /configure a speech recognizer \(--speech-recognizer openai or whisper-cpp\)/);
    const chinese = failed as { message_zh?: string; hint_zh?: string };
    assert.match(chinese.message_zh ?? "", /talk\.mp4 没有附带字幕文件，且没有字幕流/);
    assert.match(chinese.hint_zh ?? "", /talk\.srt、talk\.vtt 或 talk\.ass/);
    assert.match(chinese.hint_zh ?? "", /配置语音识别器/);
    assert.equal(existsSync(project.context.paths.file("transcript")), false);
  });

  test("no audio fails SPEECH_NO_AUDIO", async () => {
    const project = await createProject({});
    const config = resolveSpeechConfig({
      kind: "openai",
      baseUrl: "http://127.0.0.1:9/v1",
      model: "whisper-1",
    });
    const context = {
      ...project.context,
      speech: { config, recognizer: createOpenAiRecognizer(config, silentLogger) },
    };
    const failed = failure(await transcriptStep.run(context));
    assert.equal(failed.code, "SPEECH_NO_AUDIO");
    assert.match(
      failed.message,
      /talk\.mp4 has no subtitles and no audio track, so speech recognizer openai has nothing to transcribe/,
    );
    assert.match((failed as { message_zh?: string }).message_zh ?? "", /没有音轨/);
  });

  test("bitmap stream fails SUBTITLE_MISSING", async () => {
    const mkv = await muxWithSubtitles(pgsSubtitles(), "sup", "copy");
    const project = await createProject({}, { source: "talk.mkv", sourcePath: mkv });
    const failed = failure(await transcriptStep.run(project.context));
    assert.equal(failed.code, "SUBTITLE_MISSING");
    assert.match(failed.message, /only bitmap subtitle streams \(stream 1: hdmv_pgs_subtitle\)/);
    assert.match(failed.message, /cannot be read without OCR/);
    assert.match(failed.hint, /talk\.srt, talk\.vtt or talk\.ass/);
  });

  test("empty cues fail SUBTITLE_EMPTY", async () => {
    const project = await createProject(
      { "talk.srt": "1\n00:00:00,500 --> 00:00:01,500\n<i></i>\n" },
      { subtitle: "talk.srt" },
    );
    const failed = failure(await transcriptStep.run(project.context));
    assert.equal(failed.code, "SUBTITLE_EMPTY");
    assert.match(failed.message, /talk\.srt has no cue with text/);
    assert.match(failed.hint, /spoken text/);
  });

  test("subtitles past the end fail SUBTITLE_PAST_VIDEO_END", async () => {
    const text = "1\n00:00:10,000 --> 00:00:12,000\nLate\n\n2\n00:00:20,000 --> 00:00:22,000\nLater\n";
    const project = await createProject({ "talk.srt": text }, { subtitle: "talk.srt" });
    const failed = failure(await transcriptStep.run(project.context));
    assert.equal(failed.code, "SUBTITLE_PAST_VIDEO_END");
    assert.match(failed.message, /run to 22\.0 s but the video is only 4\.0 s long; 2 of 2 cues/);
    assert.match(failed.hint, /belongs to this video/);
  });

  test("a few cues past the end are trimmed", async () => {
    const cues = Array.from({ length: 7 }, (_, index) => {
      const start = index * 0.5;
      return `${index + 1}\n00:00:0${start.toFixed(3).replace(".", ",")} --> 00:00:0${(start + 0.5).toFixed(3).replace(".", ",")}\nCue ${index}\n`;
    });
    cues.push(
      "8\n00:00:03,800 --> 00:00:05,000\nRuns over\n",
      "9\n00:00:06,000 --> 00:00:07,000\nAfter the end\n",
    );
    const project = await createProject({ "talk.srt": cues.join("\n") }, { subtitle: "talk.srt" });
    const done = summary(await transcriptStep.run(project.context));
    const transcript = await readTranscript(project);
    assert.equal(transcript.cues.length, 8);
    assert.equal(transcript.cues.at(-1)?.end, VIDEO_SECONDS);
    assert.match(String(done.warnings), /dropped 1 of 9 cues that start after the video ends/);
  });

  test("embedded mov_text stream", { skip: !existsSync(MOV_TEXT) && "fixture missing" }, async () => {
    const project = await createProject({}, { source: "clip.mp4", sourcePath: MOV_TEXT });
    const inputBefore = await readdir(project.context.paths.input);
    const done = summary(await transcriptStep.run(project.context));
    const transcript = await readTranscript(project);
    assert.deepEqual(
      transcript.cues.map((cue) => [cue.start, cue.end, cue.text]),
      [
        [0.523, 1.016, "oop"],
        [1.523, 1.916, "boop"],
      ],
    );
    assert.equal(transcript.source, path.join("metadata", "embedded_subtitles.srt"));
    assert.deepEqual(done.subtitle_stream, { index: 2, codec: "mov_text", language: null });
    assert.deepEqual(await readdir(project.context.paths.input), inputBefore);
    assert.ok(existsSync(path.join(project.context.paths.metadata, "embedded_subtitles.srt")));
  });

  test("embedded subrip stream in matroska", async () => {
    const mkv = await muxWithSubtitles(SRT, "srt", "srt");
    const project = await createProject({}, { source: "talk.mkv", sourcePath: mkv });
    const done = summary(await transcriptStep.run(project.context));
    const transcript = await readTranscript(project);
    assert.deepEqual(
      transcript.cues.map((cue) => [cue.start, cue.end, cue.text]),
      [
        [0.5, 1.5, "First line"],
        [2, 3, "Second line"],
      ],
    );
    assert.equal((done.subtitle_stream as { codec: string }).codec, "subrip");
    const leftovers = (await readdir(project.context.paths.metadata)).filter((name) => name.startsWith("."));
    assert.deepEqual(leftovers, []);
  });

  test("embedded ass stream in matroska", async () => {
    const mkv = await muxWithSubtitles(ASS, "ass", "copy");
    const project = await createProject({}, { source: "talk.mkv", sourcePath: mkv });
    const done = summary(await transcriptStep.run(project.context));
    const transcript = await readTranscript(project);
    assert.equal(transcript.format, "ass");
    assert.equal(done.source, path.join("metadata", "embedded_subtitles.ass"));
    assert.deepEqual(
      transcript.cues.map((cue) => cue.text),
      ["Hello, styled world", "Second line"],
    );
  });
});

describe("toTranscriptLanguage", () => {
  test("maps codes and names", () => {
    assert.equal(toTranscriptLanguage("zh"), "zh");
    assert.equal(toTranscriptLanguage("zh-CN"), "zh");
    assert.equal(toTranscriptLanguage("Chinese"), "zh");
    assert.equal(toTranscriptLanguage("en"), "en");
    assert.equal(toTranscriptLanguage("english"), "en");
    assert.equal(toTranscriptLanguage("ja"), undefined);
    assert.equal(toTranscriptLanguage(null), undefined);
  });
});
