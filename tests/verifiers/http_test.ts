import assert from "node:assert/strict";
import { silentLogger } from "../../core/log.ts";
import { createHttpVerifier, verifyEnvironment } from "../../plugins/verifiers/mod.ts";
import { deadUrl, startApp } from "./_app.ts";

const log = silentLogger();
const instant = () => Promise.resolve();

function verifier(env: Record<string, string> = {}) {
  return createHttpVerifier({ retries: 0, retry_delay_seconds: 0 }, {
    fetch,
    log,
    env: (n) => env[n],
    sleep: instant,
  });
}

Deno.test("http verifier passes a healthy health endpoint", async () => {
  const app = startApp();
  try {
    const results = await verifier().verify({
      environment: "staging",
      settings: { health_endpoint: `${app.url}/health` },
    });
    assert.equal(results.length, 1);
    assert.equal(results[0]?.ok, true, results[0]?.message);
    assert.equal(results[0]?.target, `health: ${app.url}/health`);
  } finally {
    await app.close();
  }
});

Deno.test("http verifier fails a 500 and names both statuses", async () => {
  const app = startApp();
  try {
    const [r] = await verifier().verify({
      environment: "staging",
      settings: { verification_endpoints: [{ url: `${app.url}/fail` }] },
    });
    assert.equal(r?.ok, false);
    assert.equal(r?.message, "Expected status 200, got 500");
  } finally {
    await app.close();
  }
});

Deno.test("http verifier accepts a configured non-200 status", async () => {
  const app = startApp();
  try {
    const [r] = await verifier().verify({
      environment: "staging",
      settings: { verification_endpoints: [{ url: `${app.url}/nope`, expected_status: 404 }] },
    });
    assert.equal(r?.ok, true, r?.message);
  } finally {
    await app.close();
  }
});

Deno.test("http verifier times out a slow endpoint", async () => {
  const app = startApp();
  try {
    const [r] = await verifier().verify({
      environment: "staging",
      settings: { verification_endpoints: [{ url: `${app.url}/slow`, timeout: 0.2 }] },
    });
    assert.equal(r?.ok, false);
    assert.equal(r?.message, "Timed out after 0.2 s");
  } finally {
    await app.close();
  }
});

Deno.test("http verifier checks that the body contains a string", async () => {
  const app = startApp();
  try {
    const results = await verifier().verify({
      environment: "staging",
      settings: {
        smoke_tests: [
          {
            name: "has fleet",
            url: `${app.url}/body`,
            expected_status: 200,
            expect_body_contains: "fleet",
          },
          {
            name: "has trucks",
            url: `${app.url}/body`,
            expected_status: 200,
            expect_body_contains: "trucks",
          },
        ],
      },
    });
    assert.deepEqual(results.map((r) => [r.target, r.ok]), [["smoke: has fleet", true], [
      "smoke: has trucks",
      false,
    ]]);
    assert.match(results[1]?.message ?? "", /does not contain "trucks"/);
  } finally {
    await app.close();
  }
});

Deno.test("http verifier retries the health endpoint until the service is up", async () => {
  const app = startApp(2);
  const waits: number[] = [];
  try {
    const v = createHttpVerifier({}, {
      fetch,
      log,
      sleep: (ms) => (waits.push(ms), Promise.resolve()),
    });
    const [r] = await v.verify({
      environment: "staging",
      settings: { health_endpoint: `${app.url}/flaky`, retries: 3, retry_delay_seconds: 1 },
    });
    assert.equal(r?.ok, true, r?.message);
    assert.equal(r?.message, "Status 200 after 3 attempts");
    assert.deepEqual(waits, [1000, 2000]);
    assert.equal(app.seen.filter((s) => s === "GET /flaky").length, 3);
  } finally {
    await app.close();
  }
});

Deno.test("http verifier gives up on health after the configured retries", async () => {
  const app = startApp(5);
  try {
    const [r] = await verifier().verify({
      environment: "staging",
      settings: { health_endpoint: `${app.url}/flaky`, retries: 1 },
    });
    assert.equal(r?.ok, false);
    assert.equal(r?.message, "Expected status 200, got 503 after 2 attempts");
  } finally {
    await app.close();
  }
});

Deno.test("http verifier runs a critical flow carrying cookies and JSON bodies", async () => {
  const app = startApp();
  try {
    const settings = {
      base_url: app.url,
      critical_flows: [{
        name: "login",
        steps: [
          { url: "/login", method: "POST", body: { user: "ada" }, expected_status: 200 },
          { url: "/me", method: "GET", expected_status: 200, expect_body_contains: "ada" },
        ],
      }, {
        name: "bad login",
        steps: [
          { url: "/login", method: "POST", body: { user: "eve" }, expected_status: 200 },
          { url: "/me", method: "GET", expected_status: 200 },
        ],
      }],
    };
    const [good, bad] = await verifier().verify({ environment: "staging", settings });
    assert.equal(good?.ok, true, good?.message);
    assert.equal(good?.message, "2 steps passed");
    assert.equal(bad?.ok, false);
    assert.equal(bad?.message, "Step 1 (POST /login): Expected status 200, got 401");
    assert.equal(app.seen.filter((s) => s === "GET /me").length, 1);
  } finally {
    await app.close();
  }
});

Deno.test("http verifier expands environment variables in header values", async () => {
  const app = startApp();
  try {
    const settings = {
      verification_endpoints: [{
        url: `${app.url}/header`,
        headers: { "x-token": "Bearer ${SMOKE_TOKEN}" },
        expect_body_contains: "token=Bearer t0k",
      }],
    };
    const [r] = await verifier({ SMOKE_TOKEN: "t0k" }).verify({ environment: "s", settings });
    assert.equal(r?.ok, true, r?.message);
    const [missing] = await verifier().verify({ environment: "s", settings });
    assert.equal(missing?.ok, false);
    assert.match(missing?.message ?? "", /"SMOKE_TOKEN", which is not set/);
  } finally {
    await app.close();
  }
});

Deno.test("http verifier reports a refused connection as a failed check", async () => {
  const url = await deadUrl();
  const [r] = await verifier().verify({
    environment: "s",
    settings: { verification_endpoints: [{ url: `${url}/health` }] },
  });
  assert.equal(r?.ok, false);
  assert.match(r?.message ?? "", /^Request failed: /);
});

Deno.test("http verifier rejects settings of the wrong shape with their path", async () => {
  await assert.rejects(
    () => verifier().verify({ environment: "prod", settings: { smoke_tests: [{ url: 5 }] } }),
    (e: Error) =>
      e instanceof TypeError &&
      /deployment\.environments\.prod\.smoke_tests\[0\]\.url/.test(e.message),
  );
});

Deno.test("verifyEnvironment fails an environment with nothing to check", async () => {
  const out = await verifyEnvironment("empty", {}, { fetch, log });
  assert.equal(out.ok, false);
  assert.equal(out.results.length, 1);
  assert.match(out.results[0]?.message ?? "", /^Nothing to verify/);
});

Deno.test("verifyEnvironment passes only when every check passes", async () => {
  const app = startApp();
  try {
    const good = await verifyEnvironment("s", {
      health_endpoint: `${app.url}/health`,
      verification_endpoints: [{ url: `${app.url}/body` }],
    }, { fetch, log, sleep: instant });
    assert.equal(good.ok, true);
    assert.equal(good.results.length, 2);
    const bad = await verifyEnvironment("s", {
      health_endpoint: `${app.url}/health`,
      verification_endpoints: [{ url: `${app.url}/fail` }],
    }, { fetch, log, sleep: instant });
    assert.equal(bad.ok, false);
  } finally {
    await app.close();
  }
});

Deno.test("verifyEnvironment runs the verifiers it is given", async () => {
  const seen: string[] = [];
  const out = await verifyEnvironment("qa", { anything: 1 }, {
    fetch,
    log,
    verifiers: [{
      verify: ({ environment }) => {
        seen.push(environment);
        return Promise.resolve([{ target: "custom", ok: true, message: "fine", durationMs: 1 }]);
      },
    }],
  });
  assert.deepEqual(seen, ["qa"]);
  assert.equal(out.ok, true);
});
