// The generic webhook notifier's HMAC signature, the 429/5xx retries every
// webhook notifier shares, and Teams' byte limit, against loopback receivers.
import assert from "node:assert/strict";
import { PluginError } from "../../core/errors.ts";
import type { RunSummary } from "../../core/plugin.ts";
import {
  createSlack,
  createTeams,
  createWebhook,
  retryDelayMs,
  SlackOptionsSchema,
  TEAMS_MAX_BYTES,
  TeamsOptionsSchema,
  verifyWebhook,
  WebhookOptionsSchema,
} from "../../plugins/notifiers/mod.ts";
import { payloadBytes } from "../../plugins/notifiers/_webhook.ts";
import { teamsPayload } from "../../plugins/notifiers/teams.ts";
import { testContext } from "../vcs/_context.ts";

interface Received {
  body: string;
  headers: Headers;
}

/** A receiver that keeps raw bodies and headers and plays a script of answers. */
function receiver(script: Array<{ status: number; headers?: Record<string, string> }> = []) {
  const received: Received[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    received.push({ body: await req.text(), headers: req.headers });
    const next = script.shift() ?? { status: 200 };
    return new Response(next.status === 200 ? "ok" : "slow down", {
      status: next.status,
      ...(next.headers ? { headers: next.headers } : {}),
    });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}/hooks/fleet`,
    received,
    close: () => server.shutdown(),
  };
}

const SUMMARY: RunSummary = {
  runId: "r-1",
  stopReason: "success",
  success: false,
  markdown: "## Fixed\n| a | b |\n|---|---|\n| 1 | 2 |\n",
};

const SECRET = "whsec-test-1234";

/** HMAC-SHA256 computed here, independently of the plugin. */
async function hmacHex(secret: string, text: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey(
    "raw",
    enc.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(text)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function fakeClock(start = Date.UTC(2026, 11, 4, 7, 0, 0)) {
  let t = start;
  const waits: number[] = [];
  return {
    waits,
    deps: {
      now: () => t,
      sleep: (ms: number) => {
        waits.push(ms);
        t += ms;
        return Promise.resolve();
      },
    },
  };
}

Deno.test("webhook notifier signs the raw body with HMAC-SHA256 and a timestamp", async () => {
  const hook = receiver();
  const clock = fakeClock();
  try {
    const { context } = testContext({ HOOK: hook.url, HOOK_SECRET: SECRET });
    const opts = WebhookOptionsSchema.parse({ url_env: "HOOK", secret_env: "HOOK_SECRET" });
    await createWebhook(opts, context, clock.deps).notify(SUMMARY);
    assert.equal(hook.received.length, 1);
    const { body, headers } = hook.received[0]!;
    const ts = headers.get("x-fleet-orch-timestamp")!;
    assert.equal(ts, String(Math.floor(clock.deps.now() / 1000)));
    assert.equal(
      headers.get("x-fleet-orch-signature"),
      `sha256=${await hmacHex(SECRET, `${ts}.${body}`)}`,
    );
    assert.match(headers.get("x-fleet-orch-delivery")!, /^[0-9a-f-]{36}$/);
    assert.deepEqual(JSON.parse(body), {
      event: "fleet-orch.run.finished",
      run_id: "r-1",
      stop_reason: "success",
      success: false,
      markdown: SUMMARY.markdown,
    });
    // The receiver-side check accepts it, and refuses tampering, a wrong secret and replays.
    const now = clock.deps.now();
    assert.equal(await verifyWebhook(SECRET, headers, body, now), null);
    assert.match((await verifyWebhook(SECRET, headers, body + " ", now))!, /does not match/);
    assert.match((await verifyWebhook("other", headers, body, now))!, /does not match/);
    assert.match((await verifyWebhook(SECRET, headers, body, now + 301_000))!, /replay/);
    const moved = new Headers(headers);
    moved.set("x-fleet-orch-timestamp", String(Number(ts) + 60));
    assert.match((await verifyWebhook(SECRET, moved, body, now))!, /does not match/);
  } finally {
    await hook.close();
  }
});

Deno.test("webhook notifier refuses to send unsigned and never prints the secret", async () => {
  const { context } = testContext({ FLEET_ORCH_WEBHOOK_URL: "http://127.0.0.1:9/x" });
  await assert.rejects(
    () => createWebhook(WebhookOptionsSchema.parse({}), context).notify(SUMMARY),
    /"FLEET_ORCH_WEBHOOK_SECRET" is not set/,
  );
  const hook = receiver([{ status: 400 }]);
  try {
    const env = { FLEET_ORCH_WEBHOOK_URL: hook.url, FLEET_ORCH_WEBHOOK_SECRET: SECRET };
    await assert.rejects(
      () => createWebhook(WebhookOptionsSchema.parse({}), testContext(env).context).notify(SUMMARY),
      (e: Error) =>
        e instanceof PluginError && /answered 400/.test(e.message) && !e.message.includes(SECRET),
    );
    assert.equal(hook.received.length, 1, "a 400 is not retried");
  } finally {
    await hook.close();
  }
});

Deno.test("webhook notifier retries 429 honouring Retry-After and re-signs each attempt", async () => {
  const hook = receiver([
    { status: 429, headers: { "retry-after": "7" } },
    { status: 503 },
  ]);
  const clock = fakeClock();
  try {
    const env = { FLEET_ORCH_WEBHOOK_URL: hook.url, FLEET_ORCH_WEBHOOK_SECRET: SECRET };
    await createWebhook(WebhookOptionsSchema.parse({}), testContext(env).context, clock.deps)
      .notify(SUMMARY);
    assert.equal(hook.received.length, 3);
    // Retry-After: 7 s, then backoff for attempt 2 (1 s doubled once).
    assert.deepEqual(clock.waits, [7000, 2000]);
    const [first, , last] = hook.received;
    assert.equal(
      first!.headers.get("x-fleet-orch-delivery"),
      last!.headers.get("x-fleet-orch-delivery"),
    );
    assert.notEqual(
      first!.headers.get("x-fleet-orch-timestamp"),
      last!.headers.get("x-fleet-orch-timestamp"),
    );
    for (const r of hook.received) {
      assert.equal(await verifyWebhook(SECRET, r.headers, r.body, clock.deps.now()), null);
    }
  } finally {
    await hook.close();
  }
});

Deno.test("slack notifier gives up on 5xx after a bounded number of attempts", async () => {
  const hook = receiver(Array.from({ length: 10 }, () => ({ status: 502 })));
  const clock = fakeClock();
  try {
    const { context } = testContext({ SLACK_WEBHOOK_URL: hook.url });
    await assert.rejects(
      () => createSlack(SlackOptionsSchema.parse({}), context, clock.deps).notify(SUMMARY),
      /answered 502: slow down \(gave up after 4 attempts\)/,
    );
    assert.equal(hook.received.length, 4);
    assert.deepEqual(clock.waits, [1000, 2000, 4000]);
  } finally {
    await hook.close();
  }
});

Deno.test("teams notifier waits out an HTTP-date Retry-After and refuses an overlong one", async () => {
  const clock = fakeClock();
  const date = new Date(clock.deps.now() + 12_000).toUTCString();
  const hook = receiver([
    { status: 429, headers: { "retry-after": date } },
    { status: 429, headers: { "retry-after": "3600" } },
  ]);
  try {
    const { context } = testContext({ TEAMS_WEBHOOK_URL: hook.url });
    const teams = createTeams(TeamsOptionsSchema.parse({}), context, clock.deps);
    await assert.rejects(() => teams.notify(SUMMARY), /retry after 3600 s, longer than the 60 s/);
    assert.deepEqual(clock.waits, [12_000]);
    assert.equal(hook.received.length, 2);
  } finally {
    await hook.close();
  }
});

Deno.test("retryDelayMs reads seconds, dates and falls back to exponential backoff", () => {
  assert.equal(retryDelayMs("2", 1, 0), 2000);
  assert.equal(retryDelayMs("0", 1, 0), 0);
  assert.equal(retryDelayMs(new Date(5000).toUTCString(), 1, 0), 5000);
  assert.equal(retryDelayMs(new Date(0).toUTCString(), 1, 10_000), 0);
  assert.equal(retryDelayMs(null, 1, 0), 1000);
  assert.equal(retryDelayMs("soon", 3, 0), 4000);
});

Deno.test("teams payload is cut to 28 KB of UTF-8, not 28 K characters", () => {
  // 9,000 euro signs: 9,000 characters but 27,000 bytes, plus the card around them.
  const markdown = "€".repeat(9_000) + "\n" + "é".repeat(3_000);
  const summary = { ...SUMMARY, markdown };
  for (const format of ["adaptive", "messagecard"] as const) {
    const payload = teamsPayload(summary, format);
    const bytes = payloadBytes(payload);
    assert.ok(bytes <= TEAMS_MAX_BYTES, `${format}: ${bytes} bytes`);
    assert.ok(bytes > TEAMS_MAX_BYTES - 64, `${format}: cut no more than needed (${bytes})`);
    assert.ok(JSON.stringify(payload).length < TEAMS_MAX_BYTES, "fewer characters than bytes");
    assert.match(JSON.stringify(payload), / …/);
  }
  // A small summary is left whole.
  assert.ok(!JSON.stringify(teamsPayload(SUMMARY, "adaptive")).includes(" …"));
});
