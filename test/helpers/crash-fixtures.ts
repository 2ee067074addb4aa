import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { type FfmpegBinaries, generateTestVideo } from "../../src/pipeline/ffmpeg.ts";

const run = promisify(execFile);

/** Seconds of talk in each generated video: three topics of three 3-second cues. */
export const TALK_SECONDS = 27;

/** A file the harness dropped, with the SHA-256 of it and of its subtitle file. */
export interface DroppedVideo {
  name: string;
  videoHash: string;
  /** Absent for a broken file, which is dropped without subtitles. */
  subtitleHash?: string;
  /** False for a broken file that the daemon must reject. */
  valid: boolean;
}

const TOPICS = [
  [
    "The sailboat leans into the wind.",
    "Trim the sails and watch the mast.",
    "The keel keeps the boat upright.",
  ],
  [
    "Bread dough needs time to rise.",
    "Knead the dough until it is smooth.",
    "Bake the loaf until the crust is brown.",
  ],
  [
    "Stars burn hydrogen into helium.",
    "A telescope gathers faint starlight.",
    "Galaxies hold billions of stars.",
  ],
];

function stamp(seconds: number): string {
  const whole = Math.floor(seconds);
  const ms = Math.round((seconds - whole) * 1000);
  return `00:00:${String(whole).padStart(2, "0")},${String(ms).padStart(3, "0")}`;
}

/** Returns an SRT of three clearly different topics; `number` makes each file's bytes unique. */
export function threeTopicSrt(number: number): string {
  const cues: string[] = [];
  let start = 0;
  let cue = 1;

  for (const sentences of TOPICS) {
    for (const sentence of sentences) {
      const text = cue === 1 ? `${sentence} Talk number ${number}.` : sentence;
      cues.push(`${cue}\n${stamp(start + 0.2)} --> ${stamp(start + 2.8)}\n${text}\n`);
      cue += 1;
      start += 3;
    }
  }
  return cues.join("\n");
}

/** Returns the hex SHA-256 of a file's bytes. */
export async function hashFile(file: string): Promise<string> {
  return createHash("sha256")
    .update(await readFile(file))
    .digest("hex");
}

/** Generates the base video that every dropped video is a copy of. */
export async function generateBaseVideo(output: string, binaries: FfmpegBinaries): Promise<void> {
  await generateTestVideo(
    { output, duration: TALK_SECONDS + 1, width: 160, height: 90, fps: 10, keyframeInterval: 2 },
    binaries,
  );
}

/**
 * Writes `talk-NUMBER.srt` and then `talk-NUMBER.mp4` into `inbox`. The video is a stream copy
 * of `base` with its number in the container's metadata, so every video has its own content
 * hash. The video appears under its name by a rename, as a careful uploader would write it.
 */
export async function dropVideo(
  inbox: string,
  base: string,
  number: number,
  binaries: FfmpegBinaries,
): Promise<DroppedVideo> {
  const name = `talk-${number}`;
  const subtitle = path.join(inbox, `${name}.srt`);
  const partial = path.join(inbox, `.${name}.mp4.part`);
  const video = path.join(inbox, `${name}.mp4`);

  await writeFile(subtitle, threeTopicSrt(number));
  await run(binaries.ffmpeg, [
    ...["-hide_banner", "-loglevel", "error", "-y", "-i", base, "-map", "0", "-c", "copy"],
    ...["-metadata", `comment=crash harness video ${number}`, "-f", "mp4", partial],
  ]);
  const videoHash = await hashFile(partial);
  await rename(partial, video);

  return { name, videoHash, subtitleHash: await hashFile(subtitle), valid: true };
}

/** Writes `broken-NUMBER.mp4`, a text file with a video's name, which the daemon must reject. */
export async function dropBrokenFile(inbox: string, number: number): Promise<DroppedVideo> {
  const name = `broken-${number}`;
  const partial = path.join(inbox, `.${name}.mp4.part`);

  await writeFile(partial, `This is not a video but text number ${number}.\n`);
  const videoHash = await hashFile(partial);
  await rename(partial, path.join(inbox, `${name}.mp4`));
  return { name, videoHash, valid: false };
}
