/**
 * Helpers for the tests of src/index and src/http: temporary folders, project folders written
 * in the real file shapes, and a wait for an event that fails with a message naming it.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Clip } from "../../schemas/clips-metadata.ts";
import type { Collection } from "../../schemas/collections-metadata.ts";
import type { PipelineFile } from "../../schemas/pipeline.ts";
import type { ProjectFile } from "../../schemas/project.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { PROJECT_FILES } from "../project/layout.ts";

/** Creates a fresh temporary folder and returns it with a function that removes it. */
export async function makeTempDir(label: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `autoclipd-${label}-`));

  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Formats seconds as AutoClip writes clip times: `HH:MM:SS,mmm`. */
export function toSrtTime(seconds: number): string {
  const totalMs = Math.round(seconds * 1000);
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
  const secs = Math.floor((totalMs % 60_000) / 1000);
  const ms = totalMs % 1000;
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");

  return `${pad(hours)}:${pad(minutes)}:${pad(secs)},${pad(ms, 3)}`;
}

/** Builds `count` clips in the shape of AutoClip's `clips_metadata.json`, 90 s apart, ids "1", "2", … */
export function makeClips(count: number, timeFormat: "srt" | "seconds" = "srt"): Clip[] {
  return Array.from({ length: count }, (_, index) => {
    const start = index * 90 + 5.5;
    const end = start + 60.25;

    return {
      id: String(index + 1),
      outline: `Topic ${index + 1}`,
      content: [`Point ${index + 1}a`, `Point ${index + 1}b`],
      start_time: timeFormat === "srt" ? toSrtTime(start) : start,
      end_time: timeFormat === "srt" ? toSrtTime(end) : end,
      chunk_index: 0,
      final_score: 0.9 - index * 0.01,
      recommend_reason: "Clear and complete argument",
      generated_title: `Highlight ${index + 1}`,
    };
  });
}

/** Builds `count` collections over `clipCount` clips, in the shape of AutoClip's `collections_metadata.json`. */
export function makeCollections(count: number, clipCount: number): Collection[] {
  return Array.from({ length: count }, (_, index) => ({
    id: String(index + 1),
    collection_title: `Collection ${index + 1}`,
    collection_summary: "Related highlights",
    clip_ids: [
      String((index % Math.max(1, clipCount)) + 1),
      String(((index + 1) % Math.max(1, clipCount)) + 1),
    ],
    collection_type: "ai_recommended" as const,
  }));
}

/** Builds a `project.json`. */
export function makeProjectFile(id: string, overrides: Partial<ProjectFile> = {}): ProjectFile {
  return {
    id,
    name: `Project ${id}`,
    source_file: "talk.mp4",
    subtitle_file: "talk.srt",
    video_category: "knowledge",
    description: "",
    created_at: "2025-01-02T03:04:05.000Z",
    ...overrides,
  };
}

/** Builds a `pipeline.json`. */
export function makePipelineFile(overrides: Partial<PipelineFile> = {}): PipelineFile {
  return {
    status: "processing",
    current_step: "scoring",
    progress: 40,
    message: "Scoring topics",
    steps: {},
    error: null,
    updated_at: "2025-01-02T03:10:00.000Z",
    completed_at: null,
    ...overrides,
  };
}

export interface ProjectFolderSpec {
  project?: ProjectFile;
  pipeline?: PipelineFile;
  clips?: Clip[];
  collections?: Collection[];
}

/** Writes a project folder with the given files (each written atomically) and returns its path. */
export async function writeProjectFolder(
  projectsDir: string,
  projectId: string,
  spec: ProjectFolderSpec,
): Promise<string> {
  const dir = path.join(projectsDir, projectId);
  await mkdir(path.join(dir, "metadata"), { recursive: true });

  if (spec.project) await writeJsonAtomic(path.join(dir, PROJECT_FILES.project), spec.project);
  if (spec.pipeline) await writeJsonAtomic(path.join(dir, PROJECT_FILES.pipeline), spec.pipeline);
  if (spec.clips) await writeJsonAtomic(path.join(dir, PROJECT_FILES.clipsMetadata), spec.clips);
  if (spec.collections) {
    await writeJsonAtomic(path.join(dir, PROJECT_FILES.collectionsMetadata), spec.collections);
  }

  return dir;
}

/** Writes an AutoClip-style finished project: no project.json, no pipeline.json, `HH:MM:SS,mmm` times. */
export async function writeAutoClipProject(
  projectsDir: string,
  projectId: string,
  clipCount = 8,
  collectionCount = 3,
): Promise<string> {
  return writeProjectFolder(projectsDir, projectId, {
    clips: makeClips(clipCount),
    collections: makeCollections(collectionCount, clipCount),
  });
}

/** Overwrites a file in place with raw text (not atomically), for corrupt-file cases. */
export async function writeRawFile(projectDir: string, relativePath: string, text: string): Promise<void> {
  await writeFile(path.join(projectDir, relativePath), text);
}

/**
 * Resolves with the first `event` payload of `emitter` that satisfies `accept`. Fails after
 * `timeoutMs` with a message naming `description`.
 */
export function waitForEvent<T>(
  emitter: {
    on(event: string, listener: (payload: T) => void): unknown;
    off(event: string, listener: (payload: T) => void): unknown;
  },
  event: string,
  description: string,
  accept: (payload: T) => boolean,
  timeoutMs = 2000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (payload: T) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(payload);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${description}.`));
    }, timeoutMs);

    emitter.on(event, listener);
  });
}
