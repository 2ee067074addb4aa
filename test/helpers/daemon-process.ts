import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const binPath = path.join(root, "bin", "autoclipd.js");

/** Log line after which a daemon counts as started: "HTTP server listening" comes before the index is ready. */
export type ReadyMessage = "daemon started" | "HTTP server listening";

/** One pino log line of the daemon, parsed from JSON. */
export type LogEntry = Record<string, unknown>;

/**
 * Node.js flags on the `#!/usr/bin/env -S node ...` line of `bin/autoclipd.js`, which `npx
 * autoclipd` and `npm start` pass to Node.js. The daemon is spawned with them, as users run it.
 */
export function daemonNodeFlags(): string[] {
  const shebang = readFileSync(binPath, "utf8").split("\n", 1)[0] ?? "";
  const match = /^#!\/usr\/bin\/env -S node((?: --[\w-]+=\S+)*)$/.exec(shebang);
  if (!match)
    throw new Error(`Expected "#!/usr/bin/env -S node --flag=value ..." in ${binPath}, got "${shebang}".`);

  return (match[1] ?? "")
    .trim()
    .split(" ")
    .filter((flag) => flag !== "");
}

/** A daemon child process from the moment it is spawned, before it has started. */
export interface SpawnedDaemon {
  child: ChildProcess;
  /** Every log line printed so far. */
  logs: LogEntry[];
  /** Resolves with the API URL once the ready line appears; rejects if it exits first. */
  started: Promise<string>;
  /** Resolves with the exit code and signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Calls `listener` with every later log line; returns a function that removes it. */
  onLog(listener: (entry: LogEntry) => void): () => void;
}

/** A daemon started as a child process, as a user would start it. */
export interface DaemonProcess {
  url: string;
  child: ChildProcess;
  /** Every log line printed so far, parsed from pino JSON. */
  logs: LogEntry[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Spawns `bin/autoclipd.js` with the given flags on an ephemeral port and returns at once, so a
 * caller can also kill it while it starts. `started` rejects after `timeoutMs` without the
 * ready line, "daemon started" unless `readyMessage` names another.
 */
export function spawnDaemonProcess(
  args: string[],
  timeoutMs = 30_000,
  readyMessage: ReadyMessage = "daemon started",
): SpawnedDaemon {
  const child = spawn(process.execPath, [...daemonNodeFlags(), binPath, "--port", "0", ...args], {
    cwd: root,
    env: { ...process.env, LANG: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: LogEntry[] = [];
  const listeners = new Set<(entry: LogEntry) => void>();
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });

  const started = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`daemon did not log "${readyMessage}" within ${timeoutMs} ms; stderr: ${stderr}`)),
      timeoutMs,
    );
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`daemon exited (code ${code}, signal ${signal}) before it started; stderr: ${stderr}`),
      );
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      let entry: LogEntry;
      try {
        entry = JSON.parse(line) as LogEntry;
      } catch {
        return;
      }
      logs.push(entry);
      for (const listener of listeners) listener(entry);
      if (entry.msg === readyMessage && typeof entry.url === "string") {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });
  // A caller that kills the daemon during start-up need not handle this rejection.
  started.catch(() => undefined);

  return {
    child,
    logs,
    started,
    exited,
    onLog(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Starts `bin/autoclipd.js` with the given flags on an ephemeral port and resolves once its
 * "daemon started" log line gives the URL, or the earlier "HTTP server listening" line when
 * `readyMessage` names it (the server handles requests while the index is still being built).
 */
export async function startDaemonProcess(
  args: string[],
  timeoutMs = 30_000,
  readyMessage: ReadyMessage = "daemon started",
): Promise<DaemonProcess> {
  const spawned = spawnDaemonProcess(args, timeoutMs, readyMessage);
  const url = await spawned.started;
  const { child } = spawned;

  return {
    url,
    child,
    logs: spawned.logs,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve(child.exitCode);
          return;
        }
        child.once("exit", (code) => resolve(code));
        child.kill("SIGTERM");
      }),
  };
}
