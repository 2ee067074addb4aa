import { parseArgs } from "node:util";
import { z } from "zod";
import type { Locale } from "../shared/locale.ts";
import { SETTING_SPECS, type SettingName, type Settings, settingsSchema } from "./settings.ts";

/** Request parsed from the command line. */
export type CliRequest =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "run"; command: Command; settings: Settings; file?: string; json?: boolean };

/** Raised for an unknown flag or an invalid setting; the message lists every problem. */
export class SettingsError extends Error {
  override name = "SettingsError";
  readonly code = "INVALID_SETTINGS";
}

/**
 * Commands the program runs: the daemon itself, a check of its index against the files, or an
 * analysis of one subtitle file without video.
 */
const COMMANDS = ["serve", "verify", "analyze"] as const;

/** Settings whose values are secrets and never printed, not even in an error message. */
const SECRET_SETTINGS = new Set<string>(["llmApiKey", "speechApiKey", "apiToken"]);
export type Command = (typeof COMMANDS)[number];

const MESSAGES = {
  en: {
    invalid: "Invalid settings; fix these and start again:",
    unknownCommand: (command: string) =>
      `Unknown command "${command}". Run autoclipd --help to see the commands.`,
    badArgs: (message: string) => `${message}. Run autoclipd --help to see the flags.`,
    unknownOption: (option: string) => `Unknown flag ${option}`,
    missingValue: (option: string) => `Flag ${option} needs a value`,
    unexpectedValue: (option: string) => `Flag ${option} takes no value`,
    unexpectedPositional: (value: string) => `Unexpected argument ${value}`,
    analyzeFile: "autoclipd analyze needs one subtitle file: autoclipd analyze FILE [--json]",
    setting: (flag: string, env: string, value: string, reason: string) =>
      `  --${flag} (${env}) = ${value}: ${reason}`,
    requiredWith: (flag: string) => `is required with ${flag}`,
    overlapTooLong:
      "must be at most a quarter of the chunk length set by speech-chunk-seconds and speech-chunk-mb",
    minAboveMax: (max: string) => `must not be greater than max-clip-seconds (${max})`,
  },
  zh: {
    invalid: "设置无效，请修改以下各项后重新启动：",
    unknownCommand: (command: string) => `未知命令 "${command}"。运行 autoclipd --help 查看可用命令。`,
    badArgs: (message: string) => `${message}。运行 autoclipd --help 查看可用参数。`,
    analyzeFile: "autoclipd analyze 需要一个字幕文件：autoclipd analyze 文件 [--json]",
    setting: (flag: string, env: string, value: string, reason: string) =>
      `  --${flag}（${env}）= ${value}：${reason}`,
    requiredWith: (flag: string) => `使用 ${flag} 时必填`,
    overlapTooLong: "不能超过 speech-chunk-seconds 和 speech-chunk-mb 所定分段时长的四分之一",
    minAboveMax: (max: string) => `不能大于 max-clip-seconds（${max}）`,
    unknownOption: (option: string) => `未知参数 ${option}`,
    missingValue: (option: string) => `参数 ${option} 缺少值`,
    unexpectedValue: (option: string) => `参数 ${option} 不接受值`,
    unexpectedPositional: (value: string) => `多余的参数 ${value}`,
  },
} as const;

/**
 * Parses the command line and the `AUTOCLIP_*` environment into validated settings.
 * Flags win over environment variables. Raises {@link SettingsError} naming each bad value.
 */
export function parseCli(argv: string[], env: NodeJS.ProcessEnv, locale: Locale): CliRequest {
  const messages = MESSAGES[locale];
  const options: Record<string, { type: "string" | "boolean" }> = {
    help: { type: "boolean" },
    version: { type: "boolean" },
    json: { type: "boolean" },
  };
  for (const spec of Object.values(SETTING_SPECS)) options[spec.flag] = { type: spec.type };

  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new SettingsError(messages.badArgs(describeArgsError(error as ArgsError, locale)), {
      cause: error,
    });
  }

  if (parsed.values.help) return { kind: "help" };
  if (parsed.values.version) return { kind: "version" };

  const command = parsed.positionals[0] ?? "serve";
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new SettingsError(messages.unknownCommand(command));
  const file = parsed.positionals[1];
  if (command === "analyze" && (file === undefined || parsed.positionals.length > 2)) {
    throw new SettingsError(messages.analyzeFile);
  }
  if (command !== "analyze" && file !== undefined) {
    throw new SettingsError(messages.badArgs(messages.unexpectedPositional(file)));
  }

  const raw: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(SETTING_SPECS)) {
    const fromFlag = parsed.values[spec.flag];
    const fromEnv = env[spec.env];
    if (fromFlag !== undefined) raw[name] = fromFlag;
    else if (fromEnv !== undefined && fromEnv !== "") raw[name] = fromEnv;
  }

  // zod ships a Simplified Chinese error map; the settings' own refinements carry a reason
  // code in `params` so they can be worded per language here.
  const result = settingsSchema.safeParse(raw, locale === "zh" ? { error: ZH_ERROR_MAP } : undefined);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "") as SettingName;
      const spec = SETTING_SPECS[name];
      const value = SECRET_SETTINGS.has(name) ? "(hidden)" : JSON.stringify(raw[name] ?? null);
      const reason = describeCustomIssue(issue, raw, locale) ?? issue.message;
      return spec ? messages.setting(spec.flag, spec.env, value, reason) : `  ${reason}`;
    });
    throw new SettingsError([messages.invalid, ...lines].join("\n"));
  }

  return {
    kind: "run",
    command: command as Command,
    settings: Object.freeze(result.data),
    file,
    json: parsed.values.json === true,
  };
}

const ZH_ERROR_MAP = z.locales.zhCN().localeError;

type ArgsError = Error & { code?: string };

/**
 * Words a `node:util` parseArgs error for the user. Node's own messages are English only and
 * suggest `--` for positional arguments, which this program has no use for.
 */
function describeArgsError(error: ArgsError, locale: Locale): string {
  const messages = MESSAGES[locale];
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? "";
  const option = quoted.split(" ")[0] ?? quoted;
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
      return messages.unknownOption(option);
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      return error.message.includes("does not take")
        ? messages.unexpectedValue(option)
        : messages.missingValue(option);
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return messages.unexpectedPositional(quoted);
    default:
      return error.message;
  }
}

/** Words a refinement of the settings schema, found by the reason code in its `params`. */
function describeCustomIssue(
  issue: z.core.$ZodIssue,
  raw: Record<string, unknown>,
  locale: Locale,
): string | undefined {
  if (issue.code !== "custom") return undefined;
  const messages = MESSAGES[locale];
  const params = issue.params as { reason?: string; flag?: string } | undefined;
  const reason = params?.reason;
  if (reason === "required-with") return messages.requiredWith(params?.flag ?? "");
  if (reason === "overlap-too-long") return messages.overlapTooLong;
  if (reason === "min-above-max") return messages.minAboveMax(String(raw.maxClipSeconds ?? 300));
  return undefined;
}

/** Renders `--help` in the given language. */
export function renderHelp(locale: Locale): string {
  const intro =
    locale === "zh"
      ? [
          "autoclipd：把长视频切成精彩切片和合集，并通过 HTTP API 提供结果。",
          "",
          "用法：autoclipd [serve|verify|analyze 文件 [--json]] [参数]",
          "  serve   运行守护进程（默认）。把视频（可带同名字幕：.srt、.vtt、.ass、.ssa、.sbv 或 .sub）放进 <data-dir>/inbox/ 即可开始处理。",
          "  verify  根据项目文件推导每个项目，与索引比对，逐条列出差异；有差异时退出码为 1。",
          "  analyze 只分析一个字幕文件（不需要视频、不切片），打印话题、时间范围、评分、标题和合集；--json 输出 JSON。",
          "每个参数都可用对应的环境变量设置；命令行参数优先。",
          "",
          "参数：",
        ]
      : [
          "autoclipd: turns long videos into highlight clips and collections, served over an HTTP API.",
          "",
          "Usage: autoclipd [serve|verify|analyze FILE [--json]] [flags]",
          "  serve   Run the daemon (the default). Drop a video (with a same-named subtitle file: .srt, .vtt, .ass, .ssa, .sbv or .sub) into <data-dir>/inbox/ to process it.",
          "  verify  Derive every project from its files, compare with the index and list each difference; exits 1 if there is any.",
          "  analyze Analyze one subtitle file alone (no video, no cutting) and print topics, time ranges, scores, titles and collections; --json prints JSON.",
          "Every flag has an environment variable twin; a flag wins over its variable.",
          "",
          "Flags:",
        ];
  const rows = Object.values(SETTING_SPECS).map((spec) => {
    const name = spec.type === "boolean" ? `--${spec.flag}` : `--${spec.flag} <value>`;
    return `  ${name.padEnd(30)} ${spec.help[locale]}\n  ${"".padEnd(30)} env ${spec.env}`;
  });
  const tail =
    locale === "zh"
      ? ["  --help                         显示本帮助", "  --version                      显示版本号"]
      : [
          "  --help                         Show this help",
          "  --version                      Show the version",
        ];

  return [...intro, ...rows, ...tail, ""].join("\n");
}
