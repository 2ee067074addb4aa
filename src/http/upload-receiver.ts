import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import busboy from "busboy";

/** Form fields that carry files. Any other file field is read and discarded. */
export const UPLOAD_FILE_FIELDS = ["video_file", "srt_file"] as const;

export type UploadFileField = (typeof UPLOAD_FILE_FIELDS)[number];

/** One received file, still under its temporary name. */
export interface ReceivedFile {
  /** Temporary path in the target folder: a dot name ending in `.part`, which the inbox ignores. */
  temp: string;
  /** File name the client sent. */
  filename: string;
  bytes: number;
}

/** A parsed upload: its files under temporary names and its text fields. */
export interface ReceivedUpload {
  id: string;
  files: Partial<Record<UploadFileField, ReceivedFile>>;
  fields: Record<string, string>;
}

/** Raised when the request body grows past the size limit. */
export class UploadTooLargeError extends Error {
  override name = "UploadTooLargeError";
  readonly code = "UPLOAD_TOO_LARGE";

  constructor(readonly maxBytes: number) {
    super(`The upload is larger than ${maxBytes} bytes.`);
  }
}

/** Raised when the body is not valid multipart form data. */
export class MalformedUploadError extends Error {
  override name = "MalformedUploadError";
  readonly code = "MALFORMED_UPLOAD";
}

function isUploadFileField(name: string): name is UploadFileField {
  return (UPLOAD_FILE_FIELDS as readonly string[]).includes(name);
}

/**
 * Streams a `multipart/form-data` body to temporary files in `folder` with busboy, never
 * holding a file in memory. Raises UploadTooLargeError once more than `maxBytes` of file data
 * arrive, and MalformedUploadError for a broken body. Temporary files are removed on every
 * error; on success the caller owns them.
 */
export async function receiveUpload(
  body: WebReadableStream<Uint8Array>,
  contentType: string,
  folder: string,
  maxBytes: number,
): Promise<ReceivedUpload> {
  const upload: ReceivedUpload = { id: randomUUID(), files: {}, fields: {} };
  const temps: string[] = [];
  const source = Readable.fromWeb(body);
  const writes: Promise<void>[] = [];
  const fileStreams: Readable[] = [];
  let total = 0;
  let failed = false;

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      limits: { fileSize: maxBytes, files: 4, fields: 20, fieldSize: 64 * 1024, parts: 30 },
    });
  } catch (error) {
    throw new MalformedUploadError((error as Error).message, { cause: error });
  }

  const parsed = new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      if (failed) return;
      failed = true;
      source.unpipe(parser);
      source.destroy();
      for (const stream of fileStreams) stream.destroy(error);
      reject(error);
    };

    parser.on("file", (field, stream, info) => {
      if (failed || !isUploadFileField(field) || upload.files[field]) {
        stream.resume();
        return;
      }

      const temp = path.join(folder, `.upload-${upload.id}-${field}.part`);
      const file: ReceivedFile = { temp, filename: info.filename ?? "", bytes: 0 };
      temps.push(temp);
      fileStreams.push(stream);
      upload.files[field] = file;
      stream.on("data", (chunk: Buffer) => {
        file.bytes += chunk.length;
        total += chunk.length;
        if (total > maxBytes) fail(new UploadTooLargeError(maxBytes));
      });
      stream.on("limit", () => fail(new UploadTooLargeError(maxBytes)));
      const write = pipeline(stream, createWriteStream(temp, { flags: "wx" }));
      write.catch(() => undefined);
      writes.push(write);
    });
    parser.on("field", (name, value) => {
      upload.fields[name] = value;
    });
    parser.on("error", (error: Error) => fail(new MalformedUploadError(error.message, { cause: error })));
    parser.on("close", resolve);
    source.on("error", (error) => fail(error));
    source.pipe(parser);
  });

  try {
    await parsed;
    await Promise.all(writes);
    return upload;
  } catch (error) {
    await Promise.allSettled(writes);
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    throw error;
  }
}
