import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { isNotFound } from "../shared/fs-errors.ts";
import type { Logger } from "../shared/logger.ts";

/** Entries stored as `<folder>/<key>.json` and validated with a zod schema when read. */
export interface JsonFileCache<Entry> {
  read(key: string): Promise<Entry | null>;
  write(key: string, entry: Entry): Promise<void>;
}

/**
 * Opens a cache of JSON files in `folder`. An entry that cannot be read or parsed counts as
 * missing and is logged with `unreadableMessage`, so a damaged file costs one more request and
 * is then overwritten.
 */
export function openJsonFileCache<Schema extends z.ZodType>(
  folder: string,
  schema: Schema,
  logger: Logger,
  unreadableMessage: string,
): JsonFileCache<z.output<Schema>> {
  const fileOf = (key: string) => path.join(folder, `${key}.json`);

  return {
    async read(key) {
      let text: string;
      try {
        text = await readFile(fileOf(key), "utf8");
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }

      try {
        return schema.parse(JSON.parse(text));
      } catch (error) {
        logger.warn({ err: error, file: fileOf(key) }, unreadableMessage);
        return null;
      }
    },

    async write(key, entry) {
      await mkdir(folder, { recursive: true });
      await writeJsonAtomic(fileOf(key), entry);
    },
  };
}
