import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../../shared/logger.ts";
import type { ChatMessage } from "./chat-client.ts";

/** A chat completion request as the fake server received it. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: { model?: string; messages: ChatMessage[]; temperature?: number };
}

/**
 * The fake server's response to one request. `content` is wrapped in a chat completion body;
 * `body` is sent as it is. `delayMs` delays the response, to test timeouts.
 */
export interface ScriptedResponse {
  status?: number;
  headers?: Record<string, string>;
  content?: string;
  finishReason?: string;
  body?: string;
  delayMs?: number;
}

/** Builds the response to the request numbered `index` (from 0). */
export type Responder = (
  request: ReceivedRequest,
  index: number,
) => ScriptedResponse | Promise<ScriptedResponse>;

/** A running fake OpenAI-compatible server on 127.0.0.1. */
export interface FakeLlmServer {
  /** Base URL to configure, ending in `/v1`. */
  baseUrl: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * Starts a fake OpenAI-compatible server on 127.0.0.1 with a free port. It serves
 * `POST /v1/chat/completions` with the responses of `responder`, and 404 for any other path.
 */
export async function startFakeLlmServer(responder: Responder): Promise<FakeLlmServer> {
  const requests: ReceivedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
      if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
        response.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
        return;
      }

      const received: ReceivedRequest = {
        path: request.url,
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")),
      };
      requests.push(received);
      const scripted = await responder(received, requests.length - 1);

      const send = () => {
        if (response.destroyed) return;
        const body =
          scripted.body ??
          JSON.stringify({
            id: `chatcmpl-${requests.length}`,
            object: "chat.completion",
            model: received.body.model,
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: scripted.content ?? "" },
                finish_reason: scripted.finishReason ?? "stop",
              },
            ],
            usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
          });
        response
          .writeHead(scripted.status ?? 200, { "content-type": "application/json", ...scripted.headers })
          .end(body);
      };

      if (!scripted.delayMs) {
        send();
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        send();
      }, scripted.delayMs);
      timers.add(timer);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Returns a base URL on 127.0.0.1 where nothing listens: the port of a server that was just closed. */
export async function unusedBaseUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

/** Creates a logger at level `trace` whose lines are kept in `lines`, to check what was logged. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      callback();
    },
  });
  return { logger: createLogger("trace", destination), lines };
}

/** Wraps a JSON value the way chat models often do: in a fenced block with a sentence before and after. */
export function fenced(value: unknown): string {
  return `Here is the result:\n\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\`\nLet me know if you need changes.`;
}
