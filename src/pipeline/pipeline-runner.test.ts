import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, afterEach, before, beforeEach, test } from "node:test";
import type { z } from "zod";
import { clipsMetadataSchema } from "../../schemas/clips-metadata.ts";
import { collectionsMetadataSchema } from "../../schemas/collections-metadata.ts";
import { type PipelineFile, pipelineFileSchema, STEP_NAMES, type StepName } from "../../schemas/pipeline.ts";
import {
  allScoredFileSchema,
  collectionsPlanFileSchema,
  highScoreFileSchema,
  outlineFileSchema,
  timelineFileSchema,
  titlesFileSchema,
  transcriptFileSchema,
  videoOutputFileSchema,
} from "../../schemas/step-files.ts";
import { ingestVideo } from "../daemon/ingest.ts";
import { type DataLayout, dataLayout, type ProjectFileKey, projectPaths } from "../project/layout.ts";
import { LOCK_NAME, lockProject } from "../project/lock.ts";
import { createLogger, type Logger, silentLogger } from "../shared/logger.ts";
import { createEmbeddedAnalyzer } from "./analyzer/embedded/index.ts";
import { generateTestVideo, resolveFfmpegBinaries } from "./ffmpeg.ts";
import { type PipelineDependencies, runPipeline } from "./pipeline-runner.ts";
import { prepareRetry } from "./reset-steps.ts";

const binaries = resolveFfmpegBinaries();
const VIDEO_SECONDS = 100;
const CUE_SECONDS = 3;

/** Three subjects with no shared content words, eleven cues (33 s) each. */
const SECTIONS = [
  [
    "Sailing starts with reading the wind before you leave the harbor.",
    "Trim the mainsail until the telltales stream evenly along the luff.",
    "When the wind gusts, ease the mainsheet so the boat stays upright.",
    "Tacking means turning the bow through the wind to change course.",
    "Call ready about, then push the tiller away and duck under the boom.",
    "A reef reduces sail area when the wind grows too strong for the boat.",
    "The jib sheet pulls the headsail in on the new leeward side.",
    "Sailors watch the water for dark ripples that show the next gust.",
    "Running downwind, let the mainsail out and watch for an accidental jibe.",
    "A keel or centerboard stops the boat from sliding sideways in the wind.",
    "Back in the harbor, drop the sails and coil every sheet and halyard.",
  ],
  [
    "Bread dough needs flour, water, salt and a little yeast.",
    "Knead the dough until the gluten stretches thin without tearing.",
    "Let the dough rise in a warm kitchen until it doubles in size.",
    "Sourdough uses a starter of wild yeast instead of dried yeast.",
    "Feed the starter with fresh flour and water every day.",
    "Shape the loaf gently so the dough keeps the gas from the rise.",
    "Score the top of the loaf with a sharp blade before baking.",
    "Bake the bread in a hot oven with steam for a crisp crust.",
    "The crumb of a good loaf shows open holes from the fermentation.",
    "Cool the bread on a rack before you slice the loaf.",
    "Whole wheat flour makes the dough thirstier, so add more water.",
  ],
  [
    "In chess, the opening is about controlling the center squares.",
    "Develop your knights and bishops before you move the queen.",
    "Castling tucks the king away and connects the rooks.",
    "A pawn that reaches the last rank promotes to a queen.",
    "Look for forks, pins and skewers in every middlegame position.",
    "A knight fork attacks the king and the rook at the same time.",
    "In the endgame, the king becomes an active piece on the board.",
    "Trade pieces when you are ahead in material on the chessboard.",
    "Checkmate ends the game when the king cannot escape the check.",
    "Grandmasters study endgame positions with a rook and pawns.",
    "A stalemate is a draw, so do not trap the lone king without check.",
  ],
];

/** Files that the steps from `titles` on write, which a resume must write again. */
const TITLES_AND_LATER: ProjectFileKey[] = [
  "titles",
  "collectionsPlan",
  "videoOutput",
  "clipsMetadata",
  "collectionsMetadata",
];

/** Every step file with the schema it must match. */
const STEP_FILE_SCHEMAS: Array<[ProjectFileKey, z.ZodType]> = [
  ["transcript", transcriptFileSchema],
  ["outline", outlineFileSchema],
  ["timeline", timelineFileSchema],
  ["allScored", allScoredFileSchema],
  ["highScore", highScoreFileSchema],
  ["titles", titlesFileSchema],
  ["collectionsPlan", collectionsPlanFileSchema],
  ["videoOutput", videoOutputFileSchema],
];

/** One parsed pino line. */
interface LogLine {
  msg: string;
  step?: StepName;
  task?: string;
}

let fixtures: string;
let sampleVideo: string;
let root: string;
let layout: DataLayout;

function srtTime(seconds: number): string {
  const totalMs = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");

  return `${pad(Math.floor(totalMs / 3_600_000))}:${pad(Math.floor(totalMs / 60_000) % 60)}:${pad(
    Math.floor(totalMs / 1000) % 60,
  )},${pad(totalMs % 1000, 3)}`;
}

/** Writes SRT text for cues given as `[start, end, text]`. */
function srtOf(cues: ReadonlyArray<readonly [number, number, string]>): string {
  return cues
    .map(([start, end, text], index) => `${index + 1}\n${srtTime(start)} --> ${srtTime(end)}\n${text}\n`)
    .join("\n");
}

function talkSrt(): string {
  const lines = SECTIONS.flat();
  return srtOf(lines.map((text, index) => [index * CUE_SECONDS, index * CUE_SECONDS + 2.6, text] as const));
}

/** Returns a pino logger at debug level that hands every line to `onLine` as it is written. */
function capturingLogger(onLine: (line: LogLine) => void = () => undefined): {
  logger: Logger;
  lines: LogLine[];
} {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const text of chunk.toString("utf8").split("\n")) {
        if (text.trim() === "") continue;
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        onLine(line);
      }
      callback();
    },
  });
  return { logger: createLogger("debug", stream), lines };
}

function dependencies(logger: Logger = silentLogger): PipelineDependencies {
  return {
    createAnalyzer: () => createEmbeddedAnalyzer(),
    analyzerOptions: { minClipSeconds: 10, maxClipSeconds: 60, scoreThreshold: 0.5, minCollectionSize: 2 },
    binaries,
    encoderPreset: "ultrafast",
    logger,
    staleLockMs: 30_000,
  };
}

/** Drops the sample video, and `srt` beside it unless null, into the inbox and ingests it. */
async function ingestTalk(srt: string | null): Promise<string> {
  await copyFile(sampleVideo, path.join(layout.inbox, "talk.mp4"));
  if (srt !== null) await writeFile(path.join(layout.inbox, "talk.srt"), srt);

  const result = await ingestVideo(path.join(layout.inbox, "talk.mp4"), {
    layout,
    binaries,
    logger: silentLogger,
  });
  assert.equal(result.kind, "ingested", JSON.stringify(result));
  return path.join(layout.projects, (result as { projectId: string }).projectId);
}

async function readPipeline(projectDir: string): Promise<PipelineFile> {
  return pipelineFileSchema.parse(JSON.parse(await readFile(path.join(projectDir, "pipeline.json"), "utf8")));
}

async function readValid<Schema extends z.ZodType>(file: string, schema: Schema): Promise<z.output<Schema>> {
  const parsed = schema.safeParse(JSON.parse(await readFile(file, "utf8")));
  assert.ok(parsed.success, `${path.basename(file)}: ${parsed.error?.message}`);
  return parsed.data;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Lists every file and folder under `dir` with its size and modification time, skipping the lock. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  const rows: string[] = [];

  for (const entry of entries.sort()) {
    if (entry === LOCK_NAME || entry.startsWith(`${LOCK_NAME}${path.sep}`)) continue;
    const stats = await stat(path.join(dir, entry));
    rows.push(`${entry} ${stats.size} ${stats.mtimeMs}`);
  }
  return rows;
}

function startedSteps(lines: LogLine[]): StepName[] {
  return lines.filter((line) => line.msg === "step started").map((line) => line.step as StepName);
}

before(async () => {
  fixtures = await mkdtemp(path.join(tmpdir(), "autoclipd-runner-fixtures-"));
  sampleVideo = path.join(fixtures, "talk.mp4");
  await generateTestVideo(
    { output: sampleVideo, duration: VIDEO_SECONDS, width: 160, height: 90, fps: 10 },
    binaries,
  );
});

after(async () => {
  await rm(fixtures, { recursive: true, force: true });
});

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-runner-"));
  layout = dataLayout(root);
  await mkdir(layout.inbox, { recursive: true });
  await mkdir(layout.projects, { recursive: true });
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

test("runPipeline completes a project", async () => {
  const projectDir = await ingestTalk(talkSrt());

  const result = await runPipeline(projectDir, dependencies(), new AbortController().signal);

  assert.equal(result, "completed");
  const state = await readPipeline(projectDir);
  assert.equal(state.status, "completed");
  assert.equal(state.progress, 100);
  assert.equal(state.current_step, null);
  assert.equal(state.error, null);
  assert.notEqual(state.completed_at, null);
  for (const name of STEP_NAMES) {
    const step = state.steps[name];
    assert.equal(step?.status, "done", `${name} status`);
    assert.ok(step?.started_at, `${name} started_at`);
    assert.ok(step?.finished_at, `${name} finished_at`);
    assert.ok(Date.parse(step.finished_at) >= Date.parse(step.started_at), `${name} ends before it starts`);
    assert.equal(typeof step.seconds, "number", `${name} seconds`);
  }
});

test("runPipeline writes valid metadata", async () => {
  const projectDir = await ingestTalk(talkSrt());
  const paths = projectPaths(projectDir);

  await runPipeline(projectDir, dependencies(), new AbortController().signal);

  for (const [key, schema] of STEP_FILE_SCHEMAS) await readValid(paths.file(key), schema);
  const clips = await readValid(paths.file("clipsMetadata"), clipsMetadataSchema);
  const collections = await readValid(paths.file("collectionsMetadata"), collectionsMetadataSchema);
  assert.ok(clips.length >= 1, "no clip was kept");
  const clipIds = new Set(clips.map((clip) => clip.id));
  for (const collection of collections) {
    for (const id of collection.clip_ids)
      assert.ok(clipIds.has(id), `collection ${collection.id} lists clip ${id}`);
  }
  for (const clip of clips) {
    assert.ok(Number(clip.start_time) >= 0, `clip ${clip.id} start`);
    assert.ok(Number(clip.end_time) <= VIDEO_SECONDS, `clip ${clip.id} end`);
  }
});

test("runPipeline writes clip files", async () => {
  const projectDir = await ingestTalk(talkSrt());
  const paths = projectPaths(projectDir);

  await runPipeline(projectDir, dependencies(), new AbortController().signal);

  const clips = await readValid(paths.file("clipsMetadata"), clipsMetadataSchema);
  const collections = await readValid(paths.file("collectionsMetadata"), collectionsMetadataSchema);
  for (const clip of clips) {
    assert.ok(clip.video_file, `clip ${clip.id} has no video_file`);
    assert.ok(
      (await stat(path.join(projectDir, clip.video_file))).size > 0,
      `clip ${clip.id} video is empty`,
    );
    assert.ok(clip.thumbnail_file, `clip ${clip.id} has no thumbnail_file`);
    assert.ok(await exists(path.join(projectDir, clip.thumbnail_file)), `clip ${clip.id} thumbnail missing`);
  }
  for (const collection of collections) {
    assert.ok(collection.video_file, `collection ${collection.id} has no video_file`);
    assert.ok(
      await exists(path.join(projectDir, collection.video_file)),
      `collection ${collection.id} video`,
    );
  }
  const outputs = await readdir(paths.output, { recursive: true });
  assert.deepEqual(
    outputs.filter((name) => name.endsWith(".partial")),
    [],
  );
  assert.equal(await exists(path.join(projectDir, LOCK_NAME)), false, "lock left behind");
});

test("runPipeline resumes at titles", async () => {
  const projectDir = await ingestTalk(talkSrt());
  const paths = projectPaths(projectDir);
  await runPipeline(projectDir, dependencies(), new AbortController().signal);
  const before = await readPipeline(projectDir);
  for (const key of TITLES_AND_LATER) await rm(paths.file(key));

  const { logger, lines } = capturingLogger();
  const result = await runPipeline(projectDir, dependencies(logger), new AbortController().signal);

  assert.equal(result, "completed");
  assert.deepEqual(startedSteps(lines), ["titles", "collections", "video"]);
  const after = await readPipeline(projectDir);
  for (const name of ["transcript", "outline", "timeline", "scoring"] as const) {
    assert.equal(after.steps[name]?.started_at, before.steps[name]?.started_at, `${name} started_at changed`);
  }
  for (const name of ["titles", "collections", "video"] as const) {
    assert.notEqual(
      after.steps[name]?.started_at,
      before.steps[name]?.started_at,
      `${name} did not run again`,
    );
  }
  for (const key of TITLES_AND_LATER) assert.ok(await exists(paths.file(key)), `${key} not written again`);
});

test("runPipeline skips a finished project", async () => {
  const projectDir = await ingestTalk(talkSrt());
  await runPipeline(projectDir, dependencies(), new AbortController().signal);

  const { logger, lines } = capturingLogger();
  const result = await runPipeline(projectDir, dependencies(logger), new AbortController().signal);

  assert.equal(result, "completed");
  assert.deepEqual(startedSteps(lines), []);
});

test("runPipeline fails without subtitles", async () => {
  const projectDir = await ingestTalk(null);

  const result = await runPipeline(projectDir, dependencies(), new AbortController().signal);

  assert.equal(result, "failed");
  const state = await readPipeline(projectDir);
  assert.equal(state.status, "failed");
  assert.equal(state.current_step, "transcript");
  assert.equal(state.error?.step, "transcript");
  assert.equal(state.error?.code, "SUBTITLE_MISSING");
  assert.match(state.error?.message ?? "", /talk\.mp4/);
  assert.match(state.error?.hint ?? "", /\.srt/);
  assert.equal(state.steps.transcript?.status, "failed");
  assert.equal(state.steps.outline, undefined);
  assert.equal(await exists(projectPaths(projectDir).file("transcript")), false);
});

test("runPipeline retry takes a subtitle added to input", async () => {
  const projectDir = await ingestTalk(null);
  assert.equal(await runPipeline(projectDir, dependencies(), new AbortController().signal), "failed");
  const hint = (await readPipeline(projectDir)).error?.hint ?? "";
  const inputDir = projectPaths(projectDir).input;
  assert.ok(hint.includes(inputDir), `the hint names the input folder: ${hint}`);

  await writeFile(path.join(inputDir, "talk.srt"), talkSrt());
  await prepareRetry(projectDir);
  const result = await runPipeline(projectDir, dependencies(), new AbortController().signal);

  assert.equal(result, "completed");
  const clips = await readValid(projectPaths(projectDir).file("clipsMetadata"), clipsMetadataSchema);
  assert.ok(clips.length > 0, "the late subtitle file produced clips");
});

test("runPipeline fails on subtitles past the end", async () => {
  // One cue inside the 100 s video, nine after its end.
  const cues = Array.from({ length: 10 }, (_, index) => {
    const start = 90 + index * 10;
    return [start, start + 8, `Line ${index + 1} of a talk from another, longer recording.`] as const;
  });
  const projectDir = await ingestTalk(srtOf(cues));

  const result = await runPipeline(projectDir, dependencies(), new AbortController().signal);

  assert.equal(result, "failed");
  const state = await readPipeline(projectDir);
  assert.equal(state.status, "failed");
  assert.equal(state.error?.step, "transcript");
  assert.equal(state.error?.code, "SUBTITLE_PAST_VIDEO_END");
  assert.match(state.error?.message_zh ?? "", /10 条字幕中有 9 条在视频结束后才开始/);
  assert.match(state.error?.hint_zh ?? "", /字幕文件属于这个视频/);
  assert.match(state.error?.message ?? "", /9 of 10 cues/);
  assert.ok((state.error?.hint ?? "").length > 0, "hint is empty");
  assert.equal(await exists(projectPaths(projectDir).file("transcript")), false);
});

test("runPipeline leaves a locked project alone", async () => {
  const projectDir = await ingestTalk(talkSrt());
  const release = await lockProject(projectDir);

  try {
    const before = await snapshot(projectDir);
    const pipelineBefore = await readFile(path.join(projectDir, "pipeline.json"), "utf8");

    const result = await runPipeline(projectDir, dependencies(), new AbortController().signal);

    assert.equal(result, "locked");
    assert.deepEqual(await snapshot(projectDir), before);
    assert.equal(await readFile(path.join(projectDir, "pipeline.json"), "utf8"), pipelineBefore);
  } finally {
    await release();
  }
});

test("runPipeline reports a missing project", async () => {
  const projectDir = path.join(layout.projects, "gone");

  const result = await runPipeline(projectDir, dependencies(), new AbortController().signal);

  assert.equal(result, "missing");
  assert.equal(await exists(projectDir), false);
});

/** Runs the pipeline and aborts it as soon as ffmpeg starts cutting the first clip. */
async function runUntilFirstCut(projectDir: string): Promise<string> {
  const controller = new AbortController();
  const { logger } = capturingLogger((line) => {
    if (line.msg === "ffmpeg started" && line.task?.startsWith("cut clip")) controller.abort();
  });

  const result = await runPipeline(projectDir, dependencies(logger), controller.signal);
  assert.ok(controller.signal.aborted, "the video step never started ffmpeg");
  return result;
}

test("runPipeline stops on abort in the video step", async () => {
  const projectDir = await ingestTalk(talkSrt());
  const paths = projectPaths(projectDir);

  const result = await runUntilFirstCut(projectDir);

  assert.equal(result, "aborted");
  const state = await readPipeline(projectDir);
  assert.equal(state.status, "pending");
  assert.equal(state.steps.video?.status, "pending");
  assert.equal(state.steps.video?.started_at, null);
  assert.equal(state.steps.collections?.status, "done");
  assert.equal(state.error, null);
  assert.equal(await exists(paths.file("clipsMetadata")), false);
  assert.equal(await exists(paths.file("collectionsMetadata")), false);
  assert.deepEqual(await readdir(paths.clips), []);
  assert.equal(await exists(path.join(projectDir, LOCK_NAME)), false, "lock left behind");
});

test("runPipeline resumes after an abort", async () => {
  const projectDir = await ingestTalk(talkSrt());
  await runUntilFirstCut(projectDir);

  const { logger, lines } = capturingLogger();
  const result = await runPipeline(projectDir, dependencies(logger), new AbortController().signal);

  assert.equal(result, "completed");
  assert.deepEqual(startedSteps(lines), ["video"]);
  assert.equal((await readPipeline(projectDir)).status, "completed");
});
