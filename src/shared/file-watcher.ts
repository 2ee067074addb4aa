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
 * Watches a folder with chokidar. This is the only module that imports chokidar.
 * Errors such as ENOSPC (inotify watches exhausted) are logged once and mark the watcher as
 * degraded, so the caller can rely on its periodic reconcile instead.
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

  for (const event of ["add", "change", "unlink", "addDir", "unlinkDir"] as const) {
    watcher.on(event, (file: string) => {
      if (!closed) options.onEvent(event, file);
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
      closing ??= watcher.close();
      return closing;
    },
  };
}
