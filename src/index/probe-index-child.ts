/**
 * Child process of {@link probeIndex}: opens the index folder given as the first argument
 * read-only and walks every key, which touches every page of the tree without decoding values. A corrupt LMDB file can crash the process with a
 * segmentation fault, which is why this runs apart from the daemon.
 */
import { openStore } from "./lmdb-store.ts";

const indexDir = process.argv[2];
if (!indexDir) {
  process.stderr.write("usage: probe-index-child INDEX_DIR\n");
  process.exit(2);
}

const store = await openStore(indexDir, { readOnly: true });
let entries = 0;
for (const _key of store.keys("")) entries += 1;
await store.close();
process.stdout.write(`${JSON.stringify({ entries })}\n`);
