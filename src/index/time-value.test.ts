import assert from "node:assert/strict";
import { test } from "node:test";
import { timeValueToSeconds } from "./time-value.ts";

test("timeValueToSeconds reads SRT-style times", () => {
  const cases: Array<[string, number]> = [
    ["00:00:00,000", 0],
    ["00:01:02,500", 62.5],
    ["01:00:00,001", 3600.001],
    ["1:02:03.4", 3723.4],
    ["00:00:07", 7],
    ["00:00:07,05", 7.05],
  ];

  for (const [text, seconds] of cases) {
    assert.equal(timeValueToSeconds(text), seconds, text);
  }
});

test("timeValueToSeconds passes numbers through", () => {
  assert.equal(timeValueToSeconds(12.25), 12.25);
});

test("timeValueToSeconds rejects other strings", () => {
  assert.throws(() => timeValueToSeconds("12s"), /Expected seconds or HH:MM:SS,mmm, got "12s"/);
});
