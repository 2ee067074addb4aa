import { randomUUID } from "node:crypto";
import { lstat, mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { PipelineFile } from "../../schemas/pipeline.ts";
import type { ProjectFile } from "../../schemas/project.ts";
import type { FfmpegBinaries } from "../pipeline/ffmpeg.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { type DataLayout, projectPaths, TEMP_PROJECT_PREFIX } from "../project/layout.ts";
import { BUILD_LOCK_SUFFIX, lockBuild, ProjectLockedError } from "../project/lock.ts";
import { moveFile } from "../project/move-file.ts";
import { isNotFound, pathExists } from "../shared/fs-errors.ts";
import type { Logger } from "../shared/logger.ts";
import { findIngestedTwin } from "./ingested-twin.ts";
import { classifyInboxFile, SUBTITLE_EXTENSIONS, videoBaseName } from "./media-types.ts";
import { readProjectSidecar } from "./project-sidecar.ts";
import { alreadyIngested, ingestFailed, type RejectionReason, symlinkRejected } from "./rejection-reasons.ts";
import { checkVideo } from "./video-check.ts";

export interface IngestDependencies {
  layout: DataLayout;
  binaries: FfmpegBinaries;
  logger: Logger;
  /** Milliseconds after which the build lock of a dead process is taken over. @default 30000 */
  staleLockMs?: number;
}

/** Outcome of {@link recoverUnfinishedIngests}. */
export interface RecoveryResult {
  /** Half-built project folders whose inputs went back to the inbox. */
  recovered: number;
  /** Folders left alone because a live process still builds them, or its lock is not stale yet. */
  skipped: number;
}

/** Outcome of one ingest. */
export type IngestResult =
  | { kind: "ingested"; projectId: string }
  | { kind: "rejected"; reason: RejectionReason }
  | { kind: "gone" };

/**
 * Finds a subtitle file in the same folder with the video's base name. A name that matches only
 * after Unicode normalisation (a macOS tool may write the video's name decomposed, NFD, and an
 * editor the subtitle's composed, NFC) is taken when no video has exactly the subtitle's name.
 */
async function findSubtitle(videoPath: string): Promise<string | null> {
  const folder = path.dirname(videoPath);
  const base = path.basename(videoPath, path.extname(videoPath));
  const names = await readdir(folder);
  const baseOf = (name: string) => path.basename(name, path.extname(name));
  const videoBases = new Set(names.filter((name) => classifyInboxFile(name) === "video").map(baseOf));

  for (const extension of SUBTITLE_EXTENSIONS) {
    const candidates = names.filter((name) => path.extname(name).toLowerCase() === extension);
    const exact = candidates.find((name) => baseOf(name) === base);
    if (exact) return path.join(folder, exact);

    const normalised = candidates.find(
      (name) => baseOf(name).normalize("NFC") === base.normalize("NFC") && !videoBases.has(baseOf(name)),
    );
    if (normalised) return path.join(folder, normalised);
  }
  return null;
}

/**
 * Lists the files that belong to a rejected video: its subtitle and every other subtitle or
 * `NAME.json` with its base name, so they leave the inbox with it instead of waiting there
 * for a video that already came. When another video, or a download of one, has the same base
 * name, only the already chosen subtitle goes: the rest may belong to that video.
 */
async function sidecarsOf(videoPath: string, subtitle: string | null): Promise<string[]> {
  const folder = path.dirname(videoPath);
  const name = path.basename(videoPath);
  const base = path.basename(name, path.extname(name));
  const names = await readdir(folder);
  const chosen = subtitle ? [subtitle] : [];
  if (names.some((other) => other !== name && videoBaseName(other) === base)) return chosen;

  const sameBase = names
    .filter(
      (other) => classifyInboxFile(other) === "sidecar" && path.basename(other, path.extname(other)) === base,
    )
    .map((other) => path.join(folder, other));
  return [...chosen, ...sameBase.filter((file) => file !== subtitle)];
}

/** Maximum length of one file name on Linux (`NAME_MAX` in linux/limits.h), in bytes. */
const MAX_NAME_BYTES = 255;

/** Suffix of the file that records why a file was rejected, beside it in `inbox/rejected/`. */
const ERROR_FILE_SUFFIX = ".error.json";

/** Cuts `text` on whole characters to at most `maxBytes` bytes of UTF-8. */
function cutToBytes(text: string, maxBytes: number): string {
  let result = "";
  let bytes = 0;

  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    result += character;
  }
  return result;
}

/**
 * Picks a name in `folder` that is not taken, adding ` (2)`, ` (3)`… before the extension.
 * Room is left for `reserveBytes` more bytes, and a long base name is cut to make it fit.
 */
async function freeName(folder: string, name: string, reserveBytes = 0): Promise<string> {
  const extension = path.extname(name);
  const base = path.basename(name, extension);

  for (let attempt = 1; ; attempt += 1) {
    const counter = attempt === 1 ? "" : ` (${attempt})`;
    const room = MAX_NAME_BYTES - reserveBytes - Buffer.byteLength(counter + extension);
    const candidate =
      attempt === 1 && Buffer.byteLength(name) + reserveBytes <= MAX_NAME_BYTES
        ? name
        : `${cutToBytes(base, room)}${counter}${extension}`;
    try {
      await lstat(path.join(folder, candidate));
    } catch (error) {
      if (isNotFound(error)) return candidate;
      throw error;
    }
  }
}

/**
 * Moves a file and its sidecars (subtitles, `NAME.json`) to `inbox/rejected/` with one
 * `NAME.error.json` beside them that lists every moved file.
 */
export async function rejectFile(
  file: string,
  sidecars: readonly string[] | null,
  reason: RejectionReason,
  dependencies: IngestDependencies,
): Promise<void> {
  const { layout, logger } = dependencies;
  await mkdir(layout.rejected, { recursive: true });

  // The error file is named after the moved file, so the moved name leaves room for its suffix.
  const name = await freeName(layout.rejected, path.basename(file), ERROR_FILE_SUFFIX.length);
  await moveFile(file, path.join(layout.rejected, name));
  const moved = [name];
  for (const sidecar of sidecars ?? []) {
    const sidecarName = await freeName(layout.rejected, path.basename(sidecar));
    try {
      await moveFile(sidecar, path.join(layout.rejected, sidecarName));
    } catch (error) {
      // A sidecar removed meanwhile does not undo the video's rejection.
      if (isNotFound(error)) continue;
      throw error;
    }
    moved.push(sidecarName);
  }

  await writeJsonAtomic(path.join(layout.rejected, `${name}${ERROR_FILE_SUFFIX}`), {
    file: path.basename(file),
    files: moved,
    ...reason,
    rejected_at: new Date().toISOString(),
  });
  logger.warn(
    { file: path.basename(file), sidecars: moved.slice(1), code: reason.code, reason: reason.message },
    "file rejected",
  );
}

/**
 * Turns a settled video in the inbox into a project folder. The folder is built under a
 * temporary name and renamed into `projects/` only when complete. The video is moved rather
 * than copied, so it exists exactly once at every moment.
 */
export async function ingestVideo(
  videoPath: string,
  dependencies: IngestDependencies,
): Promise<IngestResult> {
  const { layout, binaries, logger } = dependencies;
  const name = path.basename(videoPath);

  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(videoPath);
  } catch (error) {
    if (isNotFound(error)) return { kind: "gone" };
    throw error;
  }

  const subtitle = await findSubtitle(videoPath);
  if (stats.isSymbolicLink()) {
    return reject(videoPath, await sidecarsOf(videoPath, subtitle), symlinkRejected(name), dependencies);
  }

  const check = await checkVideo(videoPath, binaries);
  if (check.kind === "unusable") {
    // A file renamed away meanwhile, by another daemon sharing the inbox, is not unreadable.
    if (!(await pathExists(videoPath))) return { kind: "gone" };
    return reject(videoPath, await sidecarsOf(videoPath, subtitle), check.reason, dependencies);
  }
  const { media } = check;

  const twin = await findIngestedTwin(videoPath, layout.projects);
  if (twin) {
    return reject(
      videoPath,
      await sidecarsOf(videoPath, subtitle),
      alreadyIngested(name, twin),
      dependencies,
    );
  }

  const sidecar = await readProjectSidecar(videoPath);
  if ("invalid" in sidecar) {
    logger.warn(
      { file: path.basename(sidecar.file), reason: sidecar.invalid },
      "ignoring an invalid project sidecar file; using the video's name and the default category",
    );
  }
  const sidecarValues = "values" in sidecar ? sidecar.values : {};

  const projectId = randomUUID();
  const tempDir = path.join(layout.projects, `${TEMP_PROJECT_PREFIX}${projectId}`);
  const paths = projectPaths(tempDir);
  const createdAt = new Date().toISOString();
  const moved: string[] = [];
  // Another daemon sharing the data folder returns the inputs of unlocked `.tmp-` folders to
  // the inbox when it starts, so the folder is locked before it exists.
  const release = await lockBuild(tempDir, { staleMs: dependencies.staleLockMs });

  try {
    await mkdir(paths.input, { recursive: true });
    await mkdir(paths.metadata, { recursive: true });
    try {
      await moveFile(videoPath, path.join(paths.input, name));
    } catch (error) {
      // Another daemon sharing the inbox took the file first: the rename is the claim.
      if (!isNotFound(error)) throw error;
      await rm(tempDir, { recursive: true, force: true });
      logger.debug({ file: name }, "video was taken by another process");
      return { kind: "gone" };
    }
    moved.push(name);
    if (subtitle) {
      await moveFile(subtitle, path.join(paths.input, path.basename(subtitle)));
      moved.push(path.basename(subtitle));
    }
    if (sidecar.file) {
      await moveFile(sidecar.file, path.join(paths.input, path.basename(sidecar.file)));
      moved.push(path.basename(sidecar.file));
    }

    const project: ProjectFile = {
      id: projectId,
      name: sidecarValues.name ?? path.basename(name, path.extname(name)),
      source_file: name,
      subtitle_file: subtitle ? path.basename(subtitle) : null,
      video_category: sidecarValues.video_category ?? "knowledge",
      description: sidecarValues.description ?? "",
      created_at: createdAt,
      video: {
        duration: media.duration,
        width: media.width,
        height: media.height,
        fps: media.fps,
        has_audio: media.hasAudio,
      },
    };
    const pipeline: PipelineFile = {
      status: "pending",
      current_step: null,
      progress: 0,
      message: "waiting to be processed",
      steps: {},
      error: null,
      updated_at: createdAt,
      completed_at: null,
    };
    await writeJsonAtomic(paths.file("project"), project);
    await writeJsonAtomic(paths.file("pipeline"), pipeline);
    await rename(tempDir, path.join(layout.projects, projectId));
  } catch (error) {
    logger.error(
      { err: error, file: name, projectId },
      "could not build the project folder; returning the files",
    );
    const returned = await restoreToInbox(tempDir, moved, layout, logger);
    const back = returned.get(name) ?? videoPath;
    // Sidecars the failure left in the inbox, and those it returned there, go with the video.
    const unmoved = [subtitle, sidecar.file].filter(
      (file): file is string => file !== null && !moved.includes(path.basename(file)),
    );
    const returnedSidecars = [...returned].filter(([input]) => input !== name).map(([, target]) => target);
    const backSidecars = [...returnedSidecars, ...unmoved];
    return reject(back, backSidecars, ingestFailed(name, (error as Error).message), dependencies);
  } finally {
    await release();
  }

  logger.info(
    { projectId, file: name, subtitle: subtitle ? path.basename(subtitle) : null },
    "video ingested",
  );
  return { kind: "ingested", projectId };
}

async function reject(
  file: string,
  sidecars: readonly string[],
  reason: RejectionReason,
  dependencies: IngestDependencies,
): Promise<IngestResult> {
  await rejectFile(file, sidecars, reason, dependencies);
  return { kind: "rejected", reason };
}

/**
 * Moves the input files of an unfinished project folder back to the inbox and removes the
 * folder. Returns the inbox path each file name ended up at.
 */
async function restoreToInbox(
  tempDir: string,
  names: string[],
  layout: DataLayout,
  logger: Logger,
): Promise<Map<string, string>> {
  const input = path.join(tempDir, "input");
  const returned = new Map<string, string>();

  for (const name of names) {
    const target = path.join(layout.inbox, await freeName(layout.inbox, name));
    await moveFile(path.join(input, name), target);
    returned.set(name, target);
    logger.info({ file: path.basename(target) }, "returned an input file to the inbox");
  }
  await rm(tempDir, { recursive: true, force: true });
  return returned;
}

/**
 * Returns the inputs of project folders left half-built by a crash to the inbox, so they are
 * ingested again, and removes those folders. A folder whose build lock is live is skipped: a
 * daemon sharing the data folder may still build it, or the lock of a dead one is not yet
 * stale, so the caller runs this again after the stale time.
 */
export async function recoverUnfinishedIngests(
  layout: DataLayout,
  logger: Logger,
  staleLockMs?: number,
): Promise<RecoveryResult> {
  const entries = await readdir(layout.projects, { withFileTypes: true });
  const names = new Set(entries.map((entry) => entry.name));
  const result: RecoveryResult = { recovered: 0, skipped: 0 };

  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(TEMP_PROJECT_PREFIX)) continue;

    const isBuildLock = entry.name.endsWith(BUILD_LOCK_SUFFIX);
    const tempName = isBuildLock ? entry.name.slice(0, -BUILD_LOCK_SUFFIX.length) : entry.name;
    // A build lock beside its folder is handled with the folder. One without a folder was left by
    // a process that died between renaming the finished folder and releasing the lock.
    if (isBuildLock && names.has(tempName)) continue;

    const tempDir = path.join(layout.projects, tempName);
    let release: () => Promise<void>;
    try {
      release = await lockBuild(tempDir, { staleMs: staleLockMs });
    } catch (error) {
      if (!(error instanceof ProjectLockedError)) throw error;
      logger.debug({ folder: tempName }, "half-built project folder is locked; leaving it for now");
      if (!isBuildLock) result.skipped += 1;
      continue;
    }

    try {
      if (isBuildLock) continue;
      await restoreToInbox(tempDir, await listInputs(tempDir), layout, logger);
      result.recovered += 1;
    } finally {
      await release();
    }
  }
  return result;
}

async function listInputs(tempDir: string): Promise<string[]> {
  try {
    return await readdir(path.join(tempDir, "input"));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
