import assert from "node:assert/strict";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";
import type { Clip } from "../../../schemas/clips-metadata.ts";
import type { Collection } from "../../../schemas/collections-metadata.ts";
import type { ProjectFile } from "../../../schemas/project.ts";
import { projectPaths } from "../../project/layout.ts";
import { createLogger } from "../../shared/logger.ts";
import { createEmbeddedAnalyzer } from "../analyzer/embedded/index.ts";
import { type CutMode, generateTestVideo, probeMedia, resolveFfmpegBinaries } from "../ffmpeg.ts";
import type { StepContext } from "../step-types.ts";
import { videoStep } from "./video-step.ts";

const binaries = resolveFfmpegBinaries();
const SOURCE_SECONDS = 16;
/** Both clips and both collections get this title, so only their ids keep the files apart. */
const SAME_TITLE = `same "title" / $(touch pwned) 同名`;

let root: string;
let source: string;
let testCount = 0;

interface StepRun {
  context: StepContext;
  logLines: Array<Record<string, unknown>>;
}

function topic(id: string, start: number, end: number) {
  return {
    id,
    outline: `topic ${id}`,
    start_cue: 0,
    end_cue: 0,
    content: [`line of ${id}`],
    chunk_index: 0,
    start_time: start,
    end_time: end,
    final_score: 0.8,
    recommend_reason: "test",
    generated_title: SAME_TITLE,
  };
}

/** Creates a project with two same-titled clips and two same-titled collections, ready for the video step. */
async function createProject(cutMode: CutMode): Promise<StepRun> {
  testCount += 1;
  const dir = path.join(root, `project-${testCount}`);
  const paths = projectPaths(dir);
  await mkdir(paths.input, { recursive: true });
  await mkdir(paths.metadata, { recursive: true });
  await copyFile(source, path.join(paths.input, "talk.mp4"));

  const titles = { topics: [topic("1", 1.3, 5.7), topic("2", 7.1, 12.9)] };
  const plans = {
    collections: [
      { id: "c1", collection_title: SAME_TITLE, collection_summary: "", clip_ids: ["1", "2"] },
      { id: "c2", collection_title: SAME_TITLE, collection_summary: "", clip_ids: ["2", "1"] },
    ],
  };
  await writeFile(paths.file("titles"), JSON.stringify(titles));
  await writeFile(paths.file("collectionsPlan"), JSON.stringify(plans));

  const logLines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n")) {
        if (line.trim() !== "") logLines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  const project: ProjectFile = {
    id: `project-${testCount}`,
    name: "talk",
    source_file: "talk.mp4",
    subtitle_file: null,
    video_category: "knowledge",
    description: "",
    created_at: new Date().toISOString(),
    video: { duration: SOURCE_SECONDS, width: 320, height: 180, fps: 25, has_audio: true },
  };
  const context: StepContext = {
    projectId: project.id,
    paths,
    project,
    analyzer: createEmbeddedAnalyzer(),
    analyzerOptions: { minClipSeconds: 30, maxClipSeconds: 300, scoreThreshold: 0.5, minCollectionSize: 2 },
    binaries,
    encoderPreset: "ultrafast",
    cutMode,
    logger: createLogger("debug", destination),
    signal: new AbortController().signal,
    reportProgress: () => undefined,
  };
  return { context, logLines };
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, "utf8")) as T;
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), "autoclipd-video-step-"));
  source = path.join(root, "source.mp4");
  await generateTestVideo(
    { output: source, duration: SOURCE_SECONDS, width: 320, height: 180, keyframeInterval: 2 },
    binaries,
  );
});

after(async () => {
  await rm(root, { recursive: true, force: true });
});

for (const cutMode of ["accurate", "copy"] as const) {
  test(`video step ${cutMode} keeps same titles apart`, async () => {
    const { context, logLines } = await createProject(cutMode);

    const outcome = await videoStep.run(context);
    const clips = await readJson<Clip[]>(context.paths.file("clipsMetadata"));
    const collections = await readJson<Collection[]>(context.paths.file("collectionsMetadata"));
    const clipFiles = (await readdir(context.paths.clips)).sort();
    const collectionFiles = (await readdir(context.paths.collections)).sort();

    assert.equal(outcome.status, "done");
    assert.equal(clipFiles.length, 2, `clip files: ${clipFiles.join(", ")}`);
    assert.equal(collectionFiles.length, 2, `collection files: ${collectionFiles.join(", ")}`);
    assert.ok(clipFiles[0]?.startsWith("1_"), `first clip file ${clipFiles[0]}`);
    assert.ok(clipFiles[1]?.startsWith("2_"), `second clip file ${clipFiles[1]}`);
    assert.ok(collectionFiles[0]?.startsWith("c1_"), `first collection file ${collectionFiles[0]}`);
    assert.ok(collectionFiles[1]?.startsWith("c2_"), `second collection file ${collectionFiles[1]}`);
    for (const name of [...clipFiles, ...collectionFiles]) {
      assert.doesNotMatch(name, /[/$"`' ]/, `file name ${name} is sanitised`);
    }
    assert.notEqual(clips[0]?.video_file, clips[1]?.video_file);
    assert.notEqual(collections[0]?.video_file, collections[1]?.video_file);

    const joins = logLines.filter((line) => line.msg === "collection joined");
    assert.equal(joins.length, 2);
    for (const join of joins) assert.equal(join.method, "copy", `collection ${String(join.collectionId)}`);

    for (const clip of clips) {
      const check = clip.render_check;
      const info = await probeMedia(path.join(context.paths.dir, clip.video_file ?? ""), binaries);
      assert.ok(check, `clip ${clip.id} has render_check`);
      assert.equal(clip.duration, info.duration, `clip ${clip.id} duration is measured`);
      assert.equal(check.measured, info.duration, `clip ${clip.id} measured duration`);
      assert.ok(
        Math.abs(check.measured - check.planned) <= check.tolerance,
        `clip ${clip.id} within tolerance`,
      );
      assert.ok((check.av_offset ?? 1) <= 0.05, `clip ${clip.id} av_offset ${check.av_offset}`);
    }

    if (cutMode === "copy") {
      assert.equal(clips[0]?.actual_start_time, 0);
      assert.equal(clips[1]?.actual_start_time, 6);
    } else {
      assert.equal(clips[0]?.actual_start_time, undefined);
    }
  });
}
