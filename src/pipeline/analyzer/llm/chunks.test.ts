import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Cue } from "../../../../schemas/step-files.ts";
import { batchTopics, chunkCues } from "./chunks.ts";

/** Cues of `seconds` each, back to back, for `total` seconds. */
function evenCues(total: number, seconds = 5): Cue[] {
  return Array.from({ length: total / seconds }, (_, index) => ({
    start: index * seconds,
    end: index * seconds + seconds - 0.5,
    text: `cue ${index}.`,
  }));
}

describe("chunkCues", () => {
  test("empty transcript", () => {
    assert.deepEqual(chunkCues([], 900, 60), []);
  });

  test("short transcript is one chunk", () => {
    assert.deepEqual(chunkCues(evenCues(1000), 900, 60), [{ index: 0, firstCue: 0, lastCue: 199 }]);
  });

  test("chunks overlap by the given seconds", () => {
    const cues = evenCues(3000);
    const chunks = chunkCues(cues, 900, 60);

    assert.deepEqual(
      chunks.map((chunk) => [chunk.firstCue, chunk.lastCue]),
      [
        [0, 179],
        [168, 347],
        [336, 515],
        [504, 599],
      ],
    );
    for (const [index, chunk] of chunks.entries()) {
      const previous = chunks[index - 1];
      if (!previous) continue;
      const shared = (cues[previous.lastCue]?.end ?? 0) - (cues[chunk.firstCue]?.start ?? 0);
      assert.ok(shared >= 55, `chunk ${index} shares ${shared} s, at least 55`);
      assert.ok(shared <= 60, `chunk ${index} shares ${shared} s, at most 60`);
    }
    assert.equal(chunks.at(-1)?.lastCue, cues.length - 1);
  });

  test("short tail joins last chunk", () => {
    const chunks = chunkCues(evenCues(2700), 900, 60);
    assert.deepEqual(chunks.at(-1), { index: 2, firstCue: 336, lastCue: 539 });
  });

  test("every chunk adds cues", () => {
    const cues: Cue[] = [
      { start: 0, end: 500, text: "a" },
      { start: 500, end: 1000, text: "b" },
      { start: 1000, end: 1500, text: "c" },
      { start: 1500, end: 2000, text: "d" },
    ];
    const chunks = chunkCues(cues, 600, 300);

    for (const [index, chunk] of chunks.entries()) {
      assert.ok(chunk.lastCue > (chunks[index - 1]?.lastCue ?? -1), `chunk ${index} adds cues`);
      assert.ok(chunk.firstCue <= chunk.lastCue);
    }
    assert.equal(chunks.at(-1)?.lastCue, 3);
  });
});

describe("batchTopics", () => {
  test("batches by total seconds", () => {
    const cues = evenCues(100, 10);
    const topics = [0, 2, 4, 6, 8].map((start) => ({ start_cue: start, end_cue: start + 1 }));

    const batches = batchTopics(topics, cues, 40);

    assert.deepEqual(
      batches.map((batch) => batch.map((topic) => topic.start_cue)),
      [[0, 2], [4, 6], [8]],
    );
  });

  test("long topic gets its own batch", () => {
    const cues = evenCues(100, 10);
    const batches = batchTopics([{ start_cue: 0, end_cue: 9 }], cues, 30);
    assert.equal(batches.length, 1);
  });
});
