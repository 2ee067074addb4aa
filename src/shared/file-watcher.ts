import type { Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { type ChokidarOptions, type FSWatcher, watch } from "chokidar";
import type { Logger } from "./logger.ts";

/** Kinds of change a watcher reports. */
export type WatchEvent = "add" | "change" | "unlink" | "addDir" | "unlinkDir";

export interface FileWatcherOptions {
  /** Folder to watch. */
  root: string;
  /** Levels of subfolders to follow; 0 watches only the folder's own entries. */
  depth: number;
  /** Tells whether a path must be ignored; called with the absolute path. */
  ignore: (file: string) => boolean;
  /** Called for every change that is not ignored. Must not throw. */
  onEvent: (event: WatchEvent, file: string) => void;
  /** Called once when the initial scan has finished. */
  onReady?: () => void;
  /** Polls instead of using inotify, for network file systems. @default false */
  usePolling?: boolean;
  /** Skips the events of the initial scan; `onReady` still fires after it. @default false */
  ignoreInitial?: boolean;
  /** Called once, on the first watcher error, after it has been logged. */
  onError?: (error: unknown) => void;
  logger: Logger;
}

/** A started watcher; `close()` is safe to call more than once. */
export interface FileWatcher {
  close(): Promise<void>;
  /** True once a watcher error (for example ENOSPC) means events may be missed. */
  readonly degraded: boolean;
}

/**
 * Milliseconds after an `add` or `change` event at which the file is stat-ed again. chokidar 5.0
 * drops every `change` of a path for 50 ms after it emitted one (`_throttle("change", path, 50)`
 * in its index.js), and raw events of a file within 5 ms of each other. So a file rewritten twice
 * in quick succession can get no event for its last version. 25 ms of margin covers timer
 * lateness.
 */
export const RECHECK_AFTER_CHANGE_MS = 75;

/** Tells whether two stats describe the same file content by inode, size and mtime. */
function sameFileVersion(a: Stats, b: Stats): boolean {
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/**
 * Watches a folder with chokidar. This is the only module that imports chokidar.
 * Errors such as ENOSPC (inotify watches exhausted) are logged once and mark the watcher as
 * degraded, so the caller can rely on its periodic reconcile instead. Each `add` or `change`
 * is checked once more {@link RECHECK_AFTER_CHANGE_MS} later, and a file whose inode, size or
 * mtime moved on meanwhile gets one more `change`, because chokidar may have dropped its event.
 */
export function startFileWatcher(options: FileWatcherOptions): FileWatcher {
  const chokidarOptions: ChokidarOptions = {
    depth: options.depth,
    ignoreInitial: options.ignoreInitial ?? false,
    followSymlinks: false,
    ignorePermissionErrors: true,
    usePolling: options.usePolling ?? false,
    interval: 1000,
    ignored: (file: string) => file !== options.root && options.ignore(file),
  };
  const watcher: FSWatcher = watch(options.root, chokidarOptions);
  let closed = false;
  let degraded = false;
  let closing: Promise<void> | undefined;
  const rechecks = new Map<string, NodeJS.Timeout>();

  const recheckLater = (file: string, seen: Stats | undefined) => {
    clearTimeout(rechecks.get(file));
    const timer = setTimeout(() => {
      rechecks.delete(file);
      stat(file).then(
        (now) => {
          if (!closed && (!seen || !sameFileVersion(seen, now))) options.onEvent("change", file);
        },
        // A file gone meanwhile gets its own `unlink` event.
        () => undefined,
      );
    }, RECHECK_AFTER_CHANGE_MS);
    rechecks.set(file, timer);
  };

  for (const event of ["add", "change", "unlink", "addDir", "unlinkDir"] as const) {
    watcher.on(event, (file: string, stats?: Stats) => {
      if (closed) return;

      options.onEvent(event, file);
      // Without stats from chokidar every recheck reports a change, which costs one extra refresh.
      const seen = typeof stats?.mtimeMs === "number" ? stats : undefined;
      if (event === "add" || event === "change") recheckLater(file, seen);
    });
  }
  watcher.on("ready", () => {
    if (!closed) options.onReady?.();
  });
  watcher.on("error", (error: unknown) => {
    if (degraded) return;
    degraded = true;
    options.logger.warn(
      { err: error, root: options.root },
      "file watcher failed; changes are picked up by the periodic reconcile instead",
    );
    options.onError?.(error);
  });

  return {
    get degraded() {
      return degraded;
    },
    close() {
      closed = true;
      for (const timer of rechecks.values()) clearTimeout(timer);
      rechecks.clear();
      closing ??= watcher.close();
      return closing;
    },
  };
}
