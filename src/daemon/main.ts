import { readFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { checkExposure } from "../http/auth.ts";
import { pickLocale } from "../shared/locale.ts";
import { createLogger } from "../shared/logger.ts";
import { runAnalyzeCommand } from "./analyze-command.ts";
import { parseCli, renderHelp, SettingsError } from "./cli-args.ts";
import { ListenError, StartAbortedError, startDaemon } from "./daemon.ts";
import { runVerifyCommand } from "./verify-command.ts";

const EXPOSURE_ZH =
  "拒绝在非回环地址上无令牌监听，因为能访问该地址的任何人都能读取和修改所有项目。请设置 --api-token（或 AUTOCLIP_API_TOKEN）、改为监听 127.0.0.1，或传入 --insecure-no-auth 表示接受此风险。";

const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

async function isFolder(folder: string): Promise<boolean> {
  return stat(folder).then(
    (stats) => stats.isDirectory(),
    () => false,
  );
}

/** Runs the `autoclipd` command line; resolves with the process exit code. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const locale = pickLocale(env.LC_ALL || env.LC_MESSAGES || env.LANG);

  let request: ReturnType<typeof parseCli>;
  try {
    request = parseCli(argv, env, locale);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }

  if (request.kind === "help") {
    process.stdout.write(renderHelp(locale));
    return 0;
  }
  if (request.kind === "version") {
    process.stdout.write(`${packageJson.version}\n`);
    return 0;
  }

  const { settings } = request;
  if (request.command === "verify") return runVerifyCommand(settings, locale);
  if (request.command === "analyze") {
    return runAnalyzeCommand({
      file: request.file ?? "",
      json: request.json ?? false,
      minClipSeconds: settings.minClipSeconds,
      maxClipSeconds: settings.maxClipSeconds,
      scoreThreshold: settings.scoreThreshold,
      paddingSeconds: settings.clipPaddingSeconds,
      locale,
    });
  }

  if (settings.frontendDir && !(await isFolder(settings.frontendDir))) {
    process.stderr.write(
      locale === "zh"
        ? `--frontend-dir 指定的文件夹不存在：${settings.frontendDir}。请先构建前端，或修改该路径。\n`
        : `The --frontend-dir folder does not exist: ${settings.frontendDir}. Build the frontend first or fix the path.\n`,
    );
    return 2;
  }

  const exposure = checkExposure({
    host: settings.host,
    apiToken: settings.apiToken,
    insecureNoAuth: settings.insecureNoAuth,
  });
  if (exposure) {
    process.stderr.write(`${locale === "zh" ? EXPOSURE_ZH : exposure}\n`);
    return 2;
  }

  const logger = createLogger(request.settings.logLevel);
  // Signal handlers are in place before start-up, because the pipeline already runs while the
  // index is built: a first signal then stops every part as a normal stop does.
  const startup = new AbortController();
  let daemon: Awaited<ReturnType<typeof startDaemon>> | undefined;
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, "second signal; exiting at once");
      process.exit(1);
    }
    logger.info({ signal }, "shutting down");
    if (!daemon) {
      startup.abort();
      return;
    }
    daemon.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  try {
    daemon = await startDaemon(request.settings, logger, packageJson.version, { signal: startup.signal });
  } catch (error) {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (error instanceof StartAbortedError) return 0;
    if (!(error instanceof ListenError)) throw error;
    process.stderr.write(
      locale === "zh"
        ? `无法在 ${error.host}:${error.port} 上监听。可能有其他程序占用了该端口：请先停止它，或用 --port 换一个端口（0 表示自动选择）。\n`
        : `${error.message}\n`,
    );
    return 2;
  }
  // A signal after the start-up's last check but before `daemon` was set.
  if (startup.signal.aborted) {
    await daemon.stop();
    return 0;
  }

  return undefined;
}
