import { z } from "zod";

/** Pipeline steps in the order they run. */
export const STEP_NAMES = [
  "transcript",
  "outline",
  "timeline",
  "scoring",
  "titles",
  "collections",
  "video",
] as const;

export type StepName = (typeof STEP_NAMES)[number];

export const PROJECT_STATUSES = ["pending", "processing", "completed", "failed"] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export const stepStateSchema = z.object({
  status: z.enum(["pending", "running", "done", "failed"]),
  started_at: z.iso.datetime({ offset: true }).nullable().default(null),
  finished_at: z.iso.datetime({ offset: true }).nullable().default(null),
  /** Wall time of the step in seconds. */
  seconds: z.number().nonnegative().nullable().default(null),
  /** Free-form facts a step reports about its run, such as candidate counts. */
  summary: z.record(z.string(), z.unknown()).optional(),
});

export const pipelineErrorSchema = z.object({
  step: z.enum(STEP_NAMES),
  code: z.string(),
  message: z.string(),
  hint: z.string(),
  /** The message in Chinese, when the step wrote one. */
  message_zh: z.string().optional(),
  /** The hint in Chinese, when the step wrote one. */
  hint_zh: z.string().optional(),
  at: z.iso.datetime({ offset: true }),
});

/** `pipeline.json`: the processing state of one project. */
export const pipelineFileSchema = z.object({
  status: z.enum(PROJECT_STATUSES),
  current_step: z.enum(STEP_NAMES).nullable(),
  /** Overall progress, 0 to 100. */
  progress: z.number().min(0).max(100),
  message: z.string().default(""),
  steps: z.partialRecord(z.enum(STEP_NAMES), stepStateSchema).default({}),
  error: pipelineErrorSchema.nullable().default(null),
  updated_at: z.iso.datetime({ offset: true }),
  completed_at: z.iso.datetime({ offset: true }).nullable().default(null),
});

export type StepState = z.infer<typeof stepStateSchema>;
export type PipelineError = z.infer<typeof pipelineErrorSchema>;
export type PipelineFile = z.infer<typeof pipelineFileSchema>;
