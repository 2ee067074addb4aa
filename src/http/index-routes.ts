import { Hono } from "hono";
import type { ProjectIndex } from "../index/project-index.ts";
import { verifyIndex } from "../index/verify-index.ts";
import { hasErrorCode } from "../shared/fs-errors.ts";
import type { AppEnv } from "./app-env.ts";
import { HttpError } from "./errors.ts";
import { registerRoute } from "./openapi.ts";

registerRoute({
  method: "get",
  path: "/api/v1/index/verify",
  summary:
    "Derive every project from the files without writing, and list each value the index stores differently",
});

/** Builds the routes under `/api/v1/index`. */
export function indexRoutes(index: ProjectIndex): Hono<AppEnv> {
  const routes = new Hono<AppEnv>({ strict: false });

  /**
   * Derives every project from the files without writing and lists each value the index
   * stores differently; `ok` is true when there is none.
   */
  routes.get("/verify", async (c) => {
    const result = await verifyIndex({ index }).catch((error: unknown) => {
      if (hasErrorCode(error, "ENOENT", "ENOTDIR", "EACCES", "EPERM")) {
        throw new HttpError(503, "PROJECTS_FOLDER_UNAVAILABLE", undefined, { cause: error });
      }
      throw error;
    });

    return c.json({ ok: result.differences.length === 0, ...result });
  });

  return routes;
}
