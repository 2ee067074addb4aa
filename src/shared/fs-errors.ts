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
