import assert from "node:assert/strict";
import { PluginError } from "../../core/errors.ts";
import { createGithub, GithubOptionsSchema } from "../../plugins/vcs/github.ts";
import { AzureDevopsOptionsSchema, createAzureDevops } from "../../plugins/vcs/azure_devops.ts";
import { githubVerdict, retryAfterSeconds } from "../../plugins/vcs/_retry.ts";
import { type FakeThrottle, startGithubFake } from "../fakes/github_server.ts";
import { type AdoFakeThrottle, startAzureDevopsFake } from "../fakes/azure_devops_server.ts";
import { testContext } from "./_context.ts";

const SHA = "0123456789abcdef0123456789abcdef01234567";

/** A GitHub plugin whose waits are recorded, not slept. */
function github(url: string, options: Record<string, unknown> = {}) {
  const { context, lines } = testContext({
    GITHUB_API_URL: url,
    GITHUB_REPOSITORY: "acme/app",
    GITHUB_TOKEN: "ghs_test",
  });
  const waits: number[] = [];
  context.sleep = (ms) => (waits.push(ms), Promise.resolve());
  return { vcs: createGithub(GithubOptionsSchema.parse(options), context), waits, lines };
}

function azure(orgUrl: string, options: Record<string, unknown> = {}) {
  const { context, lines } = testContext({
    SYSTEM_COLLECTIONURI: orgUrl + "/",
    SYSTEM_TEAMPROJECT: "fleet",
    BUILD_REPOSITORY_ID: "app-id",
    SYSTEM_ACCESSTOKEN: "ado_test",
  });
  const waits: number[] = [];
  context.sleep = (ms) => (waits.push(ms), Promise.resolve());
  return { vcs: createAzureDevops(AzureDevopsOptionsSchema.parse(options), context), waits, lines };
}

async function withGithub(
  throttle: FakeThrottle[],
  fn: (fake: ReturnType<typeof startGithubFake>) => Promise<void>,
) {
  const fake = startGithubFake({ throttle });
  try {
    await fn(fake);
  } finally {
    await fake.close();
  }
}

Deno.test("github: a secondary-limit 403 with retry-after is waited out; the check run is created, not a status", async () => {
  await withGithub(
    [{ status: 403, path: "/check-runs", headers: { "retry-after": "1" } }],
    async (fake) => {
      const { vcs, waits } = github(fake.url);
      await vcs.annotate!(SHA, [{ level: "error", file: "a.ts", line: 1, message: "m" }], "s");
      assert.deepEqual(fake.throttled, ["POST /repos/acme/app/check-runs"]);
      assert.deepEqual(waits, [1000]);
      assert.equal(fake.checkRuns.length, 1, "the retried request created the check run");
      assert.equal(fake.statuses.length, 0, "not downgraded to a commit status");
    },
  );
});

Deno.test("github: a secondary limit without retry-after waits a minute, then doubles", async () => {
  await withGithub(
    [
      { status: 403, path: "/comments", message: "You have exceeded a secondary rate limit." },
      { status: 403, path: "/comments", message: "You have exceeded a secondary rate limit." },
    ],
    async (fake) => {
      const { vcs, waits } = github(fake.url);
      await vcs.createPullRequest!({ head: "h", base: "main", title: "t", body: "b" });
      await vcs.comment!(1, "hello");
      assert.deepEqual(waits, [60_000, 120_000]);
      assert.deepEqual(fake.comments, [{ issue: 1, body: "hello" }]);
    },
  );
});

Deno.test("github: the primary limit waits until x-ratelimit-reset", async () => {
  const reset = Math.floor(Date.now() / 1000) + 30;
  await withGithub(
    [{
      status: 403,
      message: "API rate limit exceeded for installation ID 1.",
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
    }],
    async (fake) => {
      const { vcs, waits, lines } = github(fake.url);
      await vcs.verify!();
      assert.equal(waits.length, 1);
      assert.ok(waits[0]! >= 29_000 && waits[0]! <= 32_000, String(waits[0]));
      assert.ok(lines.some((l) => /primary rate limit.*waiting \d+ s/.test(l)), lines.join("\n"));
    },
  );
});

Deno.test("github: 429 with retry-after is retried on reads too (paginated job list)", async () => {
  const fake = startGithubFake({
    runs: { "7": [{ id: 3, name: "test", conclusion: "failure", log: "boom\n" }] },
    throttle: [{ status: 429, path: "/jobs", headers: { "retry-after": "0" } }],
  });
  try {
    const { vcs, waits } = github(fake.url);
    assert.match(await vcs.fetchFailedLog!("7"), /boom/);
    assert.deepEqual(waits, [0]);
  } finally {
    await fake.close();
  }
});

Deno.test("github: a rate limit that outlasts the retries fails the call, with no permission hint and no status", async () => {
  const limit: FakeThrottle = { status: 403, path: "/check-runs", headers: { "retry-after": "0" } };
  await withGithub([limit, limit, limit, limit], async (fake) => {
    const { vcs, waits } = github(fake.url, { max_retries: 2 });
    await assert.rejects(
      () => vcs.annotate!(SHA, [{ level: "warning", message: "w" }], "s"),
      (e: Error) =>
        e instanceof PluginError && /secondary rate limit after 2 retries/.test(e.message) &&
        /GitHub's rate limit/.test(e.message) && !/lacks a permission/.test(e.message),
    );
    assert.equal(waits.length, 2);
    assert.equal(fake.statuses.length, 0, "a rate limit is not read as a missing permission");
  });
});

Deno.test("github: a wait longer than max_wait_seconds fails at once", async () => {
  const reset = Math.floor(Date.now() / 1000) + 7200;
  await withGithub(
    [{
      status: 429,
      headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
    }],
    async (fake) => {
      const { vcs, waits } = github(fake.url, { max_wait_seconds: 600 });
      await assert.rejects(
        () => vcs.verify!(),
        /asks to wait 72\d\d s, more than max_wait_seconds/,
      );
      assert.deepEqual(waits, []);
    },
  );
});

Deno.test("github: a plain 403 (no limit headers, no limit message) is a permission, not retried", async () => {
  const fake = startGithubFake({ checksForbidden: true });
  try {
    const { vcs, waits } = github(fake.url);
    await vcs.annotate!(SHA, [{ level: "warning", message: "w" }], "ok");
    assert.deepEqual(waits, []);
    assert.equal(fake.statuses.length, 1, "falls back to a commit status");
  } finally {
    await fake.close();
  }
});

Deno.test("github: real waits with retry-after 1 (no injected sleep)", async () => {
  await withGithub(
    [{ status: 429, path: "/repos/acme/app", headers: { "retry-after": "1" } }],
    async (fake) => {
      const { context } = testContext({
        GITHUB_API_URL: fake.url,
        GITHUB_REPOSITORY: "acme/app",
        GITHUB_TOKEN: "ghs_test",
      });
      const started = performance.now();
      await createGithub(GithubOptionsSchema.parse({}), context).verify!();
      assert.ok(performance.now() - started >= 900, "waited about a second");
      assert.equal(fake.throttled.length, 1);
      assert.equal(fake.requests.filter((r) => r.path === "/repos/acme/app").length, 2);
    },
  );
});

Deno.test("githubVerdict and retryAfterSeconds read GitHub's headers", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  assert.equal(retryAfterSeconds("7", now), 7);
  assert.equal(retryAfterSeconds(new Date(now + 90_000).toUTCString(), now), 90);
  assert.equal(retryAfterSeconds("soon", now), undefined);
  assert.deepEqual(githubVerdict(403, {}, "Resource not accessible by integration", 0, now), {
    kind: null,
    seconds: 0,
  });
  assert.deepEqual(githubVerdict(404, { "retry-after": "1" }, "", 0, now).kind, null);
  assert.deepEqual(githubVerdict(403, {}, "exceeded a secondary rate limit", 2, now), {
    kind: "secondary",
    seconds: 240,
  });
  assert.deepEqual(githubVerdict(429, { "retry-after": "3" }, "", 5, now), {
    kind: "secondary",
    seconds: 3,
  });
  assert.deepEqual(
    githubVerdict(
      403,
      { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 10) },
      "",
      0,
      now,
    ),
    { kind: "primary", seconds: 11 },
  );
});

async function withAzure(
  throttle: AdoFakeThrottle[],
  fn: (fake: ReturnType<typeof startAzureDevopsFake>) => Promise<void>,
  builds: Parameters<typeof startAzureDevopsFake>[0] = {},
) {
  const fake = startAzureDevopsFake({ ...builds, throttle });
  try {
    await fn(fake);
  } finally {
    await fake.close();
  }
}

Deno.test("azure-devops: a 429 with Retry-After on a write is waited out and the write succeeds", async () => {
  await withAzure(
    [{ status: 429, method: "POST", path: "/statuses", retryAfter: "2" }],
    async (fake) => {
      const { vcs, waits } = azure(fake.orgUrl);
      await vcs.annotate!(SHA.slice(0, 12), [{ level: "error", message: "e" }], "failed");
      assert.equal(fake.throttled.length, 1);
      assert.deepEqual(waits, [2000]);
      assert.equal(fake.statuses.length, 1);
      assert.equal(fake.statuses[0]!.state, 3);
    },
  );
});

Deno.test("azure-devops: a 503 without Retry-After backs off exponentially from 5 s", async () => {
  await withAzure(
    [{ status: 503, method: "POST" }, { status: 503, method: "POST" }],
    async (fake) => {
      const { vcs, waits } = azure(fake.orgUrl);
      await vcs.annotate!("abc123", [], "ok");
      assert.equal(fake.throttled.length, 2);
      assert.deepEqual(waits, [5_000, 10_000]);
      assert.equal(fake.statuses.length, 1);
    },
  );
});

Deno.test("azure-devops: a throttled timeline read is retried", async () => {
  await withAzure(
    [{ status: 429, path: "/Timeline", retryAfter: "1" }],
    async (fake) => {
      const { vcs, waits } = azure(fake.orgUrl);
      assert.match(await vcs.fetchFailedLog!("31"), /npm ERR! boom/);
      assert.deepEqual(waits, [1000]);
    },
    {
      builds: {
        "31": [{
          name: "npm test",
          type: "Task",
          result: "failed",
          order: 1,
          log: ["npm ERR! boom"],
        }],
      },
    },
  );
});

Deno.test("azure-devops: throttling that outlasts the retries fails with a throttling message", async () => {
  const t: AdoFakeThrottle = { status: 429, method: "POST", retryAfter: "0" };
  await withAzure([t, t, t], async (fake) => {
    const { vcs } = azure(fake.orgUrl, { max_retries: 1 });
    await assert.rejects(
      () => vcs.annotate!("abc123", [], "ok"),
      (e: Error) =>
        e instanceof PluginError && /throttling \(HTTP 429\) after 1 retries/.test(e.message) &&
        /nothing is wrong with the token/.test(e.message),
    );
  });
});

Deno.test("doctor's GitHub probe reads a secondary-limit 403 as a rate limit, not a missing permission", async () => {
  const { probeGithubAccess } = await import("../../plugins/vcs/access.ts");
  await withGithub(
    [{ status: 403, headers: { "retry-after": "30" } }, { status: 403 }],
    async (fake) => {
      const probe = () =>
        probeGithubAccess({ api_url: fake.url, owner: "acme", repo: "app" }, {
          env: (n) => (n === "GITHUB_TOKEN" ? "ghs_test" : undefined),
        });
      const limited = await probe();
      assert.equal(limited[1]!.outcome, "unreachable");
      assert.match(limited[1]!.message, /rate limit/);
      assert.match(limited[1]!.fix!, /wait 30 s/);
      // The fake's default message names the secondary rate limit.
      assert.equal((await probe())[1]!.outcome, "unreachable");
    },
  );
});
