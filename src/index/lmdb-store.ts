import { access, mkdir } from "node:fs/promises";
import path from "node:path";
import { asBinary, open, type RootDatabase } from "lmdb";

/** Read access to the store, outside or inside a write transaction. */
export interface StoreReader {
  get<T>(key: string): T | undefined;
  /** Lists the entries whose key starts with `prefix`, in key order. */
  entries<T>(prefix: string): Iterable<{ key: string; value: T }>;
  /** Lists the keys that start with `prefix`, in key order. */
  keys(prefix: string): Iterable<string>;
}

/** Write access inside one transaction; every call applies at once to that transaction. */
export interface StoreWriter extends StoreReader {
  put(key: string, value: unknown): void;
  /** Stores bytes that a msgpackr Packr with default options made, as if `put` had encoded the value. */
  putEncoded(key: string, bytes: Uint8Array): void;
  remove(key: string): void;
}

/** A string-keyed LMDB environment. This is the only module that imports lmdb. */
export interface KeyValueStore extends StoreReader {
  /**
   * Runs `work` inside one write transaction and resolves with its result once the transaction
   * has been committed. Reads inside `work` see its own writes. When `work` throws, nothing is
   * written and the promise rejects.
   */
  write<T>(work: (writer: StoreWriter) => T): Promise<T>;
  /**
   * Makes the next read see the latest commit. Reads share one snapshot until the next turn of
   * the event loop, which misses a commit made by another process within the same turn.
   */
  readLatest(): void;
  /** Closes the environment after pending transactions finish; safe to call twice. */
  close(): Promise<void>;
}

/** File name of the LMDB environment inside the index folder (`index.mdb` and `index.mdb-lock`). */
export const STORE_FILE_NAME = "index.mdb";

/**
 * Address space reserved for the map at open: 64 GiB, virtual memory only, and lmdb grows the
 * map when the file outgrows it. lmdb 3.5 starts at 128 KiB otherwise and maps the file again at
 * each growth, and every mapping keeps its own touched pages. A 10,000-project rebuild then held
 * 1.3 GB of file pages for a 555 MB file, against 0.6 GB with one mapping.
 */
const INITIAL_MAP_BYTES = 64 * 2 ** 30;

export interface OpenStoreOptions {
  /**
   * Opens an existing environment for reads only, so another process may keep writing it; then
   * `write()` rejects. @default false
   */
  readOnly?: boolean;
}

/** Raised when a read-only open finds no LMDB environment in the index folder. */
export class IndexNotFoundError extends Error {
  override name = "IndexNotFoundError";
  readonly code = "INDEX_NOT_FOUND";

  constructor(readonly indexDir: string) {
    super(
      `No index found in ${indexDir} (expected ${STORE_FILE_NAME}). Check the index folder, or start the daemon once to create it.`,
    );
  }
}

/**
 * Returns the smallest string greater than every string that starts with `prefix`, so that
 * `[prefix, end)` is the key range of the prefix. Keys are compared as UTF-8 bytes.
 */
function prefixEnd(prefix: string): string {
  const last = prefix.charCodeAt(prefix.length - 1);

  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

function rangeOf(prefix: string): { start?: string; end?: string } {
  if (prefix === "") return {};

  return { start: prefix, end: prefixEnd(prefix) };
}

function readerOf(db: RootDatabase<unknown, string>): StoreReader {
  return {
    get: <T>(key: string) => db.get(key) as T | undefined,
    entries: <T>(prefix: string) =>
      db.getRange(rangeOf(prefix)).map(({ key, value }) => ({ key, value: value as T })),
    keys: (prefix: string) => db.getKeys(rangeOf(prefix)),
  };
}

/**
 * Opens the LMDB environment in the folder `indexDir`, creating it when missing unless
 * `readOnly` is set. A read-only open of a missing environment raises IndexNotFoundError.
 */
export async function openStore(indexDir: string, options: OpenStoreOptions = {}): Promise<KeyValueStore> {
  const file = path.join(indexDir, STORE_FILE_NAME);
  const readOnly = options.readOnly ?? false;
  if (readOnly) {
    // lmdb would create the folder, and a missing file would fail with a less clear error.
    await access(file).catch(() => {
      throw new IndexNotFoundError(indexDir);
    });
  } else {
    await mkdir(indexDir, { recursive: true });
  }

  const db = open<unknown, string>({ path: file, readOnly, mapSize: INITIAL_MAP_BYTES });
  const reader = readerOf(db);
  const writer: StoreWriter = {
    ...reader,
    put: (key, value) => {
      db.putSync(key, value);
    },
    putEncoded: (key, bytes) => {
      db.putSync(key, asBinary(bytes));
    },
    remove: (key) => {
      db.removeSync(key);
    },
  };
  let closing: Promise<void> | undefined;

  return {
    ...reader,
    write: (work) =>
      readOnly
        ? Promise.reject(new Error(`The index in ${indexDir} was opened read-only; open it again to write.`))
        : db.transaction(() => work(writer)),
    readLatest: () => db.resetReadTxn(),
    close: () => {
      closing ??= db.close();
      return closing;
    },
  };
}
