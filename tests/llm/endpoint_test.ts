import assert from "node:assert/strict";
import { PluginError } from "../../core/errors.ts";
import { createOpenAiClient } from "../../plugins/llm/openai.ts";
import { isCloudHost, resolveEndpoint } from "../../plugins/llm/presets.ts";
import { startFakeOpenAi } from "../fakes/openai_server.ts";

const envOf = (vars: Record<string, string>) => (name: string) => vars[name];
const msgs = [{ role: "user" as const, content: "Fix the build please" }];
const ERROR_PAGE =
  "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("endpoint key is required for cloud APIs and optional for any other base URL", () => {
  const none = envOf({});
  assert.match(resolveEndpoint({}, none).credentialProblem ?? "", /"OPENAI_API_KEY"/);
  assert.match(
    resolveEndpoint({ provider: "azure", base_url: "https://r.openai.azure.com" }, none)
      .credentialProblem ?? "",
    /"AZURE_OPENAI_API_KEY"/,
  );
  // The README's Ollama path: OPENAI_BASE_URL to a local server, no key.
  const local = resolveEndpoint({}, envOf({ OPENAI_BASE_URL: "http://localhost:11434/v1" }));
  assert.equal(local.credentialProblem, null);
  assert.equal(local.apiKey, null);
  assert.equal(
    resolveEndpoint({ base_url: "http://10.0.0.5:4000/v1" }, none).credentialProblem,
    null,
  );
  // A key that is set is still sent to a custom endpoint.
  assert.equal(
    resolveEndpoint({ base_url: "http://10.0.0.5:4000/v1" }, envOf({ OPENAI_API_KEY: "k" }))
      .apiKey,
    "k",
  );
  // Naming the variable explicitly makes it required whatever the host.
  assert.match(
    resolveEndpoint({ base_url: "http://127.0.0.1:1/v1", api_key_env: "LITELLM_KEY" }, none)
      .credentialProblem ?? "",
    /"LITELLM_KEY"/,
  );
  assert.ok(isCloudHost("API.OpenAI.com"));
  assert.ok(isCloudHost("my-res.openai.azure.com"));
  assert.ok(!isCloudHost("openai.com.evil.test"));
  assert.ok(!isCloudHost("localhost"));
});

Deno.test("endpoint keyless local server gets calls with only a base URL and no Authorization", async () => {
  const fake = await startFakeOpenAi(["patched"]);
  try {
    const llm = createOpenAiClient({}, { env: envOf({ OPENAI_BASE_URL: fake.url }) });
    assert.equal(llm.credentialProblem(), null);
    const { text } = await llm.complete({ model: "llama3.1", messages: msgs });
    assert.equal(text, "patched");
    assert.equal(fake.calls[0]!.authorization, null);
  } finally {
    await fake.close();
  }
});

Deno.test("endpoint error with an HTML page names the URL, status, content type and first bytes", async () => {
  const fake = await startFakeOpenAi([{ status: 502, html: ERROR_PAGE }]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url, max_retries: 0 }, { env: envOf({}) });
    await assert.rejects(
      () => llm.complete({ model: "m", messages: msgs }),
      (e) => {
        assert.ok(e instanceof PluginError);
        assert.ok(e.message.includes(`"${fake.url}/chat/completions"`), e.message);
        assert.match(e.message, /answered 502/);
        assert.match(e.message, /content type text\/html/);
        assert.match(e.message, /body starts "<!DOCTYPE html> <html><head><title>502 Bad Gateway/);
        assert.doesNotMatch(e.message, /Unexpected token/);
        return true;
      },
    );
  } finally {
    await fake.close();
  }
});

Deno.test("endpoint HTML page sent as 200 is refused as not OpenAI-compatible", async () => {
  const fake = await startFakeOpenAi([{ status: 200, html: "<html><body>Sign in</body></html>" }]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url }, { env: envOf({}) });
    await assert.rejects(
      () => llm.complete({ model: "m", messages: msgs }),
      (e) => {
        assert.ok(e instanceof PluginError);
        assert.match(e.message, /did not send an OpenAI-compatible reply/);
        assert.match(e.message, /HTTP 200, content type text\/html; charset=utf-8/);
        assert.match(e.message, /body starts "<html><body>Sign in/);
        assert.ok(e.message.includes(fake.url), e.message);
        return true;
      },
    );
  } finally {
    await fake.close();
  }
});

Deno.test("endpoint JSON error keeps the server's message with status and content type", async () => {
  const fake = await startFakeOpenAi([], { apiKey: "right" });
  try {
    const llm = createOpenAiClient({ base_url: fake.url }, {
      env: envOf({ OPENAI_API_KEY: "wrong" }),
    });
    await assert.rejects(
      () => llm.complete({ model: "m", messages: msgs }),
      /answered 401 \(check the key in "OPENAI_API_KEY"\).*Incorrect API key.*\(content type application\/json\)/,
    );
  } finally {
    await fake.close();
  }
});

Deno.test("endpoint probe tells reachable, key rejected, not OpenAI and unreachable apart", async () => {
  const good = await startFakeOpenAi([], { apiKey: "right" });
  const html = await startFakeOpenAi([], { models: { status: 200, html: ERROR_PAGE } });
  try {
    const ok = await createOpenAiClient({ base_url: good.url }, {
      env: envOf({ OPENAI_API_KEY: "right" }),
    }).probe();
    assert.equal(ok.outcome, "reachable", ok.message);
    assert.equal(good.calls.at(-1)!.path, "/v1/models");
    assert.equal(good.calls.at(-1)!.authorization, "Bearer right");

    const bad = await createOpenAiClient({ base_url: good.url }, {
      env: envOf({ OPENAI_API_KEY: "wrong" }),
    }).probe();
    assert.equal(bad.outcome, "key_rejected");
    assert.match(bad.message, /rejected the key in "OPENAI_API_KEY": HTTP 401/);

    const page = await createOpenAiClient({ base_url: html.url }, { env: envOf({}) }).probe();
    assert.equal(page.outcome, "not_openai");
    assert.match(page.message, /HTTP 200, content type text\/html.*body starts "<!DOCTYPE html>/);

    const url = `http://127.0.0.1:${closedPort()}/v1`;
    const down = await createOpenAiClient({ base_url: url }, { env: envOf({}) }).probe();
    assert.equal(down.outcome, "unreachable");
    assert.ok(down.message.includes(`"${url}/models"`), down.message);
    assert.match(down.message, /refused|connect/i);
  } finally {
    await good.close();
    await html.close();
  }
});
