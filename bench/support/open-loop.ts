/**
 * An open-loop load generator: it sends requests at a fixed rate whether or not earlier ones have
 * received a response, as independent clients do, so a slow server gets more requests in flight
 * instead of fewer requests. Latency runs from the moment a request was due, so time the generator spent
 * late counts against the server too.
 */
import { Agent, request } from "node:http";

/** One request's outcome; times are `performance.now()` milliseconds. */
export interface RequestResult {
  route: string;
  path: string;
  dueAt: number;
  sentAt: number;
  receivedAt: number;
  /** Sends on a new connection after a reset of a kept-alive one; 0 or 1. */
  retries: number;
  /** HTTP status, or null when the request failed before a response. */
  status: number | null;
  /**
   * `timeout`, or the code of a network error such as ECONNRESET; null on a response. A code
   * ends in "on a reused connection" when the request went out on a kept-alive connection.
   */
  error: string | null;
  body: string;
}

export interface OpenLoopOptions {
  /** Base URL, such as `http://127.0.0.1:8000`. */
  url: string;
  /** Requests per second. */
  rate: number;
  /** Milliseconds after which a request without a response is aborted and counted as a timeout. */
  timeoutMs: number;
  /** Requests in flight beyond which due requests are skipped and counted, instead of sent. */
  maxInFlight: number;
  /** Picks the next request. */
  next(): { route: string; path: string };
  /** Receives every outcome as it completes. */
  onResult(result: RequestResult): void;
}

/** Totals of a finished run. */
export interface OpenLoopSummary {
  sent: number;
  skipped: number;
  /** Milliseconds from the first due time to the stop. */
  ms: number;
  /** Due times of the first and last skipped request, in ms after the start; null when none was skipped. */
  skippedFromMs: number | null;
  skippedToMs: number | null;
  /** Largest delay from a request's due time to its sending, in milliseconds. */
  maxSendLagMs: number;
}

/** A running generator. */
export interface OpenLoop {
  /** Stops sending and resolves once every request in flight has completed. */
  stop(): Promise<OpenLoopSummary>;
}

/** Starts sending requests at `options.rate` per second until `stop()`. */
export function startOpenLoop(options: OpenLoopOptions): OpenLoop {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxInFlight });
  const interval = 1000 / options.rate;
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let due = started;
  let sent = 0;
  let skipped = 0;
  let skippedFromMs: number | null = null;
  let skippedToMs: number | null = null;
  let maxSendLagMs = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const send = (dueAt: number): Promise<void> => {
    const { route, path } = options.next();
    const sentAt = performance.now();
    maxSendLagMs = Math.max(maxSendLagMs, sentAt - dueAt);

    return new Promise((resolve) => {
      let settled = false;
      let retries = 0;
      const finish = (status: number | null, error: string | null, body: string) => {
        if (settled) return;
        settled = true;
        const receivedAt = performance.now();
        options.onResult({ route, path, dueAt, sentAt, receivedAt, retries, status, error, body });
        resolve();
      };
      const attempt = () => {
        const outgoing = request(
          `${options.url}${path}`,
          { agent: retries > 0 ? false : agent },
          (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () =>
              finish(response.statusCode ?? null, null, Buffer.concat(chunks).toString()),
            );
            response.on("error", (error: NodeJS.ErrnoException) =>
              finish(null, error.code ?? error.message, ""),
            );
          },
        );
        outgoing.setTimeout(options.timeoutMs, () => {
          finish(null, "timeout", "");
          outgoing.destroy();
        });
        outgoing.on("error", (error: NodeJS.ErrnoException) => {
          // A kept-alive connection that the server closed as idle while this request was on its
          // way fails with a reset, a race that Node.js documents under request.reusedSocket.
          // The GET is sent once more on a new connection, and counted.
          const code = error.code ?? error.message;
          if (outgoing.reusedSocket && retries === 0 && (code === "ECONNRESET" || code === "EPIPE")) {
            retries += 1;
            attempt();
            return;
          }
          finish(null, outgoing.reusedSocket ? `${code} on a reused connection` : code, "");
        });
        outgoing.end();
      };
      attempt();
    });
  };

  const tick = () => {
    const now = performance.now();
    while (due <= now && !stopped) {
      if (inFlight.size >= options.maxInFlight) {
        skipped += 1;
        skippedFromMs ??= due - started;
        skippedToMs = due - started;
      } else {
        sent += 1;
        const work = send(due);
        inFlight.add(work);
        work.then(() => inFlight.delete(work));
      }
      due += interval;
    }
    if (!stopped) timer = setTimeout(tick, Math.max(0, due - performance.now()));
  };
  tick();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const ms = performance.now() - started;
      await Promise.all(inFlight);
      agent.destroy();
      return { sent, skipped, skippedFromMs, skippedToMs, ms, maxSendLagMs };
    },
  };
}
