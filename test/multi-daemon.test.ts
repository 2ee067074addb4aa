import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { generateTestVideo, resolveFfmpegBinaries } from "../src/pipeline/ffmpeg.ts";
import { type DaemonProcess, startDaemonProcess } from "./helpers/daemon-process.ts";
import { waitFor } from "./helpers/wait-for.ts";

const VIDEOS = 4;
const DAEMONS = 3;

/** Three clearly different topics of about 20 seconds each, as SRT. */
function threeTopicSrt(): string {
  const topics = [
    [
      "The sailboat leans into the wind.",
      "Trim the sails and watch the mast.",
      "The keel keeps the boat upright.",
      "Sailors read the wind on the water.",
    ],
    [
      "Bread dough needs time to rise.",
      "Knead the dough until it is smooth.",
      "Yeast turns sugar into gas in the dough.",
      "Bake the loaf until the crust is brown.",
    ],
    [
      "Stars burn hydrogen into helium.",
      "A telescope gathers faint starlight.",
      "Galaxies hold billions of stars.",
      "The night sky shows distant galaxies.",
    ],
  ];
  const cues: string[] = [];
  let start = 0.5;
  let number = 1;
  const stamp = (seconds: number) => {
    const whole = Math.floor(seconds);
    const ms = Math.round((seconds - whole) * 1000);
    return `00:00:${String(whole).padStart(2, "0")},${String(ms).padStart(3, "0")}`;
  };
  for (const sentences of topics) {
    for (const sentence of sentences) {
      cues.push(`${number}\n${stamp(start)} --> ${stamp(start + 4.5)}\n${sentence}\n`);
      number += 1;
      start += 5;
    }
  }
  return cues.join("\n");
}

let work: string;
let dataDir: string;
const daemons: DaemonProcess[] = [];

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "autoclipd-multi-"));
  dataDir = path.join(work, "data");
  await mkdir(path.join(dataDir, "inbox"), { recursive: true });
  await generateTestVideo(
    { output: path.join(work, "talk.mp4"), duration: 62, width: 160, height: 90, fps: 10 },
    resolveFfmpegBinaries(),
  );
  for (let i = 0; i < DAEMONS; i += 1) {
    daemons.push(
      await startDaemonProcess([
        "--data-dir",
        dataDir,
        "--index-dir",
        path.join(work, `index-${i}`),
        "--inbox-settle-ms",
        "300",
        "--min-clip-seconds",
        "10",
        "--max-clip-seconds",
        "40",
        "--encoder-preset",
        "ultrafast",
        "--log-level",
        "info",
      ]),
    );
  }
});

after(async () => {
  for (const daemon of daemons) assert.equal(await daemon.stop(), 0);
  await rm(work, { recursive: true, force: true });
});

test("three daemons share one data folder", { timeout: 300_000 }, async () => {
  const inbox = path.join(dataDir, "inbox");
  for (let i = 0; i < VIDEOS; i += 1) {
    await writeFile(path.join(inbox, `talk-${i}.srt`), threeTopicSrt());
    await copyFile(path.join(work, "talk.mp4"), path.join(inbox, `.talk-${i}.mp4.part`));
    await rename(path.join(inbox, `.talk-${i}.mp4.part`), path.join(inbox, `talk-${i}.mp4`));
  }

  const counts = await Promise.all(
    daemons.map((daemon, number) =>
      waitFor(
        `daemon ${number} to index ${VIDEOS} completed projects`,
        async () => {
          const stats = (await (await fetch(`${daemon.url}/api/v1/stats`)).json()) as {
            projects: { total: number; by_status: Record<string, number> };
            clips: number;
            collections: number;
          };
          assert.equal(stats.projects.by_status.failed ?? 0, 0, "no project failed");
          return stats.projects.by_status.completed === VIDEOS ? stats : undefined;
        },
        240_000,
        250,
      ),
    ),
  );

  for (const stats of counts.slice(1)) assert.deepEqual(stats, counts[0], "all indexes agree");
  assert.equal(counts[0]?.projects.total, VIDEOS);

  const ingested = daemons.flatMap((daemon) => daemon.logs.filter((entry) => entry.msg === "video ingested"));
  assert.equal(ingested.length, VIDEOS, "each video is ingested by exactly one daemon");

  const transcriptRuns = daemons.flatMap((daemon) =>
    daemon.logs.filter((entry) => entry.msg === "step started" && entry.step === "transcript"),
  );
  const perProject = new Map<string, number>();
  for (const entry of transcriptRuns) {
    perProject.set(String(entry.projectId), (perProject.get(String(entry.projectId)) ?? 0) + 1);
  }
  assert.equal(perProject.size, VIDEOS);
  for (const [projectId, runs] of perProject) assert.equal(runs, 1, `project ${projectId} ran once`);

  const rejected = await readdir(path.join(inbox, "rejected")).catch(() => []);
  assert.deepEqual(rejected, [], "nothing was rejected");
  assert.deepEqual(await readdir(inbox), [], "the inbox is empty");
});
