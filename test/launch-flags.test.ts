import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { daemonNodeFlags } from "./helpers/daemon-process.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

test("npm start passes the shebang's Node.js flags", async () => {
  const packageJson = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
    scripts: Record<string, string>;
  };
  const flags = daemonNodeFlags();

  assert.ok(flags.length > 0);
  assert.equal(packageJson.scripts.start, `node ${flags.join(" ")} bin/autoclipd.js`);
});

test("bin runs through its shebang", async () => {
  const packageJson = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as {
    version: string;
  };

  const { stdout } = await promisify(execFile)(path.join(root, "bin", "autoclipd.js"), ["--version"], {
    cwd: root,
  });

  assert.equal(stdout.trim(), packageJson.version);
});
