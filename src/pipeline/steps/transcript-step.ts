import { readFile } from "node:fs/promises";
import path from "node:path";
import type { TranscriptFile } from "../../../schemas/step-files.ts";
import { writeJsonAtomic } from "../../project/atomic-write.ts";
import type { PipelineStep, StepOutcome } from "../step-types.ts";
import { detectLanguage, parseSubtitle, SubtitleParseError } from "../subtitles/index.ts";

/** Share of cues that may start after the video's end before the transcript is rejected. */
const MAX_OVERRUN_SHARE = 0.2;

function failed(code: string, message: string, hint: string): StepOutcome {
  return { status: "failed", code, message, hint };
}

/** Parses the project's subtitle file into `step0_transcript.json`. */
export const transcriptStep: PipelineStep = {
  name: "transcript",
  output: "transcript",
  weight: 3,

  async run(context) {
    const { project, paths, logger } = context;

    if (!project.subtitle_file) {
      return failed(
        "SUBTITLE_MISSING",
        `The video ${project.source_file} came without a subtitle file, and speech recognition is not available yet.`,
        "Put a .srt or .vtt file with the same base name as the video into the inbox together with the video, then drop the video again.",
      );
    }

    const file = path.join(paths.input, project.subtitle_file);
    let parsed: ReturnType<typeof parseSubtitle>;
    try {
      parsed = parseSubtitle(await readFile(file), project.subtitle_file);
    } catch (error) {
      if (error instanceof SubtitleParseError) {
        return failed(
          error.code,
          error.message,
          "Check that the subtitle file is a complete SRT or WebVTT file.",
        );
      }
      throw error;
    }

    for (const warning of parsed.warnings)
      logger.warn({ file: project.subtitle_file, warning }, "subtitle warning");

    const duration = project.video?.duration ?? Number.POSITIVE_INFINITY;
    const inside = parsed.cues.filter((cue) => cue.start < duration - 0.05);
    const overrun = parsed.cues.length - inside.length;
    if (inside.length === 0 || overrun / parsed.cues.length > MAX_OVERRUN_SHARE) {
      const last = parsed.cues.at(-1)?.end ?? 0;
      return failed(
        "SUBTITLE_PAST_VIDEO_END",
        `The subtitles run to ${last.toFixed(1)} s but the video is only ${duration.toFixed(1)} s long; ${overrun} of ${parsed.cues.length} cues start after the video ends.`,
        "Check that the subtitle file belongs to this video (same base name) and has the right timing.",
      );
    }

    const cues = inside.map((cue) => (cue.end > duration ? { ...cue, end: duration } : cue));
    if (overrun > 0)
      logger.warn({ dropped: overrun, duration }, "dropped cues that start after the video ends");

    const transcript: TranscriptFile = {
      source: project.subtitle_file,
      format: parsed.format,
      language: detectLanguage(cues),
      cues,
    };
    await writeJsonAtomic(paths.file("transcript"), transcript);

    return {
      status: "done",
      summary: {
        cues: cues.length,
        format: parsed.format,
        encoding: parsed.encoding,
        language: transcript.language,
      },
    };
  },
};
