import assert from "node:assert/strict";
import { messageOf, PluginError } from "../../core/errors.ts";
import { createOpenAiClient, DEFAULT_MAX_REPLY_BYTES } from "../../plugins/llm/openai.ts";
import { startFakeOpenAi } from "../fakes/openai_server.ts";

const env = (name: string) => (name === "OPENAI_API_KEY" ? "sk-test-123" : undefined);
const msgs = [{ role: "user" as const, content: "Fix the build please" }];

Deno.test("openai a reply over the size limit is refused with a clear error", async () => {
  // 3 MB of content: Content-Length alone says it is too large.
  const fake = await startFakeOpenAi(["x".repeat(3 * 1024 * 1024)]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url, max_retries: 0 }, { env });
    await assert.rejects(
      llm.complete({ model: "gpt-4o", messages: msgs }),
      (e: unknown) => {
        assert.ok(e instanceof PluginError, String(e));
        assert.match(
          messageOf(e),
          /larger than the limit .*limit 2\.0 MB.*max_reply_bytes/,
        );
        return true;
      },
    );
    assert.equal(fake.requests.length, 1, "a refused reply is not retried");
  } finally {
    await fake.close();
  }
});

Deno.test("openai a streamed reply without a length is cut at the limit, not buffered", async () => {
  // A server that would send 57 MB in 64 KiB chunks with no Content-Length,
  // and counts how much of it was actually pulled.
  let sent = 0;
  const total = 57 * 1024 * 1024;
  const chunk = new TextEncoder().encode("y".repeat(64 * 1024));
  const ready = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: (a) => ready.resolve(a) },
    async (req) => {
      await req.text();
      const head = new TextEncoder().encode(
        '{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"',
      );
      let first = true;
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          if (first) {
            first = false;
            c.enqueue(head);
            return;
          }
          if (sent >= total) return c.close();
          sent += chunk.length;
          c.enqueue(chunk);
        },
      });
      return new Response(body, { headers: { "content-type": "application/json" } });
    },
  );
  const addr = await ready.promise;
  try {
    const llm = createOpenAiClient({
      base_url: `http://127.0.0.1:${addr.port}/v1`,
      max_retries: 0,
      max_reply_bytes: 1024 * 1024,
    }, { env });
    await assert.rejects(
      llm.complete({ model: "gpt-4o", messages: msgs }),
      /larger than the limit \(at least 1\.0 MB, limit 1\.0 MB\)/,
    );
    // Reading stopped near the limit: the server produced a small part of 57 MB.
    assert.ok(sent < 16 * 1024 * 1024, `server produced ${sent} bytes`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("openai replies under the limit are read as usual", async () => {
  assert.equal(DEFAULT_MAX_REPLY_BYTES, 2 * 1024 * 1024);
  const fake = await startFakeOpenAi(["z".repeat(100_000)]);
  try {
    const llm = createOpenAiClient({ base_url: fake.url }, { env });
    const { text } = await llm.complete({ model: "gpt-4o", messages: msgs });
    assert.equal(text.length, 100_000);
  } finally {
    await fake.close();
  }
});
