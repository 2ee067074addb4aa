/**
 * Builds the LMDB index of a projects folder and exits, so that a benchmark can serve that index
 * from a process whose heap never held the build's garbage:
 *
 *   node --import tsx bench/support/build-index-process.ts INDEX_DIR PROJECTS_DIR
 *
 * Prints the totals as one JSON line on stdout.
 */
import { ProjectIndex } from "../../src/index/project-index.ts";

const [indexDir, projectsDir] = process.argv.slice(2);
if (!indexDir || !projectsDir) {
  process.stderr.write("Usage: build-index-process.ts INDEX_DIR PROJECTS_DIR\n");
  process.exit(2);
}

const index = await ProjectIndex.open({ indexDir, projectsDir });
try {
  await index.rebuild();
  process.stdout.write(`${JSON.stringify(index.stats())}\n`);
} finally {
  await index.close();
}
