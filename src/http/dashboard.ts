import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { contentTypeOf } from "./send-file.ts";

/** Options of `dashboardMiddleware`. */
export interface DashboardOptions {
  /** Folder of the dashboard's files. @default the `dashboard/` folder of this repository */
  dir?: string;
  /** Whether `/` serves the dashboard's page too, which is turned off when another frontend owns `/`. @default true */
  atRoot?: boolean;
}

interface Asset {
  body: Uint8Array<ArrayBuffer>;
  contentType: string;
  etag: string;
}

/** URL prefix of the dashboard's files. The page at `/` is the same `index.html` and links here. */
export const DASHBOARD_PREFIX = "/dashboard/";
export const DEFAULT_DASHBOARD_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "dashboard",
);
const SERVED_EXTENSIONS = new Set([".html", ".js", ".css", ".svg", ".png", ".ico"]);

/** Lists the files under `dir` with a served extension, as `/`-separated paths relative to it. */
function listFiles(dir: string, prefix = ""): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;

    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) names.push(...listFiles(dir, relative));
    else if (entry.isFile() && SERVED_EXTENSIONS.has(path.extname(entry.name))) names.push(relative);
  }
  return names;
}

/** Reads every dashboard file into memory, keyed by its relative path. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of listFiles(dir)) {
    const body = new Uint8Array(readFileSync(path.join(dir, name)));
    const etag = `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"`;
    assets.set(name, { body, contentType: contentTypeOf(name), etag });
  }
  return assets;
}

function respond(asset: Asset, ifNoneMatch: string | undefined, method: string): Response {
  const headers = new Headers({
    "Content-Type": asset.contentType,
    ETag: asset.etag,
    // The names carry no content hash, so the browser revalidates each file, and gets a 304
    // while the file is unchanged.
    "Cache-Control": "no-cache",
    "X-Content-Type-Options": "nosniff",
  });
  if (asset.contentType.startsWith("text/html")) {
    headers.set(
      "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data:; media-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    );
    headers.set("Referrer-Policy", "no-referrer");
  }

  const matches = ifNoneMatch?.split(",").some((tag) => tag.trim().replace(/^W\//, "") === asset.etag);
  if (matches) return new Response(null, { status: 304, headers });

  headers.set("Content-Length", String(asset.body.byteLength));
  return new Response(method === "HEAD" ? null : asset.body, { status: 200, headers });
}

/**
 * Builds middleware that serves the built-in dashboard: its files under `/dashboard/`, and its
 * page at `/` when `atRoot` is set. The files are read once at start-up, and a request is
 * served only when its path names one of them exactly, so no request path ever reaches the
 * filesystem and `..` or encoded separators cannot leave the folder.
 */
export function dashboardMiddleware(options: DashboardOptions = {}): MiddlewareHandler<AppEnv> {
  const assets = loadAssets(options.dir ?? DEFAULT_DASHBOARD_DIR);
  const page = assets.get("index.html");
  if (!page)
    throw new Error(
      `The dashboard folder ${options.dir ?? DEFAULT_DASHBOARD_DIR} has no index.html. Restore it from the repository.`,
    );
  const atRoot = options.atRoot ?? true;

  return async (c, next) => {
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD") return next();

    // The raw path, because the app's non-strict routing drops a trailing slash from c.req.path.
    // No dashboard file name needs percent-encoding, so an encoded path matches no file.
    const requestPath = new URL(c.req.url).pathname;
    if (requestPath === "/dashboard") return c.redirect(DASHBOARD_PREFIX, 301);
    if (atRoot && (requestPath === "/" || requestPath === "/index.html")) {
      return respond(page, c.req.header("if-none-match"), method);
    }
    if (!requestPath.startsWith(DASHBOARD_PREFIX)) return next();

    const name = requestPath.slice(DASHBOARD_PREFIX.length) || "index.html";
    const asset = assets.get(name);
    if (!asset) return next();

    return respond(asset, c.req.header("if-none-match"), method);
  };
}
