/**
 * Videos that ingest fine but whose subtitles or streams are bad: each project ends
 * `completed` or `failed` with a specific error in `pipeline.json` and the API, and the healthy
 * project beside them completes.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import iconv from "iconv-lite";
import { generateTestVideo } from "../../src/pipeline/ffmpeg.ts";
import type { DaemonProcess } from "../helpers/daemon-process.ts";
import {
  type ApiProject,
  assertDaemonAlive,
  assertNoFatalLog,
  binaries,
  drop,
  dropContent,
  formatSrtTime,
  getJson,
  readProjectFiles,
  squeezedSampleSrt,
  startBadInputDaemon,
  waitForLog,
  waitForProject,
  waitForRejection,
} from "./support.ts";

/** Seconds of the video most cases drop. */
const SHORT_SECONDS = 24;

interface PipelineError {
  step: string;
  code: string;
  message: string;
  hint: string;
}

/** Builds SRT text of `count` cues spread evenly over `seconds`. */
function evenSrt(count: number, seconds: number, text: (index: number) => string): string {
  const step = seconds / count;
  const blocks: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const start = index * step;
    blocks.push(
      `${index + 1}\n${formatSrtTime(start)} --> ${formatSrtTime(start + step * 0.9)}\n${text(index)}\n`,
    );
  }
  return blocks.join("\n");
}

describe("bad input: subtitles and streams", { timeout: 900_000 }, () => {
  let work: string;
  let dataDir: string;
  let video: string;
  let silent: string;
  let srt: string;
  let daemon: DaemonProcess;

  /** Drops `video` with a subtitle and waits for the project to end. */
  async function dropPair(
    base: string,
    subtitle: { extension: string; content: string | Uint8Array } | null,
    source = video,
  ): Promise<ApiProject> {
    if (subtitle) await dropContent(dataDir, `${base}${subtitle.extension}`, subtitle.content);
    await drop(dataDir, source, `${base}.mp4`);
    return waitForProject(daemon, base, ["completed", "failed"]);
  }

  /** Checks a failed project's error in `pipeline.json`, the status route and the log. */
  async function assertFailed(
    project: ApiProject,
    code: string,
    step = "transcript",
  ): Promise<PipelineError> {
    assert.equal(project.status, "failed");
    const { pipeline } = await readProjectFiles(dataDir, project.id);
    const error = pipeline.error as PipelineError;
    assert.equal(error.code, code);
    assert.equal(error.step, step);
    assert.ok(error.hint.length > 20, "the error has a hint");

    const status = await getJson<{ error: PipelineError; error_message: string }>(
      `${daemon.url}/api/v1/projects/${project.id}/status`,
    );
    assert.equal(status.error.code, code, "the API shows the code");
    assert.equal(status.error.message, error.message, "the API shows the message");
    await waitForLog(
      daemon,
      `project failed with ${code}`,
      (entry) => entry.msg === "project failed" && entry.projectId === project.id && entry.code === code,
    );
    await assertDaemonAlive(daemon);
    return error;
  }

  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), "autoclipd-bad-subtitles-"));
    dataDir = path.join(work, "data");
    video = path.join(work, "short.mp4");
    silent = path.join(work, "silent.mp4");
    const size = { width: 160, height: 90, keyframeInterval: 2 };
    await generateTestVideo({ output: video, duration: SHORT_SECONDS, ...size }, binaries);
    await generateTestVideo({ output: silent, duration: SHORT_SECONDS, withAudio: false, ...size }, binaries);
    srt = await squeezedSampleSrt(352 / (SHORT_SECONDS - 1));
    daemon = await startBadInputDaemon(dataDir);
  });

  after(async () => {
    if (daemon) assert.equal(await daemon.stop(), 0, "daemon exits with 0 on SIGTERM");
    await rm(work, { recursive: true, force: true });
  });

  it("subtitle with no cues fails the project", async () => {
    const project = await dropPair("no cues", { extension: ".srt", content: "1\n\n2\n\n" });
    const error = await assertFailed(project, "SUBTITLE_UNREADABLE");
    assert.match(error.message, /no cues\.srt/);
  });

  it("cues without text fail the project", async () => {
    const blank = "1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n\n2\n00:00:03,000 --> 00:00:04,000\n{\\an8}\n";
    const project = await dropPair("blank cues", { extension: ".srt", content: blank });
    const error = await assertFailed(project, "SUBTITLE_EMPTY");
    assert.match(error.message, /no cue with text/);
  });

  it("zero-byte subtitle fails the project", async () => {
    const project = await dropPair("empty subtitle", { extension: ".srt", content: "" });
    const error = await assertFailed(project, "SUBTITLE_UNREADABLE");
    assert.match(error.message, /empty subtitle\.srt/);
  });

  it("ASS without Dialogue lines fails", async () => {
    const ass =
      "[Script Info]\nScriptType: v4.00+\n\n[V4+ Styles]\nFormat: Name, Fontname\nStyle: Default,Arial\n\n[Events]\nFormat: Layer, Start, End, Style, Text\n";
    const project = await dropPair("no dialogue", { extension: ".ass", content: ass });
    const error = await assertFailed(project, "SUBTITLE_UNREADABLE");
    assert.match(error.message, /no readable cue/);
  });

  it("binary junk named .srt fails", async () => {
    const junk = Buffer.alloc(4096);
    for (let index = 0; index < junk.length; index += 1) junk[index] = (index * 7919 + 13) % 256;
    const project = await dropPair("junk subtitle", { extension: ".srt", content: junk });
    await assertFailed(project, "SUBTITLE_UNREADABLE");
  });

  it("subtitle far longer than video fails", async () => {
    const long = await squeezedSampleSrt(1);
    const project = await dropPair("wrong subtitle", { extension: ".srt", content: long });
    const error = await assertFailed(project, "SUBTITLE_PAST_VIDEO_END");
    assert.match(error.message, /351\.\d s/);
  });

  it("subtitle a little longer is trimmed", async () => {
    const tail = `\n\n999\n${formatSrtTime(SHORT_SECONDS - 0.5)} --> ${formatSrtTime(SHORT_SECONDS + 8)}\n最后一句话超出了视频的结尾。\n`;
    const project = await dropPair("slightly long", {
      extension: ".srt",
      content: `${srt.trimEnd()}${tail}`,
    });
    assert.equal(project.status, "completed");
    const clips = JSON.parse(
      await readFile(path.join(dataDir, "projects", project.id, "metadata", "clips_metadata.json"), "utf8"),
    ) as { end_time: number | string }[];
    assert.ok(clips.length > 0);
  });

  it("GBK subtitle is decoded", async () => {
    const project = await dropPair("gbk subtitle", { extension: ".srt", content: iconv.encode(srt, "gbk") });
    assert.equal(project.status, "completed", project.error_message ?? "");
    const { pipeline } = await readProjectFiles(dataDir, project.id);
    const steps = pipeline.steps as Record<string, { summary?: { encoding?: string } }>;
    assert.match(String(steps.transcript?.summary?.encoding), /gb/i);
    assert.ok(project.total_clips > 0);
  });

  it("UTF-16 subtitle is decoded", async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(srt, "utf16le")]);
    const project = await dropPair("utf16 subtitle", { extension: ".srt", content: utf16 });
    assert.equal(project.status, "completed", project.error_message ?? "");
    assert.ok(project.total_clips > 0);
  });

  it("huge subtitle completes", async () => {
    const huge = evenSrt(40_000, SHORT_SECONDS - 1, (index) => `第${index}句：咖啡、睡眠和跑步的习惯。`);
    assert.ok(Buffer.byteLength(huge) > 2_000_000, "the subtitle is over 2 MB");
    const project = await dropPair("huge subtitle", { extension: ".srt", content: huge });
    assert.equal(project.status, "completed", project.error_message ?? "");
  });

  it("half-second video completes without clips", async () => {
    const tiny = path.join(work, "tiny.mp4");
    await generateTestVideo({ output: tiny, duration: 0.5, width: 160, height: 90 }, binaries);
    const cue = "1\n00:00:00,000 --> 00:00:00,400\n很短。\n";
    const project = await dropPair("half second", { extension: ".srt", content: cue }, tiny);
    assert.equal(project.status, "completed", project.error_message ?? "");
    assert.equal(project.total_clips, 0, "nothing long enough to be a clip");
    const { pipeline } = await readProjectFiles(dataDir, project.id);
    assert.match(String(pipeline.message), /shorter than the minimum clip length of 4 s/);
  });

  it("video without audio completes", async () => {
    const project = await dropPair("silent video", { extension: ".srt", content: srt }, silent);
    assert.equal(project.status, "completed", project.error_message ?? "");
    assert.ok(project.total_clips > 0);
  });

  it("video without any subtitle fails", async () => {
    const project = await dropPair("no subtitle", null);
    const error = await assertFailed(project, "SUBTITLE_MISSING");
    assert.match(error.hint, /no subtitle\.srt/);
  });

  it("unknown video codec is rejected", async () => {
    const bytes = await readFile(video);
    const patched = Buffer.from(bytes);
    for (let index = patched.indexOf("avc1"); index >= 0; index = patched.indexOf("avc1", index + 4)) {
      patched.write("zzz1", index, "latin1");
    }
    const unknown = path.join(work, "unknown-codec.mp4");
    await writeFile(unknown, patched);
    await dropContent(dataDir, "unknown codec.srt", srt);
    await drop(dataDir, unknown, "unknown codec.mp4");

    const record = await waitForRejection(daemon, dataDir, "unknown codec.mp4");
    assert.equal(record.code, "VIDEO_CODEC_UNSUPPORTED");
    assert.match(record.message, /"unknown"/);
    await assertDaemonAlive(daemon);
  });

  it("healthy project completes beside them", async () => {
    const project = await dropPair("healthy", { extension: ".srt", content: srt });
    assert.equal(project.status, "completed", project.error_message ?? "");
    assert.ok(project.total_clips > 0);
    assertNoFatalLog(daemon);
    await assertDaemonAlive(daemon);
  });
});
