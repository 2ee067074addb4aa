import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { after, before, describe, test } from "node:test";
import { type AnalyzeCommandOptions, formatClock, runAnalyzeCommand } from "./analyze-command.ts";

const DEMO = path.resolve(import.meta.dirname, "../../samples/talk.zh.srt");

const DEFAULTS: Omit<AnalyzeCommandOptions, "file"> = {
  json: false,
  minClipSeconds: 30,
  maxClipSeconds: 300,
  scoreThreshold: 0.5,
  locale: "en",
};

let work: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "analyze-command-"));
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

async function run(options: Partial<AnalyzeCommandOptions> & { file: string }) {
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const code = await runAnalyzeCommand({ ...DEFAULTS, ...options }, output);
  return { code, text };
}

interface JsonReport {
  language: string;
  kept: number;
  candidates: number;
  notice: string | null;
  topics: Array<{
    start: string;
    end: string;
    kept: boolean;
    title: string | null;
    sentence_aligned: boolean;
  }>;
  collections: Array<{ clip_ids: string[] }>;
}

describe("runAnalyzeCommand", () => {
  test("formatClock pads hours", () => {
    assert.equal(formatClock(3725.4), "01:02:05");
  });

  test("human output in English", async () => {
    const { code, text } = await run({ file: DEMO });
    assert.equal(code, 0);
    assert.match(text, /talk\.zh\.srt: language zh, 61 cues/);
    assert.match(text, /\d+ topics, \d+ kept as clips \(score threshold 0\.5\)/);
    assert.match(text, /^1\t00:00:\d\d–00:0\d:\d\d\t0\.\d\d\t(yes|no)\t/m);
    assert.match(text, /\d+ collections/);
  });

  test("human output in Chinese", async () => {
    const { code, text } = await run({ file: DEMO, locale: "zh" });
    assert.equal(code, 0);
    assert.match(text, /条字幕/);
    assert.match(text, /个合集/);
  });

  test("json output is one document", async () => {
    const { code, text } = await run({ file: DEMO, json: true });
    assert.equal(code, 0);
    const report = JSON.parse(text) as JsonReport;
    assert.equal(report.language, "zh");
    assert.ok(report.kept >= 3, `${report.kept} clips kept`);
    assert.ok(report.collections.length >= 1, `${report.collections.length} collections`);
    assert.equal(report.notice, null);
    for (const topic of report.topics) {
      assert.match(topic.start, /^\d\d:\d\d:\d\d$/);
      assert.equal(topic.kept, topic.title !== null, `topic at ${topic.start} has a title when kept`);
      assert.equal(topic.sentence_aligned, true, `topic at ${topic.start} is sentence aligned`);
    }
  });

  test("unreachable threshold prints the notice", async () => {
    const { code, text } = await run({ file: DEMO, json: true, scoreThreshold: 1 });
    assert.equal(code, 0);
    const report = JSON.parse(text) as JsonReport;
    assert.equal(report.kept, 0);
    assert.match(
      report.notice ?? "",
      /No topic reached the score threshold 1 \(best 0\.\d+ of \d+ candidates\)/,
    );
  });

  test("missing file exits 2", async () => {
    const { code, text } = await run({ file: path.join(work, "missing.srt") });
    assert.equal(code, 2);
    assert.match(text, /Could not read .*missing\.srt/);
  });

  test("empty file exits 2", async () => {
    const file = path.join(work, "empty.srt");
    await writeFile(file, "");
    const { code, text } = await run({ file, json: true });
    assert.equal(code, 2);
    const report = JSON.parse(text) as { error: { code: string; message: string } };
    assert.match(report.error.code, /^SUBTITLE_/);
    assert.match(report.error.message, /empty\.srt/);
  });

  test("file of empty cues exits 2", async () => {
    const file = path.join(work, "blank.srt");
    await writeFile(file, "1\n00:00:01,000 --> 00:00:02,000\n\n\n2\n00:00:03,000 --> 00:00:04,000\n \n");
    const { code } = await run({ file });
    assert.equal(code, 2);
  });
});
