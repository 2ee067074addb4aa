import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { planChunks } from "./chunk-plan.ts";

describe("planChunks", () => {
  test("short audio is one chunk", () => {
    const chunks = planChunks({ duration: 30, maxSeconds: 60, overlapSeconds: 2, silences: [] });
    assert.deepEqual(chunks, [
      { index: 0, start: 0, end: 30, keepFrom: 0, keepUntil: Number.POSITIVE_INFINITY },
    ]);
  });

  test("cuts at the longest silence in the window", () => {
    const silences = [
      { start: 10, end: 10.5 },
      { start: 14, end: 16 },
      { start: 17, end: 17.4 },
      { start: 40, end: 41 },
    ];
    const chunks = planChunks({ duration: 45, maxSeconds: 20, overlapSeconds: 2, silences });
    assert.equal(chunks[0]?.keepUntil, 15);
    assert.equal(chunks[0]?.end, 16);
    assert.equal(chunks[1]?.start, 14);
    assert.equal(chunks[1]?.keepFrom, 15);
  });

  test("hard cut when no silence fits", () => {
    const chunks = planChunks({
      duration: 50,
      maxSeconds: 20,
      overlapSeconds: 2,
      silences: [{ start: 2, end: 3 }],
    });
    assert.equal(chunks[0]?.keepUntil, 19);
    assert.equal(chunks[0]?.end, 20);
  });

  test("chunks respect the limits and cover the audio", () => {
    const silences = Array.from({ length: 40 }, (_, index) => ({
      start: index * 7.3 + 3,
      end: index * 7.3 + 3.6,
    }));
    const duration = 290;
    const chunks = planChunks({ duration, maxSeconds: 25, overlapSeconds: 3, silences });

    assert.ok(chunks.length >= 12, `expected at least 12 chunks, got ${chunks.length}`);
    assert.equal(chunks[0]?.start, 0);
    assert.equal(chunks.at(-1)?.end, duration);
    for (const [index, chunk] of chunks.entries()) {
      assert.equal(chunk.index, index);
      assert.ok(chunk.end - chunk.start <= 25 + 1e-9, `chunk ${index} is ${chunk.end - chunk.start} s long`);
      const next = chunks[index + 1];
      if (!next) continue;
      assert.ok(Math.abs(chunk.end - next.start - 3) < 1e-9, `chunks ${index} and ${index + 1} share 3 s`);
      assert.equal(next.keepFrom, chunk.keepUntil);
      const inSilence = silences.some(
        (silence) => silence.start <= chunk.keepUntil && chunk.keepUntil <= silence.end,
      );
      assert.ok(inSilence, `cut ${chunk.keepUntil} lies in a silence`);
    }
  });

  test("rejects an overlap above a quarter of the chunk", () => {
    assert.throws(
      () => planChunks({ duration: 100, maxSeconds: 10, overlapSeconds: 3, silences: [] }),
      /overlapSeconds <= maxSeconds \/ 4, got 10 and 3/,
    );
  });
});
