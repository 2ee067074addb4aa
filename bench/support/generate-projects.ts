import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Clip } from "../../schemas/clips-metadata.ts";
import type { Collection } from "../../schemas/collections-metadata.ts";
import { type PipelineFile, STEP_NAMES, type StepState } from "../../schemas/pipeline.ts";
import { type ProjectFile, VIDEO_CATEGORIES } from "../../schemas/project.ts";
import { mapConcurrent } from "../../src/index/map-concurrent.ts";
import { PROJECT_FILES } from "../../src/project/layout.ts";
import { createRandom, type Random } from "../../test/helpers/prng.ts";
import { type TextLanguage, textBuilder } from "./project-text.ts";

export interface GenerateProjectsOptions {
  /** Folder to fill; `projects/` is created inside it. */
  root: string;
  count: number;
  seed: number;
  /** @default 20 */
  clipsPerProject?: number;
  /** @default 4 */
  collectionsPerProject?: number;
}

/** A generated data folder and the size of what was written. */
export interface GeneratedFixture {
  projectsDir: string;
  projectIds: string[];
  /** JSON files written; each project also has one empty video per clip and collection under `output/`. */
  files: number;
  /** Bytes of every JSON file written. */
  bytes: number;
  /** Sizes of `clips_metadata.json` in bytes. */
  clipsFileBytes: { min: number; mean: number; max: number };
  /** Clips and collections over all projects, the totals the index must report. */
  clips: number;
  collections: number;
  /** Milliseconds the generation took; 0 when an earlier fixture was reused. */
  ms: number;
  reused: boolean;
}

/** The four tracked files of one project, as values. */
export interface ProjectFiles {
  project: ProjectFile;
  pipeline: PipelineFile;
  clips: Clip[];
  collections: Collection[];
}

/** Version of the generator output; a stored fixture of another version is generated again. */
const GENERATOR_VERSION = 2;
const MANIFEST_NAME = "fixture.json";
/** Creation times start here and advance one minute per project. */
const FIRST_CREATED_MS = Date.parse("2025-03-01T08:00:00.000Z");

/** Renders JSON as `writeJsonAtomic` in src/project does: two-space indent and a final newline. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Formats seconds as `HH:MM:SS,mmm`, the way AutoClip writes clip times. */
function srtTime(seconds: number): string {
  const totalMs = Math.round(seconds * 1000);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");

  return `${pad(Math.floor(totalMs / 3_600_000))}:${pad(Math.floor((totalMs % 3_600_000) / 60_000))}:${pad(Math.floor((totalMs % 60_000) / 1000))},${pad(totalMs % 1000, 3)}`;
}

/** Returns a version 4 UUID made of bytes from `random`. */
export function randomUuid(random: Random): string {
  const bytes = Buffer.from(Array.from({ length: 16 }, () => random.int(0, 255)));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");

  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Builds `count` clips with realistic text, laid out one after another through a long video. */
export function buildClips(random: Random, language: TextLanguage, count: number): Clip[] {
  const text = textBuilder(language, random);
  let cursor = random.int(5, 60);

  return Array.from({ length: count }, (_, index) => {
    const id = String(index + 1);
    const start = cursor + random.int(0, 40) + random.int(0, 999) / 1000;
    const duration = random.int(30, 180) + random.int(0, 999) / 1000;
    cursor = start + duration;
    const title = text.title();

    return {
      id,
      outline: text.sentence(),
      content: Array.from({ length: random.int(3, 5) }, () => text.sentence()),
      start_time: srtTime(start),
      end_time: srtTime(start + duration),
      chunk_index: Math.floor(start / 600),
      final_score: Math.round((0.5 + random.next() * 0.5) * 100) / 100,
      recommend_reason: text.reason(),
      generated_title: title,
      duration: Math.round(duration * 1000) / 1000,
      video_file: `output/clips/${id}_${title.replaceAll(/[\\/:*?"<>|\s]+/g, "_")}.mp4`,
      thumbnail_file: `output/thumbnails/clip_${id}.jpg`,
    };
  });
}

/** Builds `count` collections of three to six clips each out of `clipCount` clips. */
export function buildCollections(
  random: Random,
  language: TextLanguage,
  count: number,
  clipCount: number,
): Collection[] {
  const text = textBuilder(language, random);

  return Array.from({ length: count }, (_, index) => {
    const size = Math.min(clipCount, random.int(3, 6));
    const first = random.int(0, Math.max(0, clipCount - size));
    const id = String(index + 1);

    return {
      id,
      collection_title: text.title(),
      collection_summary: `${text.sentence()}${language === "zh" ? "" : " "}${text.sentence()}`,
      clip_ids: Array.from({ length: size }, (_, offset) => String(first + offset + 1)),
      collection_type: "ai_recommended" as const,
      video_file: `output/collections/${id}_collection.mp4`,
      duration: random.int(200, 900),
    };
  });
}

function buildPipeline(random: Random, createdMs: number): PipelineFile {
  let at = createdMs;
  const steps: Partial<Record<(typeof STEP_NAMES)[number], StepState>> = {};
  for (const step of STEP_NAMES) {
    const seconds = random.int(1, 120) + random.int(0, 999) / 1000;
    steps[step] = {
      status: "done",
      started_at: new Date(at).toISOString(),
      finished_at: new Date(at + seconds * 1000).toISOString(),
      seconds,
    };
    at += Math.ceil(seconds * 1000);
  }
  const completedAt = new Date(at).toISOString();

  return {
    status: "completed",
    current_step: null,
    progress: 100,
    message: "done",
    steps,
    error: null,
    updated_at: completedAt,
    completed_at: completedAt,
  };
}

/** Builds the tracked files of the `position`-th generated project. */
export function buildProjectFiles(
  random: Random,
  projectId: string,
  position: number,
  clipsPerProject: number,
  collectionsPerProject: number,
): ProjectFiles {
  const language: TextLanguage = random.chance(0.6) ? "zh" : "en";
  const text = textBuilder(language, random);
  const createdMs = FIRST_CREATED_MS + position * 60_000;
  const name = text.title();

  return {
    project: {
      id: projectId,
      name,
      source_file: `${name}.mp4`,
      subtitle_file: `${name}.srt`,
      video_category: random.pick(VIDEO_CATEGORIES),
      description: "",
      created_at: new Date(createdMs).toISOString(),
      video: { duration: random.int(1800, 7200), width: 1920, height: 1080, fps: 30, has_audio: true },
    },
    pipeline: buildPipeline(random, createdMs),
    clips: buildClips(random, language, clipsPerProject),
    collections: buildCollections(random, language, collectionsPerProject, clipsPerProject),
  };
}

/**
 * Writes one project folder with plain writes (no fsync): a fixture, not data to keep. The clip
 * and collection videos named in the metadata are created empty, because the watcher watches
 * those folders; thumbnails and the input video, which nothing reads or watches, are left out.
 */
async function writeProject(projectsDir: string, projectId: string, files: ProjectFiles): Promise<number[]> {
  const dir = path.join(projectsDir, projectId);
  await mkdir(path.join(dir, "metadata"), { recursive: true });
  await mkdir(path.join(dir, "output", "clips"), { recursive: true });
  await mkdir(path.join(dir, "output", "collections"), { recursive: true });
  const videos = [...files.clips, ...files.collections].flatMap((entry) =>
    entry.video_file ? [entry.video_file] : [],
  );
  const contents: Array<[string, string]> = [
    [PROJECT_FILES.project, renderJson(files.project)],
    [PROJECT_FILES.pipeline, renderJson(files.pipeline)],
    [PROJECT_FILES.clipsMetadata, renderJson(files.clips)],
    [PROJECT_FILES.collectionsMetadata, renderJson(files.collections)],
  ];

  await Promise.all([
    ...contents.map(([file, text]) => writeFile(path.join(dir, file), text)),
    ...videos.map((video) => writeFile(path.join(dir, video), "")),
  ]);
  return contents.map(([, text]) => Buffer.byteLength(text));
}

/**
 * Generates `count` finished projects under `root/projects`, each with `project.json`,
 * `pipeline.json` and both final metadata files. When `root` already holds a fixture generated
 * with the same version, count, seed and sizes, it is reused as it is.
 */
export async function generateProjects(options: GenerateProjectsOptions): Promise<GeneratedFixture> {
  const clipsPerProject = options.clipsPerProject ?? 20;
  const collectionsPerProject = options.collectionsPerProject ?? 4;
  const projectsDir = path.join(options.root, "projects");
  const manifestFile = path.join(options.root, MANIFEST_NAME);
  const key = {
    version: GENERATOR_VERSION,
    count: options.count,
    seed: options.seed,
    clipsPerProject,
    collectionsPerProject,
  };

  const stored = await readFile(manifestFile, "utf8").then(
    (text) => JSON.parse(text) as { key: unknown; fixture: GeneratedFixture },
    () => null,
  );
  if (stored && JSON.stringify(stored.key) === JSON.stringify(key)) {
    return { ...stored.fixture, projectsDir, ms: 0, reused: true };
  }

  const started = performance.now();
  await rm(options.root, { recursive: true, force: true });
  await mkdir(projectsDir, { recursive: true });
  const seedRandom = createRandom(options.seed);
  const projectIds = Array.from({ length: options.count }, () => randomUuid(seedRandom));
  // Each project gets its own generator, so the text does not depend on the order of writes.
  const seeds = projectIds.map(() => seedRandom.int(0, 0xffff_ffff));

  const positions = projectIds.map((_, position) => position);
  const sizes = await mapConcurrent(positions, 8, (position) => {
    const projectId = projectIds[position] as string;
    const random = createRandom(seeds[position] ?? 0);
    const files = buildProjectFiles(random, projectId, position, clipsPerProject, collectionsPerProject);
    return writeProject(projectsDir, projectId, files);
  });

  const clipsSizes = sizes.map((perFile) => perFile[2] ?? 0);
  const fixture: GeneratedFixture = {
    projectsDir,
    projectIds,
    files: sizes.length * 4,
    bytes: sizes.flat().reduce((sum, size) => sum + size, 0),
    clipsFileBytes: {
      min: Math.min(...clipsSizes),
      mean: Math.round(clipsSizes.reduce((sum, size) => sum + size, 0) / Math.max(1, clipsSizes.length)),
      max: Math.max(...clipsSizes),
    },
    clips: options.count * clipsPerProject,
    collections: options.count * collectionsPerProject,
    ms: Math.round(performance.now() - started),
    reused: false,
  };
  await writeFile(manifestFile, renderJson({ key, fixture }));

  return fixture;
}
