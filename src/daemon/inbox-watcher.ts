import { lstat, readdir } from "node:fs/promises";
import path from "node:path";
import { type FileWatcher, startFileWatcher } from "../shared/file-watcher.ts";
import { isNotFound } from "../shared/fs-errors.ts";
import type { Logger } from "../shared/logger.ts";
import { classifyInboxFile, VIDEO_EXTENSIONS } from "./media-types.ts";
import { unsupportedFile } from "./rejection-reasons.ts";

export interface InboxWatcherOptions {
  inbox: string;
  /** Milliseconds a file's size and modification time must stay unchanged before it is taken. */
  settleMs: number;
  /** Ingests a settled video; the watcher runs one at a time. */
  ingest: (file: string) => Promise<void>;
  /**
   * Milliseconds between full listings of the inbox, which catch files whose events the
   * watcher missed (for example files created during its initial scan). @default 10000
   */
  rescanMs?: number;
  /** Rejects a settled file that is neither a video nor a sidecar. */
  reject: (file: string, reason: ReturnType<typeof unsupportedFile>) => Promise<void>;
  logger: Logger;
}

/** A file seen in the inbox that has not settled yet. */
interface Candidate {
  size: number;
  mtimeMs: number;
  /** When the size and modification time were last seen to change. */
  changedAt: number;
}

/** The running inbox watcher. */
export interface InboxWatcher {
  close(): Promise<void>;
  /** Resolves once the files present at start-up have been seen. */
  ready: Promise<void>;
}

/**
 * Watches the inbox and hands each video to `ingest` once its size and modification time
 * have stayed unchanged for `settleMs`, so a file still being copied is never taken early.
 */
export function startInboxWatcher(options: InboxWatcherOptions): InboxWatcher {
  const logger = options.logger.child({ module: "inbox" });
  const candidates = new Map<string, Candidate>();
  /** Files handed to ingest or reject and not finished yet; a rescan must not queue them again. */
  const inFlight = new Set<string>();
  const tickMs = Math.max(50, Math.min(500, Math.floor(options.settleMs / 4)));
  let closed = false;
  let work: Promise<void> = Promise.resolve();
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  const watcher: FileWatcher = startFileWatcher({
    root: options.inbox,
    depth: 0,
    ignore: (file) => {
      const relative = path.relative(options.inbox, file);
      return (
        relative === "rejected" ||
        relative.startsWith(`rejected${path.sep}`) ||
        classifyInboxFile(file) === "temporary"
      );
    },
    onEvent: (event, file) => {
      if (event !== "add" && event !== "change") return;
      if (path.dirname(file) !== options.inbox) return;
      track(file);
    },
    onReady: () => {
      // Files created while chokidar listed the folder may have no event, so list it once more.
      rescan().finally(resolveReady);
    },
    logger,
  });

  let checking = false;
  const timer = setInterval(() => {
    // The tick is skipped while a check still runs (many files, a slow disk), because two
    // checks at once would both hand over the same settled file.
    if (checking) return;

    checking = true;
    checkCandidates()
      .catch((error: unknown) => logger.error({ err: error }, "inbox check failed"))
      .finally(() => {
        checking = false;
      });
  }, tickMs);
  timer.unref();
  const rescanTimer = setInterval(() => void rescan(), options.rescanMs ?? 10_000);
  rescanTimer.unref();

  function track(file: string): void {
    const kind = classifyInboxFile(file);
    if ((kind !== "video" && kind !== "other") || inFlight.has(file) || candidates.has(file)) return;
    candidates.set(file, { size: -1, mtimeMs: -1, changedAt: Date.now() });
  }

  async function rescan(): Promise<void> {
    if (closed) return;

    try {
      const entries = await readdir(options.inbox, { withFileTypes: true });
      for (const entry of entries) {
        if (entry.isFile() || entry.isSymbolicLink()) track(path.join(options.inbox, entry.name));
      }
    } catch (error) {
      logger.warn({ err: error, inbox: options.inbox }, "could not list the inbox");
    }
  }

  async function checkCandidates(): Promise<void> {
    for (const [file, candidate] of candidates) {
      if (closed) return;

      let stats: Awaited<ReturnType<typeof lstat>>;
      try {
        stats = await lstat(file);
      } catch (error) {
        if (isNotFound(error)) {
          candidates.delete(file);
          continue;
        }
        throw error;
      }

      if (stats.isDirectory()) {
        candidates.delete(file);
        continue;
      }
      if (stats.size !== candidate.size || stats.mtimeMs !== candidate.mtimeMs) {
        candidates.set(file, { size: stats.size, mtimeMs: stats.mtimeMs, changedAt: Date.now() });
        continue;
      }
      if (Date.now() - candidate.changedAt < options.settleMs) continue;

      candidates.delete(file);
      enqueue(file);
    }
  }

  function enqueue(file: string): void {
    inFlight.add(file);
    work = work
      .then(async () => {
        if (closed) return;
        if (classifyInboxFile(file) === "video") {
          logger.debug({ file: path.basename(file) }, "file settled; ingesting");
          await options.ingest(file);
          return;
        }
        await options.reject(file, unsupportedFile(path.basename(file), [...VIDEO_EXTENSIONS].join(", ")));
      })
      .catch((error: unknown) => logger.error({ err: error, file: path.basename(file) }, "ingest failed"))
      .finally(() => inFlight.delete(file));
  }

  let closing: Promise<void> | undefined;
  return {
    ready,
    close() {
      closing ??= (async () => {
        closed = true;
        clearInterval(timer);
        clearInterval(rescanTimer);
        await watcher.close();
        await work;
      })();
      return closing;
    },
  };
}
