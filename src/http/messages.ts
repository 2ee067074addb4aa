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
