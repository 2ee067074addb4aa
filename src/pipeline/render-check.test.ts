import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import {
  concatVideos,
  cutClip,
  generateTestVideo,
  type MediaInfo,
  probeMedia,
  resolveFfmpegBinaries,
} from "./ffmpeg.ts";
import { findKeyframeAtOrBefore, parseKeyframeTimes } from "./ffmpeg-keyframes.ts";
import { probeMediaFast } from "./probe-fast.ts";
import { checkRender, RenderMismatchError, renderClip } from "./render-check.ts";

const binaries = resolveFfmpegBinaries();
const runFile = promisify(execFile);
const FPS = 25;
/** Keyframes of the source sit every 2 s: at 0, 2, 4 … */
const KEYFRAME_INTERVAL = 2;
const SOURCE_SECONDS = 24;
const EPSILON = 1e-6;

let root: string;
let source: string;
let testCount = 0;

async function freshDir(): Promise<string> {
  testCount += 1;
  const dir = path.join(root, `test-${testCount}`);
  await mkdir(dir);
  return dir;
}

/** Builds the probe result of a 10 s clip at 25 fps with 44.1 kHz audio, with `overrides` applied. */
function fakeInfo(overrides: Partial<MediaInfo>): MediaInfo {
  return {
    duration: 10,
    width: 320,
    height: 180,
    fps: FPS,
    hasVideo: true,
    hasAudio: true,
    videoCodec: "h264",
    audioCodec: "aac",
    audioSampleRate: 44100,
    audioChannels: 1,
    videoStreamIndex: 0,
    audioStreamIndex: 1,
    videoStart: 0,
    audioStart: 0,
    formatName: "mov,mp4,m4a,3gp,3g2,mj2",
    subtitleStreams: [],
    ...overrides,
  };
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-render-check-"));
  source = path.join(root, "source.mp4");
  await generateTestVideo(
    {
      output: source,
      duration: SOURCE_SECONDS,
      width: 320,
      height: 180,
      fps: FPS,
      keyframeInterval: KEYFRAME_INTERVAL,
    },
    binaries,
  );
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test("checkRender passes within one frame", () => {
  const tolerance = 1 / FPS + 1024 / 44100;
  const result = checkRender(10 - tolerance + 0.001, fakeInfo({}));

  assert.equal(result.ok, true);
  assert.ok(Math.abs(result.check.tolerance - tolerance) < EPSILON, `tolerance ${result.check.tolerance}`);
  assert.equal(result.check.measured, 10);
  assert.equal(result.check.av_offset, 0);
});

test("checkRender rejects a wrong duration", () => {
  const result = checkRender(9.5, fakeInfo({}));

  assert.equal(result.ok, false);
  assert.equal(result.check.planned, 9.5);
  assert.equal(result.check.measured, 10);
});

test("checkRender rejects an audio offset", () => {
  const result = checkRender(10, fakeInfo({ audioStart: 0.08 }));

  assert.equal(result.ok, false);
  assert.ok(Math.abs((result.check.av_offset ?? 0) - 0.08) < EPSILON, `offset ${result.check.av_offset}`);
});

test("checkRender without audio skips the offset", () => {
  const info = fakeInfo({ hasAudio: false, audioSampleRate: null, audioStart: null, audioStreamIndex: null });
  const result = checkRender(10.03, info);

  assert.equal(result.ok, true);
  assert.equal(result.check.av_offset, null);
  assert.ok(Math.abs(result.check.tolerance - 1 / FPS) < EPSILON, `tolerance ${result.check.tolerance}`);
});

test("RenderMismatchError names clip and numbers", () => {
  const { check } = checkRender(7.25, fakeInfo({ audioStart: 0.12 }));
  const error = new RenderMismatchError("clip-7", "/out/7_title.mp4", check);

  assert.equal(error.code, "RENDER_MISMATCH");
  assert.equal(error.clipId, "clip-7");
  assert.match(error.message, /clip-7/);
  assert.match(error.message, /planned 7\.250000 s/);
  assert.match(error.message, /measured 10\.000000 s/);
  assert.match(error.message, /tolerance 0\.063220 s/);
  assert.match(error.message, /offset 0\.120000 s/);
});

test("parseKeyframeTimes keeps K packets", () => {
  const csv = "0.000000,K__\n0.040000,___\n2.000000,K_\nN/A,K__\n\n1.000000,__D\n";

  assert.deepEqual(parseKeyframeTimes(csv), [0, 2]);
});

test("findKeyframeAtOrBefore finds the GOP start", async () => {
  assert.equal(await findKeyframeAtOrBefore(source, 3.3, binaries), 2);
  assert.equal(await findKeyframeAtOrBefore(source, 4, binaries), 4);
  assert.equal(await findKeyframeAtOrBefore(source, 0.5, binaries), 0);
  assert.equal(await findKeyframeAtOrBefore(source, 23.9, binaries), 22);
});

test("findKeyframeAtOrBefore rereads a replaced source", async () => {
  const dir = await freshDir();
  const replaced = path.join(dir, "replaced.mp4");
  await copyFile(source, replaced);
  assert.equal(await findKeyframeAtOrBefore(replaced, 3.3, binaries), 2);

  await generateTestVideo(
    { output: replaced, duration: 12, width: 320, height: 180, fps: FPS, keyframeInterval: 3 },
    binaries,
  );

  assert.equal(await findKeyframeAtOrBefore(replaced, 3.3, binaries), 3);
});

test("findKeyframeAtOrBefore reads packets without an MP4 index", async () => {
  const dir = await freshDir();
  const mkv = path.join(dir, "source.mkv");
  await runFile(binaries.ffmpeg, ["-hide_banner", "-loglevel", "error", "-i", source, "-c", "copy", mkv]);

  // The remux moves the video by the AAC priming of 23 ms, in Matroska's millisecond units.
  assert.equal(await findKeyframeAtOrBefore(mkv, 3.3, binaries), 2.023);
  assert.equal(await findKeyframeAtOrBefore(mkv, 23.9, binaries), 22.023);
});

test("render check of a real clip fails on a wrong duration", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "checked.mp4");
  const range = await cutClip({ input: source, output, start: 4, end: 9, mode: "copy" }, binaries);
  const info = await probeMediaFast(output, binaries);
  const planned = range.end - range.start;

  assert.equal(info.duration, (await probeMedia(output, binaries)).duration);
  assert.equal(checkRender(planned, info).ok, true);
  assert.equal(checkRender(planned + 0.1, info).ok, false);
  assert.equal(checkRender(planned - 0.1, info).ok, false);
});

test("renderClip accurate passes its check", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "accurate.mp4");

  const rendered = await renderClip({ clipId: "a", input: source, output, start: 3.3, end: 9.1 }, binaries);
  const info = await probeMedia(output, binaries);

  assert.equal(rendered.mode, "accurate");
  assert.equal(rendered.reused, false);
  assert.ok(Math.abs(rendered.range.start - 3.32) < EPSILON, `start ${rendered.range.start}`);
  assert.ok(Math.abs(rendered.check.planned - (9.12 - 3.32)) < EPSILON, `planned ${rendered.check.planned}`);
  assert.equal(rendered.duration, info.duration);
  assert.ok(
    Math.abs(rendered.check.measured - rendered.check.planned) <= rendered.check.tolerance,
    `measured ${rendered.check.measured}, planned ${rendered.check.planned}`,
  );
  assert.ok((rendered.check.av_offset ?? 1) <= 0.05, `offset ${rendered.check.av_offset}`);
});

test("renderClip copy snaps to the keyframe", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "copy.mp4");

  const rendered = await renderClip(
    { clipId: "c", input: source, output, start: 3.3, end: 9.1, mode: "copy" },
    binaries,
  );
  const info = await probeMedia(output, binaries);

  assert.equal(rendered.mode, "copy");
  assert.equal(rendered.range.start, 2);
  assert.ok(Math.abs(rendered.check.planned - (9.12 - 2)) < EPSILON, `planned ${rendered.check.planned}`);
  assert.ok(
    Math.abs(info.duration - rendered.check.planned) <= rendered.check.tolerance,
    `measured ${info.duration}, planned ${rendered.check.planned}`,
  );
  assert.equal(info.videoCodec, "h264");
  assert.equal(info.audioCodec, "aac");
});

test("renderClip reuses a checked file", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "reused.mp4");
  const options = { clipId: "r", input: source, output, start: 5, end: 8, reuseExisting: true };
  await renderClip(options, binaries);

  const again = await renderClip(options, binaries);
  const other = await renderClip({ ...options, end: 11 }, binaries);

  assert.equal(again.reused, true);
  assert.equal(other.reused, false);
  assert.ok(Math.abs(other.duration - 6) <= other.check.tolerance, `duration ${other.duration}`);
});

for (const mode of ["accurate", "copy"] as const) {
  test(`collection of ${mode} clips joins by copy`, async () => {
    const dir = await freshDir();
    const ranges = [
      { start: 1.3, end: 4.7 },
      { start: 9.9, end: 13.1 },
      { start: 17.5, end: 21.2 },
    ];
    const clips: string[] = [];
    const infos: MediaInfo[] = [];
    for (const [i, range] of ranges.entries()) {
      const output = path.join(dir, `clip-${i}.mp4`);
      const rendered = await renderClip(
        { clipId: String(i), input: source, output, mode, ...range },
        binaries,
      );
      clips.push(output);
      infos.push(rendered.info);
    }

    const method = await concatVideos({ inputs: clips, output: path.join(dir, "joined.mp4") }, binaries);
    const known = await concatVideos(
      { inputs: clips, output: path.join(dir, "joined-known.mp4"), inputInfos: infos },
      binaries,
    );

    assert.equal(method, "copy");
    assert.equal(known, "copy");
    await assert.rejects(
      concatVideos({ inputs: clips, output: path.join(dir, "x.mp4"), inputInfos: infos.slice(1) }, binaries),
      { name: "FfmpegArgumentError" },
    );
  });
}

test("cutClip with trim filters is exact", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "trimmed.mp4");

  const range = await cutClip({ input: source, output, start: 7.3, end: 12.1, trimFilters: true }, binaries);
  const info = await probeMedia(output, binaries);
  const { check, ok } = checkRender(range.end - range.start, info);

  assert.ok(Math.abs(range.start - 7.32) < EPSILON, `start ${range.start}`);
  assert.equal(ok, true, `planned ${check.planned}, measured ${check.measured}, offset ${check.av_offset}`);
});

test("renderClip copy falls back on late audio", async () => {
  const dir = await freshDir();
  const delayed = path.join(dir, "delayed.mp4");
  const output = path.join(dir, "clip.mp4");
  // The audio track starts 0.3 s after the video, so a clip from the start keeps that offset
  // unless the trim filters fill it with silence.
  await runFile(binaries.ffmpeg, [
    ...["-hide_banner", "-loglevel", "error", "-i", source, "-itsoffset", "0.3", "-i", source],
    ...["-map", "0:v", "-map", "1:a", "-c", "copy", delayed],
  ]);

  const rendered = await renderClip(
    { clipId: "late", input: delayed, output, start: 0.1, end: 5.5, mode: "copy" },
    binaries,
  );

  assert.equal(rendered.mode, "accurate");
  assert.ok((rendered.check.av_offset ?? 1) <= 0.05, `offset ${rendered.check.av_offset}`);
  assert.ok(
    Math.abs(rendered.check.measured - rendered.check.planned) <= rendered.check.tolerance,
    `measured ${rendered.check.measured}, planned ${rendered.check.planned}`,
  );
});
