/**
 * Every way a model endpoint can fail, each with a real server on 127.0.0.1
 * (or a port nothing listens on, or a host name that cannot resolve without
 * asking any server): the error names the URL and what came back, or why
 * nothing did. Both the call (`complete`) and doctor's probe are checked.
 */

import assert from "node:assert/strict";
import { PluginError } from "../../core/errors.ts";
import { createOpenAiClient } from "../../plugins/llm/openai.ts";

const enc = new TextEncoder();
const msgs = [{ role: "user" as const, content: "Fix the build please" }];

interface Raw {
  url: string;
  close(): void;
}

/**
 * A TCP server that answers every request with `reply` (bytes written as
 * given, so a reply can lie about its length or stop part-way), or never
 * answers when `reply` is null.
 */
function rawServer(reply: string | null): Raw {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.Conn>();
  (async () => {
    for await (const conn of listener) {
      open.add(conn);
      (async () => {
        // The request's head is read first: writing before it arrives resets the connection.
        const buf = new Uint8Array(65536);
        let seen = "";
        while (!seen.includes("\r\n\r\n")) {
          const n = await conn.read(buf);
          if (n === null) return;
          // A TLS ClientHello (record type 0x16) has no header end: answer it as plain HTTP.
          if (seen === "" && buf[0] === 0x16) break;
          seen += new TextDecoder().decode(buf.subarray(0, n));
        }
        if (reply === null) return; // held open until the test closes it
        await conn.write(enc.encode(reply));
        conn.close();
        open.delete(conn);
      })().catch(() => {});
    }
  })().catch(() => {});
  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/v1`,
    close: () => {
      listener.close();
      for (const c of open) {
        try {
          c.close();
        } catch {
          // Closed by the client already.
        }
      }
    },
  };
}

function http(status: string, headers: Record<string, string>, body: string): string {
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return `HTTP/1.1 ${status}\r\n${head}connection: close\r\n\r\n${body}`;
}

function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function failure(baseUrl: string): Promise<{ call: string; probe: string; outcome: string }> {
  const llm = createOpenAiClient({ base_url: baseUrl, max_retries: 0, timeout_seconds: 1 }, {
    env: () => undefined,
  });
  let call = "";
  await assert.rejects(() => llm.complete({ model: "m", messages: msgs }), (e) => {
    assert.ok(e instanceof PluginError, String(e));
    call = e.message;
    return true;
  });
  const p = await llm.probe({ timeoutMs: 1000 });
  return { call, probe: p.message, outcome: p.outcome };
}

Deno.test("endpoint errors: connection refused names the URL and says nothing listens there", async () => {
  const url = `http://127.0.0.1:${closedPort()}/v1`;
  const r = await failure(url);
  assert.ok(r.call.includes(`"${url}/chat/completions"`), r.call);
  assert.match(r.call, /connection refused: nothing listens on 127\.0\.0\.1:\d+/);
  assert.ok(r.probe.includes(`"${url}/models"`), r.probe);
  assert.match(r.probe, /connection refused/);
  assert.equal(r.outcome, "unreachable");
});

Deno.test("endpoint errors: a host name that does not resolve is a DNS failure", async () => {
  // A label longer than 63 characters: the resolver refuses it without sending a query.
  const host = `${"x".repeat(70)}.invalid`;
  const r = await failure(`http://${host}/v1`);
  assert.ok(r.call.includes(`"http://${host}/v1/chat/completions"`), r.call);
  assert.match(r.call, new RegExp(`DNS lookup of "${host}" failed`));
  assert.match(r.probe, /DNS lookup .* failed/);
  assert.equal(r.outcome, "unreachable");
});

Deno.test("endpoint errors: a server that never answers is a timeout with the limit", async () => {
  const s = rawServer(null);
  try {
    const r = await failure(s.url);
    assert.match(r.call, /did not answer within 1 s/);
    assert.ok(r.call.includes(s.url), r.call);
    assert.match(r.probe, /no answer within 1 s/);
  } finally {
    s.close();
  }
});

Deno.test("endpoint errors: https to a plain-HTTP port is a TLS error with the hint", async () => {
  const s = rawServer(
    http("200 OK", { "content-type": "text/plain", "content-length": "2" }, "hi"),
  );
  try {
    const url = s.url.replace("http:", "https:");
    const r = await failure(url);
    assert.ok(r.call.includes(`"${url}/chat/completions"`), r.call);
    assert.match(r.call, /TLS error with 127\.0\.0\.1:\d+: .*base_url starts with http:\/\//);
    assert.match(r.probe, /TLS error/);
  } finally {
    s.close();
  }
});

Deno.test("endpoint errors: a 200 that is not JSON gives status, content type and first bytes", async () => {
  const body = "Welcome to the model gateway";
  const s = rawServer(
    http("200 OK", { "content-type": "text/plain", "content-length": String(body.length) }, body),
  );
  try {
    const r = await failure(s.url);
    assert.match(r.call, /did not send an OpenAI-compatible reply/);
    assert.match(r.call, /HTTP 200, content type text\/plain, body starts "Welcome to the model/);
    assert.match(r.probe, /HTTP 200, content type text\/plain, body starts "Welcome/);
    assert.equal(r.outcome, "not_openai");
  } finally {
    s.close();
  }
});

Deno.test("endpoint errors: a JSON body without choices names the keys it has", async () => {
  const body = '{"object":"list","data":[]}';
  const s = rawServer(
    http("200 OK", {
      "content-type": "application/json",
      "content-length": String(body.length),
    }, body),
  );
  try {
    const { call } = await failure(s.url);
    assert.match(call, /a JSON object without "choices" \(its keys: "object", "data"\)/);
    assert.match(call, /HTTP 200, content type application\/json, body starts "\{\\"object\\"/);
  } finally {
    s.close();
  }
});

Deno.test("endpoint errors: a reply cut off part-way is called truncated, with the bytes that came", async () => {
  const part = '{"id":"c1","choices":[{"message":{"content":"half';
  for (
    const reply of [
      // Content-Length promises more than is sent.
      http("200 OK", { "content-type": "application/json", "content-length": "500" }, part),
      // A chunked body whose last chunk never comes.
      http(
        "200 OK",
        { "content-type": "application/json", "transfer-encoding": "chunked" },
        `${part.length.toString(16)}\r\n${part}\r\n`,
      ),
    ]
  ) {
    const s = rawServer(reply);
    try {
      const r = await failure(s.url);
      assert.ok(r.call.includes(`"${s.url}/chat/completions" sent a truncated reply`), r.call);
      assert.match(r.call, new RegExp(`the body broke off after ${part.length} bytes`));
      assert.match(r.call, /content type application\/json/);
      assert.match(r.call, /body starts "\{\\"id\\":\\"c1\\"/);
      assert.match(r.probe, /broke off after \d+ bytes/);
    } finally {
      s.close();
    }
  }
});

Deno.test("endpoint errors: a connection closed before any reply says so", async () => {
  const s = rawServer("");
  try {
    const r = await failure(s.url);
    assert.match(r.call, /closed before any reply/);
    assert.match(r.probe, /closed before any reply/);
  } finally {
    s.close();
  }
});

Deno.test("endpoint errors: an error status with a text body keeps status, content type and bytes", async () => {
  const body = "upstream connect error";
  const s = rawServer(
    http("503 Service Unavailable", {
      "content-type": "text/plain",
      "content-length": String(body.length),
      "x-should-retry": "false",
    }, body),
  );
  try {
    const r = await failure(s.url);
    assert.match(r.call, /answered 503 after 1 attempt: HTTP 503, content type text\/plain/);
    assert.match(r.call, /body starts "upstream connect error"/);
    assert.match(r.probe, /HTTP 503, content type text\/plain/);
  } finally {
    s.close();
  }
});
