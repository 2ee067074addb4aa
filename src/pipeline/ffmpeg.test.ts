import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import {
  concatVideos,
  cutClip,
  extractSubtitleStream,
  FfmpegArgumentError,
  FfmpegBinaryNotFoundError,
  FfmpegError,
  generateTestVideo,
  type MediaInfo,
  ProbeError,
  probeMedia,
  quoteConcatPath,
  resolveFfmpegBinaries,
  writeThumbnail,
} from "./ffmpeg.ts";

const binaries = resolveFfmpegBinaries();
const FPS = 25;
const SOURCE_SECONDS = 20;
/** A file name with spaces, both quotes, command substitution, backticks, a backslash, a percent sign, CJK and emoji. */
const AWKWARD_NAME = `it's a "clip" $(touch pwned) \`touch pwned\` back\\slash 100% 切片 🎬`;

let root: string;
let source: string;
let testCount = 0;

/** Creates a fresh folder for one test under the suite's temporary root. */
async function freshDir(): Promise<string> {
  testCount += 1;
  const dir = path.join(root, `test-${testCount}`);
  await mkdir(dir);
  return dir;
}

/** Rounding slack for comparing seconds. */
const EPSILON = 1e-6;

/** Maximum difference between a cut's duration and its plan, which is one video frame plus one AAC frame. */
function durationTolerance(info: MediaInfo): number {
  return 1 / FPS + 1024 / (info.audioSampleRate ?? 44100) + EPSILON;
}

/** Copies the ftyp box and the start of the mdat box, as a recorder that stopped before writing moov leaves them. */
async function writeFileWithoutMoov(from: string, to: string): Promise<void> {
  const bytes = await readFile(from);
  const boxes: Buffer[] = [];
  let offset = 0;

  while (offset + 8 <= bytes.length) {
    const size = bytes.readUInt32BE(offset);
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    if (type === "ftyp") boxes.push(bytes.subarray(offset, offset + size));
    if (type === "mdat") boxes.push(bytes.subarray(offset, Math.min(offset + 65_536, offset + size)));
    offset += size;
  }

  assert.equal(boxes.length, 2, "source has an ftyp and an mdat box");
  await writeFile(to, Buffer.concat(boxes));
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-ffmpeg-"));
  source = path.join(root, "source.mp4");
  await generateTestVideo(
    { output: source, duration: SOURCE_SECONDS, width: 320, height: 180, fps: FPS },
    binaries,
  );
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

test("generateTestVideo writes H.264 and AAC", async () => {
  const info = await probeMedia(source, binaries);

  assert.ok(Math.abs(info.duration - SOURCE_SECONDS) < 0.1, `duration ${info.duration}`);
  assert.equal(info.width, 320);
  assert.equal(info.height, 180);
  assert.equal(info.fps, FPS);
  assert.equal(info.videoCodec, "h264");
  assert.equal(info.audioCodec, "aac");
  assert.equal(info.audioSampleRate, 44100);
  assert.match(info.formatName, /mp4/);
  assert.deepEqual(info.subtitleStreams, []);
});

test("generateTestVideo without audio has no audio stream", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "silent.mp4");

  await generateTestVideo({ output, duration: 2, width: 160, height: 90, withAudio: false }, binaries);
  const info = await probeMedia(output, binaries);

  assert.equal(info.hasVideo, true);
  assert.equal(info.hasAudio, false);
  assert.equal(info.audioStreamIndex, null);
});

test("cutClip is accurate between keyframes", async () => {
  const dir = await freshDir();
  // Keyframes sit every 10 s, so none of these ranges starts on one.
  const ranges = [
    { start: 1.37, end: 4.81 },
    { start: 7.03, end: 12.55 },
    { start: 13.3, end: 19.9 },
  ];

  for (const [i, range] of ranges.entries()) {
    const output = path.join(dir, `clip-${i}.mp4`);
    const cut = await cutClip({ input: source, output, ...range }, binaries);
    const info = await probeMedia(output, binaries);
    const planned = range.end - range.start;
    const label = `clip ${i} [${range.start}, ${range.end})`;

    assert.ok(
      Math.abs(cut.start - range.start) <= 0.5 / FPS + EPSILON,
      `${label}: cut starts at ${cut.start}`,
    );
    assert.ok(Math.abs(cut.end - range.end) <= 0.5 / FPS + EPSILON, `${label}: cut ends at ${cut.end}`);
    assert.ok(
      Math.abs(info.duration - planned) <= durationTolerance(info),
      `${label}: duration ${info.duration}, planned ${planned}`,
    );
    assert.equal(info.videoCodec, "h264", `${label} video codec`);
    assert.equal(info.audioCodec, "aac", `${label} audio codec`);
    assert.ok(info.videoStart !== null, `${label} video start time`);
    assert.ok(info.audioStart !== null, `${label} audio start time`);
    assert.ok(
      Math.abs(info.videoStart - info.audioStart) <= 0.05,
      `${label}: video starts at ${info.videoStart}, audio at ${info.audioStart}`,
    );
  }

  assert.deepEqual((await readdir(dir)).sort(), ["clip-0.mp4", "clip-1.mp4", "clip-2.mp4"]);
});

test("cutClip clamps the end to the duration", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "tail.mp4");

  const cut = await cutClip({ input: source, output, start: 18.5, end: 30 }, binaries);
  const info = await probeMedia(output, binaries);

  assert.equal(cut.end, SOURCE_SECONDS);
  assert.ok(Math.abs(info.duration - 1.5) <= durationTolerance(info), `duration ${info.duration}`);
});

test("cutClip reports progress up to 100 percent", async () => {
  const dir = await freshDir();
  const percents: number[] = [];

  await cutClip(
    {
      input: source,
      output: path.join(dir, "clip.mp4"),
      start: 0,
      end: 10,
      onProgress: (p) => percents.push(p.percent),
    },
    binaries,
  );

  assert.ok(percents.length > 0, "at least one progress report");
  assert.ok((percents.at(-1) ?? 0) >= 99, `last report ${percents.at(-1)}`);
  assert.ok(
    percents.every((percent) => percent >= 0 && percent <= 100),
    `reports ${percents.join(", ")}`,
  );
});

test("cutClip keeps a video without audio silent", async () => {
  const dir = await freshDir();
  const silent = path.join(dir, "silent.mp4");
  const output = path.join(dir, "clip.mp4");
  await generateTestVideo(
    { output: silent, duration: 4, width: 160, height: 90, withAudio: false },
    binaries,
  );

  await cutClip({ input: silent, output, start: 0.5, end: 2.5 }, binaries);
  const info = await probeMedia(output, binaries);

  assert.equal(info.hasAudio, false);
  assert.ok(Math.abs(info.duration - 2) <= 1 / FPS + EPSILON, `duration ${info.duration}`);
});

test("cutClip rejects invalid ranges", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "clip.mp4");
  const cases = [
    { start: -1, end: 2 },
    { start: 5, end: 5 },
    { start: 5, end: 3 },
    { start: 5, end: 5.01 },
    { start: Number.NaN, end: 3 },
    { start: 25, end: 30 },
  ];

  for (const range of cases) {
    await assert.rejects(
      cutClip({ input: source, output, ...range }, binaries),
      FfmpegArgumentError,
      JSON.stringify(range),
    );
  }
  await assert.rejects(
    cutClip({ input: source, output, start: 0, end: 1, preset: "warp" }, binaries),
    FfmpegArgumentError,
  );
  await assert.rejects(
    cutClip({ input: source, output: source, start: 0, end: 1 }, binaries),
    FfmpegArgumentError,
  );
  assert.deepEqual(await readdir(dir), []);
});

/** Lists the ids of running processes whose command line contains `text` (Linux `/proc`). */
async function processesMentioning(text: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const commandLine = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (commandLine.includes(text)) found.push(pid);
  }
  return found;
}

test("cutClip abort leaves no partial file", async () => {
  const dir = await freshDir();
  const controller = new AbortController();
  let abortedAt = 0;

  // veryslow keeps ffmpeg busy for seconds, so the first progress report arrives mid-encode.
  const cut = cutClip(
    {
      input: source,
      output: path.join(dir, "clip.mp4"),
      start: 0,
      end: SOURCE_SECONDS,
      preset: "veryslow",
      signal: controller.signal,
      onProgress: () => {
        abortedAt ||= Date.now();
        controller.abort();
      },
    },
    binaries,
  );

  await assert.rejects(cut, { name: "AbortError" });
  assert.ok(abortedAt > 0, "the cut reported progress before the abort");
  // An abort that did not kill ffmpeg leaves a process still writing into the folder.
  assert.deepEqual(
    await processesMentioning(dir),
    [],
    "no ffmpeg process is left running for the aborted cut",
  );
  assert.deepEqual(await readdir(dir), []);
});

test("cutClip with an aborted signal does nothing", async () => {
  const dir = await freshDir();

  await assert.rejects(
    cutClip(
      { input: source, output: path.join(dir, "clip.mp4"), start: 0, end: 1, signal: AbortSignal.abort() },
      binaries,
    ),
    { name: "AbortError" },
  );
  assert.deepEqual(await readdir(dir), []);
});

test("concatVideos joins matching clips by copy", async () => {
  const dir = await freshDir();
  const first = path.join(dir, "a.mp4");
  const second = path.join(dir, "b.mp4");
  const output = path.join(dir, "joined.mp4");
  await cutClip({ input: source, output: first, start: 2.2, end: 5.7 }, binaries);
  await cutClip({ input: source, output: second, start: 11.1, end: 15.3 }, binaries);
  const firstInfo = await probeMedia(first, binaries);
  const secondInfo = await probeMedia(second, binaries);

  const method = await concatVideos({ inputs: [first, second], output }, binaries);
  const info = await probeMedia(output, binaries);
  const sum = firstInfo.duration + secondInfo.duration;

  assert.equal(method, "copy");
  assert.ok(
    Math.abs(info.duration - sum) <= 2 * durationTolerance(info),
    `joined ${info.duration}, sum ${sum}`,
  );
  assert.equal(info.hasAudio, true);
  assert.deepEqual((await readdir(dir)).sort(), ["a.mp4", "b.mp4", "joined.mp4"]);
});

test("concatVideos re-encodes mismatched inputs", async () => {
  const dir = await freshDir();
  const small = path.join(dir, "small-silent.mp4");
  const clip = path.join(dir, "clip.mp4");
  const output = path.join(dir, "joined.mp4");
  await generateTestVideo({ output: small, duration: 2, width: 160, height: 90, withAudio: false }, binaries);
  await cutClip({ input: source, output: clip, start: 3, end: 6 }, binaries);

  const method = await concatVideos({ inputs: [clip, small], output }, binaries);
  const info = await probeMedia(output, binaries);

  assert.equal(method, "reencode");
  assert.equal(info.width, 320);
  assert.equal(info.height, 180);
  assert.equal(info.hasAudio, true, "the silent input gets a silent audio segment");
  assert.ok(Math.abs(info.duration - 5) <= 2 * durationTolerance(info), `joined ${info.duration}`);
});

test("concatVideos falls back when copy fails", async () => {
  const dir = await freshDir();
  const inputs = [path.join(dir, "a.mov"), path.join(dir, "b.mov")];
  const output = path.join(dir, "joined.mp4");
  // PCM audio is valid in MOV but the MP4 muxer rejects it, so the copy join fails.
  for (const input of inputs) {
    await promisify(execFile)(binaries.ffmpeg, [
      ...["-hide_banner", "-loglevel", "error", "-i", source, "-t", "2"],
      ...["-c:v", "libx264", "-preset", "ultrafast", "-c:a", "pcm_s16le", input],
    ]);
  }

  const method = await concatVideos({ inputs, output }, binaries);
  const info = await probeMedia(output, binaries);

  assert.equal(method, "reencode");
  assert.equal(info.audioCodec, "aac");
  assert.ok(Math.abs(info.duration - 4) <= 2 * durationTolerance(info), `joined ${info.duration}`);
  assert.deepEqual((await readdir(dir)).sort(), ["a.mov", "b.mov", "joined.mp4"]);
});

test("concatVideos rejects bad input lists", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "joined.mp4");

  await assert.rejects(concatVideos({ inputs: [], output }, binaries), FfmpegArgumentError);
  await assert.rejects(
    concatVideos({ inputs: [source, "/tmp/a\nb.mp4"], output }, binaries),
    FfmpegArgumentError,
  );
  await assert.rejects(concatVideos({ inputs: [source, output], output }, binaries), FfmpegArgumentError);
});

test("quoteConcatPath escapes single quotes", () => {
  assert.equal(quoteConcatPath("/v/it's.mp4"), `'/v/it'\\''s.mp4'`);
  assert.equal(quoteConcatPath("/v/plain.mp4"), "'/v/plain.mp4'");
});

test("writeThumbnail writes a JPEG", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "thumb.jpg");

  const at = await writeThumbnail({ input: source, output, at: 5 }, binaries);
  const bytes = await readFile(output);
  const info = await probeMedia(output, binaries);

  assert.equal(at, 5);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], "JPEG start-of-image marker");
  assert.equal(info.width, 480);
  assert.equal(info.height, 270);
});

test("writeThumbnail clamps the time inside the video", async () => {
  const dir = await freshDir();

  for (const [i, requested] of [-3, SOURCE_SECONDS, 1000].entries()) {
    const output = path.join(dir, `thumb-${i}.jpg`);
    const at = await writeThumbnail({ input: source, output, at: requested, width: 160 }, binaries);
    const bytes = await readFile(output);

    assert.ok(at >= 0, `time ${at} for ${requested} is not negative`);
    assert.ok(at < SOURCE_SECONDS, `time ${at} for ${requested} is before the end`);
    assert.ok(bytes.length > 0, `thumbnail for ${requested} is not empty`);
  }
});

test("probeMedia rejects unreadable files", async () => {
  const dir = await freshDir();
  const empty = path.join(dir, "empty.mp4");
  const text = path.join(dir, "notes.mp4");
  const textTxt = path.join(dir, "notes.txt");
  const truncated = path.join(dir, "truncated.mp4");
  await writeFile(empty, "");
  await writeFile(text, "1\n00:00:01,000 --> 00:00:02,000\nhello\n".repeat(50));
  await writeFile(textTxt, "plain words in a text file\n".repeat(50));
  await writeFileWithoutMoov(source, truncated);

  for (const file of [empty, text, textTxt, truncated, path.join(dir, "missing.mp4"), dir]) {
    await assert.rejects(probeMedia(file, binaries), (error: unknown) => {
      assert.ok(error instanceof ProbeError, `${file} raises ProbeError, got ${String(error)}`);
      assert.equal(error.code, "MEDIA_UNREADABLE");
      assert.match(error.message, /could not be read as a video/);
      assert.equal(error.file, file);
      return true;
    });
  }
});

test("awkward file names work", async () => {
  const dir = await freshDir();
  const input = path.join(dir, `${AWKWARD_NAME}.mp4`);
  const clip = path.join(dir, `${AWKWARD_NAME} clip.mp4`);
  const joined = path.join(dir, `${AWKWARD_NAME} joined.mp4`);
  const thumbnail = path.join(dir, `${AWKWARD_NAME}.jpg`);
  await copyFile(source, input);

  await cutClip({ input, output: clip, start: 1, end: 3 }, binaries);
  assert.equal(await concatVideos({ inputs: [clip, clip], output: joined }, binaries), "copy");
  await writeThumbnail({ input: clip, output: thumbnail, at: 1 }, binaries);

  assert.ok(Math.abs((await probeMedia(joined, binaries)).duration - 4) <= 0.15);
  assert.deepEqual(
    (await readdir(dir)).sort(),
    [input, clip, joined, thumbnail].map((file) => path.basename(file)).sort(),
    "no file named pwned and no temporary file left",
  );
});

test("resolveFfmpegBinaries checks override paths", () => {
  const missing = path.join(tmpdir(), "autoclipd-no-such-folder", "ffmpeg");

  assert.throws(() => resolveFfmpegBinaries({ ffmpeg: missing }), FfmpegBinaryNotFoundError);
  assert.equal(
    resolveFfmpegBinaries({ ffprobe: "ffprobe" }).ffprobe,
    "ffprobe",
    "a bare name is left to PATH",
  );
  assert.equal(resolveFfmpegBinaries().ffmpeg, binaries.ffmpeg);
});

test("missing ffmpeg binary raises FfmpegError", async () => {
  const dir = await freshDir();
  const broken = { ffmpeg: path.join(dir, "no-ffmpeg"), ffprobe: binaries.ffprobe };

  await assert.rejects(
    cutClip({ input: source, output: path.join(dir, "clip.mp4"), start: 0, end: 1 }, broken),
    (error) => {
      assert.ok(error instanceof FfmpegError, `got ${String(error)}`);
      assert.equal(error.code, "FFMPEG_FAILED");
      assert.match(error.message, /ffmpeg path in the config/);
      return true;
    },
  );
  assert.deepEqual(await readdir(dir), []);
});

test("extractSubtitleStream writes srt from matroska", async () => {
  const dir = await freshDir();
  const subtitles = path.join(dir, "subtitles.srt");
  const mkv = path.join(dir, "with-subtitles.mkv");
  await writeFile(subtitles, "1\n00:00:01,000 --> 00:00:02,500\nHello there\n");
  await promisify(execFile)(binaries.ffmpeg, [
    ...["-hide_banner", "-loglevel", "error", "-i", source, "-i", subtitles],
    ...["-map", "0:v", "-map", "1", "-c:v", "copy", "-c:s", "srt", mkv],
  ]);
  const info = await probeMedia(mkv, binaries);
  const stream = info.subtitleStreams[0];
  assert.ok(stream, "the test file has a subtitle stream");

  const output = path.join(dir, "metadata", "embedded.srt");
  const format = await extractSubtitleStream(
    { input: mkv, streamIndex: stream.index, codec: stream.codec, output },
    binaries,
  );
  const text = await readFile(output, "utf8");
  assert.equal(format, "srt");
  assert.match(text, /00:00:01,000 --> 00:00:02,500/);
  assert.match(text, /Hello there/);
  assert.deepEqual(await readdir(path.dirname(output)), ["embedded.srt"]);
});

test("extractSubtitleStream rejects bitmap codecs", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "out.srt");

  await assert.rejects(
    extractSubtitleStream({ input: source, streamIndex: 2, codec: "hdmv_pgs_subtitle", output }, binaries),
    FfmpegArgumentError,
  );
  await assert.rejects(
    extractSubtitleStream({ input: source, streamIndex: -1, codec: "subrip", output }, binaries),
    FfmpegArgumentError,
  );
  assert.deepEqual(await readdir(dir), []);
});

test("extractSubtitleStream fails on a missing stream", async () => {
  const dir = await freshDir();
  const output = path.join(dir, "out.srt");

  await assert.rejects(
    extractSubtitleStream({ input: source, streamIndex: 5, codec: "subrip", output }, binaries),
    FfmpegError,
  );
  assert.deepEqual(await readdir(dir), []);
});
