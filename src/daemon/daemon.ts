import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { createApp } from "../http/app.ts";
import { startHttpServer } from "../http/server.ts";
import { probeIndex } from "../index/probe-index.ts";
import { ProjectIndex } from "../index/project-index.ts";
import { startProjectWatcher } from "../index/project-watcher.ts";
import { createEmbeddedAnalyzer } from "../pipeline/analyzer/embedded/index.ts";
import { createLlmAnalyzerFactory } from "../pipeline/analyzer/llm/index.ts";
import type { AnalyzerFactory } from "../pipeline/analyzer/types.ts";
import { resolveFfmpegBinaries } from "../pipeline/ffmpeg.ts";
import { runPipeline } from "../pipeline/pipeline-runner.ts";
import { dataLayout } from "../project/layout.ts";
import { hasErrorCode } from "../shared/fs-errors.ts";
import type { Logger } from "../shared/logger.ts";
import { cleanUpAfterCrash, retryCleanup } from "./crash-cleanup.ts";
import { startInboxWatcher } from "./inbox-watcher.ts";
import { ingestVideo, rejectFile } from "./ingest.ts";
import { JobQueue } from "./job-queue.ts";
import type { Settings } from "./settings.ts";
import { speechConfigOf } from "./speech-settings.ts";

/**
 * Projects a rebuild or reconcile must derive before it runs in a child process. Deriving 10,000
 * projects in the daemon's own process left it at about 350 MB resident instead of 185 MB,
 * because the allocator and the LMDB map keep what the scan touched. A child process gives it
 * all back when it exits. Starting one costs about 0.5 s, which small scans need not pay.
 */
const SCAN_PROCESS_THRESHOLD = 2_000;

/** Raised when the HTTP server cannot listen on the configured address and port. */
export class ListenError extends Error {
  override name = "ListenError";
  readonly code = "LISTEN_FAILED";

  constructor(
    readonly host: string,
    readonly port: number,
    options?: { cause?: unknown },
  ) {
    const reason = (options?.cause as { code?: string } | undefined)?.code ?? "unknown error";
    super(
      `Cannot listen on ${host}:${port} (${reason}). Another program may use the port: stop it, or pick another with --port (0 picks a free one).`,
      options,
    );
  }
}

/** Raised by `startDaemon` when its signal was aborted before the index was ready; every part is stopped. */
export class StartAbortedError extends Error {
  override name = "StartAbortedError";
  readonly code = "START_ABORTED";

  constructor(options?: { cause?: unknown }) {
    super("The daemon was stopped while it was building its index.", options);
  }
}

/** Options of `startDaemon`. */
export interface StartDaemonOptions {
  /** Stops the daemon when aborted before the index is ready; `Daemon.stop()` does it afterwards. */
  signal?: AbortSignal;
}

/** Picks the analyzer from the settings; an LLM configuration error stops start-up here. */
function createAnalyzerFactory(settings: Settings, logger: Logger): AnalyzerFactory {
  if (settings.analyzer !== "llm" || !settings.llmBaseUrl || !settings.llmModel) {
    return () => createEmbeddedAnalyzer();
  }

  return createLlmAnalyzerFactory(
    {
      baseUrl: settings.llmBaseUrl,
      apiKey: settings.llmApiKey,
      model: settings.llmModel,
      timeoutMs: settings.llmTimeoutSeconds * 1000,
    },
    logger,
  );
}

/** A running daemon. */
export interface Daemon {
  /** Base URL of the HTTP API, such as `http://127.0.0.1:8000`. */
  url: string;
  index: ProjectIndex;
  queue: JobQueue;
  /** Stops watching, aborts running steps, and closes the index and the server; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts every part of the daemon: data folders, index, project watcher, job queue, HTTP server
 * and inbox watcher, then rebuilds or reconciles the index while they already run, and queues
 * the unfinished projects. Resolves once the index is ready. The server handles requests from the
 * "HTTP server listening" log line on.
 */
export async function startDaemon(
  settings: Settings,
  logger: Logger,
  version: string,
  options: StartDaemonOptions = {},
): Promise<Daemon> {
  const layout = dataLayout(settings.dataDir);
  await mkdir(layout.inbox, { recursive: true });
  await mkdir(layout.projects, { recursive: true });

  const staleLockMs = settings.staleLockSeconds * 1000;
  const pending = await cleanUpAfterCrash(layout, staleLockMs, logger);

  if (settings.reindex) {
    logger.info({ indexDir: settings.indexDir }, "dropping the index to rebuild it from the files");
    await rm(settings.indexDir, { recursive: true, force: true });
  }

  let rebuild = settings.reindex;
  if (!settings.reindex) {
    const health = await probeIndex(settings.indexDir);
    if (health.state === "corrupt") {
      const aside = `${settings.indexDir}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      await rename(settings.indexDir, aside);
      logger.warn(
        { indexDir: settings.indexDir, movedTo: aside, reason: health.reason },
        "index folder is unreadable; moved it aside and rebuilding it from the files",
      );
      rebuild = true;
    }
  }

  const index = await ProjectIndex.open({
    indexDir: settings.indexDir,
    projectsDir: layout.projects,
    logger,
    scanProcessThreshold: SCAN_PROCESS_THRESHOLD,
  });
  const projectWatcher = startProjectWatcher({
    index,
    projectsDir: layout.projects,
    reconcileIntervalMs: settings.reconcileIntervalSeconds * 1000,
    logger,
  });

  const binaries = resolveFfmpegBinaries({ ffmpeg: settings.ffmpegPath, ffprobe: settings.ffprobePath });
  const createAnalyzer = createAnalyzerFactory(settings, logger);
  const speech = speechConfigOf(settings);
  const queue = new JobQueue({
    concurrency: settings.concurrency,
    lockedRetryMs: staleLockMs + 1000,
    logger,
    run: (projectId, signal) =>
      runPipeline(
        path.join(layout.projects, projectId),
        {
          createAnalyzer,
          analyzerOptions: {
            minClipSeconds: settings.minClipSeconds,
            maxClipSeconds: settings.maxClipSeconds,
            scoreThreshold: settings.scoreThreshold,
            paddingSeconds: settings.clipPaddingSeconds,
            minCollectionSize: 2,
          },
          binaries,
          encoderPreset: settings.encoderPreset,
          cutMode: settings.cutMode,
          ...(speech && { speech }),
          logger,
          staleLockMs,
        },
        signal,
      ),
  });

  // Open server-sent event streams never end by themselves, so shutdown aborts them first.
  const streams = new AbortController();
  const app = createApp({
    events: { signal: streams.signal },
    index,
    logger,
    version,
    jobs: queue,
    dataDir: layout.root,
    binaries,
    maxUploadBytes: settings.maxUploadMb * 1024 * 1024,
    apiToken: settings.apiToken,
    corsOrigins: settings.corsOrigins,
    frontendDir: settings.frontendDir,
  });
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  try {
    server = await startHttpServer({ app, host: settings.host, port: settings.port, logger });
  } catch (error) {
    await queue.close();
    await projectWatcher.close();
    await index.close();
    if (hasErrorCode(error, "EADDRINUSE", "EACCES", "EADDRNOTAVAIL")) {
      throw new ListenError(settings.host, settings.port, { cause: error });
    }
    throw error;
  }

  // Projects that another daemon sharing the data folder created, or left unfinished when it
  // died, reach this daemon through the index. The project lock decides who runs them. A rebuild
  // commits every project, so unfinished ones are queued as it reaches them.
  index.on("change", ({ projectId, record }) => {
    if (record?.status === "pending" || record?.status === "processing") queue.enqueue(projectId);
  });

  const ingestDependencies = { layout, binaries, logger: logger.child({ module: "ingest" }), staleLockMs };
  const inbox = startInboxWatcher({
    inbox: layout.inbox,
    settleMs: settings.inboxSettleMs,
    sidecarWaitMs: settings.sidecarWaitSeconds * 1000,
    logger,
    ingest: async (file) => {
      const result = await ingestVideo(file, ingestDependencies);
      if (result.kind === "ingested") {
        await index.refreshProject(result.projectId);
        queue.enqueue(result.projectId);
      }
    },
    reject: (file, reason) => rejectFile(file, null, reason, ingestDependencies),
  });

  let stopping: Promise<void> | undefined;
  let retry: { stop(): void } | undefined;
  const stop = () => {
    stopping ??= (async () => {
      logger.info("daemon stopping");
      retry?.stop();
      await inbox.close();
      await queue.close();
      await projectWatcher.close();
      streams.abort();
      await server.close();
      await index.close();
      logger.info("daemon stopped");
    })();
    return stopping;
  };

  // The index is built while the server already handles requests and the pipeline already runs. A
  // rebuild of 10,000 projects takes ten seconds or more, and until it ends the API serves the
  // projects derived so far, each whole, with totals that only grow. An abort of `options.signal`
  // meanwhile stops every part, so running ffmpeg processes are ended as on a normal stop.
  const onAbort = () => void stop();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const started = Date.now();
  try {
    if (rebuild) await index.rebuild();
    else await index.reconcile();
    if (options.signal?.aborted) throw new StartAbortedError();
  } catch (error) {
    await stop();
    throw options.signal?.aborted ? new StartAbortedError({ cause: error }) : error;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  logger.info({ seconds: (Date.now() - started) / 1000, ...index.stats() }, "index ready");
  // A reconcile commits only what changed, so unfinished projects that did not change are queued here.
  for (const status of ["processing", "pending"] as const) {
    for (const projectId of index.projectIdsWithStatus(status)) queue.enqueue(projectId);
  }

  await inbox.ready;
  retry = retryCleanup(pending, layout, staleLockMs, logger);
  logger.info({ url: server.url, dataDir: layout.root, indexDir: settings.indexDir }, "daemon started");

  return { url: server.url, index, queue, stop };
}
