import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { dirname } from "node:path";
import { makeRepo, readReport, removeRepo, reportPath, runCli } from "./_helpers.ts";

function healthServer(healthy: boolean) {
  const hits: string[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (req) => {
    const path = new URL(req.url).pathname;
    hits.push(path);
    if (path === "/health") return new Response("ok", { status: healthy ? 200 : 503 });
    if (path === "/api/vehicles") return new Response('{"vehicles": []}');
    return new Response("no", { status: 404 });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, hits, close: () => server.shutdown() };
}

function config(url: string, marker: string): string {
  return `quality_gates:
  ok: { command: "true", timeout: 30 }
agents:
  devops:
    deploy:
      staging: ["echo deployed > ${marker}"]
      prod: ["echo deployed > ${marker}"]
deployment:
  environments:
    staging:
      health_endpoint: "${url}/health"
      retries: 0
      verification_endpoints:
        - { url: "${url}/api/vehicles", expect_body_contains: "vehicles" }
    prod:
      health_endpoint: "${url}/health"
      retries: 0
`;
}

Deno.test("run --environment deploys from the worktree, verifies, and writes the verification report", async () => {
  const app = await healthServer(true);
  const marker = join(await Deno.makeTempDir(), "deployed.txt");
  const repo = await makeRepo({ "fleet-orch.yaml": config(app.url, marker) });
  try {
    const r = await runCli(repo, ["--environment", "staging"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(marker), "the deploy command ran");
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    assert.deepEqual(app.hits.sort(), ["/api/vehicles", "/health"]);
    const runDir = dirname(reportPath(r));
    const files = [...Deno.readDirSync(runDir)].map((e) => e.name);
    assert.ok(
      files.some((f) => /^verification_staging_\d{8}_\d{6}\.json$/.test(f)),
      files.join(","),
    );
  } finally {
    await app.close();
    await removeRepo(repo);
  }
});

Deno.test("run --environment fails with exit 1 when verification fails", async () => {
  const app = await healthServer(false);
  const marker = join(await Deno.makeTempDir(), "deployed.txt");
  const repo = await makeRepo({ "fleet-orch.yaml": config(app.url, marker) });
  try {
    const r = await runCli(repo, ["--environment", "staging"]);
    assert.equal(r.code, 1, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "verification_failed");
  } finally {
    await app.close();
    await removeRepo(repo);
  }
});

Deno.test("run refuses to deploy to prod without --approve (exit 3) and deploys with it", async () => {
  const app = await healthServer(true);
  const marker = join(await Deno.makeTempDir(), "deployed.txt");
  const repo = await makeRepo({ "fleet-orch.yaml": config(app.url, marker) });
  try {
    const refused = await runCli(repo, ["--environment", "prod"]);
    assert.equal(refused.code, 3, refused.stderr);
    assert.match(refused.stderr, /--approve/);
    assert.equal(existsSync(marker), false);
    const approved = await runCli(repo, ["--environment", "prod", "--approve"]);
    assert.equal(approved.code, 0, approved.stderr);
    assert.ok(existsSync(marker));
  } finally {
    await app.close();
    await removeRepo(repo);
  }
});

Deno.test("run --environment with an unknown environment is refused before anything runs", async () => {
  const repo = await makeRepo({ "fleet-orch.yaml": config("http://127.0.0.1:9", "/nonexistent") });
  try {
    const r = await runCli(repo, ["--environment", "qa"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /Unknown environment "qa".*staging, prod/);
  } finally {
    await removeRepo(repo);
  }
});

Deno.test("deploy commands get cloud credentials and what the config declares, not the job's other secrets", async () => {
  const app = await healthServer(true);
  const out = join(await Deno.makeTempDir(), "deploy-env.txt");
  const probe =
    `printf '%s|%s|%s|%s|%s' "$AZURE_CLIENT_SECRET" "$GITHUB_TOKEN" "$DATABASE_URL" "$ACR_PASSWORD" "$CI" > ${out}`;
  const cfg = (declared: string) =>
    `quality_gates:
  ok: { command: "true", timeout: 30 }
agents:
  devops:
    deploy:
      staging: [${JSON.stringify(probe)}]
${declared}deployment:
  environments:
    staging:
      health_endpoint: "${app.url}/health"
      retries: 0
`;
  const env = {
    AZURE_CLIENT_SECRET: "az-secret-value-1",
    GITHUB_TOKEN: "ghs_jobtokenvalue2",
    DATABASE_URL: "postgres://u:p@db/x",
    ACR_PASSWORD: "acr-password-value-3",
  };
  const repo = await makeRepo({ "fleet-orch.yaml": cfg("") });
  const declared = await makeRepo({
    "fleet-orch.yaml": cfg('    env_passthrough: ["ACR_PASSWORD"]\n'),
  });
  try {
    const r = await runCli(repo, ["--environment", "staging"], { env });
    assert.equal(r.code, 0, r.stderr);
    // The default declaration passes the cloud family only.
    assert.equal(await Deno.readTextFile(out), "az-secret-value-1||||true");
    const d = await runCli(declared, ["--environment", "staging"], { env });
    assert.equal(d.code, 0, d.stderr);
    // A config that declares its own list gets exactly that list.
    assert.equal(await Deno.readTextFile(out), "|||acr-password-value-3|true");
  } finally {
    await app.close();
    await removeRepo(repo);
    await removeRepo(declared);
  }
});
