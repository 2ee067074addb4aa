import { readdirSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { ATOMIC_TEMP_SUFFIX } from "../project/atomic-write.ts";
import { hasErrorCode, isNotFound } from "../shared/fs-errors.ts";
import type { ClipRecord, CollectionRecord } from "./records.ts";

/**
 * Folders whose video files fill in `video_file` when the metadata has none, relative to the
 * project folder. AutoClip writes clip and collection videos there but not their paths.
 */
export const OUTPUT_VIDEO_FOLDERS = {
  clips: "output/clips",
  collections: "output/collections",
} as const;

/** Maximum length of the title part of AutoClip's collection video names, in characters. */
const AUTOCLIP_MAX_TITLE_CHARACTERS = 100;

/**
 * Lists the names of the `.mp4` files in `dir`, sorted. Temporary files (dot names and
 * `*.partial`) are left out. A folder that is missing or cannot be read lists no videos, so
 * the records are still indexed, only without video paths.
 */
export async function listOutputVideos(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    return unreadableFolder(error);
  }

  return videoNames(names);
}

/** Does what {@link listOutputVideos} does with a blocking call, for worker threads. */
export function listOutputVideosSync(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    return unreadableFolder(error);
  }

  return videoNames(names);
}

function unreadableFolder(error: unknown): string[] {
  if (isNotFound(error) || hasErrorCode(error, "EACCES", "EPERM")) return [];
  throw error;
}

function videoNames(names: string[]): string[] {
  return names
    .filter(
      (name) =>
        !name.startsWith(".") && !name.endsWith(ATOMIC_TEMP_SUFFIX) && name.toLowerCase().endsWith(".mp4"),
    )
    .sort();
}

/**
 * Maps each id in `ids` to the first of `videos` named `{id}_*.mp4`. Ids may contain `_`, so a
 * name is given to the longest id it starts with: `1_2_intro.mp4` belongs to clip `1_2` when
 * that clip exists, else to clip `1`.
 */
export function matchVideosById(ids: Iterable<string>, videos: string[]): Map<string, string> {
  const candidates = new Set(ids);
  const matches = new Map<string, string>();

  for (const name of videos) {
    let owner: string | undefined;
    for (let end = name.indexOf("_"); end > 0; end = name.indexOf("_", end + 1)) {
      const prefix = name.slice(0, end);
      if (candidates.has(prefix)) owner = prefix;
    }
    if (owner !== undefined && !matches.has(owner)) matches.set(owner, name);
  }

  return matches;
}

/**
 * Returns the file name AutoClip gives a collection video: the title with `<>:"|?*\/` replaced
 * by `_`, spaces and dots trimmed from both ends, cut to 100 characters, `untitled` when
 * empty, and `.mp4`. Source: `VideoProcessor.sanitize_filename` in AutoClip's
 * `backend/utils/video_processor.py` (github.com/zhouxiaoka/autoclip).
 */
export function autoClipCollectionVideoName(title: string): string {
  const replaced = title.replace(/[<>:"|?*\\/]/g, "_").replace(/^[ .]+|[ .]+$/g, "");
  const cut = Array.from(replaced).slice(0, AUTOCLIP_MAX_TITLE_CHARACTERS).join("");

  return `${cut || "untitled"}.mp4`;
}

/** Fills in `video_file` of the clips without one from the video names of `output/clips/`. */
export function fillClipVideos(clips: ClipRecord[], videos: string[]): ClipRecord[] {
  const missing = clips.filter((clip) => clip.video_file === null).map((clip) => clip.clip_id);
  const matches = matchVideosById(missing, videos);

  return clips.map((clip) => {
    const name = clip.video_file === null ? matches.get(clip.clip_id) : undefined;
    return name ? { ...clip, video_file: `${OUTPUT_VIDEO_FOLDERS.clips}/${name}` } : clip;
  });
}

/**
 * Fills in `video_file` of the collections without one from the video names of
 * `output/collections/`: `{collection_id}_*.mp4` as this daemon writes them, else AutoClip's
 * name made from the title in the file.
 */
export function fillCollectionVideos(collections: CollectionRecord[], videos: string[]): CollectionRecord[] {
  const missing = collections.filter((collection) => collection.video_file === null);
  const matches = matchVideosById(
    missing.map((collection) => collection.collection_id),
    videos,
  );
  const names = new Set(videos);

  return collections.map((collection) => {
    if (collection.video_file !== null) return collection;

    const byTitle = autoClipCollectionVideoName(collection.collection_title);
    const name = matches.get(collection.collection_id) ?? (names.has(byTitle) ? byTitle : undefined);
    return name ? { ...collection, video_file: `${OUTPUT_VIDEO_FOLDERS.collections}/${name}` } : collection;
  });
}
