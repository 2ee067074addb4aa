import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import type { TranscriptFile } from "../../../schemas/step-files.ts";
import { projectPaths } from "../../project/layout.ts";
import { silentLogger } from "../../shared/logger.ts";
import { createEmbeddedAnalyzer } from "../analyzer/embedded/index.ts";
import type { StepContext } from "../step-types.ts";
import { noClipsNotice, outlineStep, scoringStep, timelineStep } from "./analysis-steps.ts";

let work: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "analysis-steps-"));
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Twelve sentences of 10 s each on two subjects, with a pause after every second sentence. */
function transcript(): TranscriptFile {
  const cues = Array.from({ length: 24 }, (_, index) => {
    const start = index * 10 + Math.floor(index / 2);
    const subject = index < 12 ? "coffee beans roast the grinder" : "running shoes knee training";
    const text = index % 2 === 0 ? `Today ${subject} part ${index}` : `and more ${subject}.`;
    return { start, end: start + 10, text };
  });
  return { source: "talk.srt", format: "srt", language: "en", cues };
}

async function contextFor(name: string, scoreThreshold: number, paddingSeconds = 0): Promise<StepContext> {
  const dir = path.join(work, name);
  const paths = projectPaths(dir);
  await mkdir(paths.metadata, { recursive: true });
  await writeFile(paths.file("transcript"), JSON.stringify(transcript()));
  return {
    projectId: name,
    paths,
    project: {
      id: name,
      name,
      source_file: "talk.mp4",
      subtitle_file: "talk.srt",
      video_category: "knowledge",
      description: "",
      created_at: "2026-01-01T00:00:00Z",
    },
    analyzer: createEmbeddedAnalyzer(),
    analyzerOptions: {
      minClipSeconds: 30,
      maxClipSeconds: 300,
      scoreThreshold,
      minCollectionSize: 2,
      paddingSeconds,
    },
    binaries: { ffmpeg: "ffmpeg", ffprobe: "ffprobe" },
    encoderPreset: "veryfast",
    logger: silentLogger,
    signal: new AbortController().signal,
    reportProgress: () => {},
  } as StepContext;
}

async function readJson(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
}

describe("analysis steps", () => {
  test("noClipsNotice names threshold and best score", () => {
    assert.equal(
      noClipsNotice(0.5, 0.42, 12),
      "No topic reached the score threshold 0.5 (best 0.42 of 12 candidates); lower --score-threshold to keep more.",
    );
  });

  test("timeline marks sentence alignment and pads", async () => {
    const context = await contextFor("timeline", 0.5, 2);
    await outlineStep.run(context);
    const outcome = await timelineStep.run(context);
    const { topics } = (await readJson(context.paths.file("timeline"))) as {
      topics: Array<{ sentence_aligned: boolean; start_time: number; end_time: number }>;
    };

    assert.equal(outcome.status, "done");
    assert.ok(topics.length >= 1, `${topics.length} topics`);
    for (const topic of topics) assert.equal(topic.sentence_aligned, true);
    assert.equal(topics[0]?.start_time, 0);
    assert.equal(topics.at(-1)?.end_time, 251);
  });

  test("no kept topic writes the notice", async () => {
    const context = await contextFor("none-kept", 1.01);
    await outlineStep.run(context);
    await timelineStep.run(context);
    const outcome = await scoringStep.run(context);
    const highScore = await readJson(context.paths.file("highScore"));

    assert.equal(outcome.status, "done");
    assert.deepEqual(highScore.topics, []);
    assert.match(
      String(highScore.message),
      /^No topic reached the score threshold 1\.01 \(best [\d.]+ of \d+ candidates\)/,
    );
    const summary = outcome.status === "done" ? outcome.summary : undefined;
    assert.equal(summary?.notice, highScore.message);
    assert.equal(summary?.kept, 0);
  });
});
