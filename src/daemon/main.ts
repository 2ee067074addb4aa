import { readFileSync } from "node:fs";
import { pickLocale } from "../shared/locale.ts";
import { createLogger } from "../shared/logger.ts";
import { parseCli, renderHelp, SettingsError } from "./cli-args.ts";
import { startDaemon } from "./daemon.ts";
import { runVerifyCommand } from "./verify-command.ts";

const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

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

  if (request.command === "verify") return runVerifyCommand(request.settings, locale);

  const logger = createLogger(request.settings.logLevel);
  const daemon = await startDaemon(request.settings, logger, packageJson.version);

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal }, "second signal; exiting at once");
      process.exit(1);
    }
    logger.info({ signal }, "shutting down");
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
  return undefined;
}
