import type { z } from "zod";
import { clipsMetadataSchema } from "./clips-metadata.ts";
import { collectionsMetadataSchema } from "./collections-metadata.ts";
import { editsFileSchema } from "./edits.ts";
import { pipelineFileSchema } from "./pipeline.ts";
import { projectFileSchema } from "./project.ts";
import {
  allScoredFileSchema,
  collectionsPlanFileSchema,
  highScoreFileSchema,
  outlineFileSchema,
  timelineFileSchema,
  titlesFileSchema,
  transcriptFileSchema,
  videoOutputFileSchema,
} from "./step-files.ts";

/** Every project file with a schema: the JSON Schema file name and the file it describes. */
export const jsonSchemaTargets: { name: string; file: string; schema: z.ZodType }[] = [
  { name: "project", file: "project.json", schema: projectFileSchema },
  { name: "pipeline", file: "pipeline.json", schema: pipelineFileSchema },
  { name: "edits", file: "edits.json", schema: editsFileSchema },
  { name: "clips-metadata", file: "metadata/clips_metadata.json", schema: clipsMetadataSchema },
  {
    name: "collections-metadata",
    file: "metadata/collections_metadata.json",
    schema: collectionsMetadataSchema,
  },
  { name: "step0-transcript", file: "metadata/step0_transcript.json", schema: transcriptFileSchema },
  { name: "step1-outline", file: "metadata/step1_outline.json", schema: outlineFileSchema },
  { name: "step2-timeline", file: "metadata/step2_timeline.json", schema: timelineFileSchema },
  { name: "step3-all-scored", file: "metadata/step3_all_scored.json", schema: allScoredFileSchema },
  {
    name: "step3-high-score-clips",
    file: "metadata/step3_high_score_clips.json",
    schema: highScoreFileSchema,
  },
  { name: "step4-titles", file: "metadata/step4_titles.json", schema: titlesFileSchema },
  { name: "step5-collections", file: "metadata/step5_collections.json", schema: collectionsPlanFileSchema },
  { name: "step6-video-output", file: "output/step6_video_output.json", schema: videoOutputFileSchema },
];
