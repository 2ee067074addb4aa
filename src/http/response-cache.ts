import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { Http2Bindings, HttpBindings } from "@hono/node-server";
import type { Hono } from "hono";
import { pickLocale } from "../shared/locale.ts";
import { type Logger, silentLogger } from "../shared/logger.ts";
import { bearerHeaderCheck } from "./auth.ts";

/**
 * The part of the index that the cache reads: a counter that changes whenever a read could
 * change, or null while reads may change at any moment.
 */
export interface VersionedSource {
  readonly version: number | null;
}

export interface ResponseCacheOptions {
  index: VersionedSource;
  /** Request paths, without the query, whose GET responses are kept, such as `/api/v1/stats`. */
  paths: readonly string[];
  /** The API token. When set, a request is served from the cache only if it carries the token. */
  apiToken?: string;
  /** Responses kept at once; the oldest is dropped for a new one. @default 64 */
  maxEntries?: number;
  logger?: Logger;
}

/** Counters of the cache, for tests and diagnostics. */
export interface ResponseCacheCounters {
  /** Requests served from the cache. */
  hits: number;
  /** Responses stored after the app produced them. */
  stores: number;
}

interface CachedResponse {
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/** A request the app handles, with what it needs to store the app's response afterwards. */
interface PendingFill {
  key: string;
  version: number;
}

type FetchHandler = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

/**
 * Serves repeated GET requests of a few hot routes with the bytes that the Hono app sent for an
 * equal request, until the index changes. It sits in front of the app in the `node:http`
 * listener, so a hit costs one map lookup and a write, without Hono's request objects.
 *
 * Requests are equal when they have the same Host header, request target (path and query
 * string), language (from `Accept-Language`) and `Origin` header. Those are every input of these
 * routes besides the token and the index. Only 200 responses are stored, so every error,
 * including a missing token, still comes from the app. A request is served from the cache only
 * if it carries exactly one `Authorization` header that passes the same check as the app's
 * middleware, so the cache never serves a request that the app would reject. Anything else,
 * such as a HEAD request or two `Authorization` headers, goes to the app.
 *
 * Every entry is dropped when `index.version` changes, which happens at the start and the end
 * of each write, so a change shows in the next response, as without the cache.
 */
export class ResponseCache {
  readonly #index: VersionedSource;
  readonly #paths: ReadonlySet<string>;
  readonly #authorized: ((header: string | undefined) => boolean) | null;
  readonly #maxEntries: number;
  readonly #logger: Logger;
  readonly #entries = new Map<string, CachedResponse>();
  /** Keyed by the `node:http` request, which the app gets as `env.incoming`. */
  readonly #pending = new WeakMap<object, PendingFill>();
  /** The index version that every entry was produced at; null while the index writes. */
  #version: number | null;
  readonly counters: ResponseCacheCounters = { hits: 0, stores: 0 };

  constructor(options: ResponseCacheOptions) {
    this.#index = options.index;
    this.#paths = new Set(options.paths);
    this.#authorized = options.apiToken === undefined ? null : bearerHeaderCheck(options.apiToken);
    this.#maxEntries = options.maxEntries ?? 64;
    this.#logger = options.logger ?? silentLogger;
    this.#version = options.index.version;
  }

  /**
   * Serves `request` from the cache and returns true, or returns false and leaves it to the
   * app. Call it first in the server's request listener.
   */
  respond(request: IncomingMessage, response: ServerResponse): boolean {
    const key = this.#keyOf(request);
    if (key === null) return false;

    this.#dropIfStale();
    // While the index writes, reads may change at any moment, so nothing is served or stored.
    if (this.#version === null) return false;

    const entry = this.#entries.get(key);
    if (!entry) {
      this.#pending.set(request, { key, version: this.#version });
      return false;
    }

    this.counters.hits += 1;
    const debug = this.#logger.isLevelEnabled("debug");
    const started = debug ? performance.now() : 0;
    response.writeHead(200, entry.headers);
    response.end(entry.body);
    if (debug) {
      const path = request.url?.split("?", 1)[0];
      const ms = Math.round(performance.now() - started);
      this.#logger.debug({ method: "GET", path, status: 200, ms, cached: true }, "request handled");
    }
    return true;
  }

  /**
   * Wraps the app's fetch handler so that a 200 response to a request that {@link respond} left
   * to the app is stored, and serves equal requests until the index changes.
   */
  wrapFetch(fetch: FetchHandler): FetchHandler {
    return (request, env) => {
      const pending = env.incoming ? this.#pending.get(env.incoming) : undefined;
      // Every other request takes the app's own path, including its synchronous responses.
      if (!pending) return fetch(request, env);

      return this.#keepResponse(pending, fetch(request, env));
    };
  }

  /** Stores the body of a 200 response and returns a response with the same status, headers and body. */
  async #keepResponse(pending: PendingFill, produced: Response | Promise<Response>): Promise<Response> {
    const response = await produced;
    if (response.status !== 200 || response.headers.has("set-cookie")) return response;

    const body = Buffer.from(await response.arrayBuffer());
    this.#store(pending, response.headers, body);
    return new Response(body, { status: response.status, headers: response.headers });
  }

  /** Returns the cache key of a request that the cache may serve, or null. */
  #keyOf(request: IncomingMessage): string | null {
    if (request.method !== "GET") return null;

    const target = request.url ?? "";
    const queryStart = target.indexOf("?");
    if (!this.#paths.has(queryStart === -1 ? target : target.slice(0, queryStart))) return null;
    if (this.#authorized && !this.#carriesToken(request)) return null;

    const { host = "", origin = "" } = request.headers;
    const locale = pickLocale(request.headers["accept-language"]);
    return `${host}\n${target}\n${locale}\n${origin}`;
  }

  /** Returns true when the request has exactly one `Authorization` header and it carries the token. */
  #carriesToken(request: IncomingMessage): boolean {
    const raw = request.rawHeaders;
    let count = 0;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      if (name.length === 13 && name.toLowerCase() === "authorization") count += 1;
    }
    return count === 1 && (this.#authorized?.(request.headers.authorization) ?? false);
  }

  /** Drops every entry once the index has changed, or is writing, since they were produced. */
  #dropIfStale(): void {
    const version = this.#index.version;
    if (version === this.#version) return;

    this.#entries.clear();
    this.#version = version;
  }

  #store(pending: PendingFill, headers: Headers, body: Buffer): void {
    this.#dropIfStale();
    // The index changed or wrote while the app built the response, so it may contain older values.
    if (this.#version === null || pending.version !== this.#version) return;

    const outgoing: OutgoingHttpHeaders = {};
    headers.forEach((value, name) => {
      outgoing[name] = value;
    });
    outgoing["Content-Length"] = body.length;
    if (this.#entries.size >= this.#maxEntries && !this.#entries.has(pending.key)) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(pending.key, { headers: outgoing, body });
    this.counters.stores += 1;
  }
}

// biome-ignore lint/suspicious/noExplicitAny: the registry accepts any Hono app, whatever its environment.
type AnyHono = Hono<any, any, any>;

const cachesByApp = new WeakMap<AnyHono, ResponseCache>();

/** Registers the response cache of `app`, so that `startHttpServer` puts it in front of the app. */
export function attachResponseCache(app: AnyHono, cache: ResponseCache): void {
  cachesByApp.set(app, cache);
}

/** Returns the response cache registered for `app`, if any. */
export function responseCacheOf(app: AnyHono): ResponseCache | undefined {
  return cachesByApp.get(app);
}
