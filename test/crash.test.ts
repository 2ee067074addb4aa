/**
 * Crash test: the real daemon is killed with SIGKILL at seeded random moments (start-up,
 * ingest, each pipeline step, index writes) and restarted. No video may be lost or duplicated
 * and no partial data may become visible. A final start must complete every project and pass
 * `autoclipd verify`. See test/helpers/crash-harness.ts for the checks.
 *
 * Settings, read from the environment because this is a test (`npm run stress` sets them):
 * AUTOCLIP_CRASH_SEED (repeat a run), AUTOCLIP_CRASH_ROUNDS (default 3) and
 * AUTOCLIP_CRASH_VIDEOS (the most videos dropped over the run, default 2).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCrashHarness } from "./helpers/crash-harness.ts";
import { parseSeed } from "./helpers/prng.ts";

function positiveIntegerFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === "") return fallback;

  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Expected ${name} to be a positive integer, got "${text}".`);
  }
  return value;
}

const seed = parseSeed(process.env.AUTOCLIP_CRASH_SEED);
const rounds = positiveIntegerFromEnv("AUTOCLIP_CRASH_ROUNDS", 3);
const videos = positiveIntegerFromEnv("AUTOCLIP_CRASH_VIDEOS", 2);

test("daemon survives SIGKILL at random moments", { timeout: 600_000 + rounds * 120_000 }, async (t) => {
  const report = await runCrashHarness({
    rounds,
    seed,
    videos,
    log: (line) => t.diagnostic(line),
  });

  t.diagnostic(
    `seed ${seed}: ${report.rounds} rounds, ${report.videos} videos and ${report.brokenFiles} broken files in ${report.seconds} s; killed during ${JSON.stringify(report.killedDuring)}; ${report.missedAims} aims missed; ${report.roundsWithTempFolders} rounds left a half-built folder; ${report.leftoverPartialFiles.length} temporary files left`,
  );
  assert.deepEqual(
    report.findings,
    [],
    `seed ${seed} broke these invariants (rerun with AUTOCLIP_CRASH_SEED=${seed})`,
  );
});
