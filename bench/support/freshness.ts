/**
 * Freshness of the HTTP API: how long after a metadata file is renamed into place the new
 * count shows in `/api/v1/stats`, with a real ProjectWatcher and HTTP server over a full index.
 */
import { readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { createApp } from "../../src/http/app.ts";
import { startHttpServer } from "../../src/http/server.ts";
import type { ProjectIndex } from "../../src/index/project-index.ts";
import { ProjectWatcher } from "../../src/index/project-watcher.ts";
import { PROJECT_FILES } from "../../src/project/layout.ts";
import type { Random } from "../../test/helpers/prng.ts";
import { buildClips, renderJson } from "./generate-projects.ts";

export interface FreshnessOptions {
  index: ProjectIndex;
  projectsDir: string;
  projectId: string;
  iterations: number;
  /** Milliseconds to wait between iterations, so each starts with an idle watcher. */
  gapMs: number;
  /** Milliseconds one iteration may poll before it counts as timed out. */
  timeoutMs: number;
  random: Random;
}

export interface FreshnessResult {
  /** Milliseconds from the rename to the first stats response with the new total, per iteration. */
  latenciesMs: number[];
  /** Iterations whose new total did not show within the timeout. */
  timeouts: number;
  /** Milliseconds from `ProjectWatcher.start()` until it resolved: the initial scan of the folders plus one reconcile. */
  watcherStartMs: number;
  /** Stats requests sent in all. */
  requests: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Replaces the project's `clips_metadata.json` `iterations` times, each time by writing a
 * temporary file and renaming it over the target, and polls `/api/v1/stats` on 127.0.0.1 until
 * the clip total includes the new count. The original file is put back at the end.
 */
export async function measureFreshness(options: FreshnessOptions): Promise<FreshnessResult> {
  const { index, random } = options;
  const watcher = new ProjectWatcher({ index, projectsDir: options.projectsDir });
  const startedWatching = performance.now();
  await watcher.start();
  const watcherStartMs = performance.now() - startedWatching;
  const server = await startHttpServer({
    app: createApp({ index, version: "bench" }),
    host: "127.0.0.1",
    port: 0,
  });
  const statsUrl = `${server.url}/api/v1/stats`;
  const target = path.join(options.projectsDir, options.projectId, PROJECT_FILES.clipsMetadata);
  const temp = path.join(path.dirname(target), ".clips_metadata.json.bench.partial");
  const latenciesMs: number[] = [];
  let timeouts = 0;
  let requests = 0;
  // Put back at the end, so a kept fixture still matches its generated totals.
  const original = await readFile(target);

  try {
    let projectClips = index.getProject(options.projectId)?.total_clips ?? 0;
    for (let i = 0; i < options.iterations; i++) {
      let count = random.int(5, 30);
      if (count === projectClips) count += 1;
      const expected = index.stats().clips - projectClips + count;
      await writeFile(temp, renderJson(buildClips(random, "zh", count)));

      const started = performance.now();
      await rename(temp, target);
      const deadline = started + options.timeoutMs;
      let seen = false;
      while (performance.now() < deadline) {
        requests += 1;
        const body = (await (await fetch(statsUrl)).json()) as { clips: number };
        if (body.clips === expected) {
          seen = true;
          break;
        }
      }

      if (seen) latenciesMs.push(performance.now() - started);
      else timeouts += 1;
      projectClips = count;
      await sleep(options.gapMs);
    }
  } finally {
    await writeFile(temp, original);
    await rename(temp, target);
    await server.close();
    await watcher.close();
  }

  return { latenciesMs, timeouts, watcherStartMs, requests };
}
