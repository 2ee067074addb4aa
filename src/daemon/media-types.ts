import path from "node:path";

/** Video file extensions the inbox takes, lower case with the dot. */
export const VIDEO_EXTENSIONS = new Set([".mp4", ".mov", ".mkv", ".webm", ".avi", ".flv", ".ts", ".m4v"]);

/** Subtitle extensions that travel with a video of the same base name, in order of preference. */
export const SUBTITLE_EXTENSIONS = [".srt", ".vtt", ".ass", ".ssa", ".sbv", ".sub"] as const;

/** Sidecar files that wait in the inbox for their video instead of being rejected. */
const SIDECAR_EXTENSIONS = new Set<string>([...SUBTITLE_EXTENSIONS, ".json"]);

/** Suffixes of files still being written by a browser, a downloader or a copy tool. */
const TEMPORARY_SUFFIXES = [".part", ".crdownload", ".tmp", ".partial", ".download", ".!qb"];

/** Kinds of file that can appear in the inbox. */
export type InboxFileKind = "video" | "sidecar" | "temporary" | "other";

/** Classifies an inbox file by its name. */
export function classifyInboxFile(file: string): InboxFileKind {
  const name = path.basename(file);
  const lower = name.toLowerCase();

  if (name.startsWith(".") || TEMPORARY_SUFFIXES.some((suffix) => lower.endsWith(suffix))) return "temporary";
  if (lower.endsWith(".error.json")) return "temporary";

  const extension = path.extname(lower);
  if (VIDEO_EXTENSIONS.has(extension)) return "video";
  if (SIDECAR_EXTENSIONS.has(extension)) return "sidecar";
  return "other";
}

/**
 * Returns the base name of a video file name, also of one still being downloaded under a
 * temporary suffix (`talk.mp4.part` gives `talk`), or null for any other name.
 */
export function videoBaseName(name: string): string | null {
  const lower = name.toLowerCase();
  const suffix = TEMPORARY_SUFFIXES.find((candidate) => lower.endsWith(candidate));
  const finished = suffix ? name.slice(0, name.length - suffix.length) : name;
  const extension = path.extname(finished);

  if (!VIDEO_EXTENSIONS.has(extension.toLowerCase())) return null;
  return path.basename(finished, extension);
}
