/**
 * Runs the long form of the index property test: `npm run stress -- [--rounds N] [--projects N]
 * [--operations N] [--seed N]`. Defaults: 200 rounds over at most 60 projects, up to 40
 * operations per round. The settings reach the test through its AUTOCLIP_PROPERTY_* variables.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "200" },
    projects: { type: "string", default: "60" },
    operations: { type: "string", default: "40" },
    seed: { type: "string" },
  },
});

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
child.on("exit", (code, signal) => {
  process.exitCode = code ?? (signal ? 1 : 0);
});
