import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import { MANUAL_COLLECTION_PREFIX } from "../../schemas/edits.ts";
import { STEP_NAMES, type StepName } from "../../schemas/pipeline.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { type ProjectFileKey, projectPaths } from "../project/layout.ts";
import { type LockOptions, withProjectLock } from "../project/lock.ts";
import { isNotFound } from "../shared/fs-errors.ts";
import { readPipelineState } from "./pipeline-state.ts";

export type ResetOptions = Pick<LockOptions, "staleMs" | "waitMs">;

/** Outcome of a reset, with paths relative to the project folder. */
export interface ResetResult {
  /** The first step that will run again. */
  step: StepName;
  /** Files and folder entries that were deleted. */
  removed: string[];
}

/**
 * Files each step writes. The pipeline runner resumes at the first step whose `output` file
 * is missing, so deleting a step's files and every later step's files makes it run from there.
 */
const STEP_FILES: Record<StepName, readonly ProjectFileKey[]> = {
  transcript: ["transcript"],
  outline: ["outline"],
  timeline: ["timeline"],
  scoring: ["allScored", "highScore"],
  titles: ["titles"],
  collections: ["collectionsPlan"],
  video: ["videoOutput", "clipsMetadata", "collectionsMetadata"],
};

/** Folders of rendered videos and thumbnails, which only the video step writes. */
const VIDEO_FOLDERS = ["clips", "collections", "thumbnails"] as const;

/** Raised when a pipeline step name is not one of {@link STEP_NAMES}. */
export class UnknownStepError extends RangeError {
  override name = "UnknownStepError";
  readonly code = "UNKNOWN_STEP";

  constructor(readonly step: string) {
    super(`Unknown pipeline step "${step}"; expected one of ${STEP_NAMES.join(", ")}.`);
  }
}

async function removeFile(file: string): Promise<boolean> {
  try {
    await rm(file);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * Empties one output folder. Videos of hand-made collections (`manual-…` names) are user
 * work that no pipeline step writes, so they are kept.
 */
async function emptyVideoFolder(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }

  const removed: string[] = [];
  for (const name of names) {
    if (name.startsWith(MANUAL_COLLECTION_PREFIX)) continue;
    await rm(path.join(folder, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** Marks `pipeline.json` pending with no error and `steps` (when given) back to pending. */
async function markPending(projectDir: string, message: string, steps: readonly StepName[]): Promise<void> {
  const file = projectPaths(projectDir).file("pipeline");
  const state = await readPipelineState(file);

  state.status = "pending";
  state.error = null;
  state.message = message;
  state.completed_at = null;
  for (const step of steps) {
    state.steps[step] = { status: "pending", started_at: null, finished_at: null, seconds: null };
  }
  state.updated_at = new Date().toISOString();
  await writeJsonAtomic(file, state);
}

/**
 * Deletes the files of `step` and of every later step, under the project lock, and marks
 * `pipeline.json` pending, so the next pipeline run starts at `step`. The inputs, `project.json`
 * and `edits.json` are kept. Raises UnknownStepError for a bad step name and
 * ProjectLockedError while a running step holds the lock.
 */
export async function resetFromStep(
  projectDir: string,
  step: string,
  options: ResetOptions = {},
): Promise<ResetResult> {
  const first = STEP_NAMES.indexOf(step as StepName);
  if (first < 0) throw new UnknownStepError(step);

  const steps = STEP_NAMES.slice(first);
  const paths = projectPaths(projectDir);

  return withProjectLock(
    projectDir,
    async () => {
      const removed: string[] = [];
      // The last step's files go first, so a crash midway never leaves a later step's file
      // beside a missing earlier one, which would make the runner skip ahead.
      for (const name of [...steps].reverse()) {
        for (const key of [...STEP_FILES[name]].reverse()) {
          const file = paths.file(key);
          if (await removeFile(file)) removed.push(path.relative(projectDir, file));
        }
        if (name !== "video") continue;

        for (const folder of VIDEO_FOLDERS) {
          const names = await emptyVideoFolder(paths[folder]);
          removed.push(...names.map((entry) => `output/${folder}/${entry}`));
        }
      }

      await markPending(projectDir, `reset to step ${step}`, steps);
      return { step: steps[0] as StepName, removed };
    },
    { staleMs: options.staleMs, waitMs: options.waitMs ?? 2000 },
  );
}

/**
 * Marks a failed project pending and clears its error, under the project lock. Its files stay,
 * so the next pipeline run resumes at the step that failed, whose output file is missing.
 */
export async function prepareRetry(projectDir: string, options: ResetOptions = {}): Promise<void> {
  await withProjectLock(projectDir, () => markPending(projectDir, "waiting to be retried", []), {
    staleMs: options.staleMs,
    waitMs: options.waitMs ?? 2000,
  });
}
