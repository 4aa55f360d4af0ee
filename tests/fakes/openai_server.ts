/**
 * A fake OpenAI-compatible server for tests: real HTTP on 127.0.0.1 (port 0)
 * answering `POST /v1/chat/completions` (and `/chat/completions`) from a
 * script, recording every request body.
 *
 * Script entries are used in order, one per HTTP request (a retried request
 * consumes the next entry):
 * - a string: a 200 chat completion whose content is that string;
 * - `{ status, body?, headers? }`: that status with that JSON body (a status
 *   >= 400 without a body gets an OpenAI-style error body);
 * - a function `(req) => string`: called with the parsed request body, its
 *   result is sent like a string entry;
 * - `{ status, html }`: that status with an HTML page (`text/html`), like a
 *   proxy's error page or a login page in front of the API.
 *
 * Options: `apiKey` makes every route answer 401 unless the request carries
 * `Authorization: Bearer <apiKey>`; `models` replaces the `GET /models` reply
 * (e.g. `{ status: 200, html: "..." }` for a web server that is not an API).
 *
 * Error statuses carry `retry-after-ms: 0` unless `headers` says otherwise, so
 * the SDK retries at once and tests do not wait for its backoff.
 *
 * When the script runs out, the server answers 500 with the error message
 * "Fake OpenAI script exhausted after N replies" and `x-should-retry: false`
 * (so clients fail at once with a clear message instead of looping). To
 * answer the same thing many times, repeat the entry in the script.
 *
 * Usage numbers are deterministic: prompt tokens = ceil(characters of all
 * message contents / 4), completion tokens = ceil(characters of the reply / 4).
 *
 * @module
 */

/** What a scripted function receives: the parsed request body. */
export interface FakeChatRequest {
  /** Model asked for. */
  model?: string;
  /** The conversation. */
  messages?: { role: string; content: string }[];
  /** Anything else the client sent. */
  [key: string]: unknown;
}

/** One scripted reply. */
export type FakeReply =
  | string
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { status: number; html: string }
  | ((req: FakeChatRequest) => string);

/** Options of {@link startFakeOpenAi}. */
export interface FakeOpenAiOptions {
  /** The only key accepted; without it every request is answered. */
  apiKey?: string;
  /** Reply to `GET /models` instead of the one-model list. */
  models?: { status: number; html: string } | { status: number; body: unknown };
}

/** One request as received. */
export interface FakeCall {
  /** Method. */
  method: string;
  /** Path (no query). */
  path: string;
  /** The Authorization header, or null. */
  authorization: string | null;
  /** The parsed JSON body (or the raw text when it was not JSON). */
  body: unknown;
}

/** A running fake server. */
export interface FakeOpenAi {
  /** Base URL ending in `/v1` (give it as base_url or OPENAI_BASE_URL). */
  url: string;
  /** Every chat-completion request body, in order (parsed JSON). */
  requests: unknown[];
  /** Every HTTP request with method, path and Authorization header. */
  calls: FakeCall[];
  /** Stop the server. */
  close(): Promise<void>;
}

/**
 * Start a fake OpenAI-compatible server.
 *
 * @param script The replies, in order (see the module doc).
 * @returns Its base URL, the recorded requests and `close()`.
 * @example
 * ```ts ignore
 * const fake = await startFakeOpenAi([{ status: 429 }, "```diff\n...\n```"]);
 * // OPENAI_BASE_URL=fake.url ...
 * await fake.close();
 * ```
 */
export async function startFakeOpenAi(
  script: FakeReply[],
  options: FakeOpenAiOptions = {},
): Promise<FakeOpenAi> {
  const requests: unknown[] = [];
  const calls: FakeCall[] = [];
  let next = 0;
  const ready = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    onListen: (addr) => ready.resolve(addr),
  }, async (req) => {
    const path = new URL(req.url).pathname;
    const text = await req.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Keep the raw text: a test may want to see what was malformed.
    }
    calls.push({ method: req.method, path, authorization: req.headers.get("authorization"), body });
    if (
      options.apiKey !== undefined &&
      req.headers.get("authorization") !== `Bearer ${options.apiKey}`
    ) {
      return _error(401, "Incorrect API key provided", { "x-should-retry": "false" });
    }
    if (req.method === "GET" && /^(\/v1)?\/models$/.test(path)) {
      const m = options.models;
      if (m && "html" in m) return _html(m.status, m.html);
      if (m) return Response.json(m.body, { status: m.status });
      return Response.json({ object: "list", data: [{ id: "fake-model", object: "model" }] });
    }
    if (req.method !== "POST" || !/^(\/v1)?\/chat\/completions$/.test(path)) {
      return _error(404, `Fake OpenAI has no route ${req.method} ${path}`, {
        "x-should-retry": "false",
      });
    }
    requests.push(body);
    const entry = script[next];
    if (entry === undefined) {
      return _error(500, `Fake OpenAI script exhausted after ${script.length} replies`, {
        "x-should-retry": "false",
      });
    }
    next++;
    if (typeof entry === "object" && "html" in entry) return _html(entry.status, entry.html);
    if (typeof entry === "object") {
      const headers = { "retry-after-ms": "0", ...entry.headers };
      if (entry.body !== undefined) {
        return Response.json(entry.body, { status: entry.status, headers });
      }
      if (entry.status >= 400) {
        return _error(entry.status, `Scripted status ${entry.status}`, headers);
      }
      return new Response(null, { status: entry.status, headers });
    }
    const chat = (body && typeof body === "object" ? body : {}) as FakeChatRequest;
    const reply = typeof entry === "function" ? entry(chat) : entry;
    const promptChars = (chat.messages ?? []).reduce(
      (n, m) => n + (typeof m.content === "string" ? m.content.length : 0),
      0,
    );
    const tokensIn = Math.ceil(promptChars / 4);
    const tokensOut = Math.ceil(reply.length / 4);
    return Response.json({
      id: `chatcmpl-fake-${next}`,
      object: "chat.completion",
      created: 1_700_000_000,
      model: typeof chat.model === "string" ? chat.model : "fake-model",
      choices: [{
        index: 0,
        message: { role: "assistant", content: reply },
        finish_reason: "stop",
        logprobs: null,
      }],
      usage: {
        prompt_tokens: tokensIn,
        completion_tokens: tokensOut,
        total_tokens: tokensIn + tokensOut,
      },
    });
  });
  const addr = await ready.promise;
  return {
    url: `http://127.0.0.1:${addr.port}/v1`,
    requests,
    calls,
    close: async () => {
      await server.shutdown();
    },
  };
}

function _error(status: number, message: string, headers: Record<string, string>): Response {
  return Response.json(
    { error: { message, type: "fake_error", code: String(status) } },
    { status, headers },
  );
}

function _html(status: number, html: string): Response {
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "x-should-retry": "false" },
  });
}
