import { type Logger, pino } from "pino";

export type { Logger };

/**
 * Creates the root logger: pino JSON on stdout, pretty-printed when stdout is a terminal.
 * `destination` lets tests and tools capture the lines.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  if (!destination && process.stdout.isTTY) {
    return pino({
      level,
      transport: { target: "pino-pretty", options: { translateTime: "SYS:HH:MM:ss.l" } },
    });
  }

  return pino({ level }, destination ?? process.stdout);
}

/** A logger that drops every line, for library callers that pass none. */
export const silentLogger: Logger = pino({ level: "silent" });
