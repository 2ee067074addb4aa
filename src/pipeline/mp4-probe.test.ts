import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { concatVideos, cutClip, generateTestVideo, probeMedia, resolveFfmpegBinaries } from "./ffmpeg.ts";
import { parseKeyframeTimes } from "./ffmpeg-keyframes.ts";
import { readMp4KeyframeTimes, readMp4MediaInfo } from "./mp4-probe.ts";
import { probeMediaFast, probeVideoFast } from "./probe-fast.ts";

const binaries = resolveFfmpegBinaries();
const runFile = promisify(execFile);
const QUIET = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"];

let root: string;
/** MP4 files whose index the reader must read exactly as ffprobe does, by name. */
const readable = new Map<string, string>();

function file(name: string): string {
  return path.join(root, name);
}

/** Lists the keyframe times of the first video stream with a full ffprobe read of its packets. */
async function ffprobeKeyframes(input: string): Promise<number[]> {
  const { stdout } = await runFile(
    binaries.ffprobe,
    [
      "-v",
      "error",
      "-select_streams",
      "v:0",
      "-show_entries",
      "packet=pts_time,flags",
      "-of",
      "csv=p=0",
      input,
    ],
    { maxBuffer: 64 * 2 ** 20 },
  );
  return parseKeyframeTimes(stdout);
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-mp4-probe-"));
  const source = file("source.mp4");
  await generateTestVideo(
    { output: source, duration: 12, width: 320, height: 180, fps: 25, keyframeInterval: 2 },
    binaries,
  );
  readable.set("generated source", source);

  // Accurate cuts are x264 veryfast with B-frames, so their index has composition offsets and an edit list.
  await cutClip({ input: source, output: file("accurate.mp4"), start: 3.3, end: 7.1 }, binaries);
  readable.set("accurate clip", file("accurate.mp4"));
  // A copy from a keyframe starts the audio inside an AAC frame, which its edit list hides.
  await cutClip({ input: source, output: file("copy.mp4"), start: 3.3, end: 9.1, mode: "copy" }, binaries);
  readable.set("copy clip", file("copy.mp4"));
  await concatVideos(
    { inputs: [file("accurate.mp4"), file("accurate.mp4")], output: file("joined.mp4") },
    binaries,
  );
  readable.set("joined clips", file("joined.mp4"));

  // An empty edit delays the audio by 0.3 s.
  await runFile(binaries.ffmpeg, [
    ...[...QUIET, "-i", source, "-itsoffset", "0.3", "-i", source],
    ...["-map", "0:v", "-map", "1:a", "-c", "copy", file("late-audio.mp4")],
  ]);
  readable.set("late audio", file("late-audio.mp4"));
  await runFile(binaries.ffmpeg, [...QUIET, "-i", source, "-an", "-c", "copy", file("video-only.mp4")]);
  readable.set("video only", file("video-only.mp4"));
  // NTSC rate, stereo 48 kHz audio, and the index at the end of the file.
  await runFile(binaries.ffmpeg, [
    ...[...QUIET, "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=30000/1001"],
    ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "3"],
    ...["-c:v", "libx264", "-preset", "veryfast", "-g", "15", "-c:a", "aac", "-ac", "2", file("ntsc.mp4")],
  ]);
  readable.set("29.97 fps, stereo, index last", file("ntsc.mp4"));

  await runFile(binaries.ffmpeg, [...QUIET, "-i", source, "-c", "copy", file("source.mkv")]);
  await runFile(binaries.ffmpeg, [...QUIET, "-i", source, "-vn", "-c", "copy", file("audio-only.mp4")]);
  const bytes = await readFile(source);
  await writeFile(file("cut-short.mp4"), bytes.subarray(0, Math.floor(bytes.length * 0.7)));
  await writeFile(file("notes.mp4"), "not a video\n");
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test("readMp4MediaInfo reports what ffprobe reports", async () => {
  for (const [name, input] of readable) {
    const fromIndex = await readMp4MediaInfo(input);

    assert.deepEqual(fromIndex, await probeMedia(input, binaries), name);
  }
});

test("readMp4KeyframeTimes lists ffprobe's keyframes", async () => {
  for (const [name, input] of readable) {
    const times = await readMp4KeyframeTimes(input);

    assert.ok(times, `${name}: no MP4 index read`);
    assert.ok(times.length > 0, `${name}: no keyframes`);
    assert.deepEqual(times, await ffprobeKeyframes(input), name);
  }
});

test("readMp4MediaInfo reads a shorter clip", async () => {
  const info = await readMp4MediaInfo(file("accurate.mp4"));
  const copy = await readMp4MediaInfo(file("copy.mp4"));

  // The accurate clip runs from 3.32 to 7.12, the copy from the keyframe at 2 to 9.12.
  assert.ok(info, "accurate clip read from its index");
  assert.ok(copy, "copy clip read from its index");
  assert.ok(Math.abs(info.duration - 3.8) < 0.05, `accurate duration ${info.duration}`);
  assert.ok(Math.abs(copy.duration - 7.12) < 0.05, `copy duration ${copy.duration}`);
});

test("readers leave other files to ffprobe", async () => {
  for (const name of ["source.mkv", "cut-short.mp4", "notes.mp4"]) {
    assert.equal(await readMp4MediaInfo(file(name)), null, name);
    assert.equal(await readMp4KeyframeTimes(file(name)), null, name);
  }
});

test("probeMediaFast falls back to ffprobe", async () => {
  const mkv = await probeMediaFast(file("source.mkv"), binaries);

  assert.equal(mkv.formatName, "matroska,webm");
  assert.equal(mkv.videoCodec, "h264");
  // ffprobe reads the index at the front of a file cut short and reports its full length.
  assert.deepEqual(
    await probeMediaFast(file("cut-short.mp4"), binaries),
    await probeMedia(file("cut-short.mp4"), binaries),
  );
  await assert.rejects(probeMediaFast(file("missing.mp4"), binaries), { name: "ProbeError" });
});

test("probeVideoFast requires a video stream", async () => {
  const source = readable.get("generated source") as string;

  assert.deepEqual(await probeVideoFast(source, binaries), await probeMedia(source, binaries));
  await assert.rejects(probeVideoFast(file("audio-only.mp4"), binaries), { name: "ProbeError" });
  await assert.rejects(probeVideoFast(file("notes.mp4"), binaries), { name: "ProbeError" });
});
