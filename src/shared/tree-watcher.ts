import { type Dirent, type FSWatcher, watch } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import type { FileWatcher, WatchEvent } from "./file-watcher.ts";
import { hasErrorCode, isNotFound } from "./fs-errors.ts";
import type { Logger } from "./logger.ts";

export interface TreeWatcherOptions {
  /** Folder to watch. */
  root: string;
  /** Levels of subfolders to watch below `root`; 0 watches only the root's own entries. */
  depth: number;
  /** Tells whether a path must be ignored; an ignored folder is not watched. Called with absolute paths. */
  ignore: (file: string) => boolean;
  /** Called for every change that is not ignored. Must not throw. */
  onEvent: (event: WatchEvent, file: string) => void;
  /** Called once when every folder of the tree is watched. */
  onReady?: () => void;
  /** Called once, on the first watcher error, after it has been logged. */
  onError?: (error: unknown) => void;
  logger: Logger;
}

/** Folders listed at once during the initial scan. */
const SCAN_CONCURRENCY = 16;

/**
 * Watches a tree of folders with one `fs.watch` (one inotify watch on Linux) per folder and none
 * per file, unlike chokidar, which also watches and stats every file. With 10,000 project folders
 * that is the difference between seconds and minutes of start-up and tens and thousands of MB.
 *
 * The initial scan reports nothing. Afterwards a change of a file's content is `change`, and an
 * entry that appears or disappears is `add`, `addDir`, `unlink` or `unlinkDir` after one lstat.
 * A folder that appears is watched, with its subfolders, before its `addDir`. Symbolic links are
 * reported but not followed. Events without a file name are dropped, because Linux names the
 * entry of every event.
 *
 * NOTE: when `root` itself is removed, every watch ends and the watcher does not watch it again
 * when it comes back. It reports `unlinkDir` for the root and counts as degraded, so the caller's
 * periodic reconcile takes over.
 */
export function startTreeWatcher(options: TreeWatcherOptions): FileWatcher {
  const root = path.resolve(options.root);
  /** Watched folders with the inode each watch is on; a folder replaced by another is watched again. */
  const folders = new Map<string, { watcher: FSWatcher; inode: number }>();
  /** The entry event being handled for each path; later events of the path wait for it. */
  const pending = new Map<string, Promise<void>>();
  let closed = false;
  let degraded = false;
  let closing: Promise<void> | undefined;

  const levelOf = (folder: string) =>
    folder === root ? 0 : path.relative(root, folder).split(path.sep).length;
  const emit = (event: WatchEvent, file: string) => {
    if (!closed) options.onEvent(event, file);
  };

  const fail = (error: unknown, folder: string) => {
    if (degraded || closed) return;

    degraded = true;
    options.logger.warn(
      { err: error, folder },
      "folder watcher failed; changes are picked up by the periodic reconcile instead",
    );
    options.onError?.(error);
  };

  /** Stops watching `folder` and every watched folder below it. */
  const unwatchTree = (folder: string) => {
    const prefix = `${folder}${path.sep}`;
    for (const [watched, { watcher }] of folders) {
      if (watched !== folder && !watched.startsWith(prefix)) continue;
      watcher.close();
      folders.delete(watched);
    }
  };

  /**
   * Watches `folder`, then lists it and watches its subfolders down to `depth`, so an entry made
   * meanwhile is seen by the listing or by an event. With `collect`, returns every non-ignored
   * entry found below `folder`, for the caller to report; the initial scan collects nothing.
   */
  const watchTree = async (folder: string, inode: number, collect: boolean): Promise<string[]> => {
    if (closed || folders.get(folder)?.inode === inode) return [];

    let watcher: FSWatcher;
    try {
      watcher = watch(folder, { persistent: true }, (eventType, name) => onRawEvent(folder, eventType, name));
    } catch (error) {
      if (!isNotFound(error)) fail(error, folder);
      return [];
    }
    watcher.on("error", (error: unknown) => {
      unwatchTree(folder);
      if (!isNotFound(error) && !hasErrorCode(error, "EPERM", "EACCES")) fail(error, folder);
    });
    folders.get(folder)?.watcher.close();
    folders.set(folder, { watcher, inode });
    // Folders at the deepest level have no subfolders to watch; list them only to report entries.
    if (levelOf(folder) >= options.depth && !collect) return [];

    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (!isNotFound(error) && !hasErrorCode(error, "EACCES", "EPERM", "ENOTDIR")) fail(error, folder);
      return [];
    }

    const found: string[] = [];
    const subfolders: string[] = [];
    for (const entry of entries) {
      const file = path.join(folder, entry.name);
      if (options.ignore(file)) continue;
      if (collect) found.push(file);
      if (entry.isDirectory() && levelOf(file) <= options.depth) subfolders.push(file);
    }
    for (let start = 0; start < subfolders.length; start += SCAN_CONCURRENCY) {
      const batch = subfolders.slice(start, start + SCAN_CONCURRENCY);
      for (const below of await Promise.all(batch.map((subfolder) => addFolder(subfolder, collect)))) {
        found.push(...below);
      }
    }
    return found;
  };

  /** Watches a folder found by a listing, with its inode taken first. */
  const addFolder = async (folder: string, collect: boolean): Promise<string[]> => {
    try {
      const stats = await lstat(folder);
      return stats.isDirectory() ? await watchTree(folder, stats.ino, collect) : [];
    } catch (error) {
      if (!isNotFound(error)) fail(error, folder);
      return [];
    }
  };

  /** Handles an entry of `folder` that appeared or disappeared. */
  const onEntryMoved = async (folder: string, file: string) => {
    let stats: Awaited<ReturnType<typeof lstat>> | null = null;
    try {
      stats = await lstat(file);
    } catch (error) {
      if (!isNotFound(error)) return;
    }
    if (closed) return;

    const watched = folders.get(file);
    if (!stats && watched) {
      unwatchTree(file);
      if (!options.ignore(file)) emit("unlinkDir", file);
      return;
    }
    if (!stats && file === path.join(folder, path.basename(folder))) {
      // Linux names events on the watched folder itself this way, so a missing entry of that name
      // is the folder: its parent reports its removal, except for the root, which has none.
      if (folder === root && !(await rootExists())) {
        emit("unlinkDir", root);
        fail(new Error(`${root} was removed`), root);
      }
      return;
    }
    if (!stats) {
      if (!options.ignore(file)) emit("unlink", file);
      return;
    }

    if (options.ignore(file)) return;
    if (!stats.isDirectory()) {
      emit("add", file);
      return;
    }
    if (levelOf(file) > options.depth) return;

    // A folder renamed over another gets a watch on its own inode.
    if (watched?.inode === stats.ino) return;
    if (watched) unwatchTree(file);
    const found = await watchTree(file, stats.ino, true);
    emit("addDir", file);
    for (const entry of found) emit(folders.has(entry) ? "addDir" : "add", entry);
  };

  /**
   * Handles the entry events of one path one after another, so the lstat of a later event
   * cannot be overtaken by an earlier one's and leave a removed or stale watch.
   */
  const onEntryEvent = (folder: string, file: string) => {
    const previous = pending.get(file) ?? Promise.resolve();
    const next = previous.then(() => onEntryMoved(folder, file)).catch((error: unknown) => fail(error, file));
    pending.set(file, next);
    void next.finally(() => {
      if (pending.get(file) === next) pending.delete(file);
    });
  };

  const rootExists = () =>
    lstat(root).then(
      () => true,
      () => false,
    );

  function onRawEvent(folder: string, eventType: string, name: string | Buffer | null): void {
    if (closed) return;

    // Linux gives the watched folder's own name for events on the folder itself. onEntryMoved
    // separates them from an entry of that name by an lstat.
    const file = name === null ? folder : path.join(folder, name.toString());
    if (file === folder) return;
    if (eventType === "change" && file !== path.join(folder, path.basename(folder))) {
      if (!options.ignore(file)) emit("change", file);
      return;
    }
    onEntryEvent(folder, file);
  }

  const ready = (async () => {
    const stats = await lstat(root);
    await watchTree(root, stats.ino, false);
  })().then(
    () => {
      if (!closed) options.onReady?.();
    },
    (error: unknown) => {
      fail(error, root);
      if (!closed) options.onReady?.();
    },
  );
  void ready;

  return {
    get degraded() {
      return degraded;
    },
    close() {
      closing ??= (async () => {
        closed = true;
        await ready;
        for (const { watcher } of folders.values()) watcher.close();
        folders.clear();
      })();
      return closing;
    },
  };
}
