import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { Hono } from "hono";
import { z } from "zod";
import { VIDEO_CATEGORIES } from "../../schemas/project.ts";
import { SUBTITLE_EXTENSIONS, VIDEO_EXTENSIONS } from "../daemon/media-types.ts";
import { checkVideo } from "../daemon/video-check.ts";
import { writeJsonAtomic } from "../project/atomic-write.ts";
import { safeFileTitle } from "../project/safe-name.ts";
import { pathExists } from "../shared/fs-errors.ts";
import type { AppEnv } from "./app-env.ts";
import { DEFAULT_VIDEO_CATEGORY } from "./category-routes.ts";
import { HttpError } from "./errors.ts";
import { registerRoute } from "./openapi.ts";
import { formatBytes } from "./project-edits.ts";
import type { RouteDependencies } from "./route-dependencies.ts";
import {
  MalformedUploadError,
  type ReceivedUpload,
  receiveUpload,
  UploadTooLargeError,
} from "./upload-receiver.ts";

/** Default of the app option `maxUploadBytes`: 4 GiB. */
export const DEFAULT_MAX_UPLOAD_BYTES = 4 * 1024 ** 3;

/** zod's own Chinese messages (zod 4 `z.locales.zhCN`); English is zod's default. */
const CHINESE_ERRORS = z.locales.zhCN().localeError;

function hasExtension(allowed: Iterable<string>) {
  const extensions = [...allowed];
  return z.object({
    filename: z.string().refine((name) => extensions.includes(path.extname(name).toLowerCase()), {
      message: `expected a file name ending in one of ${extensions.join(" ")}`,
    }),
  });
}

/** The upload as validated: which files came, and the text fields. */
const uploadSchema = z.object({
  video_file: hasExtension(VIDEO_EXTENSIONS),
  srt_file: hasExtension(SUBTITLE_EXTENSIONS).optional(),
  project_name: z.string().trim().min(1).max(200).optional(),
  video_category: z.enum(VIDEO_CATEGORIES).optional(),
});

registerRoute({
  method: "post",
  path: "/api/v1/projects/upload",
  summary: "Upload a video, with an optional subtitle file, into the inbox",
  status: 202,
});

/**
 * Picks a base name in `inbox` for which no video, subtitle or sidecar exists yet, so the
 * upload is never paired with another file: `talk`, then `talk-2`, `talk-3`…
 */
async function freeBaseName(inbox: string, base: string, reserved: Set<string>): Promise<string> {
  const extensions = [...VIDEO_EXTENSIONS, ...SUBTITLE_EXTENSIONS, ".json"];

  for (let attempt = 1; ; attempt += 1) {
    const candidate = attempt === 1 ? base : `${base}-${attempt}`;
    if (reserved.has(candidate)) continue;

    const occupied = await Promise.all(
      extensions.map((extension) => pathExists(path.join(inbox, candidate + extension))),
    );
    if (!occupied.some(Boolean)) return candidate;
  }
}

/** Returns the base name of a client's file name, without folders and safe as a file name. */
function baseNameOf(filename: string): string {
  const name = filename.split(/[\\/]/).pop() ?? "";

  return safeFileTitle(path.basename(name, path.extname(name)));
}

/**
 * Builds `POST /api/v1/projects/upload`. The multipart body is streamed to hidden temporary
 * files in `inbox/`, which the inbox ignores. When the app has ffprobe, the video is probed
 * there with the ingest's check, and a video that ingest would reject gets a 422 and is
 * deleted. A usable upload is renamed into place: the subtitle first, the sidecar `NAME.json`
 * with the project name and category next, the video last. The inbox then ingests it like a
 * copied file, so the response is a 202 before the project exists.
 */
export function uploadRoutes(dependencies: RouteDependencies): Hono<AppEnv> {
  const { layout, logger, maxUploadBytes, binaries } = dependencies;
  const routes = new Hono<AppEnv>({ strict: false });
  // Base names chosen by uploads still being renamed into the inbox by this process.
  // NOTE: another daemon sharing the inbox can still pick the same free name at the same moment.
  const reserved = new Set<string>();

  routes.post("/upload", async (c) => {
    const contentType = c.req.header("content-type") ?? "";
    const length = Number(c.req.header("content-length") ?? Number.NaN);
    const body = c.req.raw.body;
    if (!contentType.toLowerCase().startsWith("multipart/form-data") || !body) {
      throw new HttpError(400, "INVALID_REQUEST", { fields: "(body): expected multipart/form-data" });
    }
    if (length > maxUploadBytes) {
      c.header("Connection", "close");
      throw new HttpError(413, "UPLOAD_TOO_LARGE", { limit: formatBytes(maxUploadBytes) });
    }

    await mkdir(layout.inbox, { recursive: true });
    let upload: ReceivedUpload;
    try {
      upload = await receiveUpload(
        body as WebReadableStream<Uint8Array>,
        contentType,
        layout.inbox,
        maxUploadBytes,
      );
    } catch (error) {
      if (error instanceof UploadTooLargeError) {
        c.header("Connection", "close");
        throw new HttpError(
          413,
          "UPLOAD_TOO_LARGE",
          { limit: formatBytes(maxUploadBytes) },
          { cause: error },
        );
      }
      if (error instanceof MalformedUploadError) {
        throw new HttpError(400, "INVALID_REQUEST", { fields: `(body): ${error.message}` }, { cause: error });
      }
      throw error;
    }

    const temps = Object.values(upload.files).map((file) => file.temp);
    let base: string | undefined;
    try {
      const parsed = uploadSchema.parse(
        { ...upload.fields, ...upload.files },
        c.get("locale") === "zh" ? { error: CHINESE_ERRORS } : undefined,
      );
      const video = upload.files.video_file;
      if (!video) throw new Error("video_file passed validation but was not received");

      // The staged video gets the ingest's own check, so a file that ingest would reject is
      // rejected here, while the client still waits for the response.
      if (binaries) {
        const check = await checkVideo(video.temp, binaries, path.basename(parsed.video_file.filename));
        if (check.kind === "unusable") {
          logger.info(
            { uploadId: upload.id, code: check.reason.code, reason: check.reason.message },
            "upload refused: not a usable video",
          );
          throw new HttpError(422, "UPLOAD_NOT_A_VIDEO", { reason: check.reason });
        }
      }

      base = await freeBaseName(layout.inbox, baseNameOf(parsed.video_file.filename), reserved);
      reserved.add(base);
      const videoName = base + path.extname(video.filename).toLowerCase();
      const subtitle = upload.files.srt_file;
      const subtitleName = subtitle ? base + path.extname(subtitle.filename).toLowerCase() : null;
      const sidecar = {
        name: parsed.project_name ?? path.basename(video.filename, path.extname(video.filename)),
        video_category: parsed.video_category ?? DEFAULT_VIDEO_CATEGORY,
      };

      if (subtitle && subtitleName) await rename(subtitle.temp, path.join(layout.inbox, subtitleName));
      await writeJsonAtomic(path.join(layout.inbox, `${base}.json`), sidecar);
      await rename(video.temp, path.join(layout.inbox, videoName));
      logger.info(
        { uploadId: upload.id, file: videoName, subtitle: subtitleName, bytes: video.bytes },
        "upload placed in the inbox",
      );

      return c.json(
        {
          upload_id: upload.id,
          file: videoName,
          subtitle_file: subtitleName,
          name: sidecar.name,
          video_category: sidecar.video_category,
          status: "queued",
        },
        202,
      );
    } finally {
      if (base !== undefined) reserved.delete(base);
      await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    }
  });

  return routes;
}
