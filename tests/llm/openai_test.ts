import assert from "node:assert/strict";
import { PluginError } from "../../core/errors.ts";
import { createLogger } from "../../core/log.ts";
import { createOpenAiClient, openaiProvider } from "../../plugins/llm/openai.ts";
import { startFakeOpenAi } from "../fakes/openai_server.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];
const msgs = [{ role: "user" as const, content: "Fix the build please" }];

function captureLog() {
  const lines: string[] = [];
  return {
    lines,
    log: createLogger({ level: "debug", write: (l) => lines.push(l), color: false }),
  };
}

Deno.test("openai provider returns text and records usage and cost", async () => {
  const fake = await startFakeOpenAi(["hello from the fake"]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url }, {
      env: envOf({ OPENAI_API_KEY: "sk-test-123" }),
    });
    const { text, record } = await llm.complete({
      model: "gpt-4o",
      messages: msgs,
      temperature: 0.2,
      maxTokens: 500,
    });
    assert.equal(text, "hello from the fake");
    assert.equal(record.provider, "openai");
    assert.equal(record.model, "gpt-4o");
    assert.equal(record.tokensIn, Math.ceil(msgs[0]!.content.length / 4));
    assert.equal(record.tokensOut, Math.ceil(text.length / 4));
    assert.ok(record.latencyMs >= 0);
    const expected = (record.tokensIn * 2.5 + record.tokensOut * 10) / 1e6;
    assert.ok(Math.abs(record.costUsd - expected) < 1e-9, `cost ${record.costUsd} != ${expected}`);
    const body = fake.requests[0] as Record<string, unknown>;
    assert.equal(body.model, "gpt-4o");
    assert.equal(body.temperature, 0.2);
    assert.equal(body.max_tokens, 500);
    assert.deepEqual(body.messages, msgs);
    assert.equal(fake.calls[0]!.authorization, "Bearer sk-test-123");
  } finally {
    await fake.close();
  }
});

Deno.test("openai provider honours OPENAI_BASE_URL from the environment", async () => {
  const fake = await startFakeOpenAi(["via env"]);
  try {
    const llm = createOpenAiClient({}, {
      env: envOf({ OPENAI_API_KEY: "k", OPENAI_BASE_URL: fake.url }),
    });
    assert.equal(llm.baseUrl, fake.url);
    assert.equal((await llm.complete({ model: "gpt-4o-mini", messages: msgs })).text, "via env");
  } finally {
    await fake.close();
  }
});

Deno.test("openai provider retries 429 then succeeds", async () => {
  const fake = await startFakeOpenAi([{ status: 429 }, "after the retry"]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url, max_retries: 2 }, {
      env: envOf({ OPENAI_API_KEY: "k" }),
    });
    const { text } = await llm.complete({ model: "gpt-4o", messages: msgs });
    assert.equal(text, "after the retry");
    assert.equal(fake.requests.length, 2);
  } finally {
    await fake.close();
  }
});

Deno.test("openai provider gives up on 500 after its retries with a clear error", async () => {
  const fake = await startFakeOpenAi([{ status: 500 }, { status: 502 }, { status: 500 }, "late"]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url, max_retries: 2 }, {
      env: envOf({ OPENAI_API_KEY: "k" }),
    });
    const error = await llm.complete({ model: "gpt-4o", messages: msgs }).then(
      () => assert.fail("expected an error"),
      (e) => e,
    );
    assert.ok(error instanceof PluginError);
    assert.equal(fake.requests.length, 3);
    assert.match(error.message, /answered 500 after 3 attempts/);
    assert.ok(error.message.includes(`${fake.url}/chat/completions`), error.message);
  } finally {
    await fake.close();
  }
});

Deno.test("openai provider names the URL and the cause when unreachable", async () => {
  // A port that was just free: nothing listens there any more.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const url = `http://127.0.0.1:${port}/v1`;
  const llm = createOpenAiClient({ base_url: url, max_retries: 0 }, {
    env: envOf({ OPENAI_API_KEY: "k" }),
  });
  const error = await llm.complete({ model: "gpt-4o", messages: msgs }).then(
    () => assert.fail("expected an error"),
    (e) => e,
  );
  assert.ok(error instanceof PluginError);
  assert.ok(error.message.includes(`"${url}/chat/completions"`), error.message);
  assert.match(error.message, /Cannot reach the model endpoint/);
  assert.match(error.message, /refused|connect/i);
});

Deno.test("openai provider names the missing key variable", async () => {
  let fetched = 0;
  const llm = createOpenAiClient({ provider: "anthropic" }, {
    env: envOf({}),
    fetch: () => {
      fetched++;
      return Promise.reject(new Error("must not be called"));
    },
  });
  assert.match(llm.credentialProblem() ?? "", /"ANTHROPIC_API_KEY"/);
  await assert.rejects(() => llm.verify!(), /set the environment variable "ANTHROPIC_API_KEY"/);
  await assert.rejects(
    () => llm.complete({ model: "claude-sonnet-4-5", messages: msgs }),
    (e) => e instanceof PluginError && /"ANTHROPIC_API_KEY"/.test(e.message),
  );
  assert.equal(fetched, 0);
});

Deno.test("openai provider presets pick base URL and key variable", () => {
  const env = envOf({});
  const cases: [string, string, string | null][] = [
    ["anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"],
    ["gemini", "https://generativelanguage.googleapis.com/v1beta/openai", "GEMINI_API_KEY"],
    ["ollama", "http://localhost:11434/v1", null],
    ["openai", "https://api.openai.com/v1", "OPENAI_API_KEY"],
  ];
  for (const [provider, url, key] of cases) {
    const llm = createOpenAiClient({ provider: provider as "openai" }, { env });
    assert.equal(llm.baseUrl, url, provider);
    assert.equal(llm.keyEnv, key, provider);
  }
  assert.equal(createOpenAiClient({ provider: "ollama" }, { env }).credentialProblem(), null);
  assert.throws(() => createOpenAiClient({ provider: "azure" }, { env }), /needs a base URL/);
  const azure = createOpenAiClient(
    { provider: "azure", base_url: "https://res.openai.azure.com" },
    { env },
  );
  assert.equal(azure.baseUrl, "https://res.openai.azure.com/openai/v1");
  assert.equal(azure.keyEnv, "AZURE_OPENAI_API_KEY");
  const custom = createOpenAiClient({ provider: "ollama", api_key_env: "MY_KEY" }, { env });
  assert.match(custom.credentialProblem() ?? "", /"MY_KEY"/);
  assert.throws(() => createOpenAiClient({ base_url: "ftp://x" }, { env }), /not an http\(s\) URL/);
});

Deno.test("openai provider sends no key to a local ollama and costs nothing", async () => {
  const fake = await startFakeOpenAi(["local"]);
  try {
    const { lines, log } = captureLog();
    const llm = createOpenAiClient({ provider: "ollama", base_url: fake.url }, {
      env: envOf({}),
      log,
    });
    const { record } = await llm.complete({ model: "llama3.1:8b", messages: msgs });
    assert.equal(record.costUsd, 0);
    assert.equal(record.provider, "ollama");
    assert.equal(lines.filter((l) => l.includes("No price")).length, 0);
  } finally {
    await fake.close();
  }
});

Deno.test("openai provider warns once about an unknown price and uses config prices", async () => {
  const fake = await startFakeOpenAi(["a", "b", "c"]);
  try {
    const { lines, log } = captureLog();
    const llm = createOpenAiClient({
      base_url: fake.url,
      prices: { "my-deploy": { input: 1, output: 2 } },
    }, {
      env: envOf({ OPENAI_API_KEY: "k" }),
      log,
    });
    const first = await llm.complete({ model: "mystery-model", messages: msgs });
    await llm.complete({ model: "mystery-model", messages: msgs });
    assert.equal(first.record.costUsd, 0);
    assert.equal(
      lines.filter((l) => l.includes(`No price is known for model "mystery-model"`)).length,
      1,
    );
    // The warning names the config key that exists ("pricing", not "prices").
    assert.ok(lines.some((l) => l.includes('under "pricing:" in the config')), lines.join("\n"));
    const priced = await llm.complete({ model: "my-deploy", messages: msgs });
    assert.equal(
      priced.record.costUsd,
      (priced.record.tokensIn * 1 + priced.record.tokensOut * 2) / 1e6,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("openai provider sends max_completion_tokens and no temperature to reasoning models", async () => {
  const fake = await startFakeOpenAi(["ok"]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url }, { env: envOf({ OPENAI_API_KEY: "k" }) });
    await llm.complete({ model: "o3-mini", messages: msgs, temperature: 0.1, maxTokens: 64 });
    const body = fake.requests[0] as Record<string, unknown>;
    assert.equal(body.max_completion_tokens, 64);
    assert.equal("max_tokens" in body, false);
    assert.equal("temperature" in body, false);
  } finally {
    await fake.close();
  }
});

Deno.test("openai plugin validates its options and creates a client", async () => {
  assert.equal(openaiProvider.kind, "llm");
  assert.equal(openaiProvider.name, "openai");
  assert.equal(openaiProvider.options.safeParse({ provider: "nope" }).success, false);
  assert.equal(openaiProvider.options.safeParse({ max_retries: -1 }).success, false);
  assert.equal(openaiProvider.options.safeParse({ extra: 1 }).success, false);
  const options = openaiProvider.options.parse({ provider: "gemini", timeout_seconds: 5 });
  const fake = await startFakeOpenAi(["from plugin"]);
  try {
    const llm = await openaiProvider.create({ ...options, base_url: fake.url }, {
      repoRoot: ".",
      exec: undefined as never,
      log: createLogger({ write: () => {} }),
      env: envOf({ GEMINI_API_KEY: "g" }),
      fetch: globalThis.fetch,
      dryRun: false,
    });
    assert.equal(
      (await llm.complete({ model: "gemini-2.5-flash", messages: msgs })).text,
      "from plugin",
    );
    assert.equal(fake.calls[0]!.authorization, "Bearer g");
  } finally {
    await fake.close();
  }
});

Deno.test("fake openai server answers 500 when its script is exhausted", async () => {
  const fake = await startFakeOpenAi(["only"]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url }, { env: envOf({ OPENAI_API_KEY: "k" }) });
    await llm.complete({ model: "gpt-4o", messages: msgs });
    await assert.rejects(
      () => llm.complete({ model: "gpt-4o", messages: msgs }),
      /script exhausted after 1 replies/,
    );
    assert.equal(fake.requests.length, 2);
  } finally {
    await fake.close();
  }
});

Deno.test("openai provider stops a call that exceeds its timeout and says so", async () => {
  const hold = Promise.withResolvers<void>();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async () => {
    await hold.promise;
    return new Response("late");
  });
  try {
    const url = `http://127.0.0.1:${server.addr.port}/v1`;
    const llm = createOpenAiClient({ base_url: url, timeout_seconds: 0.2, max_retries: 0 }, {
      env: envOf({ OPENAI_API_KEY: "k" }),
    });
    await assert.rejects(
      () => llm.complete({ model: "gpt-4o", messages: msgs }),
      (e) =>
        e instanceof PluginError && /did not answer within 0\.2 s \(1 attempt\)/.test(e.message),
    );
  } finally {
    hold.resolve();
    await server.shutdown();
  }
});

Deno.test("fake openai server passes the request to a scripted function and serves bodies", async () => {
  const fake = await startFakeOpenAi([
    (req) => `you asked ${req.model} about: ${req.messages?.[0]?.content}`,
    { status: 400, body: { error: { message: "Bad model name", type: "invalid_request_error" } } },
  ]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url }, { env: envOf({ OPENAI_API_KEY: "k" }) });
    const { text } = await llm.complete({ model: "gpt-4.1", messages: msgs });
    assert.equal(text, "you asked gpt-4.1 about: Fix the build please");
    await assert.rejects(
      () => llm.complete({ model: "gpt-4.1", messages: msgs }),
      /answered 400 after 1 attempt: 400 Bad model name/,
    );
    assert.equal(fake.requests.length, 2);
  } finally {
    await fake.close();
  }
});
