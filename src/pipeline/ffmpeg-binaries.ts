import { accessSync, constants } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** Paths of the ffmpeg and ffprobe executables that the ffmpeg module runs. */
export interface FfmpegBinaries {
  readonly ffmpeg: string;
  readonly ffprobe: string;
}

/** Executable paths that replace the installer packages' binaries, usually from the config. */
export interface FfmpegBinaryOverrides {
  ffmpeg?: string | undefined;
  ffprobe?: string | undefined;
}

type BinaryName = keyof FfmpegBinaries;

/** Raised when an ffmpeg or ffprobe executable cannot be found or run. */
export class FfmpegBinaryNotFoundError extends Error {
  override name = "FfmpegBinaryNotFoundError";
  readonly code = "FFMPEG_NOT_FOUND";

  constructor(
    readonly binary: BinaryName,
    readonly binaryPath: string | null,
    options?: { cause?: unknown },
  ) {
    const found =
      binaryPath === null ? "its installer package found none" : `${binaryPath} is not executable`;
    super(
      `Expected an executable ${binary} binary, but ${found}. ` +
        `Set the ${binary} path in the config or reinstall @${binary}-installer/${binary}.`,
      options,
    );
  }
}

const INSTALLER_PACKAGES: Record<BinaryName, string> = {
  ffmpeg: "@ffmpeg-installer/ffmpeg",
  ffprobe: "@ffprobe-installer/ffprobe",
};

const require = createRequire(import.meta.url);

/** Loads the path that an installer package exports. The packages are CommonJS and throw a string on unsupported platforms. */
function loadInstallerPath(binary: BinaryName): string {
  try {
    const installer = require(INSTALLER_PACKAGES[binary]) as { path?: unknown };
    if (typeof installer.path === "string" && installer.path !== "") return installer.path;
  } catch (error) {
    throw new FfmpegBinaryNotFoundError(binary, null, { cause: error });
  }

  throw new FfmpegBinaryNotFoundError(binary, null);
}

/** Checks that `binaryPath` can be executed. A bare command name is left for the PATH lookup at spawn time. */
function assertExecutable(binary: BinaryName, binaryPath: string): void {
  if (!binaryPath.includes(path.sep)) return;

  try {
    accessSync(binaryPath, constants.X_OK);
  } catch (error) {
    throw new FfmpegBinaryNotFoundError(binary, binaryPath, { cause: error });
  }
}

/**
 * Resolves the ffmpeg and ffprobe executables: each override when given, otherwise the binary
 * shipped by `@ffmpeg-installer/ffmpeg` or `@ffprobe-installer/ffprobe`. Environment variables
 * are not read here, because the config layer owns them.
 * Raises {@link FfmpegBinaryNotFoundError} when a path with a folder is not executable.
 */
export function resolveFfmpegBinaries(overrides: FfmpegBinaryOverrides = {}): FfmpegBinaries {
  const ffmpeg = overrides.ffmpeg || loadInstallerPath("ffmpeg");
  const ffprobe = overrides.ffprobe || loadInstallerPath("ffprobe");

  assertExecutable("ffmpeg", ffmpeg);
  assertExecutable("ffprobe", ffprobe);

  return Object.freeze({ ffmpeg, ffprobe });
}
