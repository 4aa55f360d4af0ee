/**
 * The seed's headline fix end to end, with the default policy (no
 * `allow_paths`): an out-of-memory build on the 4 GB self-hosted pool is
 * moved to the 7 GB Microsoft-hosted pool by the azure-pipelines-pool
 * recipe, and the pool-only change passes review.
 */
import assert from "node:assert/strict";
import { config, git, makeRepo, readReport, removeRepo, runCli } from "./_helpers.ts";

const PIPELINE = `# CI for the fleet app
trigger: [main]

stages:
  - stage: Build
    jobs:
      - job: Build
        pool:
          name: acr-4gb   # ACR agents, 4 GB
        steps:
          - script: npm ci
          - script: npm run build
            displayName: Build
`;

// Stands in for the CI build: out of memory until the job runs on a hosted image.
const GATE =
  `grep -q 'vmImage: ubuntu-latest' azure-pipelines.yml || { echo 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory'; exit 134; }`;

Deno.test("the OOM pool switch in azure-pipelines.yml is committed under the default policy", async () => {
  const repo = await makeRepo({
    "azure-pipelines.yml": PIPELINE,
    "fleet-orch.yaml": config(
      { build: GATE },
      "fixers:\n  - uses: azure-pipelines-pool\n",
    ).replace(/ {2}codex:[\s\S]*?(?= {2}jules:)/, "  codex: { enabled: false }\n")
      .replace(/ {2}jules:[\s\S]*?(?=quality_gates:)/, "  jules: { enabled: false }\n"),
  });
  try {
    const r = await runCli(repo, []);
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    assert.equal(report.iterations[0]!.proposal!.source, "azure-pipelines-pool");
    assert.equal(report.iterations[0]!.review?.verdict, "approve");
    const text = await git(repo, `show ${report.workBranch}:azure-pipelines.yml`);
    assert.match(text, /vmImage: ubuntu-latest/);
    assert.match(text, /# CI for the fleet app/);
  } finally {
    await removeRepo(repo);
  }
});

Deno.test("a repository policy that disables path.ci-agent-pool refuses the same switch", async () => {
  const repo = await makeRepo({
    "azure-pipelines.yml": PIPELINE,
    "fleet-orch.policy.yaml": "disable: [path.ci-agent-pool]\n",
    "fleet-orch.yaml": config(
      { build: GATE },
      "fixers:\n  - uses: azure-pipelines-pool\n",
    ).replace(/ {2}codex:[\s\S]*?(?= {2}jules:)/, "  codex: { enabled: false }\n")
      .replace(/ {2}jules:[\s\S]*?(?=quality_gates:)/, "  jules: { enabled: false }\n"),
  });
  try {
    const r = await runCli(repo, []);
    assert.equal(r.code, 3, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "rejected");
    assert.match(report.message, /path\.protected|CI definitions/);
  } finally {
    await removeRepo(repo);
  }
});
