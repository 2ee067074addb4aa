import type { RejectionReason } from "../daemon/rejection-reasons.ts";
import type { Locale } from "../shared/locale.ts";

/**
 * The `detail` text of every error response, in English and Chinese. Each entry is keyed by the
 * stable `code` sent beside it, so clients can branch on the code and show the detail.
 */
export const MESSAGES = {
  PROJECT_NOT_FOUND: {
    en: (params: { id: string }) =>
      `Project "${params.id}" was not found. Check the id against the list at /api/v1/projects.`,
    zh: (params: { id: string }) => `未找到项目“${params.id}”。请对照 /api/v1/projects 的列表核对项目 id。`,
  },
  ROUTE_NOT_FOUND: {
    en: (params: { method: string; path: string }) =>
      `No API route matches ${params.method} ${params.path}. The API lives under /api/v1.`,
    zh: (params: { method: string; path: string }) =>
      `没有与 ${params.method} ${params.path} 匹配的 API 路由。API 位于 /api/v1 之下。`,
  },
  INVALID_REQUEST: {
    en: (params: { fields: string }) =>
      `Invalid request parameters: ${params.fields}. "errors" gives the reason for each; fix them and retry.`,
    zh: (params: { fields: string }) =>
      `请求参数无效：${params.fields}。errors 中列出了每个参数的原因，请修正后重试。`,
  },
  INDEX_UNAVAILABLE: {
    en: () => "The project index is not available because the server is shutting down. Retry in a moment.",
    zh: () => "服务器正在关闭，项目索引暂不可用。请稍后重试。",
  },
  PROJECTS_FOLDER_UNAVAILABLE: {
    en: () =>
      "The projects folder is missing or cannot be read, so the index cannot be checked or refreshed from it. Check the data folder and its permissions, then retry.",
    zh: () => "项目文件夹不存在或无法读取，因此无法据此核对或刷新索引。请检查数据文件夹及其权限后重试。",
  },
  MEDIA_NOT_FOUND: {
    en: (params: { projectId: string; name: string }) =>
      `Project "${params.projectId}" has no file for "${params.name}" yet. It appears once the video step has written it.`,
    zh: (params: { projectId: string; name: string }) =>
      `项目“${params.projectId}”还没有“${params.name}”的文件。视频步骤写出该文件后即可获取。`,
  },
  RANGE_NOT_SATISFIABLE: {
    en: (params: { range: string; size: number }) =>
      `The range "${params.range}" lies outside the file, which has ${params.size} bytes. Request bytes from 0 to ${params.size - 1}.`,
    zh: (params: { range: string; size: number }) =>
      `请求的范围“${params.range}”超出了文件大小（${params.size} 字节）。请请求 0 到 ${params.size - 1} 之间的字节。`,
  },
  UNAUTHORIZED: {
    en: () =>
      'This API requires a token. Send the header "Authorization: Bearer <token>" with the token the server was started with (--api-token).',
    zh: () =>
      "此 API 需要令牌。请发送请求头“Authorization: Bearer <令牌>”，令牌为服务器启动时设置的 --api-token。",
  },
  TOO_MANY_EVENT_STREAMS: {
    en: (params: { max: number }) =>
      `The server already has ${params.max} open event streams, its maximum. Close another tab or client and retry.`,
    zh: (params: { max: number }) =>
      `服务器已有 ${params.max} 个打开的事件流，已达上限。请关闭其他标签页或客户端后重试。`,
  },
  BAD_PATH: {
    en: () =>
      "The request path contains an encoded slash, a backslash or a NUL byte, which this server does not accept.",
    zh: () => "请求路径包含编码的斜杠、反斜杠或 NUL 字节，服务器不接受此类路径。",
  },
  CLIP_NOT_FOUND: {
    en: (params: { id: string }) =>
      `Clip "${params.id}" was not found. Use an id from /api/v1/clips, or a clip id of the project named in the path.`,
    zh: (params: { id: string }) =>
      `未找到切片“${params.id}”。请使用 /api/v1/clips 返回的 id，或路径中所指项目的切片 id。`,
  },
  COLLECTION_NOT_FOUND: {
    en: (params: { id: string }) =>
      `Collection "${params.id}" was not found. Use an id from /api/v1/collections, or a collection id of the project named in the path.`,
    zh: (params: { id: string }) =>
      `未找到合集“${params.id}”。请使用 /api/v1/collections 返回的 id，或路径中所指项目的合集 id。`,
  },
  PROJECT_LOCKED: {
    en: (params: { id: string }) =>
      `Project "${params.id}" is locked by a running pipeline step, so it cannot be changed now. Retry when the step has finished.`,
    zh: (params: { id: string }) =>
      `项目“${params.id}”正被运行中的处理步骤锁定，暂时无法修改。请在该步骤完成后重试。`,
  },
  EDITS_FILE_INVALID: {
    en: (params: { id: string; reason: string }) =>
      `The edits.json of project "${params.id}" is invalid (${params.reason}), so no edit is saved over it. Fix or remove the file, then retry.`,
    zh: (params: { id: string; reason: string }) =>
      `项目“${params.id}”的 edits.json 无效（${params.reason}），因此不会在其上保存修改。请修正或删除该文件后重试。`,
  },
  PROJECT_STATUS_CONFLICT: {
    en: (params: { id: string; status: string; action: string; allowed: string }) =>
      `Project "${params.id}" is ${params.status}, so it cannot be ${params.action}; this is allowed only when it is ${params.allowed}.`,
    zh: (params: { id: string; status: string; action: string; allowed: string }) =>
      `项目“${params.id}”的状态为 ${params.status}，无法执行“${params.action}”；仅当状态为 ${params.allowed} 时可以执行。`,
  },
  PROCESSING_UNAVAILABLE: {
    en: () => "This server has no job queue, so projects cannot be queued for processing here.",
    zh: () => "此服务器没有任务队列，因此无法在此排队处理项目。",
  },
  CLIP_IDS_NOT_IN_COLLECTION: {
    en: (params: { id: string; ids: string }) =>
      `The clip ids ${params.ids} are not clips of collection "${params.id}". A pipeline collection's clips can be reordered but not added; send only its clip ids.`,
    zh: (params: { id: string; ids: string }) =>
      `切片 id ${params.ids} 不属于合集“${params.id}”。AI 推荐合集的切片只能调整顺序，不能添加；请只发送该合集的切片 id。`,
  },
  CLIP_IDS_NOT_IN_PROJECT: {
    en: (params: { id: string; ids: string }) =>
      `The clip ids ${params.ids} are not clips of project "${params.id}". Use ids from /api/v1/clips?project_id=${params.id}.`,
    zh: (params: { id: string; ids: string }) =>
      `切片 id ${params.ids} 不属于项目“${params.id}”。请使用 /api/v1/clips?project_id=${params.id} 返回的 id。`,
  },
  UPLOAD_TOO_LARGE: {
    en: (params: { limit: string }) =>
      `The upload is larger than the limit of ${params.limit}, so it was discarded. Upload a smaller file, or copy it into the inbox folder directly.`,
    zh: (params: { limit: string }) =>
      `上传内容超过 ${params.limit} 的上限，已被丢弃。请上传更小的文件，或直接将文件复制到 inbox 文件夹。`,
  },
  UPLOAD_NOT_A_VIDEO: {
    en: (params: { reason: RejectionReason }) =>
      `${params.reason.message} ${params.reason.hint} The upload was discarded (${params.reason.code}).`,
    zh: (params: { reason: RejectionReason }) =>
      `${params.reason.message_zh}${params.reason.hint_zh}上传内容已丢弃（${params.reason.code}）。`,
  },
  REQUEST_TOO_LARGE: {
    en: (params: { limit: string }) => `The request body is larger than the limit of ${params.limit}.`,
    zh: (params: { limit: string }) => `请求体超过 ${params.limit} 的上限。`,
  },
  COLLECTION_VIDEO_EMPTY: {
    en: (params: { id: string }) =>
      `Collection "${params.id}" has no clip with a rendered video, so no collection video can be made. Process the project first.`,
    zh: (params: { id: string }) =>
      `合集“${params.id}”中没有已生成视频的切片，无法生成合集视频。请先处理该项目。`,
  },
  COLLECTION_NOT_MANUAL: {
    en: (params: { id: string }) =>
      `Collection "${params.id}" was made by the pipeline, whose videos are never rewritten by edits. Only a hand-made collection can get a new video; create one with POST /api/v1/collections.`,
    zh: (params: { id: string }) =>
      `合集“${params.id}”由处理流程生成，其视频不会因编辑而重写。只有手动创建的合集可以生成新视频；请用 POST /api/v1/collections 创建。`,
  },
  VIDEO_TOOLS_UNAVAILABLE: {
    en: () => "This server was started without ffmpeg, so it cannot make collection videos.",
    zh: () => "此服务器启动时未配置 ffmpeg，因此无法生成合集视频。",
  },
  DATA_FOLDER_READ_ONLY: {
    en: () =>
      "The data folder is read-only, so the change could not be saved. Make it writable again (check the mount and its permissions), then retry.",
    zh: () => "数据文件夹为只读，无法保存更改。请恢复其可写状态（检查挂载方式和权限）后重试。",
  },
  DATA_FOLDER_FULL: {
    en: () =>
      "The disk of the data folder is full, so the change could not be saved. Free some space, then retry.",
    zh: () => "数据文件夹所在磁盘已满，无法保存更改。请释放一些空间后重试。",
  },
  INTERNAL_ERROR: {
    en: () => "The server failed to handle this request. The error has been logged; retry later.",
    zh: () => "服务器处理此请求失败，错误已记录。请稍后重试。",
  },
} as const;

export type MessageCode = keyof typeof MESSAGES;

/** Parameters of the message `code`; undefined for messages without parameters. */
export type MessageParams<Code extends MessageCode> = Parameters<(typeof MESSAGES)[Code]["en"]>[0];

/** Formats the message `code` in `locale`. */
export function formatMessage<Code extends MessageCode>(
  code: Code,
  locale: Locale,
  params: MessageParams<Code>,
): string {
  const format = MESSAGES[code][locale] as (params: MessageParams<Code>) => string;

  return format(params);
}
