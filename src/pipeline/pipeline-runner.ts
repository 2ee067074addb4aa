import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import { projectFileSchema } from "../../schemas/project.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { projectPaths } from "../project/layout.ts";
import { removeLeftoverPartials } from "../project/leftover-partials.ts";
import { lockProject, ProjectLockedError } from "../project/lock.ts";
import { readJsonFile } from "../project/read-json.ts";
import { hasErrorCode, isNotFound } from "../shared/fs-errors.ts";
import type { Logger } from "../shared/logger.ts";
import type { AnalyzerFactory, AnalyzerOptions } from "./analyzer/types.ts";
import type { CutMode, FfmpegBinaries } from "./ffmpeg.ts";
import { readPipelineState } from "./pipeline-state.ts";
import { createRecognizer } from "./speech/create-recognizer.ts";
import type { ResolvedSpeechConfig } from "./speech/speech-config.ts";
import type { PipelineStep, StepContext, StepOutcome } from "./step-types.ts";
import { PIPELINE_STEPS } from "./steps/index.ts";

/** Tools and settings a pipeline run needs. */
export interface PipelineDependencies {
  /** Creates the analyzer of one project, such as the embedded one or an LLM client with its cache. */
  createAnalyzer: AnalyzerFactory;
  analyzerOptions: Omit<AnalyzerOptions, "signal">;
  binaries: FfmpegBinaries;
  encoderPreset: string;
  /** Cutting method for clips: `accurate` re-encodes on frame boundaries, `copy` copies the streams from a keyframe. @default "accurate" */
  cutMode?: CutMode;
  /** Speech recognition for videos without subtitles. @default off */
  speech?: ResolvedSpeechConfig;
  logger: Logger;
  /** Milliseconds after which a lock left by a dead process is taken over. */
  staleLockMs: number;
}

/** Outcome of one call to {@link runPipeline}. */
export type RunResult = "completed" | "failed" | "locked" | "aborted" | "missing";

/** Minimum milliseconds between two progress writes of `pipeline.json` within a step. */
const PROGRESS_WRITE_INTERVAL_MS = 500;

function now(): string {
  return new Date().toISOString();
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function progressBefore(steps: readonly PipelineStep[], index: number): number {
  const total = steps.reduce((sum, step) => sum + step.weight, 0);
  const before = steps.slice(0, index).reduce((sum, step) => sum + step.weight, 0);
  return (before / total) * 100;
}

/**
 * Runs the pipeline of one project under its lock, starting at the first step whose output
 * file is missing, and records every state change in `pipeline.json`.
 */
export async function runPipeline(
  projectDir: string,
  dependencies: PipelineDependencies,
  signal: AbortSignal,
): Promise<RunResult> {
  const projectId = path.basename(projectDir);
  const logger = dependencies.logger.child({ projectId });
  const paths = projectPaths(projectDir);

  if (!(await fileExists(paths.file("project")))) {
    logger.warn("project folder or its project.json is gone; nothing to run");
    return "missing";
  }

  // A lost lock (its folder removed with the project, or taken over) stops the run, because
  // only the holder may write inside the project folder.
  const lockLost = new AbortController();
  let release: () => Promise<void>;
  try {
    release = await lockProject(projectDir, {
      staleMs: dependencies.staleLockMs,
      onCompromised: (error) => {
        logger.error({ err: error }, "project lock was lost while a step ran");
        lockLost.abort(error);
      },
    });
  } catch (error) {
    if (error instanceof ProjectLockedError) {
      logger.info("project is locked by another process; leaving it to that process");
      return "locked";
    }
    throw error;
  }

  const runSignal = AbortSignal.any([signal, lockLost.signal]);
  let result: RunResult | undefined;
  let failure: unknown;
  try {
    result = await runLocked(projectId, paths, dependencies, logger, runSignal, lockLost.signal);
  } catch (error) {
    failure = error;
  } finally {
    await release();
  }

  if (!(await fileExists(paths.file("project")))) {
    // A step may have made output folders again (mkdir -p) after the project was removed. Such
    // a leftover has no input/ folder; a folder that still has one is left for a person.
    if (!(await fileExists(paths.input))) await rm(projectDir, { recursive: true, force: true });
    logger.warn({ err: failure }, "project folder was removed while it ran");
    return "missing";
  }
  if (failure !== undefined) throw failure;
  return result as RunResult;
}

async function runLocked(
  projectId: string,
  paths: ReturnType<typeof projectPaths>,
  dependencies: PipelineDependencies,
  logger: Logger,
  signal: AbortSignal,
  lockLost: AbortSignal,
): Promise<RunResult> {
  const leftovers = await removeLeftoverPartials(paths.dir);
  if (leftovers.length > 0)
    logger.info({ files: leftovers }, "removed temporary files of an interrupted run");

  const pipelineFile = paths.file("pipeline");
  const state = await readPipelineState(pipelineFile);
  // A failed project runs again only once a retry has marked it pending. A run queued from an
  // index change that was read before the failure was recorded must not redo the work.
  if (state.status === "failed") {
    logger.info({ code: state.error?.code }, "project has failed; it runs again when retried");
    return "failed";
  }
  // Progress writes are not awaited, so every write waits for the one before it: a slow
  // progress write must never land after the final state and overwrite it.
  let lastWrite: Promise<void> = Promise.resolve();
  const save = () => {
    lastWrite = lastWrite
      .catch(() => undefined)
      .then(() => {
        state.updated_at = now();
        return writeJsonAtomic(pipelineFile, state);
      });
    return lastWrite;
  };

  const project = await readJsonFile(paths.file("project"), projectFileSchema);
  await mkdir(paths.metadata, { recursive: true });
  const analyzer = dependencies.createAnalyzer({
    metadataDir: paths.metadata,
    category: project.video_category,
    logger,
  });
  const speechConfig = dependencies.speech;
  const recognizer = speechConfig ? createRecognizer(speechConfig, logger) : null;
  const speech = speechConfig && recognizer ? { config: speechConfig, recognizer } : undefined;
  const steps = PIPELINE_STEPS;
  let first = steps.length;
  for (const [index, step] of steps.entries()) {
    if (!(await fileExists(paths.file(step.output)))) {
      first = index;
      break;
    }
  }

  for (const step of steps.slice(0, first)) {
    if (state.steps[step.name]?.status !== "done") state.steps[step.name] = doneState();
  }

  let lastProgressWrite = 0;
  for (let index = first; index < steps.length; index += 1) {
    const step = steps[index] as PipelineStep;
    const startedAt = Date.now();
    const base = progressBefore(steps, index);
    const span = progressBefore(steps, index + 1) - base;

    state.status = "processing";
    state.current_step = step.name;
    state.progress = Math.round(base);
    state.message = step.name;
    state.error = null;
    state.steps[step.name] = {
      status: "running",
      started_at: new Date(startedAt).toISOString(),
      finished_at: null,
      seconds: null,
    };
    await save();
    logger.info({ step: step.name }, "step started");

    const context: StepContext = {
      projectId,
      paths,
      project,
      analyzer,
      analyzerOptions: { ...dependencies.analyzerOptions, signal },
      binaries: dependencies.binaries,
      encoderPreset: dependencies.encoderPreset,
      cutMode: dependencies.cutMode ?? "accurate",
      ...(speech && { speech }),
      logger: logger.child({ step: step.name }),
      signal,
      reportProgress: (fraction, message) => {
        if (Date.now() - lastProgressWrite < PROGRESS_WRITE_INTERVAL_MS) return;
        lastProgressWrite = Date.now();
        state.progress = Math.round(base + span * Math.min(1, Math.max(0, fraction)));
        state.message = message;
        save().catch((error: unknown) => logger.warn({ err: error }, "could not record progress"));
      },
    };

    let outcome: StepOutcome;
    try {
      outcome = await step.run(context);
    } catch (error) {
      if (lockLost.aborted) {
        logger.warn({ step: step.name }, "step stopped because the project lock was lost");
        return "aborted";
      }
      if (signal.aborted) {
        state.status = "pending";
        state.message = "stopped by shutdown; resumes at the next start";
        state.steps[step.name] = { ...pendingState() };
        await save();
        logger.info({ step: step.name }, "step stopped by shutdown");
        return "aborted";
      }
      outcome = unexpectedFailure(error);
      logger.error({ err: error, step: step.name }, "step failed unexpectedly");
    }

    const seconds = (Date.now() - startedAt) / 1000;
    if (outcome.status === "failed") {
      state.status = "failed";
      state.message = outcome.message;
      state.error = {
        step: step.name,
        code: outcome.code,
        message: outcome.message,
        hint: outcome.hint,
        ...(outcome.message_zh !== undefined && { message_zh: outcome.message_zh }),
        ...(outcome.hint_zh !== undefined && { hint_zh: outcome.hint_zh }),
        at: now(),
      };
      state.steps[step.name] = { ...stepTimes(startedAt), status: "failed", seconds };
      await save();
      logger.warn({ step: step.name, code: outcome.code, reason: outcome.message }, "project failed");
      return "failed";
    }

    state.steps[step.name] = {
      ...stepTimes(startedAt),
      status: "done",
      seconds,
      summary: withRate(outcome.summary, seconds, project.video?.duration),
    };
    logger.info({ step: step.name, seconds }, "step finished");
  }

  // A step may leave a notice for the person, such as why no clip was kept.
  const notices = steps
    .map((step) => state.steps[step.name]?.summary?.notice)
    .filter((notice): notice is string => typeof notice === "string");
  state.status = "completed";
  state.current_step = null;
  state.progress = 100;
  state.message = notices.length > 0 ? notices.join(" ") : "completed";
  state.error = null;
  state.completed_at = now();
  await save();
  logger.info("project completed");
  return "completed";
}

function doneState() {
  return { status: "done" as const, started_at: null, finished_at: null, seconds: null };
}

function pendingState() {
  return { status: "pending" as const, started_at: null, finished_at: null, seconds: null };
}

function stepTimes(startedAt: number) {
  return { started_at: new Date(startedAt).toISOString(), finished_at: now() };
}

/** Adds seconds per minute of source video to a step summary. */
function withRate(
  summary: Record<string, unknown> | undefined,
  seconds: number,
  videoSeconds: number | undefined,
) {
  if (!videoSeconds) return summary;
  return { ...summary, seconds_per_source_minute: Number((seconds / (videoSeconds / 60)).toFixed(3)) };
}

/** Tells whether an error, or the ffmpeg run behind it, ran out of disk space. */
function isDiskFull(error: unknown): boolean {
  if (hasErrorCode(error, "ENOSPC", "EDQUOT")) return true;

  const stderr = (error as { stderr?: unknown } | null)?.stderr;
  return typeof stderr === "string" && /No space left on device|Disk quota exceeded/i.test(stderr);
}

function unexpectedFailure(error: unknown): StepOutcome {
  if (isDiskFull(error)) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      status: "failed",
      code: "DISK_FULL",
      message: `The disk of the data folder ran out of space: ${detail}`,
      hint: "Free space on the disk that holds the data folder (clips and collections together need about twice the video's size), then retry the project.",
      message_zh: "数据文件夹所在的磁盘空间已满。",
      hint_zh: "请清理数据文件夹所在磁盘的空间（切片和合集合计约需视频大小的两倍），然后重试项目。",
    };
  }

  const fields = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    hint?: unknown;
  };
  const code = typeof fields.code === "string" ? fields.code : "STEP_ERROR";
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    typeof fields.hint === "string"
      ? fields.hint
      : "See the daemon log for details; fix the cause, then retry the project.";
  // NOTE: errors from other modules carry English text only; the Chinese hint stays generic.
  return {
    status: "failed",
    code,
    message,
    hint,
    message_zh: `处理失败（${code}）：${message}`,
    hint_zh: "详情请查看守护进程日志；排除原因后重试项目。",
  };
}
