import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { PassThrough } from "node:stream";
import { after, before, test } from "node:test";
import { ProjectIndex } from "../index/project-index.ts";
import { makeClips, makeCollections, makeTempDir, writeProjectFolder } from "../index/test-support.ts";
import { parseCli } from "./cli-args.ts";
import { runVerifyCommand } from "./verify-command.ts";

let work: { dir: string; remove: () => Promise<void> };

before(async () => {
  work = await makeTempDir("verify-command");
});

after(async () => {
  await work.remove();
});

function settingsFor(dataDir: string) {
  const request = parseCli(["verify", "--data-dir", dataDir], {}, "en");
  assert.equal(request.kind, "run");
  return request.kind === "run" ? request.settings : (undefined as never);
}

async function runAndCapture(dataDir: string, locale: "en" | "zh" = "en") {
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  const code = await runVerifyCommand(settingsFor(dataDir), locale, output);
  return { code, text };
}

test("verify without an index exits 2", async () => {
  const { code, text } = await runAndCapture(path.join(work.dir, "empty"));

  assert.equal(code, 2);
  assert.match(text, /No index found/);
});

test("verify reports a hand edit", async () => {
  const dataDir = path.join(work.dir, "data");
  const projectsDir = path.join(dataDir, "projects");
  const projectDir = await writeProjectFolder(projectsDir, "p1", {
    clips: makeClips(4, "seconds"),
    collections: makeCollections(1, 4),
  });
  const index = await ProjectIndex.open({ indexDir: path.join(dataDir, ".index"), projectsDir });
  await index.rebuild();
  await index.close();

  const clean = await runAndCapture(dataDir);
  assert.equal(clean.code, 0);
  assert.match(clean.text, /matches the files of all 1 projects/);

  await writeFile(
    path.join(projectDir, "metadata", "clips_metadata.json"),
    JSON.stringify(makeClips(3, "seconds")),
  );
  const stale = await runAndCapture(dataDir);
  assert.equal(stale.code, 1);
  assert.match(stale.text, /^p1\ttotal_clips\t4\t3$/m);

  const chinese = await runAndCapture(dataDir, "zh");
  assert.match(chinese.text, /处差异/);
});
