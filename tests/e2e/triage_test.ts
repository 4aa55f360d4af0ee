/**
 * Triage before treatment, end to end: a test that passes when re-run and a
 * registry that times out are not code bugs, so neither reaches a model or
 * makes a commit.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import { config, git, makeRepo, readReport, removeRepo, roles, runCli } from "./_helpers.ts";

// Fails on its first run in a worktree, passes on the next: it leaves a
// marker in an ignored file of the worktree the gate runs in.
const FLAKY_TEST = `import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";

test("cache warms up in time", () => {
  const warm = fs.existsSync(".flaky-marker");
  fs.writeFileSync(".flaky-marker", "1");
  assert.ok(warm, "the cache was cold");
});
`;

const NEVER = "Summary: should not be asked\n\n```diff\n--- a/x\n+++ b/x\n```\n";

Deno.test("run ends green as flaky when the failing test passes on re-run, with no model call and no commit", async () => {
  const repo = await makeRepo({
    ".gitignore": ".flaky-marker\n",
    "test/cache.test.js": FLAKY_TEST,
    "fleet-orch.yaml": config({ test: "node --test test/" }),
  });
  const fake = await startFakeOpenAi(roles(() => NEVER));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r) as Awaited<ReturnType<typeof readReport>> & {
      triage?: { gate: string; class: string; tests?: string[] }[];
    };
    assert.equal(report.stopReason, "flaky");
    assert.equal(fake.requests.length, 0, "no model was called");
    assert.equal(report.iterations.length, 0);
    assert.equal(report.workBranch, undefined, "nothing was committed");
    const flaky = report.triage?.find((t) => t.class === "flaky");
    assert.equal(flaky?.gate, "test");
    assert.match(report.message, /gate "test"/);
    assert.match(report.message, /cache warms up in time|the cache was cold/);
    assert.match(r.stderr, /flaky/);
    assert.equal((await git(repo, "branch --list 'fleet-orch/*'")).trim(), "");
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run stops as infrastructure on a registry timeout, retried, with no model call", async () => {
  // A registry that accepts connections and never answers.
  const hold = new AbortController();
  const never = new Promise<void>((resolve) =>
    hold.signal.addEventListener("abort", () => resolve())
  );
  const registry = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {}, signal: hold.signal },
    () => never.then(() => new Response("bye", { status: 503 })),
  );
  const port = registry.addr.port;
  const repo = await makeRepo({
    "package.json": JSON.stringify({
      name: "app",
      version: "1.0.0",
      dependencies: { "left-pad": "1.3.0" },
    }),
    // The registry comes from the project's .npmrc, as in a real project
    // (the policy refuses a plain-HTTP registry set on the command line).
    ".npmrc": `registry=http://127.0.0.1:${port}/\nfetch-retries=0\nfetch-timeout=1500\n` +
      "cache=.npm-cache\naudit=false\nfund=false\n",
    "fleet-orch.yaml": config({ install: "npm install" }).replace(
      "    max_no_progress_iterations: 2\n",
      "    max_no_progress_iterations: 2\n    infra_retries: 1\n    infra_backoff_seconds: 0\n",
    ),
  });
  const fake = await startFakeOpenAi(roles(() => NEVER));
  try {
    const r = await runCli(repo, [], {
      baseUrl: fake.url,
      env: { npm_config_update_notifier: "false" },
    });
    assert.equal(r.code, 1, r.stderr);
    const report = await readReport(r) as Awaited<ReturnType<typeof readReport>> & {
      triage?: { gate: string; class: string; signature?: string; retries?: number }[];
    };
    assert.equal(report.stopReason, "infrastructure");
    assert.equal(fake.requests.length, 0, "no model was called");
    assert.equal(report.iterations.length, 0);
    const t = report.triage?.find((x) => x.class === "infrastructure");
    assert.equal(t?.gate, "install");
    assert.equal(t?.signature, "npm-network");
    assert.equal(t?.retries, 1);
    assert.match(report.message, /npm could not reach the package registry/);
    assert.match(report.message, /not a code bug/);
  } finally {
    hold.abort();
    await registry.finished;
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run stops as configuration when a gate names a missing variable, with no model call", async () => {
  const repo = await makeRepo({
    "deploy_check.sh": 'set -u\necho "token: ${DEPLOY_TOKEN}"\n',
    "fleet-orch.yaml": config({ check: "bash deploy_check.sh" }),
  });
  const fake = await startFakeOpenAi(roles(() => NEVER));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 1, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "configuration");
    assert.match(report.message, /DEPLOY_TOKEN/);
    assert.equal(fake.requests.length, 0, "no model was called");
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
