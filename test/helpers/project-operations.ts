/**
 * Random file operations on project folders, for the property test of the index: each one is
 * something the pipeline, the ingest, a user or another tool does to `projects/`.
 */
import { mkdir, open, rename, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { EditsFile } from "../../schemas/edits.ts";
import {
  makeClips,
  makeCollections,
  makePipelineFile,
  makeProjectFile,
} from "../../src/index/test-support.ts";
import { writeFileAtomic, writeJsonAtomic } from "../../src/project/atomic-write.ts";
import { PROJECT_FILES, TEMP_PROJECT_PREFIX } from "../../src/project/layout.ts";
import type { Random } from "./prng.ts";

/** Tracked JSON files an operation may write, relative to the project folder. */
const JSON_FILES = [
  PROJECT_FILES.project,
  PROJECT_FILES.pipeline,
  PROJECT_FILES.clipsMetadata,
  PROJECT_FILES.collectionsMetadata,
  PROJECT_FILES.edits,
] as const;

type JsonFile = (typeof JSON_FILES)[number];

/** Kinds of operation, each with its weight when a project exists to act on. */
const OPERATION_WEIGHTS = {
  "replace-clips": 6,
  "replace-collections": 4,
  "replace-pipeline": 4,
  "replace-edits": 3,
  "partial-write": 4,
  "invalid-then-fix": 3,
  "leave-invalid": 1,
  "remove-file": 2,
  "add-video": 2,
  "remove-video": 1,
  "rename-project": 2,
  "delete-project": 2,
  "create-project": 3,
} as const;

export type OperationKind = keyof typeof OPERATION_WEIGHTS;

/** What the planner remembers of a project folder, to write plausible edits and videos. */
interface ProjectModel {
  /** Clips in the last `clips_metadata.json` written, ids "1" … "n". */
  clips: number;
  /** Videos written in `output/clips`, by clip id. */
  videos: Set<string>;
}

/** A planned operation: `describe` goes into the operation log, `run` performs it. */
export interface PlannedOperation {
  kind: OperationKind;
  /** Projects the operation touches; operations on one project run one after another. */
  projects: string[];
  describe: string;
  run(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pickWeighted(random: Random, weights: Record<string, number>): string {
  const entries = Object.entries(weights).filter(([, weight]) => weight > 0);
  let roll = random.next() * entries.reduce((sum, [, weight]) => sum + weight, 0);

  for (const [kind, weight] of entries) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return (entries.at(-1) as [string, number])[0];
}

/** Returns the JSON text of a valid `edits.json` over clips "1" … "clipCount" and some unknown ids. */
function editsText(random: Random, clipCount: number): string {
  const clipId = () => String(random.int(1, clipCount + 2));
  const edits: Partial<EditsFile> = {
    clip_titles: Object.fromEntries(
      Array.from({ length: random.int(0, 3) }, () => [clipId(), `Edited title ${random.int(1, 999)}`]),
    ),
    deleted_clip_ids: Array.from({ length: random.int(0, 2) }, clipId),
    deleted_collection_ids: random.chance(0.3) ? [String(random.int(1, 4))] : [],
    collection_titles: random.chance(0.5) ? { "1": `Renamed collection ${random.int(1, 99)}` } : {},
    manual_collections: random.chance(0.5)
      ? [
          {
            id: `manual-${random.int(1, 5)}`,
            collection_title: "My picks",
            collection_summary: "",
            clip_ids: Array.from({ length: random.int(0, 3) }, clipId),
            created_at: "2025-02-03T04:05:06.000Z",
          },
        ]
      : [],
    collection_order: random.chance(0.4) ? { "1": [clipId(), clipId()] } : {},
    updated_at: new Date(Date.UTC(2025, 1, 1, 0, 0, random.int(0, 100_000))).toISOString(),
  };

  return `${JSON.stringify(edits, null, 2)}\n`;
}

/**
 * Plans random operations over a growing and shrinking set of project folders. Planning is
 * synchronous and updates the model at once, so the next plan already accounts for a project
 * created, renamed or deleted by an earlier one that has not run yet.
 */
export class OperationPlanner {
  readonly #random: Random;
  readonly #projectsDir: string;
  readonly #maxProjects: number;
  readonly #projects = new Map<string, ProjectModel>();
  /** Ids of deleted or renamed projects, reused now and then to test a folder coming back. */
  readonly #goneIds: string[] = [];
  #nextId = 1;

  constructor(random: Random, projectsDir: string, maxProjects: number) {
    this.#random = random;
    this.#projectsDir = projectsDir;
    this.#maxProjects = maxProjects;
  }

  get projectCount(): number {
    return this.#projects.size;
  }

  /** Plans the creation of a new project folder. */
  planCreate(): PlannedOperation {
    const random = this.#random;
    const reuse = this.#goneIds.length > 0 && random.chance(0.2);
    const projectId = reuse
      ? (this.#goneIds.splice(random.int(0, this.#goneIds.length - 1), 1)[0] as string)
      : `p${this.#nextId++}`;
    const clips = random.int(0, 10);
    const collections = random.int(0, 4);
    const status = random.pick(["pending", "processing", "completed", "failed"] as const);
    const withFinalFiles = random.chance(0.8);
    const withEdits = random.chance(0.3);
    const editsJson = editsText(random, clips);
    const tempName = `${TEMP_PROJECT_PREFIX}${projectId}-${random.int(0, 1e9)}`;
    this.#projects.set(projectId, { clips: withFinalFiles ? clips : 0, videos: new Set() });

    return {
      kind: "create-project",
      projects: [projectId],
      describe: `create ${projectId} status=${status} clips=${withFinalFiles ? clips : "none"} collections=${withFinalFiles ? collections : "none"} edits=${withEdits}`,
      run: async () => {
        const temp = path.join(this.#projectsDir, tempName);
        await mkdir(path.join(temp, "metadata"), { recursive: true });
        await writeJsonAtomic(path.join(temp, PROJECT_FILES.project), makeProjectFile(projectId));
        await writeJsonAtomic(path.join(temp, PROJECT_FILES.pipeline), makePipelineFile({ status }));
        if (withFinalFiles) {
          await writeJsonAtomic(path.join(temp, PROJECT_FILES.clipsMetadata), makeClips(clips));
          await writeJsonAtomic(
            path.join(temp, PROJECT_FILES.collectionsMetadata),
            makeCollections(collections, clips),
          );
        }
        if (withEdits) await writeFileAtomic(path.join(temp, PROJECT_FILES.edits), editsJson);
        await rename(temp, path.join(this.#projectsDir, projectId));
      },
    };
  }

  /** Plans one random operation; creates a project when there is none to act on. */
  plan(): PlannedOperation {
    const random = this.#random;
    if (this.#projects.size === 0) return this.planCreate();

    const weights: Record<string, number> = { ...OPERATION_WEIGHTS };
    if (this.#projects.size >= this.#maxProjects) weights["create-project"] = 0;
    const kind = pickWeighted(random, weights) as OperationKind;
    if (kind === "create-project") return this.planCreate();

    const projectId = random.pick([...this.#projects.keys()]);
    const model = this.#projects.get(projectId) as ProjectModel;
    const dir = path.join(this.#projectsDir, projectId);
    const file = (relative: string) => path.join(dir, relative);
    const operation = (describe: string, run: () => Promise<void>): PlannedOperation => ({
      kind,
      projects: [projectId],
      describe: `${kind} ${projectId} ${describe}`.trim(),
      run,
    });

    switch (kind) {
      case "replace-clips": {
        const count = random.int(0, 12);
        const format = random.pick(["srt", "seconds"] as const);
        model.clips = count;
        return operation(`count=${count}`, () =>
          writeJsonAtomic(file(PROJECT_FILES.clipsMetadata), makeClips(count, format)),
        );
      }
      case "replace-collections": {
        const count = random.int(0, 5);
        const clips = model.clips;
        return operation(`count=${count}`, () =>
          writeJsonAtomic(file(PROJECT_FILES.collectionsMetadata), makeCollections(count, clips)),
        );
      }
      case "replace-pipeline": {
        const status = random.pick(["pending", "processing", "completed", "failed"] as const);
        const progress = random.int(0, 100);
        return operation(`status=${status} progress=${progress}`, () =>
          writeJsonAtomic(file(PROJECT_FILES.pipeline), makePipelineFile({ status, progress })),
        );
      }
      case "replace-edits": {
        const text = editsText(random, model.clips);
        return operation(`bytes=${text.length}`, () => writeFileAtomic(file(PROJECT_FILES.edits), text));
      }
      case "partial-write": {
        const target = random.pick(JSON_FILES);
        const text = this.#validText(target, projectId, model);
        const cut = random.int(1, Math.max(1, text.length - 1));
        const pauseMs = random.int(5, 120);
        return operation(`${target} cut=${cut}/${text.length} pause=${pauseMs}ms`, async () => {
          const handle = await open(file(target), "w");
          try {
            await handle.write(text.slice(0, cut));
            await sleep(pauseMs);
            await handle.write(text.slice(cut));
          } finally {
            await handle.close();
          }
        });
      }
      case "invalid-then-fix": {
        const target = random.pick(JSON_FILES);
        const text = this.#validText(target, projectId, model);
        const pauseMs = random.int(0, 150);
        return operation(`${target} pause=${pauseMs}ms`, async () => {
          await writeFileAtomic(file(target), '{ "broken": ');
          await sleep(pauseMs);
          await writeFileAtomic(file(target), text);
        });
      }
      case "leave-invalid": {
        const target = random.pick(JSON_FILES);
        return operation(target, () => writeFileAtomic(file(target), "[1, 2"));
      }
      case "remove-file": {
        const target = random.pick(JSON_FILES);
        if (target === PROJECT_FILES.clipsMetadata) model.clips = 0;
        return operation(target, () => rm(file(target), { force: true }));
      }
      case "add-video": {
        const clipId = String(random.int(1, Math.max(1, model.clips)));
        model.videos.add(clipId);
        return operation(`clip=${clipId}`, async () => {
          await mkdir(file("output/clips"), { recursive: true });
          await writeFile(file(`output/clips/${clipId}_highlight.mp4`), "");
        });
      }
      case "remove-video": {
        const clipId = model.videos.size > 0 ? random.pick([...model.videos]) : "1";
        model.videos.delete(clipId);
        return operation(`clip=${clipId}`, () =>
          unlink(file(`output/clips/${clipId}_highlight.mp4`)).catch(() => undefined),
        );
      }
      case "rename-project": {
        const reuse = this.#goneIds.length > 0 && random.chance(0.3);
        const newId = reuse
          ? (this.#goneIds.splice(random.int(0, this.#goneIds.length - 1), 1)[0] as string)
          : `p${this.#nextId++}`;
        this.#projects.delete(projectId);
        this.#projects.set(newId, model);
        this.#goneIds.push(projectId);
        return {
          kind,
          projects: [projectId, newId],
          describe: `rename-project ${projectId} -> ${newId}`,
          run: () => rename(dir, path.join(this.#projectsDir, newId)),
        };
      }
      case "delete-project": {
        this.#projects.delete(projectId);
        this.#goneIds.push(projectId);
        return operation("", () => rm(dir, { recursive: true, force: true }));
      }
    }
  }

  /** Returns valid JSON text for `target`, and updates the model when it holds clips. */
  #validText(target: JsonFile, projectId: string, model: ProjectModel): string {
    const random = this.#random;
    const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

    switch (target) {
      case PROJECT_FILES.project:
        return json(makeProjectFile(projectId, { name: `Renamed ${random.int(1, 999)}` }));
      case PROJECT_FILES.pipeline:
        return json(makePipelineFile({ status: random.pick(["processing", "completed"] as const) }));
      case PROJECT_FILES.clipsMetadata: {
        model.clips = random.int(0, 12);
        return json(makeClips(model.clips));
      }
      case PROJECT_FILES.collectionsMetadata:
        return json(makeCollections(random.int(0, 5), model.clips));
      case PROJECT_FILES.edits:
        return editsText(random, model.clips);
    }
  }
}

/**
 * Runs operations with a random start delay of up to `staggerMs` each, one after another per
 * project and in parallel across projects. Resolves once all have finished; the first failure
 * rejects after the others settle.
 */
export async function runOperations(
  random: Random,
  operations: PlannedOperation[],
  staggerMs: number,
  onDone: (operation: PlannedOperation) => void,
): Promise<void> {
  const chains = new Map<string, Promise<void>>();
  const runs: Promise<void>[] = [];
  const batchStart = Date.now();
  let offset = 0;

  for (const operation of operations) {
    offset += random.int(0, staggerMs);
    const startAt = batchStart + offset;
    const previous = Promise.all(operation.projects.map((projectId) => chains.get(projectId)));
    const run = previous.then(async () => {
      await sleep(Math.max(0, startAt - Date.now()));
      await operation.run();
      onDone(operation);
    });
    for (const projectId of operation.projects)
      chains.set(
        projectId,
        run.catch(() => undefined),
      );
    runs.push(run);
  }

  const settled = await Promise.allSettled(runs);
  const failure = settled.find((outcome) => outcome.status === "rejected");
  if (failure) throw failure.reason;
}
