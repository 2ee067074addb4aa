import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import { type ChatMessage, createChatClient, parseRetryAfter } from "./chat-client.ts";
import {
  LlmBadResponseError,
  LlmHttpError,
  LlmTimeoutError,
  LlmUnauthorizedError,
  LlmUnreachableError,
} from "./errors.ts";
import { type LlmConfig, resolveLlmConfig } from "./settings.ts";
import {
  captureLogger,
  type FakeLlmServer,
  type Responder,
  startFakeLlmServer,
  unusedBaseUrl,
} from "./test-server.ts";

const API_KEY = "sk-test-4f9c2e7a1b8d";
const MESSAGES: ChatMessage[] = [
  { role: "system", content: "Return JSON." },
  { role: "user", content: '{"cues":[]}' },
];
const LABEL = { task: "outline", chunkIndex: 3 } as const;

let server: FakeLlmServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function clientFor(responder: Responder, overrides: Partial<LlmConfig> = {}) {
  server = await startFakeLlmServer(responder);
  const { logger, lines } = captureLogger();
  const config = resolveLlmConfig({
    baseUrl: server.baseUrl,
    apiKey: API_KEY,
    model: "test-model",
    timeoutMs: 2000,
    maxRetries: 2,
    retryBaseMs: 1,
    retryMaxMs: 20,
    ...overrides,
  });
  return { client: createChatClient(config, logger), lines, server };
}

function retryLines(lines: string[]): Array<Record<string, unknown>> {
  return lines
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.msg === "LLM request failed; retrying");
}

describe("chat client", () => {
  test("normal reply", async () => {
    const { client, server } = await clientFor(() => ({ content: '{"ok":true}' }));

    const reply = await client.complete(MESSAGES, LABEL);

    assert.deepEqual(reply, { content: '{"ok":true}', finishReason: "stop" });
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.equal(request?.path, "/v1/chat/completions");
    assert.equal(request?.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(request?.body.model, "test-model");
    assert.deepEqual(request?.body.messages, MESSAGES);
    assert.equal("temperature" in (request?.body ?? {}), false);
  });

  test("no key sends no authorization", async () => {
    const { client, server } = await clientFor(() => ({ content: "{}" }), { apiKey: "", temperature: 0 });

    await client.complete(MESSAGES, LABEL);

    assert.equal(server.requests[0]?.headers.authorization, undefined);
    assert.equal(server.requests[0]?.body.temperature, 0);
  });

  test("slow reply is retried", async () => {
    const { client, server, lines } = await clientFor(
      (_request, index) => (index === 0 ? { delayMs: 3000, content: "late" } : { content: "on time" }),
      { timeoutMs: 300 },
    );

    const reply = await client.complete(MESSAGES, LABEL);

    assert.equal(reply.content, "on time");
    assert.ok(server.requests.length >= 2, `${server.requests.length} requests arrived`);
    assert.equal(retryLines(lines)[0]?.reason, "timeout");
  });

  test("timeouts exhaust retries", async () => {
    const { client, server } = await clientFor(() => ({ delayMs: 3000, content: "late" }), {
      timeoutMs: 100,
      maxRetries: 1,
    });

    await assert.rejects(client.complete(MESSAGES, LABEL), (error: unknown) => {
      assert.ok(error instanceof LlmTimeoutError);
      assert.equal(error.code, "LLM_TIMEOUT");
      assert.equal(error.attempts, 2);
      assert.match(error.message, /within 100 ms in 2 attempt/);
      return true;
    });
    // Under load an attempt can time out before its request reaches the server, so fewer may arrive.
    assert.ok(server.requests.length <= 2, `${server.requests.length} requests arrived`);
  });

  test("429 honours Retry-After", async () => {
    const { client, server, lines } = await clientFor(
      (_request, index) =>
        index === 0 ? { status: 429, headers: { "retry-after": "1" }, body: "{}" } : { content: "done" },
      { retryBaseMs: 1, retryMaxMs: 60 },
    );

    const started = performance.now();
    const reply = await client.complete(MESSAGES, LABEL);

    assert.equal(reply.content, "done");
    assert.equal(server.requests.length, 2);
    const [retry] = retryLines(lines);
    assert.equal(retry?.status, 429);
    assert.equal(retry?.delayMs, 60, "one second of Retry-After, capped at retryMaxMs");
    assert.ok(performance.now() - started >= 55, "the client waited before retrying");
  });

  test("5xx is retried then fails", async () => {
    const { client, server } = await clientFor(() => ({ status: 503, body: '{"error":"overloaded"}' }));

    await assert.rejects(client.complete(MESSAGES, LABEL), (error: unknown) => {
      assert.ok(error instanceof LlmHttpError);
      assert.equal(error.code, "LLM_SERVER_ERROR");
      assert.equal(error.status, 503);
      assert.match(error.message, /overloaded/);
      return true;
    });
    assert.equal(server.requests.length, 3);
  });

  test("backoff doubles per retry", async () => {
    const { client, lines } = await clientFor(
      (_request, index) => (index < 3 ? { status: 500, body: "" } : { content: "ok" }),
      { maxRetries: 3, retryBaseMs: 2, retryMaxMs: 5 },
    );

    await client.complete(MESSAGES, LABEL);

    assert.deepEqual(
      retryLines(lines).map((line) => line.delayMs),
      [2, 4, 5],
    );
  });

  for (const status of [401, 403]) {
    test(`${status} fails without retries`, async () => {
      const { client, server } = await clientFor(() => ({ status, body: '{"error":"bad key"}' }));

      await assert.rejects(client.complete(MESSAGES, LABEL), (error: unknown) => {
        assert.ok(error instanceof LlmUnauthorizedError);
        assert.equal(error.code, "LLM_UNAUTHORIZED");
        assert.equal(error.name, "LlmUnauthorizedError");
        assert.match(error.message, /check the API key/);
        assert.ok(error.message.includes(server.baseUrl));
        return true;
      });
      assert.equal(server.requests.length, 1);
    });
  }

  test("400 fails without retries", async () => {
    const { client, server } = await clientFor(() => ({ status: 400, body: '{"error":"model not found"}' }));

    await assert.rejects(client.complete(MESSAGES, LABEL), (error: unknown) => {
      assert.ok(error instanceof LlmHttpError);
      assert.equal(error.code, "LLM_REQUEST_REJECTED");
      assert.match(error.message, /model not found/);
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  test("connection refused is unreachable", async () => {
    const baseUrl = await unusedBaseUrl();
    const { logger } = captureLogger();
    const client = createChatClient(
      resolveLlmConfig({ baseUrl, model: "m", maxRetries: 1, retryBaseMs: 1, retryMaxMs: 1 }),
      logger,
    );

    await assert.rejects(client.complete(MESSAGES, LABEL), (error: unknown) => {
      assert.ok(error instanceof LlmUnreachableError);
      assert.equal(error.code, "LLM_UNREACHABLE");
      assert.equal(error.attempts, 2);
      assert.ok(error.message.includes(baseUrl), error.message);
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    });
  });

  test("non-completion body is rejected", async () => {
    const { client } = await clientFor(() => ({ body: "<html>proxy login</html>" }));

    await assert.rejects(
      client.complete(MESSAGES, LABEL),
      (error: unknown) => error instanceof LlmBadResponseError && error.code === "LLM_BAD_RESPONSE",
    );
  });

  test("abort stops retries", async () => {
    const controller = new AbortController();
    const { client, server } = await clientFor(
      () => {
        controller.abort(new Error("shutting down"));
        return { status: 500, body: "" };
      },
      { retryBaseMs: 1000, retryMaxMs: 1000 },
    );

    await assert.rejects(client.complete(MESSAGES, LABEL, controller.signal), /shutting down|aborted/);
    assert.equal(server.requests.length, 1);
  });

  test("API key never logged", async () => {
    const script: Responder = (_request, index) =>
      [{ status: 500, body: `{"echo":"Bearer ${API_KEY}"}` }, { content: "ok" }, { status: 401, body: "" }][
        index
      ] ?? {
        content: "ok",
      };
    const { client, lines } = await clientFor(script);

    await client.complete(MESSAGES, LABEL);
    const failure = await client.complete(MESSAGES, LABEL).catch((error: unknown) => error);

    assert.ok(lines.length >= 3, `${lines.length} log lines captured`);
    for (const line of lines) assert.equal(line.includes(API_KEY), false, line);
    assert.ok(failure instanceof LlmUnauthorizedError);
    assert.equal(failure.message.includes(API_KEY), false);
  });

  test("error excerpt hides API key", async () => {
    const { client } = await clientFor(() => ({
      status: 400,
      body: `{"error":"bad header Bearer ${API_KEY}"}`,
    }));

    const failure = await client.complete(MESSAGES, LABEL).catch((error: unknown) => error);

    assert.ok(failure instanceof LlmHttpError);
    assert.equal(failure.message.includes(API_KEY), false, failure.message);
    assert.match(failure.message, /\[api key\]/);
  });
});

describe("parseRetryAfter", () => {
  test("seconds, dates and junk", () => {
    const now = Date.parse("2025-01-01T00:00:00Z");

    assert.equal(parseRetryAfter("3", now), 3000);
    assert.equal(parseRetryAfter("0", now), 0);
    assert.equal(parseRetryAfter("Wed, 01 Jan 2025 00:00:05 GMT", now), 5000);
    assert.equal(parseRetryAfter("Tue, 31 Dec 2024 23:59:00 GMT", now), 0);
    assert.equal(parseRetryAfter("soon", now), null);
    assert.equal(parseRetryAfter(null, now), null);
  });
});
