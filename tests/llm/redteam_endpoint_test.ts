/**
 * Endpoints as users misconfigure them, each against a real server on
 * 127.0.0.1: a redirect is not followed (and said to be one), doctor's probe
 * tells a rate limit, a spent quota and a server error from a wrong URL, and
 * a base URL written without its scheme is refused with the fix.
 */

import assert from "node:assert/strict";
import { PluginError } from "../../core/errors.ts";
import { createOpenAiClient, OpenAiSettingsSchema } from "../../plugins/llm/openai.ts";
import { baseUrlProblem, EndpointError, resolveEndpoint } from "../../plugins/llm/presets.ts";

const msgs = [{ role: "user" as const, content: "Fix the build please" }];

interface Server {
  url: string;
  seen: string[];
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 answering every request with `answer`. */
function serve(answer: (req: Request) => Response | Promise<Response>): Server {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    seen.push(`${req.method} ${new URL(req.url).pathname}`);
    return answer(req);
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/v1`,
    seen,
    close: () => server.shutdown(),
  };
}

Deno.test("endpoint redirect is not followed by a call and the error names where it points", async () => {
  const s = serve((req) =>
    new URL(req.url).pathname === "/login"
      ? new Response("<html>sign in</html>", { headers: { "content-type": "text/html" } })
      : new Response(null, { status: 302, headers: { location: "/login" } })
  );
  try {
    const llm = createOpenAiClient(
      { provider: "vllm", base_url: s.url, max_retries: 0 },
      { env: () => undefined },
    );
    const e = await llm.complete({ model: "m", messages: msgs }).then(
      () => assert.fail("a redirect is not a completion"),
      (e) => e,
    );
    assert.ok(e instanceof PluginError, String(e));
    assert.ok(e.message.includes(`"${s.url}/chat/completions"`), e.message);
    assert.match(e.message, /redirects to "\/login" \(HTTP 302\)/);
    // The login page was never asked for (with the key, had there been one).
    assert.deepEqual(s.seen, ["POST /v1/chat/completions"]);
  } finally {
    await s.close();
  }
});

Deno.test("endpoint probe calls a 5xx a server error, not a wrong base URL", async () => {
  const s = serve(() =>
    new Response("upstream connect error", {
      status: 503,
      headers: { "content-type": "text/plain" },
    })
  );
  try {
    const p = await createOpenAiClient({ provider: "vllm", base_url: s.url }, {
      env: () => undefined,
    }).probe({ timeoutMs: 30_000 });
    assert.equal(p.outcome, "server_error", p.message);
    assert.match(p.message, /HTTP 503/);
    assert.match(p.message, /content type text\/plain/);
    assert.match(p.message, /"upstream connect error"/);
  } finally {
    await s.close();
  }
});

Deno.test("endpoint probe tells a rate limit from a spent quota", async () => {
  let body = '{"error":{"message":"Rate limit reached","type":"requests"}}';
  const s = serve(() =>
    new Response(body, { status: 429, headers: { "content-type": "application/json" } })
  );
  try {
    const llm = createOpenAiClient({ provider: "vllm", base_url: s.url }, {
      env: () => undefined,
    });
    const rate = await llm.probe({ timeoutMs: 30_000 });
    assert.equal(rate.outcome, "rate_limited", rate.message);
    assert.equal(rate.quota, false);
    assert.match(rate.message, /HTTP 429 \(rate limited\)/);
    body = '{"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}}';
    const quota = await llm.probe({ timeoutMs: 30_000 });
    assert.equal(quota.outcome, "rate_limited");
    assert.equal(quota.quota, true);
    assert.match(quota.message, /the quota is spent/);
  } finally {
    await s.close();
  }
});

Deno.test("endpoint probe of a body that stops coming says the rest did not come in time", async () => {
  const s = serve(() =>
    new Response(
      new ReadableStream({
        start(c) {
          c.enqueue(new TextEncoder().encode('{"data":['));
        },
      }),
      { headers: { "content-type": "application/json" } },
    )
  );
  try {
    const p = await createOpenAiClient({ provider: "vllm", base_url: s.url }, {
      env: () => undefined,
    }).probe({ timeoutMs: 500 });
    assert.equal(p.outcome, "unreachable", p.message);
    assert.match(p.message, /body broke off after 9 bytes: the rest did not come within 0\.5 s/);
  } finally {
    await s.close();
  }
});

Deno.test("endpoint base URL without its scheme is refused with the URL to write", () => {
  assert.match(
    baseUrlProblem("localhost:11434/v1")!,
    /write it with its scheme.*"http:\/\/localhost:11434\/v1"/,
  );
  assert.match(baseUrlProblem("127.0.0.1:8000/v1")!, /"http:\/\/127\.0\.0\.1:8000\/v1"/);
  assert.match(baseUrlProblem("ftp://example.invalid/v1")!, /not an http\(s\) URL/);
  assert.equal(baseUrlProblem("http://[::1]:8000/v1/"), null);
  assert.equal(baseUrlProblem("https://example.invalid"), null);
  // The plugin's option schema refuses it, so a config error is located at the key.
  const r = OpenAiSettingsSchema.safeParse({ base_url: "localhost:11434" });
  assert.equal(r.success, false);
  assert.match(r.error!.issues[0]!.message, /Base URL "localhost:11434" is not an http\(s\) URL/);
});

Deno.test("a wrong base URL's message never quotes the credentials written into it", () => {
  for (
    const given of [
      "bob:hunter2secretpw@localhost:11434/v1",
      "tok3nhunter2secretpw@localhost:11434/v1",
      "ftp://bob:hunter2secretpw@example.invalid/v1",
      "http://bob:hunter2secretpw@[::1:8000/v1",
    ]
  ) {
    const m = baseUrlProblem(given)!;
    assert.ok(m, given);
    assert.doesNotMatch(m, /hunter2secretpw/, m);
    assert.match(m, /\*\*\*@/, m);
  }
  assert.match(
    baseUrlProblem("bob:pw@localhost:11434/v1")!,
    /write it with its scheme, e\.g\. "http:\/\/\*\*\*@localhost:11434\/v1"/,
  );
});

Deno.test("endpoint base URL from OPENAI_BASE_URL names the variable when it is wrong", () => {
  const env = (n: string) => n === "OPENAI_BASE_URL" ? "localhost:11434" : undefined;
  const e = (() => {
    try {
      resolveEndpoint({ provider: "openai" }, env);
    } catch (e) {
      return e;
    }
    assert.fail("resolved");
  })();
  assert.ok(e instanceof EndpointError);
  assert.equal(e.setting, "base_url");
  assert.equal(e.variable, "OPENAI_BASE_URL");
  assert.match(e.message, /OPENAI_BASE_URL "localhost:11434".*"http:\/\/localhost:11434"/);
  // A base_url written in the config wins, and the variable is not blamed.
  const ok = resolveEndpoint({ provider: "openai", base_url: "http://127.0.0.1:1/v1/" }, env);
  assert.equal(ok.baseUrl, "http://127.0.0.1:1/v1");
});

Deno.test("endpoint probe reads a large model list whole (a router lists hundreds of models)", async () => {
  const data = Array.from({ length: 3000 }, (_, i) => ({
    id: `vendor/model-${i}-${"x".repeat(60)}`,
    object: "model",
    description: "A model with a long description. ".repeat(4),
  }));
  const s = serve(() => Response.json({ object: "list", data }));
  try {
    const p = await createOpenAiClient({ provider: "vllm", base_url: s.url }, {
      env: () => undefined,
    }).probe({ timeoutMs: 30_000 });
    assert.equal(p.outcome, "reachable", p.message);
    assert.match(p.message, /answered with 3000 models/);
    assert.equal(p.models?.length, 3000);
    assert.equal(p.models?.[2999], data[2999]!.id);
  } finally {
    await s.close();
  }
});

Deno.test("endpoint base URL pasted with /chat/completions on the end is its API root", async () => {
  const s = serve((req) => {
    const path = new URL(req.url).pathname;
    if (path === "/v1/models") return Response.json({ object: "list", data: [{ id: "m" }] });
    if (path === "/v1/chat/completions") {
      return Response.json({
        id: "x",
        object: "chat.completion",
        model: "m",
        choices: [{
          index: 0,
          message: { role: "assistant", content: "ok" },
          finish_reason: "stop",
        }],
        usage: { prompt_tokens: 1, completion_tokens: 1 },
      });
    }
    return new Response("404 page not found", { status: 404 });
  });
  try {
    const llm = createOpenAiClient(
      { provider: "ollama", base_url: `${s.url}/chat/completions/`, max_retries: 0 },
      { env: () => undefined },
    );
    assert.equal(llm.baseUrl, s.url);
    assert.equal((await llm.probe({ timeoutMs: 30_000 })).outcome, "reachable");
    assert.equal((await llm.complete({ model: "m", messages: msgs })).text, "ok");
    assert.deepEqual(s.seen, ["GET /v1/models", "POST /v1/chat/completions"]);
  } finally {
    await s.close();
  }
});

Deno.test("endpoint base URL problems say how to write it: IPv6 brackets, a path alone", () => {
  assert.match(
    baseUrlProblem("http://::1:8000/v1")!,
    /not a valid URL: an IPv6 address goes in brackets/,
  );
  assert.doesNotMatch(baseUrlProblem("http://::1:8000/v1")!, /http:\/\/http:/);
  assert.match(baseUrlProblem("/v1")!, /is a path, not a URL.*"http:\/\/localhost:8000\/v1"/);
  assert.equal(baseUrlProblem("http://[::1]:8000/v1"), null);
});
