import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import type { TranscriptFile } from "../../../../schemas/step-files.ts";
import { detectLanguage, parseSubtitle } from "../../subtitles/index.ts";
import { findSentenceEnds } from "../sentence-boundaries.ts";
import { buildTimeline } from "../timeline.ts";
import type { AnalyzerOptions } from "../types.ts";
import { createEmbeddedAnalyzer } from "./index.ts";

const OPTIONS: AnalyzerOptions = {
  minClipSeconds: 30,
  maxClipSeconds: 300,
  scoreThreshold: 0.5,
  minCollectionSize: 2,
};
const REAL = "/work/shared/fixtures/real";
const FILES = [
  path.resolve(import.meta.dirname, "../../../../samples/talk.zh.srt"),
  `${REAL}/3b1b/2017-bitcoin/zh-Hans.china_community.srt`,
  `${REAL}/3b1b/2017-bitcoin/en.captions.srt`,
  `${REAL}/3b1b/2017-limits/en.captions.srt`,
  `${REAL}/3b1b/2024-gpt/zh-Hans.captions.srt`,
];

/** Captions with no punctuation and no gap between cues, where no sentence end can be found. */
const NO_SENTENCES = [
  `${REAL}/en__cmu15213-lec13-linking__youtube-auto.srt`,
  `${REAL}/zh__pie-podcast-ep10__whisper-autotranscribe-0based-dotms.srt`,
];

async function timelineOf(file: string) {
  const transcript = readTranscript(file);
  const topics = await createEmbeddedAnalyzer().outline(transcript, OPTIONS);
  return {
    ends: findSentenceEnds(transcript.cues).ends,
    timeline: buildTimeline(topics, transcript.cues, OPTIONS),
  };
}

function readTranscript(file: string): TranscriptFile {
  const parsed = parseSubtitle(readFileSync(file), path.basename(file));
  return {
    source: path.basename(file),
    format: parsed.format,
    language: detectLanguage(parsed.cues),
    cues: parsed.cues,
  };
}

describe("clips on sentence boundaries", () => {
  for (const file of FILES) {
    test(path.basename(file), { skip: !existsSync(file) && `${file} missing` }, async () => {
      const { ends, timeline } = await timelineOf(file);

      for (const topic of timeline) {
        const label = `topic ${topic.id} (cues ${topic.start_cue}–${topic.end_cue})`;
        assert.ok(topic.start_cue === 0 || ends[topic.start_cue - 1], `${label} starts a sentence`);
        assert.ok(ends[topic.end_cue], `${label} ends a sentence`);
        assert.equal(topic.sentence_aligned, true, `${label} is marked aligned`);
        assert.ok(topic.end_time - topic.start_time <= OPTIONS.maxClipSeconds, `${label} fits the maximum`);
      }
    });
  }

  for (const file of NO_SENTENCES) {
    test(`${path.basename(file)} marks unaligned edges`, {
      skip: !existsSync(file) && `${file} missing`,
    }, async () => {
      const { ends, timeline } = await timelineOf(file);

      for (const topic of timeline) {
        const aligned =
          (topic.start_cue === 0 || ends[topic.start_cue - 1] === true) && ends[topic.end_cue] === true;
        assert.equal(topic.sentence_aligned, aligned, `topic ${topic.id} mark`);
        assert.ok(
          topic.end_time - topic.start_time <= OPTIONS.maxClipSeconds,
          `topic ${topic.id} fits the maximum`,
        );
      }
    });
  }
});
