import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { settingsSchema } from "./settings.ts";

test("settingsSchema fills every default", () => {
  const settings = settingsSchema.parse({});

  assert.equal(settings.dataDir, path.resolve("data"));
  assert.equal(settings.indexDir, path.join(path.resolve("data"), ".index"));
  assert.equal(settings.host, "127.0.0.1");
  assert.equal(settings.port, 8000);
  assert.equal(settings.concurrency, 1);
  assert.equal(settings.reindex, false);
  assert.equal(settings.logLevel, "info");
  assert.equal(settings.inboxSettleMs, 2000);
  assert.equal(settings.minClipSeconds, 30);
  assert.equal(settings.maxClipSeconds, 300);
  assert.equal(settings.scoreThreshold, 0.5);
  assert.equal(settings.encoderPreset, "veryfast");
  assert.equal(settings.reconcileIntervalSeconds, 60);
  assert.equal(settings.staleLockSeconds, 30);
  assert.equal(settings.ffmpegPath, undefined);
  assert.equal(settings.ffprobePath, undefined);
});

test("settingsSchema puts the index under the data folder", () => {
  const settings = settingsSchema.parse({ dataDir: "/srv/autoclip/data" });

  assert.equal(settings.dataDir, "/srv/autoclip/data");
  assert.equal(settings.indexDir, "/srv/autoclip/data/.index");
});

test("settingsSchema resolves a relative index folder", () => {
  const settings = settingsSchema.parse({ dataDir: "/srv/data", indexDir: "local/index" });

  assert.equal(settings.indexDir, path.resolve("local/index"));
});

test("settingsSchema coerces number strings", () => {
  const settings = settingsSchema.parse({
    port: "0",
    concurrency: "4",
    inboxSettleMs: "250",
    minClipSeconds: "12.5",
    maxClipSeconds: "90",
    scoreThreshold: "0.75",
    reconcileIntervalSeconds: "0",
    staleLockSeconds: "2.5",
  });

  assert.equal(settings.port, 0);
  assert.equal(settings.concurrency, 4);
  assert.equal(settings.inboxSettleMs, 250);
  assert.equal(settings.minClipSeconds, 12.5);
  assert.equal(settings.maxClipSeconds, 90);
  assert.equal(settings.scoreThreshold, 0.75);
  assert.equal(settings.reconcileIntervalSeconds, 0);
  assert.equal(settings.staleLockSeconds, 2.5);
});

test("settingsSchema reads boolean words", () => {
  const cases: Array<[unknown, boolean]> = [
    [true, true],
    [false, false],
    ["1", true],
    ["true", true],
    ["yes", true],
    ["0", false],
    ["false", false],
    ["no", false],
  ];

  for (const [raw, expected] of cases) {
    assert.equal(settingsSchema.parse({ reindex: raw }).reindex, expected, `reindex ${JSON.stringify(raw)}`);
  }
});

test("settingsSchema rejects out-of-range values", () => {
  const cases: Array<[string, unknown]> = [
    ["port", "65536"],
    ["port", "-1"],
    ["port", "80.5"],
    ["concurrency", "0"],
    ["concurrency", "65"],
    ["logLevel", "loud"],
    ["inboxSettleMs", "-5"],
    ["minClipSeconds", "0"],
    ["scoreThreshold", "1.5"],
    ["encoderPreset", "warp"],
    ["reconcileIntervalSeconds", "-1"],
    ["staleLockSeconds", "1"],
    ["staleLockSeconds", "3601"],
    ["reindex", "maybe"],
  ];

  for (const [name, raw] of cases) {
    const result = settingsSchema.safeParse({ [name]: raw });
    assert.equal(result.success, false, `${name} = ${JSON.stringify(raw)} must be rejected`);
    assert.equal(result.error?.issues[0]?.path[0], name, `issue path for ${name}`);
  }
});

test("settingsSchema rejects min above max clip seconds", () => {
  const result = settingsSchema.safeParse({ minClipSeconds: "100", maxClipSeconds: "50" });

  assert.equal(result.success, false);
  assert.equal(result.error?.issues.length, 1);
  assert.deepEqual(result.error?.issues[0]?.path, ["minClipSeconds"]);
});

test("settingsSchema accepts equal min and max", () => {
  const settings = settingsSchema.parse({ minClipSeconds: "60", maxClipSeconds: "60" });

  assert.equal(settings.minClipSeconds, 60);
  assert.equal(settings.maxClipSeconds, 60);
});

test("settingsSchema reports clip order with other errors", () => {
  const result = settingsSchema.safeParse({ port: "abc", minClipSeconds: "100", maxClipSeconds: "50" });
  const paths = result.error?.issues.map((issue) => issue.path[0]) ?? [];

  assert.equal(result.success, false);
  assert.ok(paths.includes("port"), `issues: ${paths.join(", ")}`);
  assert.ok(paths.includes("minClipSeconds"), `issues: ${paths.join(", ")}`);
});

test("settingsSchema skips clip order when a bound is invalid", () => {
  const result = settingsSchema.safeParse({ minClipSeconds: "abc", maxClipSeconds: "50" });
  const paths = result.error?.issues.map((issue) => issue.path[0]) ?? [];

  assert.deepEqual(paths, ["minClipSeconds"]);
});
