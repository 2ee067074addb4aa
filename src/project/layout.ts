import path from "node:path";

/** File and folder names inside a data folder, fixed by the on-disk contract. */
export const PROJECT_FILES = {
  project: "project.json",
  pipeline: "pipeline.json",
  edits: "edits.json",
  transcript: "metadata/step0_transcript.json",
  outline: "metadata/step1_outline.json",
  timeline: "metadata/step2_timeline.json",
  allScored: "metadata/step3_all_scored.json",
  highScore: "metadata/step3_high_score_clips.json",
  titles: "metadata/step4_titles.json",
  collectionsPlan: "metadata/step5_collections.json",
  clipsMetadata: "metadata/clips_metadata.json",
  collectionsMetadata: "metadata/collections_metadata.json",
  videoOutput: "output/step6_video_output.json",
} as const;

export type ProjectFileKey = keyof typeof PROJECT_FILES;

/** Prefix of project folders still being built; the index and the watcher skip them. */
export const TEMP_PROJECT_PREFIX = ".tmp-";

/** Paths of one data folder. */
export interface DataLayout {
  root: string;
  inbox: string;
  rejected: string;
  projects: string;
  trash: string;
}

/** Resolves the folders of a data folder. */
export function dataLayout(dataDir: string): DataLayout {
  const root = path.resolve(dataDir);

  return {
    root,
    inbox: path.join(root, "inbox"),
    rejected: path.join(root, "inbox", "rejected"),
    projects: path.join(root, "projects"),
    trash: path.join(root, "trash"),
  };
}

/** Paths inside one project folder. */
export interface ProjectPaths {
  dir: string;
  input: string;
  metadata: string;
  output: string;
  clips: string;
  collections: string;
  thumbnails: string;
  file(key: ProjectFileKey): string;
}

/** Resolves the paths of the project folder `dir`. */
export function projectPaths(dir: string): ProjectPaths {
  return {
    dir,
    input: path.join(dir, "input"),
    metadata: path.join(dir, "metadata"),
    output: path.join(dir, "output"),
    clips: path.join(dir, "output", "clips"),
    collections: path.join(dir, "output", "collections"),
    thumbnails: path.join(dir, "output", "thumbnails"),
    file: (key) => path.join(dir, PROJECT_FILES[key]),
  };
}

/** Project ids are folder names: no separators, no dot prefix, no NUL. */
export function isValidProjectId(id: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(id);
}
