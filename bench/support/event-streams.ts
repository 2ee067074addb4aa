/**
 * Holds server-sent event streams open and hands every event to a callback. A stream that ends
 * or fails before `close()` counts as dropped.
 */
import { type ClientRequest, request } from "node:http";

/** One parsed event: its `event:` name and `data:` text. */
export interface StreamEvent {
  stream: number;
  event: string;
  data: string;
  receivedAt: number;
}

export interface EventStreamsSummary {
  opened: number;
  /** Streams whose response was not 200 with `text/event-stream`, with the reason. */
  rejected: string[];
  /** Streams that ended or failed before `close()`, with the reason. */
  dropped: string[];
  /** Events received, by name; `: ping` comments are not events. */
  events: Record<string, number>;
  bytes: number;
}

export interface EventStreams {
  /** Resolves once every stream has a response or has failed. */
  ready: Promise<void>;
  /** Ends every stream on purpose and returns what happened. */
  close(): EventStreamsSummary;
}

/** Opens `count` streams of `${url}/api/v1/events`. */
export function openEventStreams(
  url: string,
  count: number,
  onEvent: (event: StreamEvent) => void,
): EventStreams {
  const summary: EventStreamsSummary = { opened: 0, rejected: [], dropped: [], events: {}, bytes: 0 };
  const requests: ClientRequest[] = [];
  let closing = false;

  const parse = (stream: number, frame: string) => {
    let event = "message";
    const data: string[] = [];
    for (const line of frame.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length === 0) return;
    summary.events[event] = (summary.events[event] ?? 0) + 1;
    onEvent({ stream, event, data: data.join("\n"), receivedAt: performance.now() });
  };

  const responses = Array.from(
    { length: count },
    (_, stream) =>
      new Promise<void>((responded) => {
        let open = false;
        let ended = false;
        const dropped = (reason: string) => {
          if (closing || ended) return;
          ended = true;
          summary.dropped.push(`stream ${stream}: ${reason}`);
        };
        const outgoing = request(
          `${url}/api/v1/events`,
          { headers: { Accept: "text/event-stream" } },
          (response) => {
            const type = response.headers["content-type"] ?? "";
            if (response.statusCode !== 200 || !type.startsWith("text/event-stream")) {
              summary.rejected.push(`stream ${stream}: HTTP ${response.statusCode} ${type}`);
              response.resume();
              responded();
              return;
            }
            summary.opened += 1;
            open = true;
            responded();
            let pending = "";
            response.setEncoding("utf8");
            response.on("data", (chunk: string) => {
              summary.bytes += Buffer.byteLength(chunk);
              pending += chunk;
              let end = pending.indexOf("\n\n");
              while (end >= 0) {
                parse(stream, pending.slice(0, end));
                pending = pending.slice(end + 2);
                end = pending.indexOf("\n\n");
              }
            });
            response.on("end", () => dropped("the server ended it"));
            response.on("error", (error: NodeJS.ErrnoException) => dropped(error.code ?? error.message));
          },
        );
        outgoing.on("error", (error: NodeJS.ErrnoException) => {
          if (open) {
            dropped(error.code ?? error.message);
            return;
          }
          if (!closing) summary.rejected.push(`stream ${stream}: ${error.code ?? error.message}`);
          responded();
        });
        outgoing.end();
        requests.push(outgoing);
      }),
  );

  return {
    ready: Promise.all(responses).then(() => undefined),
    close() {
      closing = true;
      for (const outgoing of requests) outgoing.destroy();
      return summary;
    },
  };
}
