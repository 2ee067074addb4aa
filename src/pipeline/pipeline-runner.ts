import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import { projectFileSchema } from "../../schemas/project.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { projectPaths } from "../project/layout.ts";
import { removeLeftoverPartials } from "../project/leftover-partials.ts";
import { lockProject, ProjectLockedError } from "../project/lock.ts";
import { readJsonFile } from "../project/read-json.ts";
import { isNotFound } from "../shared/fs-errors.ts";
import type { Logger } from "../shared/logger.ts";
import type { AnalyzerFactory, AnalyzerOptions } from "./analyzer/types.ts";
import type { CutMode, FfmpegBinaries } from "./ffmpeg.ts";
import { readPipelineState } from "./pipeline-state.ts";
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

  let release: () => Promise<void>;
  try {
    release = await lockProject(projectDir, {
      staleMs: dependencies.staleLockMs,
      onCompromised: (error) => logger.error({ err: error }, "project lock was lost while a step ran"),
    });
  } catch (error) {
    if (error instanceof ProjectLockedError) {
      logger.info("project is locked by another process; leaving it to that process");
      return "locked";
    }
    throw error;
  }

  try {
    return await runLocked(projectId, paths, dependencies, logger, signal);
  } finally {
    await release();
  }
}

async function runLocked(
  projectId: string,
  paths: ReturnType<typeof projectPaths>,
  dependencies: PipelineDependencies,
  logger: Logger,
  signal: AbortSignal,
): Promise<RunResult> {
  const leftovers = await removeLeftoverPartials(paths.dir);
  if (leftovers.length > 0)
    logger.info({ files: leftovers }, "removed temporary files of an interrupted run");

  const pipelineFile = paths.file("pipeline");
  const state = await readPipelineState(pipelineFile);
  const save = async () => {
    state.updated_at = now();
    await writeJsonAtomic(pipelineFile, state);
  };

  const project = await readJsonFile(paths.file("project"), projectFileSchema);
  await mkdir(paths.metadata, { recursive: true });
  const analyzer = dependencies.createAnalyzer({
    metadataDir: paths.metadata,
    category: project.video_category,
    logger,
  });
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

function unexpectedFailure(error: unknown): StepOutcome {
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
  return { status: "failed", code, message, hint };
}
