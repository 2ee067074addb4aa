import type { Context } from "hono";
import { z } from "zod";
import type { Locale } from "../shared/locale.ts";

/** zod's own Chinese messages (zod 4 `z.locales.zhCN`); English is zod's default. */
const CHINESE_ERRORS = z.locales.zhCN().localeError;

/**
 * Validates the query string of `c` with `schema`, with zod's messages in `locale`. Raises a
 * ZodError, which the error boundary turns into a 400 naming each invalid field.
 */
export function parseQuery<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
  locale: Locale,
): z.output<Schema> {
  return schema.parse(c.req.query(), locale === "zh" ? { error: CHINESE_ERRORS } : undefined);
}
