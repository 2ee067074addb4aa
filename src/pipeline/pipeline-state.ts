import { type PipelineFile, pipelineFileSchema } from "../../schemas/pipeline.ts";
import { InvalidFileError, readJsonFile } from "../project/read-json.ts";
import { isNotFound } from "../shared/fs-errors.ts";

/**
 * Reads `pipeline.json`, or returns a fresh pending state when it is missing or broken, so a
 * damaged state file never stops a project from being run again.
 */
export async function readPipelineState(file: string): Promise<PipelineFile> {
  try {
    return await readJsonFile(file, pipelineFileSchema);
  } catch (error) {
    if (!isNotFound(error) && !(error instanceof InvalidFileError)) throw error;
    return pipelineFileSchema.parse({
      status: "pending",
      current_step: null,
      progress: 0,
      updated_at: new Date().toISOString(),
    });
  }
}
