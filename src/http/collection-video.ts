import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { CollectionRecord } from "../index/records.ts";
import { concatVideos } from "../pipeline/ffmpeg.ts";
import { projectPaths } from "../project/layout.ts";
import { withProjectLock } from "../project/lock.ts";
import { safeFileTitle } from "../project/safe-name.ts";
import { HttpError } from "./errors.ts";
import { editProject, projectDirOf } from "./project-edits.ts";
import type { RouteDependencies } from "./route-dependencies.ts";

/** Removes earlier videos of the collection (`{id}_*.mp4`) other than `keep`. */
async function removeOlderVideos(folder: string, collectionId: string, keep: string): Promise<void> {
  const names = await readdir(folder);

  for (const name of names) {
    if (name === keep || !name.startsWith(`${collectionId}_`) || !name.endsWith(".mp4")) continue;
    await rm(path.join(folder, name), { force: true });
  }
}

/**
 * Joins the rendered videos of the collection's clips, in its order, into
 * `output/collections/{collectionId}_{title}.mp4` under the project lock, then refreshes the
 * project. Clips without a video are left out, and a collection with none raises a 409.
 * Without ffmpeg binaries it raises a 501.
 *
 * NOTE: the index fills in `video_file` from `output/collections/` before it adds the manual
 * collections of `edits.json`, so the video is written but the index does not show it yet.
 */
export async function generateCollectionVideo(
  dependencies: RouteDependencies,
  collection: CollectionRecord,
): Promise<void> {
  const { binaries, index, logger } = dependencies;
  if (!binaries) throw new HttpError(501, "VIDEO_TOOLS_UNAVAILABLE", undefined);

  const projectDir = projectDirOf(dependencies, collection.project_id);
  const clipsById = new Map(index.listClips(collection.project_id).map((clip) => [clip.clip_id, clip]));
  const inputs = collection.clip_ids.flatMap((id) => {
    const file = clipsById.get(id)?.video_file;
    return file ? [path.join(projectDir, file)] : [];
  });
  if (inputs.length === 0) throw new HttpError(409, "COLLECTION_VIDEO_EMPTY", { id: collection.id });

  const folder = projectPaths(projectDir).collections;
  const name = `${collection.collection_id}_${safeFileTitle(collection.collection_title)}.mp4`;
  await editProject(dependencies, collection.project_id, () =>
    withProjectLock(
      projectDir,
      async () => {
        await mkdir(folder, { recursive: true });
        await concatVideos({ inputs, output: path.join(folder, name), logger }, binaries);
        await removeOlderVideos(folder, collection.collection_id, name);
      },
      { waitMs: 2000 },
    ),
  );
  logger.info(
    { projectId: collection.project_id, collectionId: collection.collection_id, clips: inputs.length },
    "collection video generated",
  );
}
