import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

test("daemon reports a busy port", { timeout: 60_000 }, async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "autoclipd-port-"));
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
  const { port } = blocker.address() as AddressInfo;

  try {
    const child = spawn(
      process.execPath,
      [
        path.join(root, "bin", "autoclipd.js"),
        "--data-dir",
        dataDir,
        "--port",
        String(port),
        "--log-level",
        "warn",
      ],
      { env: { ...process.env, LANG: "C" }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));

    assert.equal(code, 2);
    assert.match(stderr, new RegExp(`Cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`));
    assert.match(stderr, /--port/);
    assert.doesNotMatch(stderr, /at .*\.ts:\d+/, "no stack trace");
  } finally {
    blocker.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
