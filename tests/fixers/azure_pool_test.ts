import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "yaml";
import { azurePoolFixer } from "../../plugins/fixers/azure_pool.ts";
import { moveJobsToHostedPool } from "../../plugins/fixers/_azure_yaml.ts";
import {
  assertRestored,
  failure,
  gate,
  gitApply,
  instance,
  readTree,
  tempRepo,
} from "./_helpers.ts";

const PIPELINE = `# CI for the web app
trigger:
  branches:
    include: [main]

variables:
  NODE_VERSION: '20.x'   # keep in step with .nvmrc

stages:
- stage: Build
  displayName: Build and test
  jobs:
  - job: Lint
    pool:
      name: acr-4gb   # ACR agents, 4 GB
    steps:
    - script: npm ci && npm run lint
      displayName: Lint

  - job: Build
    # The bundle is the heavy part.
    pool:
      name: acr-4gb
      demands:
      - agent.os -equals Linux
    steps:
    - script: |
        npm ci
        npm run build
      displayName: Build bundle
- stage: Deploy
  jobs:
  - deployment: Web
    environment: prod
    pool: { name: acr-4gb }
    strategy:
      runOnce:
        deploy:
          steps:
          - script: ./deploy.sh
`;

const OOM = gate({
  status: "oom",
  exitCode: 137,
  command: "npm run build",
  output: "Killed",
});

/** Lines removed and added by a diff, without the file headers. */
function changedLines(diff: string): { removed: string[]; added: string[] } {
  const lines = diff.split("\n").filter((l) => !l.startsWith("---") && !l.startsWith("+++"));
  return {
    removed: lines.filter((l) => l.startsWith("-")).map((l) => l.slice(1)),
    added: lines.filter((l) => l.startsWith("+")).map((l) => l.slice(1)),
  };
}

Deno.test("azure-pipelines-pool recipe applies to out-of-memory gates only", async () => {
  await using repo = await tempRepo({});
  const fixer = await instance(azurePoolFixer, repo);
  assert.equal(fixer.applies([], OOM), true);
  assert.equal(fixer.applies([failure({ tool: "oom" })], gate({ command: "npm test" })), true);
  assert.equal(fixer.applies([failure({ tool: "jest" })], gate({ command: "npm test" })), false);
});

Deno.test("azure-pipelines-pool recipe moves the job running the gate and keeps comments", async () => {
  await using repo = await tempRepo({ "azure-pipelines.yml": PIPELINE });
  const fixer = await instance(azurePoolFixer, repo);
  const before = await readTree(repo.dir);
  const proposal = await fixer.fix({ cwd: repo.dir, failures: [], gate: OOM });
  assert.ok(proposal);
  assert.equal(proposal.source, "azure-pipelines-pool");
  assert.match(
    proposal.summary,
    /^Moved job Build in azure-pipelines\.yml to the Microsoft-hosted/,
  );
  assert.deepEqual(changedLines(proposal.diff), {
    removed: ["      name: acr-4gb", "      demands:", "      - agent.os -equals Linux"],
    added: ["      vmImage: ubuntu-latest"],
  });
  await assertRestored(repo, before);
  await gitApply(repo, proposal.diff);
  const text = await Deno.readTextFile(join(repo.dir, "azure-pipelines.yml"));
  for (
    const comment of [
      "# CI for the web app",
      "# keep in step with .nvmrc",
      "# ACR agents, 4 GB",
      "# The bundle is the heavy part.",
    ]
  ) {
    assert.ok(text.includes(comment), comment);
  }
  const doc = parse(text);
  assert.deepEqual(doc.stages[0].jobs[1].pool, { vmImage: "ubuntu-latest" });
  assert.deepEqual(doc.stages[0].jobs[0].pool, { name: "acr-4gb" });
  assert.deepEqual(doc.stages[1].jobs[0].pool, { name: "acr-4gb" });
});

Deno.test("azure-pipelines-pool recipe moves every job on the small pool when none runs the gate", () => {
  const result = moveJobsToHostedPool(PIPELINE, {
    gateCommand: "make everything",
    pools: [],
    vmImage: "ubuntu-latest",
  });
  assert.ok(result);
  assert.deepEqual(result.moved, ["job Lint", "job Build", "job Web"]);
  const doc = parse(result.text);
  for (const [s, j] of [[0, 0], [0, 1], [1, 0]] as const) {
    assert.deepEqual(doc.stages[s].jobs[j].pool, { vmImage: "ubuntu-latest" });
  }
  assert.ok(result.text.includes("      name: acr-4gb   # ACR agents, 4 GB") === false);
  assert.ok(result.text.includes("      vmImage: ubuntu-latest   # ACR agents, 4 GB"));
  assert.ok(result.text.includes("    pool: { vmImage: ubuntu-latest }"));
});

Deno.test("azure-pipelines-pool recipe gives one job its own pool when the stage pool is shared", () => {
  const source = `stages:
- stage: CI
  pool: acr-4gb # shared
  jobs:
  - job: Test
    steps:
    - bash: npm test
  - job: Build
    steps:
    - bash: npm run build
`;
  const result = moveJobsToHostedPool(source, {
    gateCommand: "npm run build",
    pools: ["ACR-4GB"],
    vmImage: "ubuntu-latest",
  });
  assert.ok(result);
  assert.deepEqual(result.moved, ["job Build"]);
  assert.equal(
    result.text,
    source.replace(
      "  - job: Build\n",
      "  - job: Build\n    pool:\n      vmImage: ubuntu-latest\n",
    ),
  );
});

Deno.test("azure-pipelines-pool recipe edits the pipeline pool of a single-job pipeline", () => {
  const source = `pool: acr-4gb  # small agents\n\nsteps:\n  - script: npx fleet-orch run\n`;
  const result = moveJobsToHostedPool(source, { pools: [], vmImage: "ubuntu-22.04" });
  assert.ok(result);
  assert.deepEqual(result.moved, ["pipeline"]);
  assert.equal(result.text, source.replace("acr-4gb", "{ vmImage: ubuntu-22.04 }"));
});

Deno.test("azure-pipelines-pool recipe leaves hosted and unlisted pools alone", () => {
  const hosted = `pool:\n  vmImage: ubuntu-latest\nsteps:\n- script: npm run build\n`;
  assert.equal(moveJobsToHostedPool(hosted, { pools: [], vmImage: "ubuntu-latest" }), null);
  assert.equal(
    moveJobsToHostedPool(PIPELINE, { pools: ["big-pool"], vmImage: "ubuntu-latest" }),
    null,
  );
  assert.throws(
    () => moveJobsToHostedPool("jobs: [\n", { pools: [], vmImage: "ubuntu-latest" }),
    SyntaxError,
  );
});

Deno.test("azure-pipelines-pool recipe returns null without a pipeline file", async () => {
  await using repo = await tempRepo({ "README.md": "hi\n" });
  const fixer = await instance(azurePoolFixer, repo);
  assert.equal(await fixer.fix({ cwd: repo.dir, failures: [], gate: OOM }), null);
});
