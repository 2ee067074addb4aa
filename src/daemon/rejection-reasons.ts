import path from "node:path";

/** Reason a dropped file could not be ingested, in both languages. */
export interface RejectionReason {
  code: string;
  message: string;
  hint: string;
  message_zh: string;
  hint_zh: string;
}

/**
 * Chinese wording of the probe details that ingest raises itself and of ffprobe's most common
 * messages. Other details stay in English.
 */
const PROBE_DETAILS_ZH: ReadonlyArray<readonly [RegExp, (match: RegExpMatchArray) => string]> = [
  [/^the file is empty \(0 bytes\)$/, () => "文件是空的（0 字节）"],
  [/^it is not a regular file$/, () => "它不是普通文件"],
  [/^the file does not exist$/, () => "文件不存在"],
  [/^ffprobe found plain text \(format tty\)$/, () => "ffprobe 识别为纯文本（格式 tty）"],
  [/^no video or audio stream in format (.+)$/, (match) => `格式 ${match[1]} 中没有视频流或音频流`],
  [/^ffprobe reported no duration$/, () => "ffprobe 没有给出时长"],
  [/^it has no video stream$/, () => "没有视频流"],
  [
    /Invalid data found when processing input/,
    () => "ffprobe 无法识别文件内容（Invalid data found when processing input）",
  ],
  [/moov atom not found/, () => "找不到 MP4 的 moov 索引，文件可能不完整（moov atom not found）"],
];

function probeDetailZh(detail: string): string {
  for (const [pattern, word] of PROBE_DETAILS_ZH) {
    const match = detail.match(pattern);
    if (match) return word(match);
  }
  return detail;
}

/** Builds the reason for a file that ffprobe cannot read as media. */
export function unreadableMedia(name: string, detail: string): RejectionReason {
  return {
    code: "MEDIA_UNREADABLE",
    message: `${name} could not be read as a video: ${detail}`,
    hint: "Check that the file is a complete video (not cut off during copying or download) and drop it again.",
    message_zh: `无法将 ${name} 读取为视频：${probeDetailZh(detail)}`,
    hint_zh: "请确认文件是完整的视频（复制或下载没有中断），然后重新放入。",
  };
}

/** Builds the reason for a media file without a video stream. */
export function videoStreamMissing(name: string): RejectionReason {
  return {
    code: "VIDEO_STREAM_MISSING",
    message: `${name} has no video stream (it looks like an audio-only file).`,
    hint: "Drop a video file; audio-only files cannot be cut into video clips.",
    message_zh: `${name} 不含视频流（看起来是纯音频文件）。`,
    hint_zh: "请放入视频文件；纯音频文件无法生成视频切片。",
  };
}

/** Builds the reason for a file type the inbox does not take. */
export function unsupportedFile(name: string, extensions: string): RejectionReason {
  return {
    code: "UNSUPPORTED_FILE_TYPE",
    message: `${name} is not a supported video file.`,
    hint: `Drop videos with one of these extensions: ${extensions}.`,
    message_zh: `${name} 不是支持的视频文件。`,
    hint_zh: `请放入以下扩展名的视频：${extensions}。`,
  };
}

/** Builds the reason for a symbolic link, which the inbox does not follow. */
export function symlinkRejected(name: string): RejectionReason {
  return {
    code: "SYMLINK_NOT_ALLOWED",
    message: `${name} is a symbolic link; the inbox only takes regular files.`,
    hint: "Copy or move the video itself into the inbox instead of linking to it.",
    message_zh: `${name} 是符号链接；收件箱只接受普通文件。`,
    hint_zh: "请把视频文件本身复制或移动到收件箱，而不是创建链接。",
  };
}

/** Builds the reason for a failure while building the project folder. */
export function ingestFailed(name: string, detail: string): RejectionReason {
  return {
    code: "INGEST_FAILED",
    message: `${name} could not be turned into a project: ${detail}`,
    hint: "Check free disk space and permissions of the data folder, then drop the file again.",
    message_zh: `无法为 ${name} 创建项目：${detail}`,
    hint_zh: "请检查数据文件夹的磁盘空间和权限，然后重新放入文件。",
  };
}

/** Builds the reason for a subtitle or project `.json` file whose video did not arrive in time. */
export function videoMissingForSidecar(name: string, waitedSeconds: number): RejectionReason {
  const base = path.basename(name, path.extname(name));
  return {
    code: "VIDEO_MISSING_FOR_SIDECAR",
    message: `${name} waited ${waitedSeconds} s in the inbox for a video named ${base}.* that never arrived.`,
    hint: `Drop the video with the same base name (for example ${base}.mp4) together with ${name}, or rename one of them so the names match.`,
    message_zh: `${name} 在收件箱中等待同名视频 ${base}.* 已 ${waitedSeconds} 秒，视频一直没有出现。`,
    hint_zh: `请把同名视频（例如 ${base}.mp4）与 ${name} 一起放入，或重命名其中之一使名称一致。`,
  };
}

/** Builds the reason for a folder dropped into the inbox, which only takes files. */
export function folderRejected(name: string): RejectionReason {
  return {
    code: "FOLDER_NOT_SUPPORTED",
    message: `${name} is a folder; the inbox only takes video files and their subtitle files.`,
    hint: "Move the videos (and their same-named subtitle files) out of the folder straight into the inbox.",
    message_zh: `${name} 是文件夹；收件箱只接受视频文件及其字幕文件。`,
    hint_zh: "请把文件夹中的视频（及同名字幕文件）直接移到收件箱中。",
  };
}

/** Builds the reason for a video that is already the input of a project. */
export function alreadyIngested(name: string, projectId: string): RejectionReason {
  return {
    code: "VIDEO_ALREADY_INGESTED",
    message: `${name} is already the input of project ${projectId} (same name, same content).`,
    hint: `To add a subtitle file, put it into projects/${projectId}/input/ with the video's base name and retry project ${projectId}. To process the video from scratch, delete that project first and drop the video again.`,
    message_zh: `${name} 已是项目 ${projectId} 的输入（名称和内容都相同）。`,
    hint_zh: `如需添加字幕文件，请把与视频同名的字幕放入 projects/${projectId}/input/ 后重试项目 ${projectId}；如需从头处理，请先删除该项目再重新放入视频。`,
  };
}

/** Builds the reason for a video stream whose codec ffprobe does not know, so ffmpeg cannot decode it. */
export function videoCodecUnsupported(name: string, codec: string): RejectionReason {
  return {
    code: "VIDEO_CODEC_UNSUPPORTED",
    message: `${name} has a video stream in a codec that ffmpeg cannot decode (ffprobe reports "${codec}").`,
    hint: "Convert the video to H.264 in an MP4 file (for example with HandBrake or ffmpeg -c:v libx264) and drop it again.",
    message_zh: `${name} 的视频流采用 ffmpeg 无法解码的编码（ffprobe 报告为 "${codec}"）。`,
    hint_zh: "请把视频转换为 MP4 封装的 H.264（例如使用 HandBrake 或 ffmpeg -c:v libx264），然后重新放入。",
  };
}
