/**
 * Runs the long stress tests: `npm run stress -- [--only index|crash] [--seed N] [--rounds N]
 * [--projects N] [--operations N] [--crash-rounds N] [--crash-videos N]`.
 *
 * - index: the index property test, by default 200 rounds over at most 60 projects with up to
 *   40 operations per round. The settings reach it through its AUTOCLIP_PROPERTY_* variables.
 * - crash: the crash harness, by default 50 SIGKILL-and-restart rounds of the real daemon over
 *   40 dropped videos, then a final run that must complete every project and pass verify.
 *
 * Both run unless `--only` picks one. The exit code is 1 when either fails.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runCrashHarness } from "../test/helpers/crash-harness.ts";
import { parseSeed } from "../test/helpers/prng.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    only: { type: "string" },
    rounds: { type: "string", default: "200" },
    projects: { type: "string", default: "60" },
    operations: { type: "string", default: "40" },
    "crash-rounds": { type: "string", default: "50" },
    "crash-videos": { type: "string", default: "40" },
    seed: { type: "string" },
  },
});

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`Expected --${flag} to be a positive integer, got "${text}".`);
  }
  return value;
}

function runIndexPropertyTest(): Promise<boolean> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AUTOCLIP_PROPERTY_ROUNDS: values.rounds,
    AUTOCLIP_PROPERTY_PROJECTS: values.projects,
    AUTOCLIP_PROPERTY_OPERATIONS: values.operations,
  };
  if (values.seed !== undefined) env.AUTOCLIP_PROPERTY_SEED = values.seed;

  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=spec", path.join("test", "index-property.test.ts")],
    { cwd: root, env, stdio: "inherit" },
  );
  return new Promise((resolve) => child.on("exit", (code) => resolve(code === 0)));
}

async function runCrashStress(): Promise<boolean> {
  const seed = parseSeed(values.seed);
  const rounds = positiveInteger("crash-rounds", values["crash-rounds"] as string);
  const videos = positiveInteger("crash-videos", values["crash-videos"] as string);
  console.log(`crash harness: seed ${seed}, ${rounds} rounds, up to ${videos} videos`);

  const report = await runCrashHarness({ rounds, seed, videos, log: (line) => console.log(line) });
  console.log(
    [
      `crash harness: ${report.rounds} rounds, ${report.videos} videos and ${report.brokenFiles} broken files in ${report.seconds} s (seed ${seed})`,
      `  aimed at:       ${JSON.stringify(report.aims)}`,
      `  killed during:  ${JSON.stringify(report.killedDuring)}`,
      `  aims missed:    ${report.missedAims}`,
      `  rounds that left a half-built project folder: ${report.roundsWithTempFolders}`,
      `  temporary files left in project folders: ${report.leftoverPartialFiles.length}`,
      `  findings:       ${report.findings.length}`,
      ...report.findings.map((finding) => `    - ${finding}`),
    ].join("\n"),
  );
  return report.findings.length === 0;
}

const only = values.only;
if (only !== undefined && only !== "index" && only !== "crash") {
  throw new RangeError(`Expected --only to be index or crash, got "${only}".`);
}
const results: boolean[] = [];
if (only !== "crash") results.push(await runIndexPropertyTest());
if (only !== "index") results.push(await runCrashStress());
process.exitCode = results.every(Boolean) ? 0 : 1;
