import { Hono } from "hono";
import { z } from "zod";
import type { ProjectIndex } from "../index/project-index.ts";
import type { IndexTotals, ProjectChange, ProjectRecord } from "../index/records.ts";
import { type Logger, silentLogger } from "../shared/logger.ts";
import type { AppEnv } from "./app-env.ts";
import { HttpError } from "./errors.ts";
import { registerRoute } from "./openapi.ts";

/** Settings of the event stream. */
export interface EventStreamOptions {
  /** Maximum streams open at once. One more gets a 503. @default 256 */
  maxClients?: number;
  /** Milliseconds between `: ping` comments, which keep proxies from closing an idle stream. @default 15000 */
  heartbeatMs?: number;
  /** Ends every stream when aborted, so that the HTTP server can close. */
  signal?: AbortSignal;
  logger?: Logger;
}

/** Fields of a project that its `project` event carries. */
type ProjectEvent = Pick<ProjectRecord, "id" | "status" | "current_step" | "progress" | "message">;

interface Client {
  controller: ReadableStreamDefaultController<Uint8Array>;
  /** Ends the stream after the queued events. With `error`, it drops them and fails the stream instead. */
  close(error?: Error): void;
}

export const DEFAULT_MAX_EVENT_CLIENTS = 256;
const DEFAULT_HEARTBEAT_MS = 15_000;
/** A client that has this many bytes unread is too slow to follow, and its stream is ended. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

const encoder = new TextEncoder();

registerRoute({
  method: "get",
  path: "/api/v1/events",
  summary:
    "Server-sent events: `counts` (totals) first and on change, `project` ({id, status, current_step, progress, message}) on change, `project-removed` ({id}). With --api-token, `?token=` works in place of the Authorization header.",
  query: z.object({ token: z.string().optional() }),
  binary: { contentType: "text/event-stream", description: "an endless event stream" },
});

function projectEventOf(record: ProjectRecord): ProjectEvent {
  return {
    id: record.id,
    status: record.status,
    current_step: record.current_step,
    progress: record.progress,
    message: record.message,
  };
}

/**
 * Fans the index's `change` events out to the open streams. It listens to the index only while
 * at least one stream is open, and sends a project's event only when one of its event fields
 * changed and the totals only when they changed.
 */
class EventHub {
  readonly clients = new Set<Client>();
  readonly #index: ProjectIndex;
  readonly #heartbeatMs: number;
  readonly #logger: Logger;
  readonly #lastProject = new Map<string, string>();
  #lastCounts = "";
  #eventId = 0;
  #heartbeat: NodeJS.Timeout | undefined;
  /**
   * Frames broadcast in this turn of the event loop. They go out together, so a commit of
   * hundreds of projects costs each stream one write instead of one per event.
   */
  #queued: Uint8Array[] = [];
  #flush: NodeJS.Immediate | undefined;

  constructor(index: ProjectIndex, heartbeatMs: number, logger: Logger) {
    this.#index = index;
    this.#heartbeatMs = heartbeatMs;
    this.#logger = logger;
  }

  readonly #onChange = (change: ProjectChange): void => {
    if (change.record) {
      const event = projectEventOf(change.record);
      const key = JSON.stringify(event);
      if (this.#lastProject.get(change.projectId) !== key) {
        this.#lastProject.set(change.projectId, key);
        this.#broadcast("project", key);
      }
    } else {
      this.#lastProject.delete(change.projectId);
      this.#broadcast("project-removed", JSON.stringify({ id: change.projectId }));
    }

    this.#sendCountsIfChanged();
  };

  /** Adds a client and sends it the current totals, so that a reconnecting client catches up. */
  add(client: Client): void {
    // Queued frames are older than the totals the new client starts with, so they go out first.
    this.#sendQueued();
    if (this.clients.size === 0) {
      this.#index.on("change", this.#onChange);
      this.#heartbeat = setInterval(() => this.#sendAll(encoder.encode(": ping\n\n")), this.#heartbeatMs);
      this.#heartbeat.unref();
    }
    this.clients.add(client);

    const counts = this.#readCounts();
    if (counts) this.#send(client, this.#frame("counts", JSON.stringify(counts)));
  }

  remove(client: Client): void {
    if (!this.clients.delete(client) || this.clients.size > 0) return;

    this.#index.off("change", this.#onChange);
    clearInterval(this.#heartbeat);
    clearImmediate(this.#flush);
    this.#flush = undefined;
    this.#queued = [];
    this.#lastProject.clear();
    this.#lastCounts = "";
  }

  #readCounts(): IndexTotals | null {
    try {
      const counts = this.#index.stats();
      this.#lastCounts = JSON.stringify(counts);
      return counts;
    } catch (error) {
      this.#logger.warn({ err: error }, "could not read totals for the event stream");
      return null;
    }
  }

  #sendCountsIfChanged(): void {
    const before = this.#lastCounts;
    const counts = this.#readCounts();
    if (counts && this.#lastCounts !== before) this.#broadcast("counts", this.#lastCounts);
  }

  #frame(event: string, data: string): Uint8Array {
    this.#eventId += 1;
    return encoder.encode(`id: ${this.#eventId}\nevent: ${event}\ndata: ${data}\n\n`);
  }

  #broadcast(event: string, data: string): void {
    if (this.clients.size === 0) return;

    this.#queued.push(this.#frame(event, data));
    this.#flush ??= setImmediate(() => this.#sendQueued());
  }

  /** Sends the queued frames to every client as one chunk. */
  #sendQueued(): void {
    clearImmediate(this.#flush);
    this.#flush = undefined;
    if (this.#queued.length === 0) return;

    const bytes = this.#queued.length === 1 ? (this.#queued[0] as Uint8Array) : Buffer.concat(this.#queued);
    this.#queued = [];
    this.#sendAll(bytes);
  }

  #sendAll(bytes: Uint8Array): void {
    for (const client of [...this.clients]) this.#send(client, bytes);
  }

  #send(client: Client, bytes: Uint8Array): void {
    const buffered = -(client.controller.desiredSize ?? 0);
    if (buffered > MAX_BUFFERED_BYTES) {
      this.#logger.warn({ bufferedBytes: buffered }, "ending an event stream whose client does not read");
      client.close(new Error("event stream client fell behind"));
      return;
    }

    client.controller.enqueue(bytes);
  }
}

/**
 * Builds `GET /api/v1/events`, a server-sent event stream of project and total changes. Each
 * event has an `id:` line. Resuming from `Last-Event-ID` is not supported, so a new stream starts
 * with the current `counts` instead.
 */
export function eventRoutes(index: ProjectIndex, options: EventStreamOptions = {}): Hono<AppEnv> {
  const maxClients = options.maxClients ?? DEFAULT_MAX_EVENT_CLIENTS;
  const logger = (options.logger ?? silentLogger).child({ module: "http-events" });
  const hub = new EventHub(index, options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS, logger);
  const routes = new Hono<AppEnv>({ strict: false });

  options.signal?.addEventListener("abort", () => {
    for (const client of [...hub.clients]) client.close();
  });

  routes.get("/events", (c) => {
    if (options.signal?.aborted) throw new HttpError(503, "INDEX_UNAVAILABLE", undefined);
    if (hub.clients.size >= maxClients)
      throw new HttpError(503, "TOO_MANY_EVENT_STREAMS", { max: maxClients });

    let client: Client | undefined;
    const requestSignal = c.req.raw.signal;
    const stream = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          let closed = false;
          const current: Client = {
            controller,
            close(error) {
              if (closed) return;
              closed = true;
              hub.remove(current);
              requestSignal.removeEventListener("abort", onAbort);
              try {
                if (error) controller.error(error);
                else controller.close();
              } catch {
                // Already closed or errored by the consumer, so nothing is left to end.
              }
            },
          };
          const onAbort = () => current.close();
          client = current;
          requestSignal.addEventListener("abort", onAbort);
          // Tells EventSource to reconnect 3 s after the stream drops.
          controller.enqueue(encoder.encode("retry: 3000\n\n"));
          hub.add(current);
          if (requestSignal.aborted) current.close();
        },
        cancel() {
          client?.close();
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: 64 * 1024 }),
    );

    return new Response(stream, {
      headers: {
        "Content-Type": "text/event-stream; charset=utf-8",
        "Cache-Control": "no-cache, no-transform",
        // Keeps nginx from buffering the stream.
        "X-Accel-Buffering": "no",
      },
    });
  });

  return routes;
}
