import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Hono } from "hono";
import { z } from "zod";
import type { DataLayout } from "../project/layout.ts";
import { isNotFound } from "../shared/fs-errors.ts";
import type { Logger } from "../shared/logger.ts";
import type { AppEnv } from "./app-env.ts";
import { registerRoute } from "./openapi.ts";

/** Suffix of the record that the ingest writes beside each rejected file. */
const ERROR_FILE_SUFFIX = ".error.json";

/** Newest records returned by one request; older ones stay in the folder. */
const MAX_ITEMS = 500;

/** The fields of a `NAME.error.json` record that the route returns. */
const rejectionSchema = z.object({
  file: z.string(),
  files: z.array(z.string()).default([]),
  code: z.string(),
  message: z.string(),
  hint: z.string(),
  message_zh: z.string().default(""),
  hint_zh: z.string().default(""),
  rejected_at: z.string().default(""),
});

type Rejection = z.infer<typeof rejectionSchema>;

registerRoute({
  method: "get",
  path: "/api/v1/inbox/rejected",
  summary: "Files moved to inbox/rejected/, newest first, each with its code, reason and hint",
});

/** Reads every `*.error.json` of the rejected folder; a record that cannot be read is skipped and logged. */
async function readRejections(folder: string, logger: Logger): Promise<Rejection[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }

  const records: Rejection[] = [];
  for (const name of names.filter((entry) => entry.endsWith(ERROR_FILE_SUFFIX) && !entry.startsWith("."))) {
    try {
      const text = await readFile(path.join(folder, name), "utf8");
      records.push(rejectionSchema.parse(JSON.parse(text)));
    } catch (error) {
      if (isNotFound(error)) continue;
      logger.warn({ err: error, file: name }, "skipping an unreadable rejection record");
    }
  }
  return records.sort((a, b) => b.rejected_at.localeCompare(a.rejected_at));
}

/**
 * Builds `GET /api/v1/inbox/rejected`: the rejection records in `inbox/rejected/`, with the
 * message and hint in the request's language as `detail` and `detail_hint`.
 */
export function rejectedRoutes(layout: DataLayout, logger: Logger): Hono<AppEnv> {
  const routes = new Hono<AppEnv>({ strict: false });

  routes.get("/", async (c) => {
    const chinese = c.get("locale") === "zh";
    const records = await readRejections(layout.rejected, logger);
    const items = records.slice(0, MAX_ITEMS).map((record) => ({
      ...record,
      detail: chinese && record.message_zh ? record.message_zh : record.message,
      detail_hint: chinese && record.hint_zh ? record.hint_zh : record.hint,
    }));

    return c.json({ items, total: records.length });
  });
  return routes;
}
