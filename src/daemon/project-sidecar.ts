import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { VIDEO_CATEGORIES } from "../../schemas/project.ts";
import { describeIssues } from "../project/read-json.ts";
import { hasErrorCode, isNotFound } from "../shared/fs-errors.ts";

/** `NAME.json` beside a dropped video: the project's name and category, as the upload route writes it. */
export const projectSidecarSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  video_category: z.enum(VIDEO_CATEGORIES).optional(),
  description: z.string().max(2000).optional(),
});

export type ProjectSidecar = z.infer<typeof projectSidecarSchema>;

/** A sidecar found beside a video: its path and what it set, or why it was not used. */
export type SidecarResult =
  | { file: null }
  | { file: string; values: ProjectSidecar }
  | { file: string; invalid: string };

/** Reads `NAME.json` beside `videoPath`, if there is one. */
export async function readProjectSidecar(videoPath: string): Promise<SidecarResult> {
  const file = path.join(
    path.dirname(videoPath),
    `${path.basename(videoPath, path.extname(videoPath))}.json`,
  );

  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    // A video name of 252 bytes or more leaves no room for `.json`, so no such file can exist.
    if (isNotFound(error) || hasErrorCode(error, "ENAMETOOLONG")) return { file: null };
    throw error;
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { file, invalid: `not valid JSON (${(error as Error).message})` };
  }

  const result = projectSidecarSchema.safeParse(value);
  if (!result.success) return { file, invalid: describeIssues(result.error) };
  return { file, values: result.data };
}
