import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { ProjectIndex } from "../src/index/project-index.ts";
import { makeClips, makeCollections, writeProjectFolder } from "../src/index/test-support.ts";
import { startDaemonProcess } from "./helpers/daemon-process.ts";

let work: string;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), "autoclipd-corrupt-"));
});

after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Builds a data folder with one finished project and a healthy index; returns the data folder. */
async function dataFolderWithIndex(name: string): Promise<string> {
  const dataDir = path.join(work, name);
  const projectsDir = path.join(dataDir, "projects");
  await mkdir(path.join(dataDir, "inbox"), { recursive: true });
  await writeProjectFolder(projectsDir, "p1", {
    clips: makeClips(3, "seconds"),
    collections: makeCollections(1, 3),
  });
  const index = await ProjectIndex.open({ indexDir: path.join(dataDir, ".index"), projectsDir });
  await index.rebuild();
  await index.close();
  return dataDir;
}

const damages: { name: string; damage: (file: string) => Promise<void> }[] = [
  { name: "garbage", damage: (file) => writeFile(file, Buffer.alloc(64 * 1024, 0xa5)) },
  { name: "truncated", damage: (file) => truncate(file, 100) },
];

for (const { name, damage } of damages) {
  test(`daemon rebuilds a ${name} index`, { timeout: 60_000 }, async () => {
    const dataDir = await dataFolderWithIndex(name);
    await damage(path.join(dataDir, ".index", "index.mdb"));

    const daemon = await startDaemonProcess(["--data-dir", dataDir]);
    try {
      const stats = (await (await fetch(`${daemon.url}/api/v1/stats`)).json()) as {
        clips: number;
        collections: number;
      };
      assert.equal(stats.clips, 3);
      assert.equal(stats.collections, 1);
      assert.ok(
        daemon.logs.some((entry) => String(entry.msg).includes("moved it aside")),
        "a warning says the index was moved aside",
      );
      const entries = await readdir(dataDir);
      assert.ok(
        entries.some((entry) => entry.startsWith(".index.corrupt-")),
        "the damaged index folder is kept beside the new one",
      );
    } finally {
      assert.equal(await daemon.stop(), 0);
    }
  });
}
