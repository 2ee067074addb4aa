import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRange } from "./byte-range.ts";

test("parseRange reads single ranges", () => {
  assert.deepEqual(parseRange("bytes=0-9", 100), { kind: "range", range: { start: 0, end: 9 } });
  assert.deepEqual(parseRange("bytes=90-", 100), { kind: "range", range: { start: 90, end: 99 } });
  assert.deepEqual(parseRange("bytes=-10", 100), { kind: "range", range: { start: 90, end: 99 } });
  assert.deepEqual(parseRange("bytes=-500", 100), { kind: "range", range: { start: 0, end: 99 } });
  assert.deepEqual(parseRange("bytes=50-500", 100), { kind: "range", range: { start: 50, end: 99 } });
});

test("parseRange ignores what it cannot parse", () => {
  for (const header of [
    undefined,
    "",
    "bytes=",
    "bytes=-",
    "bytes=a-b",
    "pages=0-1",
    "bytes=9-2",
    "bytes=0-1,3-4",
  ]) {
    assert.deepEqual(parseRange(header, 100), { kind: "full" }, String(header));
  }
});

test("parseRange rejects ranges past the end", () => {
  assert.deepEqual(parseRange("bytes=100-", 100), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=100-200", 100), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=-0", 100), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=0-", 0), { kind: "unsatisfiable" });
  assert.deepEqual(parseRange("bytes=99999999999999999999-", 100), { kind: "unsatisfiable" });
});
