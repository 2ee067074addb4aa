import { readFile } from "node:fs/promises";
import type { z } from "zod";

/** Raised when a project file is not valid JSON or does not match its schema. */
export class InvalidFileError extends Error {
  override name = "InvalidFileError";
  readonly code = "INVALID_FILE";

  constructor(
    readonly file: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file} is invalid: ${reason}. Fix or remove the file so it can be read again.`, options);
  }
}

/** Formats zod issues as `path: message` pairs separated by semicolons. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

/** Reads a JSON file and validates it; raises {@link InvalidFileError} on bad content. */
export async function readJsonFile<Schema extends z.ZodType>(
  file: string,
  schema: Schema,
): Promise<z.output<Schema>> {
  const text = await readFile(file, "utf8");

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidFileError(file, `not valid JSON (${(error as Error).message})`, { cause: error });
  }

  const result = schema.safeParse(value);
  if (!result.success)
    throw new InvalidFileError(file, describeIssues(result.error), { cause: result.error });
  return result.data;
}
