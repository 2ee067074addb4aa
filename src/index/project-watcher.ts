import path from "node:path";
import { ATOMIC_TEMP_SUFFIX } from "../project/atomic-write.ts";
import { isValidProjectId } from "../project/layout.ts";
import { type FileWatcher, startFileWatcher, type WatchEvent } from "../shared/file-watcher.ts";
import { type Logger, silentLogger } from "../shared/logger.ts";
import { startTreeWatcher } from "../shared/tree-watcher.ts";
import { TRACKED_FILES, TRACKED_FOLDERS } from "./derive-project.ts";
import { IndexClosedError, type ProjectIndex } from "./project-index.ts";
import { ReconcileTimer } from "./reconcile-timer.ts";

export interface ProjectWatcherOptions {
  index: Pick<ProjectIndex, "refreshProject" | "reconcile">;
  /** The `projects/` folder of the data folder. */
  projectsDir: string;
  logger?: Logger;
  /**
   * Milliseconds from the first change of a project to its refresh; later changes in that window
   * join the same refresh. @default 40
   */
  debounceMs?: number;
  /** Milliseconds between periodic reconciles; 0 turns them off. @default 60000 */
  reconcileIntervalMs?: number;
  /** Polls instead of using inotify, for network file systems. @default false */
  usePolling?: boolean;
}

/** Folder levels below `projects/` to watch, deep enough for `<project>/output/clips/<video>.mp4`. */
const WATCH_DEPTH = 3;

/** Names directly inside a project folder that can change a record. */
const PROJECT_LEVEL_NAMES = new Set(
  [...TRACKED_FILES, ...TRACKED_FOLDERS].map((file) => file.split("/")[0] as string),
);

const TRACKED_FILE_SET = new Set<string>(TRACKED_FILES);
const TRACKED_FOLDER_SET = new Set<string>(TRACKED_FOLDERS);

/**
 * Folders of a project that hold no tracked file, with the names of the tracked folders in them:
 * `output` with `clips` and `collections`. Their other entries are ignored, so the tree watcher
 * need not watch them while those tracked folders exist.
 */
const SUBFOLDERS_ONLY = new Map<string, string[]>();
for (const folder of TRACKED_FOLDERS) {
  const parent = path.posix.dirname(folder);
  if (parent === "." || TRACKED_FILES.some((file) => file.startsWith(`${parent}/`))) continue;
  SUBFOLDERS_ONLY.set(parent, [...(SUBFOLDERS_ONLY.get(parent) ?? []), path.posix.basename(folder)]);
}

/** Tells whether relative path segments name a video inside a tracked folder such as `output/clips`. */
function isTrackedVideo(segments: string[]): boolean {
  return (
    segments.length === 4 &&
    TRACKED_FOLDER_SET.has(`${segments[1]}/${segments[2]}`) &&
    (segments[3] as string).toLowerCase().endsWith(".mp4")
  );
}

/**
 * Tells whether a path below `projects/`, given as its relative path segments, can never change
 * a record: temporary files and folders (dot names, `.tmp-` builds, `*.partial`, `.lock`),
 * input media, thumbnails and every untracked file. Videos in `output/clips` and
 * `output/collections` are kept because their names fill in missing video paths.
 */
export function isIgnoredProjectPath(segments: string[]): boolean {
  if (segments.length === 0) return false;
  if (segments.some((segment) => segment.startsWith(".") || segment.endsWith(ATOMIC_TEMP_SUFFIX)))
    return true;
  if (!isValidProjectId(segments[0] as string)) return true;
  if (segments.length === 1) return false;
  if (segments.length === 2) return !PROJECT_LEVEL_NAMES.has(segments[1] as string);
  if (segments.length === 3) {
    const relative = `${segments[1]}/${segments[2]}`;
    return !TRACKED_FILE_SET.has(relative) && !TRACKED_FOLDER_SET.has(relative);
  }

  return !isTrackedVideo(segments);
}

/**
 * Keeps the index in step with `projects/`: a change to a tracked file, a video added to or
 * removed from a tracked folder, or a project folder appearing or disappearing refreshes that
 * project after a short debounce. A periodic reconcile catches what the watcher misses.
 * Events of the initial scan are dropped, and one reconcile runs once the scan has finished,
 * so changes made before it are not lost.
 */
export class ProjectWatcher {
  readonly #index: Pick<ProjectIndex, "refreshProject" | "reconcile">;
  readonly #projectsDir: string;
  readonly #logger: Logger;
  readonly #debounceMs: number;
  readonly #usePolling: boolean;
  readonly #reconcileTimer: ReconcileTimer;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #refreshes = new Set<Promise<unknown>>();
  #fileWatcher: FileWatcher | undefined;
  #starting: Promise<void> | undefined;
  /** Resolves `#starting`; close() calls it too, because a closed watcher never becomes ready. */
  #resolveStart: () => void = () => undefined;
  #closing: Promise<void> | undefined;
  #ready = false;
  #closed = false;

  constructor(options: ProjectWatcherOptions) {
    const debounceMs = options.debounceMs ?? 40;
    if (!Number.isFinite(debounceMs) || debounceMs < 0) {
      throw new RangeError(`Expected debounceMs to be 0 or more milliseconds, got ${debounceMs}.`);
    }

    this.#index = options.index;
    this.#projectsDir = path.resolve(options.projectsDir);
    this.#logger = (options.logger ?? silentLogger).child({ module: "project-watcher" });
    this.#debounceMs = debounceMs;
    this.#usePolling = options.usePolling ?? false;
    this.#reconcileTimer = new ReconcileTimer({
      index: options.index,
      intervalMs: options.reconcileIntervalMs ?? 60_000,
      logger: options.logger,
    });
  }

  /** True once a watcher error means events may be missed; the periodic reconcile still runs. */
  get degraded(): boolean {
    return this.#fileWatcher?.degraded ?? false;
  }

  /**
   * Starts watching and resolves once the initial scan has finished and the follow-up reconcile
   * has run; safe to call twice.
   */
  start(): Promise<void> {
    this.#starting ??= new Promise<void>((resolve) => {
      this.#resolveStart = resolve;
      if (this.#closed) {
        resolve();
        return;
      }

      const watchOptions = {
        root: this.#projectsDir,
        depth: WATCH_DEPTH,
        logger: this.#logger,
        onError: () => void this.#reconcileTimer.runNow(),
        ignore: (file: string) => isIgnoredProjectPath(this.#segmentsOf(file)),
        subfoldersOnly: (folder: string) => SUBFOLDERS_ONLY.get(this.#segmentsOf(folder).slice(1).join("/")),
        onEvent: (event: WatchEvent, file: string) => this.#onEvent(event, file),
        onReady: () => {
          this.#ready = true;
          this.#logger.debug({ projectsDir: this.#projectsDir }, "watching project folders");
          this.#reconcileTimer.start();
          void this.#reconcileTimer.runNow().then(resolve);
        },
      };
      // One inotify watch per folder instead of chokidar's watch and stat per file; chokidar
      // remains for polling, which inotify cannot do.
      this.#fileWatcher = this.#usePolling
        ? startFileWatcher({ ...watchOptions, usePolling: true, ignoreInitial: true })
        : startTreeWatcher(watchOptions);
    });
    return this.#starting;
  }

  /** Stops watching, drops pending refreshes and waits for running ones; safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      this.#resolveStart();
      for (const timer of this.#timers.values()) clearTimeout(timer);
      this.#timers.clear();

      await this.#fileWatcher?.close();
      await this.#reconcileTimer.close();
      await Promise.allSettled([...this.#refreshes]);
      this.#logger.debug("project watcher closed");
    })();
    return this.#closing;
  }

  #segmentsOf(file: string): string[] {
    const relative = path.relative(this.#projectsDir, file);
    return relative === "" ? [] : relative.split(path.sep);
  }

  #onEvent(event: WatchEvent, file: string): void {
    if (this.#closed || !this.#ready) return;

    const segments = this.#segmentsOf(file);
    if (segments.length === 0) {
      // projects/ itself appeared or vanished: reconcile sets or clears the offline flag.
      if (event === "unlinkDir" || event === "addDir") void this.#reconcileTimer.runNow();
      return;
    }

    // Writing a video changes its content, not the folder's list of names that records use.
    if (event === "change" && isTrackedVideo(segments)) return;

    this.#schedule(segments[0] as string);
  }

  /** Refreshes `projectId` after the debounce unless a refresh is already scheduled. */
  #schedule(projectId: string): void {
    if (this.#timers.has(projectId)) return;

    const timer = setTimeout(() => {
      this.#timers.delete(projectId);
      if (this.#closed) return;

      const refresh = this.#index.refreshProject(projectId).catch((error: unknown) => {
        if (error instanceof IndexClosedError) return;
        this.#logger.error({ err: error, projectId }, "could not refresh project after a file change");
      });
      this.#refreshes.add(refresh);
      void refresh.finally(() => this.#refreshes.delete(refresh));
    }, this.#debounceMs);
    this.#timers.set(projectId, timer);
  }
}

/** Creates a {@link ProjectWatcher} and starts it without waiting for the initial scan. */
export function startProjectWatcher(options: ProjectWatcherOptions): ProjectWatcher {
  const watcher = new ProjectWatcher(options);
  void watcher.start();
  return watcher;
}
