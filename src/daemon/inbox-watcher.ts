import { lstat, mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { type FileWatcher, startFileWatcher } from "../shared/file-watcher.ts";
import { isNotFound, pathExists } from "../shared/fs-errors.ts";
import type { Logger } from "../shared/logger.ts";
import { folderSignature } from "./folder-signature.ts";
import { classifyInboxFile, VIDEO_EXTENSIONS, videoBaseName } from "./media-types.ts";
import {
  folderRejected,
  type RejectionReason,
  unsupportedFile,
  videoMissingForSidecar,
} from "./rejection-reasons.ts";

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
  /**
   * Milliseconds a settled subtitle or project `.json` file waits for a video of the same base
   * name before it is rejected. @default 600000
   */
  sidecarWaitMs?: number;
  /** Rejects a settled file or folder that is not a video, or a sidecar whose video never came. */
  reject: (file: string, reason: RejectionReason) => Promise<void>;
  logger: Logger;
}

/** A file seen in the inbox that has not settled yet. */
interface Candidate {
  /** A folder is rejected once settled; its size and time cover everything inside it. */
  folder: boolean;
  /** When the file was first seen, for the sidecar wait. */
  seenAt: number;
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
  const sidecarWaitMs = options.sidecarWaitMs ?? 600_000;
  let closed = false;
  let work: Promise<void> = Promise.resolve();
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });

  const watchInbox = (): FileWatcher =>
    startFileWatcher({
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
        if (path.dirname(file) !== options.inbox) return;
        if (event === "addDir") track(file, true);
        if (event === "add" || event === "change") track(file, false);
      },
      onReady: () => {
        // Files created while chokidar listed the folder may have no event, so list it once more.
        rescan().finally(resolveReady);
      },
      logger,
    });
  let watcher = watchInbox();

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

  function track(file: string, folder: boolean): void {
    if (classifyInboxFile(file) === "temporary" || inFlight.has(file) || candidates.has(file)) return;

    const now = Date.now();
    candidates.set(file, { folder, seenAt: now, size: -1, mtimeMs: -1, changedAt: now });
  }

  async function rescan(): Promise<void> {
    if (closed) return;

    try {
      const entries = await readdir(options.inbox, { withFileTypes: true });
      for (const entry of entries) {
        const file = path.join(options.inbox, entry.name);
        if (entry.isFile() || entry.isSymbolicLink()) track(file, false);
        else if (entry.isDirectory() && entry.name !== "rejected") track(file, true);
      }
    } catch (error) {
      if (isNotFound(error)) {
        await recreateInbox();
        return;
      }
      logger.warn({ err: error, inbox: options.inbox }, "could not list the inbox");
    }
  }

  /**
   * Makes the inbox folder again after someone deleted it, and watches the new folder: the
   * old watch went with the deleted one. Files dropped before the next listing are found then.
   */
  async function recreateInbox(): Promise<void> {
    await mkdir(options.inbox, { recursive: true });
    logger.warn({ inbox: options.inbox }, "inbox folder was missing; created it again");
    if (closed) return;

    const old = watcher;
    watcher = watchInbox();
    await old.close();
  }

  async function checkCandidates(): Promise<void> {
    for (const [file, candidate] of candidates) {
      if (closed) return;

      let stats: { size: number; mtimeMs: number };
      try {
        stats = candidate.folder ? await folderSignature(file) : await lstat(file);
      } catch (error) {
        if (isNotFound(error)) {
          candidates.delete(file);
          continue;
        }
        throw error;
      }

      if (stats.size !== candidate.size || stats.mtimeMs !== candidate.mtimeMs) {
        candidates.set(file, {
          ...candidate,
          size: stats.size,
          mtimeMs: stats.mtimeMs,
          changedAt: Date.now(),
        });
        continue;
      }
      if (Date.now() - candidate.changedAt < options.settleMs) continue;
      if (!candidate.folder && classifyInboxFile(file) === "sidecar") {
        // A subtitle usually arrives before its video; ingesting the video takes it along.
        if (Date.now() - candidate.seenAt < sidecarWaitMs || (await videoIsComing(file))) continue;
      }

      candidates.delete(file);
      enqueue(file, candidate.folder);
    }
  }

  /** Tells whether a video, or a download of one, with the sidecar's base name is in the inbox. */
  async function videoIsComing(sidecar: string): Promise<boolean> {
    const base = path.basename(sidecar, path.extname(sidecar));
    const names = await readdir(options.inbox);
    return names.some((name) => videoBaseName(name) === base);
  }

  function rejectionFor(file: string, folder: boolean): RejectionReason {
    const name = path.basename(file);
    if (folder) return folderRejected(name);
    if (classifyInboxFile(file) === "sidecar")
      return videoMissingForSidecar(name, Math.round(sidecarWaitMs / 1000));
    return unsupportedFile(name, [...VIDEO_EXTENSIONS].join(", "));
  }

  function enqueue(file: string, folder: boolean): void {
    inFlight.add(file);
    work = work
      .then(async () => {
        if (closed) return;
        if (!folder && classifyInboxFile(file) === "video") {
          logger.debug({ file: path.basename(file) }, "file settled; ingesting");
          await options.ingest(file);
          return;
        }
        // A video ingested just before took its subtitle along, so a sidecar may be gone now.
        if (!(await pathExists(file))) return;
        await options.reject(file, rejectionFor(file, folder));
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
