import { mkdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Clip } from "../../../schemas/clips-metadata.ts";
import type { Collection } from "../../../schemas/collections-metadata.ts";
import {
  collectionsPlanFileSchema,
  titlesFileSchema,
  type VideoOutputFile,
} from "../../../schemas/step-files.ts";
import { writeJsonAtomic } from "../../project/atomic-write.ts";
import { readJsonFile } from "../../project/read-json.ts";
import { safeFileTitle } from "../../project/safe-name.ts";
import { isNotFound } from "../../shared/fs-errors.ts";
import { concatVideos, type MediaInfo, writeThumbnail } from "../ffmpeg.ts";
import { probeMediaFast, probeVideoFast } from "../probe-fast.ts";
import { type RenderedClip, RenderMismatchError, renderClip } from "../render-check.ts";
import type { PipelineStep, StepOutcome } from "../step-types.ts";

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function relative(projectDir: string, file: string): string {
  return path.relative(projectDir, file).split(path.sep).join("/");
}

function mismatchOutcome(error: RenderMismatchError): StepOutcome {
  return {
    status: "failed",
    code: error.code,
    message: error.message,
    hint: "Check that the source video plays to its end, with a constant frame rate and audio that starts with the video, then retry the project.",
    message_zh: `渲染出的切片与计划不符：${error.message}`,
    hint_zh: "请确认源视频能完整播放到结尾、帧率恒定、音频与视频同时开始，然后重试项目。",
  };
}

/**
 * Cuts every clip, checks each one against its plan, joins each collection, writes thumbnails, then
 * the final metadata files. Clip files left complete by an interrupted run are reused when they
 * pass the render check. A clip that misses its plan after every retry fails the step with
 * code `RENDER_MISMATCH`.
 */
export const videoStep: PipelineStep = {
  name: "video",
  output: "collectionsMetadata",
  weight: 80,

  async run(context) {
    const { paths, project, binaries, logger, signal } = context;
    const cutMode = context.cutMode ?? "accurate";
    const { topics } = await readJsonFile(paths.file("titles"), titlesFileSchema);
    const { collections: plans } = await readJsonFile(
      paths.file("collectionsPlan"),
      collectionsPlanFileSchema,
    );
    const input = path.join(paths.input, project.source_file);
    const sourceInfo = await probeVideoFast(input, binaries, logger);

    await mkdir(paths.clips, { recursive: true });
    await mkdir(paths.collections, { recursive: true });
    await mkdir(paths.thumbnails, { recursive: true });

    const rendered: VideoOutputFile = { clips: [], collections: [] };
    const clipFiles = new Map<string, string>();
    const renders = new Map<string, RenderedClip>();
    const totalJobs = topics.length + plans.length;
    let doneJobs = 0;

    for (const topic of topics) {
      signal.throwIfAborted();
      const output = path.join(paths.clips, `${topic.id}_${safeFileTitle(topic.generated_title)}.mp4`);
      const thumbnail = path.join(paths.thumbnails, `clip_${topic.id}.jpg`);
      context.reportProgress(doneJobs / totalJobs, `clip ${topic.id}/${topics.length}`);

      let render: RenderedClip;
      try {
        render = await renderClip(
          {
            clipId: topic.id,
            input,
            output,
            start: topic.start_time,
            end: topic.end_time,
            mode: cutMode,
            sourceInfo,
            preset: context.encoderPreset,
            reuseExisting: true,
            signal,
            logger,
          },
          binaries,
        );
      } catch (error) {
        if (!(error instanceof RenderMismatchError)) throw error;
        logger.error({ err: error, clipId: topic.id, check: error.check }, "clip failed its render check");
        return mismatchOutcome(error);
      }
      renders.set(topic.id, render);
      if (!(await exists(thumbnail))) {
        const at = Math.min(1, render.duration / 2);
        await writeThumbnail(
          { input: output, output: thumbnail, at, inputInfo: render.info, logger },
          binaries,
        );
      }

      const duration = render.duration;
      clipFiles.set(topic.id, output);
      rendered.clips.push({
        id: topic.id,
        video_file: relative(paths.dir, output),
        thumbnail_file: relative(paths.dir, thumbnail),
        duration,
      });
      doneJobs += 1;
    }

    for (const plan of plans) {
      signal.throwIfAborted();
      context.reportProgress(doneJobs / totalJobs, `collection ${plan.id}/${plans.length}`);
      const ids = plan.clip_ids.filter((id) => clipFiles.has(id));
      const inputs = ids.map((id) => clipFiles.get(id) as string);
      // The render check already read each clip, so the join does not probe them again.
      const inputInfos = ids.map((id) => renders.get(id)?.info as MediaInfo);
      const output = path.join(paths.collections, `${plan.id}_${safeFileTitle(plan.collection_title)}.mp4`);

      const method = await concatVideos({ inputs, output, inputInfos, signal, logger }, binaries);
      logger.info({ collectionId: plan.id, method, clips: inputs.length }, "collection joined");
      const duration = (await probeMediaFast(output, binaries, logger)).duration;
      rendered.collections.push({ id: plan.id, video_file: relative(paths.dir, output), duration });
      doneJobs += 1;
    }

    const clips: Clip[] = topics.map((topic) => {
      const file = rendered.clips.find((entry) => entry.id === topic.id);
      const render = renders.get(topic.id);
      return {
        id: topic.id,
        outline: topic.outline,
        content: topic.content,
        start_time: topic.start_time,
        end_time: topic.end_time,
        chunk_index: topic.chunk_index,
        final_score: topic.final_score,
        recommend_reason: topic.recommend_reason,
        generated_title: topic.generated_title,
        duration: render?.duration,
        video_file: file?.video_file,
        thumbnail_file: file?.thumbnail_file,
        ...(cutMode === "copy" && render ? { actual_start_time: render.range.start } : {}),
        render_check: render?.check,
      };
    });
    const collections: Collection[] = plans.map((plan) => ({
      id: plan.id,
      collection_title: plan.collection_title,
      collection_summary: plan.collection_summary,
      clip_ids: plan.clip_ids,
      collection_type: "ai_recommended",
      video_file: rendered.collections.find((entry) => entry.id === plan.id)?.video_file,
      duration: rendered.collections.find((entry) => entry.id === plan.id)?.duration,
    }));

    // The collections file is written last: its presence marks the step, and the run, as done.
    await writeJsonAtomic(paths.file("videoOutput"), rendered);
    await writeJsonAtomic(paths.file("clipsMetadata"), clips);
    await writeJsonAtomic(paths.file("collectionsMetadata"), collections);

    return { status: "done", summary: { clips: clips.length, collections: collections.length } };
  },
};
