import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A daemon started as a child process, as a user would start it. */
export interface DaemonProcess {
  url: string;
  child: ChildProcess;
  /** Every log line printed so far, parsed from pino JSON. */
  logs: Record<string, unknown>[];
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `bin/autoclipd.js` with the given flags on an ephemeral port and resolves once its
 * "daemon started" log line gives the URL, or the earlier "HTTP server listening" line when
 * `readyMessage` names it (the server handles requests while the index is still being built).
 */
export async function startDaemonProcess(
  args: string[],
  timeoutMs = 30_000,
  readyMessage: "daemon started" | "HTTP server listening" = "daemon started",
): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [path.join(root, "bin", "autoclipd.js"), "--port", "0", ...args], {
    cwd: root,
    env: { ...process.env, LANG: "C" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`daemon did not log "${readyMessage}" within ${timeoutMs} ms; stderr: ${stderr}`)),
      timeoutMs,
    );
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with code ${code} before it started; stderr: ${stderr}`));
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === readyMessage && typeof entry.url === "string") {
        clearTimeout(timer);
        resolve(entry.url);
      }
    });
  });

  return {
    url,
    child,
    logs,
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
