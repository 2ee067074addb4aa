/**
 * Worker thread of {@link DerivePool}: derives and encodes projects with blocking reads, which
 * cost less CPU than the thread pool's and stop nothing else here. Not imported by other code.
 */
import { parentPort } from "node:worker_threads";
import type { DeriveJob, DeriveJobResult, WorkerOutcome } from "./derive-pool.ts";
import { BLOCKING_IO, deriveProject } from "./derive-project.ts";
import { encodeProject } from "./encoded-project.ts";

/** Derives every project of `job` and packs all encoded values into one transferable buffer. */
async function runJob(job: DeriveJob): Promise<DeriveJobResult> {
  const outcomes: WorkerOutcome[] = [];
  const parts: Uint8Array[] = [];
  let length = 0;
  const place = (bytes: Uint8Array): [offset: number, length: number] => {
    parts.push(bytes);
    length += bytes.length;
    return [length - bytes.length, bytes.length];
  };

  for (const projectId of job.projectIds) {
    try {
      const derived = await deriveProject(job.projectsDir, projectId, BLOCKING_IO);
      if (!derived) {
        outcomes.push({ projectId, state: "missing" });
        continue;
      }
      const encoded = encodeProject(derived);
      outcomes.push({
        projectId,
        state: "derived",
        record: encoded.record,
        summary: encoded.summary,
        recordBytes: place(encoded.recordBytes),
        recordsBytes: place(encoded.recordsBytes),
      });
    } catch (error) {
      const { message, code } = error as { message?: unknown; code?: unknown };
      outcomes.push({
        projectId,
        state: "failed",
        message: String(message ?? error),
        code: typeof code === "string" ? code : null,
      });
    }
  }

  // A buffer of its own, never a slice of a shared pool, because it is transferred.
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return { outcomes, bytes };
}

const port = parentPort;
if (!port) throw new Error("derive-worker.ts runs only as a worker thread of DerivePool.");

port.on("message", (job: DeriveJob) => {
  void runJob(job).then((result) => port.postMessage(result, [result.bytes.buffer as ArrayBuffer]));
});
