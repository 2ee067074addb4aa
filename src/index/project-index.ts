import { EventEmitter } from "node:events";
import path from "node:path";
import { isValidProjectId } from "../project/layout.ts";
import { type Logger, silentLogger } from "../shared/logger.ts";
import {
  type BatchScanOptions,
  holdRemovalsWhileOffline,
  type PendingChange,
  scanInBatches,
} from "./batch-scan.ts";
import { CoalescingRunner } from "./coalescing-runner.ts";
import { DerivePool, defaultDeriveThreads } from "./derive-pool.ts";
import { deriveProject, InvalidProjectIdError } from "./derive-project.ts";
import { encodeProject } from "./encoded-project.ts";
import * as queries from "./index-queries.ts";
import { applyChanges, clearIndex } from "./index-writes.ts";
import { FORMAT_KEY, INDEX_FORMAT_VERSION, PROJECT_PREFIX, projectIdOfKey } from "./keys.ts";
import { type KeyValueStore, openStore, type StoreWriter } from "./lmdb-store.ts";
import { findStaleProjects, listProjectFolders } from "./project-folders.ts";
import type {
  ClipRecord,
  CollectionRecord,
  IndexedStatus,
  IndexTotals,
  ProjectChange,
  ProjectRecord,
} from "./records.ts";
import { scanInChildProcess } from "./scan-process.ts";

export interface ProjectIndexOptions {
  /** Folder of the LMDB environment; created when missing. Keep it on a local disk. */
  indexDir: string;
  /** The `projects/` folder of the data folder. */
  projectsDir: string;
  logger?: Logger;
  /** Project folders read at once by rebuild and reconcile. @default 16 */
  concurrency?: number;
  /** Projects written per transaction by rebuild and reconcile. @default 256 */
  batchSize?: number;
  /**
   * Worker threads that derive projects when a rebuild or reconcile has at least
   * `workerThreshold` of them; 0 derives everything on the main thread.
   * @default the number of cores, at most 4
   */
  deriveThreads?: number;
  /**
   * Projects a rebuild or reconcile must have before it starts worker threads. The main thread
   * derives about 500 projects in the 0.1 to 0.2 s that bundling and starting the workers take
   * (measured on a 2-core machine), so smaller scans stay on the main thread. @default 500
   */
  workerThreshold?: number;
  /**
   * Projects a rebuild or reconcile must have before it runs in a child process. The child
   * returns its memory to the system when it exits, where this process would keep much of it.
   * Only for an index folder on a local disk. @default Infinity (never)
   */
  scanProcessThreshold?: number;
  /** Script of the scan process; tests pass one that fails. @default scan-process-child.ts */
  scanProcessScript?: string;
}

/** Project folders that rebuild and reconcile read at once, unless `concurrency` sets another number. */
export const DEFAULT_CONCURRENCY = 16;

/** Filters whose list order is kept at once; searches typed by a person each add one. */
const MAX_CACHED_LIST_ORDERS = 32;

/** Outcome of one reconcile. */
export interface ReconcileResult {
  /** Project folders found under `projects/`. */
  folders: number;
  /** Projects whose records were written or removed. */
  changed: number;
  /** True when `projects/` could not be read, so no record was touched. */
  offline: boolean;
}

export interface ProjectIndexEvents {
  change: [ProjectChange];
}

/** Raised when the index is used after `close()`. */
export class IndexClosedError extends Error {
  override name = "IndexClosedError";
  readonly code = "INDEX_CLOSED";

  constructor(operation: string) {
    super(`Cannot ${operation}: the project index is closed. Open a new ProjectIndex to use it again.`);
  }
}

/**
 * The LMDB index of the project folders: a cache derived from their files. Each project's
 * records are replaced in one transaction that also re-derives the totals. Emits `change` after
 * every committed change of a project.
 */
export class ProjectIndex extends EventEmitter<ProjectIndexEvents> {
  readonly projectsDir: string;
  readonly #store: KeyValueStore;
  readonly #logger: Logger;
  readonly #concurrency: number;
  readonly #batchSize: number;
  readonly #deriveThreads: number;
  readonly #workerThreshold: number;
  readonly #scanProcessThreshold: number;
  readonly #scanProcessScript: string | undefined;
  readonly #indexDir: string;
  /** Aborted by close(), which stops a scan process. */
  readonly #closeController = new AbortController();
  /** Projects committed by this process while a scan process runs, or null when none runs. */
  #refreshedDuringChildScan: Set<string> | null = null;
  /** Counter that orders derivations; a derivation older than the last committed one is dropped. */
  #seq = 0;
  readonly #committedSeq = new Map<string, number>();
  /**
   * Project ids in list order per status and search filter, with the commit they were read at.
   * A commit is visible to reads before its write resolves, so the order is checked against the
   * commit number that the same read returns.
   */
  readonly #listOrders = new Map<string, { commit: number; ids: readonly string[] }>();
  /** Counter that changes whenever a read could return something else; see {@link ProjectIndex.version}. */
  #version = 0;
  /** Write transactions started and not yet resolved. */
  #writes = 0;
  readonly #refreshes = new CoalescingRunner<string, ProjectRecord | null>();
  readonly #inFlight = new Set<Promise<unknown>>();
  #scan: Promise<unknown> = Promise.resolve();
  #offline = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #warnedFolders = new Set<string>();

  private constructor(store: KeyValueStore, options: ProjectIndexOptions) {
    super();
    this.projectsDir = path.resolve(options.projectsDir);
    this.#store = store;
    this.#logger = (options.logger ?? silentLogger).child({ module: "index" });
    this.#concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.#batchSize = options.batchSize ?? 256;
    this.#deriveThreads = options.deriveThreads ?? defaultDeriveThreads();
    this.#workerThreshold = options.workerThreshold ?? 500;
    this.#scanProcessThreshold = options.scanProcessThreshold ?? Number.POSITIVE_INFINITY;
    this.#scanProcessScript = options.scanProcessScript;
    this.#indexDir = path.resolve(options.indexDir);
  }

  /**
   * Opens the index in `indexDir`. An index written with another key layout is dropped, so the
   * next `reconcile()` derives every project again. Call `reconcile()` (or `rebuild()`) before
   * serving.
   */
  static async open(options: ProjectIndexOptions): Promise<ProjectIndex> {
    const store = await openStore(options.indexDir);
    const index = new ProjectIndex(store, options);
    const version = store.get<number>(FORMAT_KEY);

    if (version !== INDEX_FORMAT_VERSION) {
      if (version !== undefined) {
        index.#logger.warn(
          { found: version, expected: INDEX_FORMAT_VERSION },
          "index has another format version; dropping it so it is derived again",
        );
      }
      await store.write((writer) => clearIndex(writer));
    }

    return index;
  }

  /** True while `projects/` cannot be read; the records are kept as they were. */
  get offline(): boolean {
    return this.#offline;
  }

  /**
   * A counter that grows after every write transaction, when `offline` flips and at `close()`,
   * or null while a write transaction runs. A value derived from reads at one version is what
   * those reads would still return while the version stays the same, so a caller may keep it
   * until then. During a write it is null, because reads may show the new records before the
   * write resolves. This holds because only this process writes its index, and its scan
   * process requests each commit first, so the version is null during those commits too.
   */
  get version(): number | null {
    return this.#writes > 0 ? null : this.#version;
  }

  /**
   * Derives one project from its files and replaces its records in one transaction, or removes
   * them when the folder is gone. Requests for a project whose refresh has not started yet share
   * that refresh. Resolves with the stored record afterwards.
   */
  refreshProject(projectId: string): Promise<ProjectRecord | null> {
    if (this.#closed) return Promise.reject(new IndexClosedError("refresh a project"));
    if (!isValidProjectId(projectId)) return Promise.reject(new InvalidProjectIdError(projectId));

    return this.#track(this.#refreshes.run(projectId, () => this.#refreshNow(projectId)));
  }

  /**
   * Drops every record and derives every project folder again (`--reindex`). The folder list is
   * read first, so an unreadable `projects/` raises and leaves the index as it was. Until it
   * resolves, the index holds only the projects derived so far.
   */
  rebuild(): Promise<number> {
    if (this.#closed) return Promise.reject(new IndexClosedError("rebuild"));

    // A rebuild derives every project, so the workers will be needed; bundle them meanwhile.
    if (this.#deriveThreads > 0) DerivePool.prepare();
    return this.#exclusive(async () => {
      const started = performance.now();
      const listed = await this.#listProjectFolders();

      this.#assertOpen("rebuild");
      const previousIds = await this.#write((writer) => {
        const ids = [...writer.keys(PROJECT_PREFIX)].map((key) => projectIdOfKey(key, PROJECT_PREFIX));
        clearIndex(writer);
        return ids;
      });
      this.#listOrders.clear();
      this.#committedSeq.clear();
      this.#setOnline();
      // Listed again: a folder created after the first listing and refreshed before the clear
      // would otherwise be missing until the next reconcile.
      const folders = await this.#listProjectFolders().catch(() => listed);
      const currentFolders = new Set(folders);
      for (const projectId of previousIds) {
        if (!currentFolders.has(projectId)) this.#emitChange({ projectId, record: null });
      }

      const changed = await this.#refreshMany(folders);
      this.#logger.info({ projects: changed, ms: Math.round(performance.now() - started) }, "index rebuilt");
      return changed;
    });
  }

  /**
   * Brings the index in line with the folders: derives projects whose tracked files changed
   * (by size, mtime or inode) or that are new, and removes projects whose folder is gone. With
   * `force`, derives every project folder again whatever its fingerprints, without dropping
   * the index first. When `projects/` cannot be read, keeps every record and sets `offline`.
   */
  reconcile(options: { force?: boolean } = {}): Promise<ReconcileResult> {
    if (this.#closed) return Promise.reject(new IndexClosedError("reconcile"));

    return this.#exclusive(async () => {
      const started = performance.now();
      let folders: string[];
      try {
        folders = await this.#listProjectFolders();
      } catch (error) {
        this.#setOffline(error);
        return { folders: 0, changed: 0, offline: true };
      }
      this.#setOnline();

      const stored = queries.readAllFingerprints(this.#store);
      const present = new Set(folders);
      const toRefresh = options.force
        ? [...folders, ...[...stored.keys()].filter((projectId) => !present.has(projectId))]
        : await findStaleProjects(this.projectsDir, folders, stored, this.#concurrency);

      const changed = toRefresh.length > 0 ? await this.#refreshMany(toRefresh) : 0;
      const ms = Math.round(performance.now() - started);
      if (changed > 0) this.#logger.info({ folders: folders.length, changed, ms }, "index reconciled");
      else this.#logger.debug({ folders: folders.length, ms }, "index reconciled; nothing changed");
      return { folders: folders.length, changed, offline: false };
    });
  }

  /** Returns project counts by status and the clip and collection totals. */
  stats(): IndexTotals {
    this.#assertOpen("read stats");
    return queries.readTotals(this.#store);
  }

  /** Lists one page of projects, newest first. Raises a RangeError for a bad page or size. */
  listProjects(query: queries.ListProjectsQuery): queries.ProjectPage {
    this.#assertOpen("list projects");

    // Sorting every summary costs tens of milliseconds at 10,000 projects, and frontends list
    // far more often than projects change, so the order is kept until the next commit.
    const key = `${query.status ?? ""}\u0000${query.search?.trim().toLowerCase() ?? ""}`;
    const commit = queries.readCommitNumber(this.#store);
    let kept = this.#listOrders.get(key);
    if (kept?.commit !== commit) {
      kept = { commit, ids: queries.matchingProjectIds(this.#store, query) };
      if (this.#listOrders.size >= MAX_CACHED_LIST_ORDERS) this.#listOrders.clear();
      this.#listOrders.set(key, kept);
    }
    return queries.listProjects(this.#store, query, kept.ids);
  }

  /** Lists the ids of the projects with `status`, such as the unfinished ones at start-up. */
  projectIdsWithStatus(status: IndexedStatus): string[] {
    this.#assertOpen("list projects");
    return queries.projectIdsWithStatus(this.#store, status);
  }

  getProject(projectId: string): ProjectRecord | null {
    this.#assertOpen("read a project");
    return queries.getProject(this.#store, projectId);
  }

  /** Lists a project's clips in file order; empty for an unknown project. */
  listClips(projectId: string): ClipRecord[] {
    this.#assertOpen("list clips");
    return queries.listClips(this.#store, projectId);
  }

  /** Lists a project's collections in file order; empty for an unknown project. */
  listCollections(projectId: string): CollectionRecord[] {
    this.#assertOpen("list collections");
    return queries.listCollections(this.#store, projectId);
  }

  /** Finds the clip or collection with a public id (`public-id.ts`), with its project id. */
  resolvePublicId(publicId: string): queries.PublicIdMatch | null {
    this.#assertOpen("resolve an id");
    return queries.resolvePublicId(this.#store, publicId);
  }

  /** Waits for running work to settle, then closes the store; safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      this.#version += 1;
      this.#closeController.abort();
      await Promise.allSettled([...this.#inFlight, this.#scan]);
      await this.#store.close();
      this.#logger.debug("index closed");
    })();
    return this.#closing;
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new IndexClosedError(operation);
  }

  #track<T>(work: Promise<T>): Promise<T> {
    this.#inFlight.add(work);
    const forget = () => this.#inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Runs rebuilds and reconciles one at a time. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#scan.catch(() => undefined).then(work);
    this.#scan = result;
    return this.#track(result);
  }

  async #refreshNow(projectId: string): Promise<ProjectRecord | null> {
    const seq = ++this.#seq;
    const derived = await deriveProject(this.projectsDir, projectId);
    this.#assertOpen("refresh a project");

    const applied = await this.#commit([{ projectId, seq, encoded: derived && encodeProject(derived) }]);
    const record = queries.getProject(this.#store, projectId);
    this.#logger.debug(
      {
        projectId,
        committed: applied.length > 0,
        status: record?.status ?? null,
        clips: record?.total_clips ?? null,
      },
      "project refreshed",
    );
    return record;
  }

  /**
   * Derives `projectIds` in batches and commits each batch in one transaction, in a child process
   * when there are at least `scanProcessThreshold` of them. A project whose folder cannot be read
   * is logged and skipped, keeping its old records. Returns the number of projects whose records
   * changed.
   */
  async #refreshMany(projectIds: string[]): Promise<number> {
    if (projectIds.length >= this.#scanProcessThreshold) {
      const changed = await this.#scanInChild(projectIds);
      if (changed !== null) return changed;
    }

    return scanInBatches(projectIds, this.#scanOptions());
  }

  #scanOptions(): BatchScanOptions {
    return {
      projectsDir: this.projectsDir,
      concurrency: this.#concurrency,
      batchSize: this.#batchSize,
      deriveThreads: this.#deriveThreads,
      workerThreshold: this.#workerThreshold,
      logger: this.#logger,
      nextSeq: () => ++this.#seq,
      assertOpen: () => this.#assertOpen("commit derived projects"),
      commit: async (changes) => (await this.#commit(changes)).length,
    };
  }

  /**
   * Runs the scan of `projectIds` in a child process and emits its commits as changes. Returns
   * null when the process failed, after logging why, so the caller scans in this process.
   *
   * The child's commits bypass the derivation order of `#commit()`: it may commit an older
   * derivation of a project over one that this process refreshed meanwhile. So every project
   * refreshed while the child runs is derived once more when it has finished.
   */
  async #scanInChild(projectIds: string[]): Promise<number | null> {
    const refreshed = new Set<string>();
    this.#refreshedDuringChildScan = refreshed;
    let changed: number | null = null;
    let childWriting = false;
    try {
      changed = await scanInChildProcess(
        {
          indexDir: this.#indexDir,
          projectsDir: this.projectsDir,
          projectIds,
          concurrency: this.#concurrency,
          batchSize: this.#batchSize,
          deriveThreads: this.#deriveThreads,
          workerThreshold: this.#workerThreshold,
          workerSource:
            this.#deriveThreads > 0 && projectIds.length >= this.#workerThreshold
              ? await DerivePool.bundledSource()
              : null,
          logLevel: this.#logger.level,
        },
        {
          logger: this.#logger,
          signal: this.#closeController.signal,
          script: this.#scanProcessScript,
          // As for a write of this process, `version` is null from before the commit can show
          // to reads until reads are sure to show it.
          onCommitting: () => {
            if (childWriting) return;
            childWriting = true;
            this.#writes += 1;
          },
          onCommit: (changes) => {
            this.#store.readLatest();
            if (childWriting) {
              childWriting = false;
              this.#writes -= 1;
            }
            this.#version += 1;
            if (this.#closed) return;
            for (const change of changes) this.#emitChange(change);
          },
          onOffline: (error) => this.#setOffline(error),
        },
      );
    } catch (error) {
      // As a scan in this process does, rejects once the index is closed.
      this.#assertOpen("commit derived projects");
      this.#logger.warn({ err: error }, "the scan process failed; scanning in the daemon's process instead");
    } finally {
      this.#refreshedDuringChildScan = null;
      this.#store.readLatest();
      // A process that died during a commit sends no "commit".
      if (childWriting) this.#writes -= 1;
      this.#version += 1;
    }

    if (changed !== null && refreshed.size > 0 && !this.#closed) {
      this.#logger.debug(
        { projects: refreshed.size },
        "deriving again the projects refreshed during the scan process",
      );
      // Through #refreshMany, so thousands of projects copied in during the scan go to a child too.
      await this.#refreshMany([...refreshed]);
    }
    return changed;
  }

  /**
   * Replaces the records of every change in one transaction and re-derives the totals of the
   * touched buckets. Removals are held back while `projects/` itself is unreadable, because then
   * a missing project folder does not mean the project was deleted.
   */
  async #commit(changes: PendingChange[]): Promise<ProjectChange[]> {
    const { changes: pending, offline } = await holdRemovalsWhileOffline(this.projectsDir, changes);
    if (offline) this.#setOffline(new Error(`${this.projectsDir} is missing or not readable`));
    this.#assertOpen("commit derived projects");
    for (const { projectId } of pending) this.#refreshedDuringChildScan?.add(projectId);

    const applied = await this.#write((writer) =>
      applyChanges(writer, pending, ({ projectId, seq }) => {
        if ((this.#committedSeq.get(projectId) ?? 0) > seq) return false;
        this.#committedSeq.set(projectId, seq);
        return true;
      }),
    );

    for (const change of applied) this.#emitChange(change);
    return applied;
  }

  #emitChange(change: ProjectChange): void {
    this.#listOrders.clear();
    try {
      this.emit("change", change);
    } catch (error) {
      this.#logger.error({ err: error, projectId: change.projectId }, "a change listener failed");
    }
  }

  /** Lists the project folders, and warns once per folder name that is not a valid project id. */
  async #listProjectFolders(): Promise<string[]> {
    const { folders, invalidNames } = await listProjectFolders(this.projectsDir);

    for (const name of invalidNames) {
      if (this.#warnedFolders.has(name)) continue;
      this.#warnedFolders.add(name);
      this.#logger.warn(
        { folder: name },
        "skipping a folder whose name is not a valid project id; use letters, digits, '.', '_' or '-'",
      );
    }

    return folders;
  }

  /** Runs one write transaction and counts it in {@link ProjectIndex.version}. */
  async #write<T>(work: (writer: StoreWriter) => T): Promise<T> {
    this.#writes += 1;
    try {
      return await this.#store.write(work);
    } finally {
      this.#writes -= 1;
      this.#version += 1;
    }
  }

  #setOffline(error: unknown): void {
    if (this.#offline) return;

    this.#offline = true;
    this.#version += 1;
    this.#logger.error(
      { err: error, projectsDir: this.projectsDir },
      "projects folder is missing or unreadable; keeping the indexed records until it is back",
    );
  }

  #setOnline(): void {
    if (!this.#offline) return;

    this.#offline = false;
    this.#version += 1;
    this.#logger.info({ projectsDir: this.projectsDir }, "projects folder is readable again");
  }
}
