import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { Hono } from "hono";
import { type Logger, silentLogger } from "../shared/logger.ts";
import { responseCacheOf } from "./response-cache.ts";

// biome-ignore lint/suspicious/noExplicitAny: any Hono app can be served, whatever its environment.
type AnyHono = Hono<any, any, any>;

export interface HttpServerOptions {
  app: AnyHono;
  /** Address to listen on, such as 127.0.0.1. */
  host: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  logger?: Logger;
}

/** A listening server. */
export interface HttpServer {
  /** Base URL, such as `http://127.0.0.1:8000`. */
  url: string;
  /** The port listened on, useful when 0 was requested. */
  port: number;
  /**
   * Stops accepting connections, ends idle ones and waits for open requests; safe to call twice.
   * NOTE: a long-lived response such as a server-sent event stream keeps this waiting until the
   * stream ends, so such routes must end their streams on shutdown.
   */
  close(): Promise<void>;
}

function urlOf(host: string, port: number): string {
  const hostname = host.includes(":") ? `[${host}]` : host;
  return `http://${hostname}:${port}`;
}

/**
 * Serves `app` with @hono/node-server's request listener and resolves once the server listens.
 * When `createApp` registered a response cache for `app`, the cache serves the requests whose
 * responses it has stored, before they reach the app. Rejects when the port cannot be bound (for
 * example EADDRINUSE).
 */
export function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const logger = (options.logger ?? silentLogger).child({ module: "http-server" });

  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535) {
    return Promise.reject(
      new RangeError(`Expected port to be an integer from 0 to 65535, got ${options.port}.`),
    );
  }

  const cache = responseCacheOf(options.app);
  const appListener = getRequestListener(cache ? cache.wrapFetch(options.app.fetch) : options.app.fetch, {
    hostname: options.host,
  });
  const server = createServer((request, response) => {
    if (cache?.respond(request, response)) return;
    void appListener(request, response);
  });

  return new Promise((resolve, reject) => {
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      const info = server.address() as AddressInfo;
      const url = urlOf(options.host, info.port);
      let closing: Promise<void> | undefined;
      logger.info({ url }, "HTTP server listening");

      resolve({
        url,
        port: info.port,
        close() {
          closing ??= new Promise<void>((done, fail) => {
            server.close((error) => {
              if (error) {
                fail(error);
                return;
              }
              logger.info({ url }, "HTTP server stopped");
              done();
            });
            // Node 19+ does this inside close() too. The explicit call keeps an idle keep-alive socket from delaying it.
            if ("closeIdleConnections" in server) server.closeIdleConnections();
          });
          return closing;
        },
      });
    });
    server.once("error", reject);
  });
}
