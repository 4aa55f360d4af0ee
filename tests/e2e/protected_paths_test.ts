/**
 * A model's diff that reaches a protected file through another spelling of
 * its path, or that edits the config the run was started with under a
 * custom name, is refused end to end: exit 3, nothing committed.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import { config, git, makeRepo, readReport, removeRepo, runCli, VALUE_REPO } from "./_helpers.ts";

const fixPlus = (extra: string) =>
  "Summary: fix value\n\n```diff\n--- a/value.txt\n+++ b/value.txt\n@@ -1 +1 @@\n-broken\n+fixed\n" +
  extra + "```\n";

const CASES: Array<[string, Record<string, string>, string[], string]> = [
  [
    "a CI workflow as ./.github//workflows/ci.yml",
    { ".github/workflows/ci.yml": "on: push\n" },
    [],
    "--- a/./.github//workflows/ci.yml\n+++ b/./.github//workflows/ci.yml\n@@ -1 +1 @@\n-on: push\n+on: [push, pull_request]\n",
  ],
  [
    "the config as ./fleet-orch.yaml",
    {},
    [],
    "--- ./fleet-orch.yaml\n+++ ./fleet-orch.yaml\n@@ -1 +1 @@\n-agents:\n+agents: # edited\n",
  ],
  [
    "a git-quoted CI path",
    { ".github/workflows/ci.yml": "on: push\n" },
    [],
    '--- "a/\\056github/workflows/ci.yml"\n+++ "b/\\056github/workflows/ci.yml"\n@@ -1 +1 @@\n-on: push\n+on: [push]\n',
  ],
  [
    "the config passed with --config under another name",
    { "ci/fleet.yaml": config({ value: "bash check.sh" }) },
    ["--config", "ci/fleet.yaml"],
    "--- a/ci/fleet.yaml\n+++ b/ci/fleet.yaml\n@@ -1 +1 @@\n-agents:\n+agents: # edited\n",
  ],
];

for (const [what, files, args, extra] of CASES) {
  Deno.test(`run refuses a model diff editing ${what}`, async () => {
    const repo = await makeRepo({ ...VALUE_REPO, ...files });
    const reply = fixPlus(extra);
    const fake = await startFakeOpenAi([reply, reply, reply, reply]);
    try {
      const before = await git(repo, "rev-parse HEAD");
      const r = await runCli(repo, args, { baseUrl: fake.url });
      assert.equal(r.code, 3, r.stderr);
      const report = await readReport(r);
      assert.equal(report.stopReason, "rejected", report.message);
      assert.equal(report.iterations[0]?.review?.source, "policy");
      assert.match(report.iterations[0]!.review!.reasons.join(" "), /path\./);
      assert.ok(!report.iterations[0]?.commit);
      const branch = report.workBranch;
      if (branch) assert.equal(await git(repo, `rev-parse ${branch}`), before);
    } finally {
      await fake.close();
      await removeRepo(repo);
    }
  });
}
