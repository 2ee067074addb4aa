import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { extractAudio, generateTestVideo, resolveFfmpegBinaries } from "./ffmpeg.ts";
import { detectSilences, parseSilenceLog } from "./ffmpeg-silence.ts";

const binaries = resolveFfmpegBinaries();

test("parseSilenceLog pairs start and end", () => {
  const log = [
    "[silencedetect @ 0x1] silence_start: -0.01",
    "[silencedetect @ 0x1] silence_end: 1.5 | silence_duration: 1.51",
    "size=N/A time=00:00:05.00",
    "[silencedetect @ 0x1] silence_start: 4.25",
  ].join("\n");
  assert.deepEqual(parseSilenceLog(log, 5), [
    { start: 0, end: 1.5 },
    { start: 4.25, end: 5 },
  ]);
});

test("detectSilences finds the test tone pauses", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "autoclipd-silence-"));
  try {
    // The test video's tone is silent from 6 s to 8 s of every 8 s.
    const video = path.join(dir, "talk.mp4");
    const audio = path.join(dir, "talk.wav");
    await generateTestVideo({ output: video, duration: 17, width: 64, height: 36, fps: 5 }, binaries);
    await extractAudio({ input: video, output: audio }, binaries);

    const silences = await detectSilences({ input: audio, duration: 17 }, binaries);

    assert.equal(silences.length, 2, JSON.stringify(silences));
    assert.ok(Math.abs((silences[0]?.start ?? 0) - 6) < 0.2, JSON.stringify(silences));
    assert.ok(Math.abs((silences[0]?.end ?? 0) - 8) < 0.2, JSON.stringify(silences));
    assert.ok(Math.abs((silences[1]?.start ?? 0) - 14) < 0.2, JSON.stringify(silences));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
