import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { clusterDocuments } from "./cluster.ts";
import type { TermVector } from "./term-vectors.ts";

const vector = (entries: Record<string, number>): TermVector => new Map(Object.entries(entries));

describe("clusterDocuments", () => {
  test("groups documents by shared terms", () => {
    const clusters = clusterDocuments(
      [
        vector({ coffee: 2, roast: 1 }),
        vector({ sleep: 2, dream: 1 }),
        vector({ coffee: 1, roast: 2, grinder: 1 }),
        vector({ sleep: 1, dream: 2, pillow: 1 }),
        vector({ run: 1, shoe: 1 }),
      ],
      2,
    );
    assert.deepEqual(
      clusters.map((cluster) => cluster.members),
      [
        [0, 2],
        [1, 3],
      ],
    );
    assert.ok(clusters.every((cluster) => !cluster.forced));
  });

  test("forces one cluster when nothing is similar", () => {
    const clusters = clusterDocuments([vector({ a: 1 }), vector({ b: 1 }), vector({ c: 1 })], 2);
    assert.equal(clusters.length, 1);
    assert.equal(clusters[0]?.forced, true);
    assert.equal(clusters[0]?.members.length, 2);
  });

  test("forced cluster grows to the minimum size", () => {
    const clusters = clusterDocuments(
      [vector({ a: 1 }), vector({ b: 1 }), vector({ c: 1 }), vector({ d: 1 })],
      3,
    );
    assert.equal(clusters[0]?.members.length, 3);
  });

  test("too few documents", () => {
    assert.deepEqual(clusterDocuments([vector({ a: 1 }), vector({ a: 1 })], 3), []);
    assert.deepEqual(clusterDocuments([vector({ a: 1 })], 1), []);
  });
});
