import type { ProjectIndex } from "../index/project-index.ts";
import type { FfmpegBinaries } from "../pipeline/ffmpeg.ts";
import type { DataLayout } from "../project/layout.ts";
import type { Logger } from "../shared/logger.ts";

/** Queue of pipeline runs, such as the daemon's JobQueue. */
export interface JobScheduler {
  /** Queues a project for processing. A project already queued or running is left as it is. */
  enqueue(projectId: string): void;
}

/** Dependencies of the project, clip, collection and upload routes. */
export interface RouteDependencies {
  index: ProjectIndex;
  /** Folders of the data folder: `projects/`, `inbox/` and `trash/`. */
  layout: DataLayout;
  /** Absent in apps without a pipeline: the process and retry routes then return 503. */
  jobs: JobScheduler | undefined;
  /** ffmpeg and ffprobe for collection videos. Without them the generate route returns 501. */
  binaries: FfmpegBinaries | undefined;
  /** Maximum bytes of one upload request. */
  maxUploadBytes: number;
  logger: Logger;
}
