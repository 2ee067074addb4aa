import { lstat } from "node:fs/promises";

/** Tells whether `error` is a Node.js file-system error with the given code. */
export function hasErrorCode(error: unknown, ...codes: string[]): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    "code" in error &&
    typeof (error as { code: unknown }).code === "string" &&
    codes.includes((error as { code: string }).code)
  );
}

/** Tells whether `error` means the path does not exist. */
export function isNotFound(error: unknown): boolean {
  return hasErrorCode(error, "ENOENT", "ENOTDIR");
}

/**
 * Tells whether something exists at `file`, without following a symbolic link. Errors other
 * than "not found", such as a denied permission, are raised.
 */
export async function pathExists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
