/**
 * Migrating from the seed: its `config.yaml` (no fleet-orch.yaml) and its
 * `--environment staging|prod` invocation, with and without a deployment
 * section; an environment with nothing to verify; the seed's log layout.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { existsSync } from "node:fs";
import { exec, MAIN, makeRepo, readReport, removeRepo, roles, runCli } from "./_helpers.ts";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import { shellJoin } from "../../core/exec.ts";

/** The seed README's config.yaml, minus the npm gates (offline) and the deployment section. */
const SEED = `agents:
  orchestrator:
    max_iterations: 10
    max_no_progress_iterations: 3
    dry_run: false

  codex:
    model: "gpt-4"
    temperature: 0.2
    max_tokens: 4000

  jules:
    model: "gpt-4"
    temperature: 0.1
    max_tokens: 2000

quality_gates:
  lint:
    command: "true"
    timeout: 600
    required: true

  build:
    command: "echo built"
    timeout: 900
    required: true

safety:
  forbidden_commands:
    - "rm -rf /"
    - "kubectl delete namespace"
    - "az group delete"
`;

function healthServer() {
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("ok"),
  );
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

const FIX = `--- a/status.txt
+++ b/status.txt
@@ -1 +1 @@
-broken
+ok
`;

Deno.test("the seed's config.yaml without a deployment section: --environment staging and prod heal and say nothing is deployed (exit 0)", async () => {
  const repo = await makeRepo({
    "config.yaml": SEED.replace('"echo built"', '"grep -qx ok status.txt"'),
    "status.txt": "broken\n",
  });
  const fake = await startFakeOpenAi(roles(() => "```diff\n" + FIX + "```\n"));
  try {
    for (const env of ["staging", "prod"]) {
      const r = await runCli(repo, ["--config", "config.yaml", "--environment", env], {
        baseUrl: fake.url,
      });
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `no deployment section: nothing was deployed to "${env}" and nothing was verified`,
        ),
      );
      const report = await readReport(r) as Awaited<ReturnType<typeof readReport>> & {
        deployment?: { note?: string; steps: unknown[] };
      };
      assert.equal(report.stopReason, "success");
      assert.equal(report.iterations[0]?.applied, true, "the build was healed first");
      assert.deepEqual(report.deployment?.steps, []);
      assert.match(report.message, /nothing was deployed/);
    }
    // Without --config: the seed's config.yaml is found, and the console says so.
    const r = await runCli(repo, ["--environment", "staging"], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /Config: .*config\.yaml \(the seed's config\.yaml; no fleet-orch\.yaml\)/,
    );
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("plain `check` in a seed repository finds config.yaml", async () => {
  const repo = await makeRepo({ "config.yaml": SEED.replace('"echo built"', '"false"') });
  try {
    const r = await exec.run(shellJoin([Deno.execPath(), "run", "-A", MAIN, "check"]), {
      cwd: repo,
      env: { NO_COLOR: "1" },
      timeoutMs: 120_000,
    });
    // The failing "build" gate of config.yaml ran: exit 1, not 2 (no config).
    assert.equal(r.code, 1, r.output);
    assert.match(r.output, /config\.yaml/);
    assert.match(r.output, /build/);
  } finally {
    await removeRepo(repo);
  }
});

Deno.test("a config.yaml that does not validate is not used; named with --config its problems are shown", async () => {
  const other = await makeRepo({ "config.yaml": "name: my-app\nport: 8080\n" });
  const typo = await makeRepo({ "config.yaml": SEED.replace("quality_gates:", "quality_gate:") });
  try {
    const r = await runCli(other, []);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /fleet-orch\.yaml/);
    assert.doesNotMatch(r.stderr, /Config: .*config\.yaml/);
    const t = await runCli(typo, ["--config", "config.yaml"]);
    assert.equal(t.code, 2, t.stderr);
    assert.match(t.stderr, /config\.yaml:\d+:\d+: Unknown key "quality_gate".*quality_gates/);
  } finally {
    await removeRepo(other);
    await removeRepo(typo);
  }
});

Deno.test("an environment with deploy commands and nothing to verify says so and exits 0", async () => {
  // agents.devops.deploy goes into the seed's agents section.
  const repo = await makeRepo({
    "config.yaml": SEED.replace(
      "agents:\n",
      'agents:\n  devops:\n    deploy:\n      staging: ["echo deploying"]\n',
    ) + "deployment:\n  environments:\n    staging: {}\n",
  });
  try {
    const r = await runCli(repo, ["--environment", "staging"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Deploy step "step 1" ok/);
    assert.match(r.stderr, /Nothing to verify for "staging"/);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
  } finally {
    await removeRepo(repo);
  }
});

Deno.test("report.layout: seed writes logs/orchestrator.log and logs/verification_*.json next to config.yaml", async () => {
  const app = healthServer();
  const repo = await makeRepo({
    "config.yaml": SEED +
      `deployment:\n  environments:\n    staging:\n      health_endpoint: "${app.url}/health"\n      retries: 0\nreport:\n  layout: seed\n`,
  });
  try {
    for (let i = 0; i < 2; i++) {
      const r = await runCli(repo, ["--environment", "staging"]);
      assert.equal(r.code, 0, r.stderr);
    }
    const log = await Deno.readTextFile(join(repo, "logs", "orchestrator.log"));
    // Appended run after run, as the seed's was.
    assert.equal([...log.matchAll(/fleet-orch run \d{8}_\d{6}/g)].length, 2, log);
    const files = [...Deno.readDirSync(join(repo, "logs"))].map((e) => e.name);
    assert.ok(
      files.filter((f) => /^verification_staging_\d{8}_\d{6}(?:_\d+)?\.json$/.test(f)).length >= 1,
      files.join(","),
    );
    // The default layout writes nothing into the working tree.
    const plain = await makeRepo({ "config.yaml": SEED });
    try {
      const r = await runCli(plain, []);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(existsSync(join(plain, "logs")), false);
    } finally {
      await removeRepo(plain);
    }
  } finally {
    await app.close();
    await removeRepo(repo);
  }
});
