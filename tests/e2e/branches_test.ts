import assert from "node:assert/strict";
import { config, git, makeRepo, readReport, removeRepo, runCli } from "./_helpers.ts";
import { readLedger } from "../../orchestrator/branch_ledger.ts";

Deno.test("run on a green repository leaves no branch, worktree or lock behind", async () => {
  const repo = await makeRepo({ "fleet-orch.yaml": config({ ok: "true" }) });
  try {
    const before = await git(repo, "for-each-ref '--format=%(refname)' refs/heads");
    const r = await runCli(repo);
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    assert.equal(report.workBranch, undefined);
    assert.equal(report.backupBranch, undefined);
    assert.equal(await git(repo, "for-each-ref '--format=%(refname)' refs/heads"), before);
    assert.equal((await git(repo, "worktree list --porcelain")).match(/^worktree /gm)?.length, 1);
    const state = [...Deno.readDirSync(`${repo}/.git/fleet-orch`)].map((e) => e.name).sort();
    assert.ok(!state.includes("run.lock"), state.join(","));
    assert.deepEqual(await readLedger(`${repo}/.git/fleet-orch`), {}, "the ledger forgets both");
  } finally {
    await removeRepo(repo);
  }
});

Deno.test("run commits only what the fix changed, not the build output a gate left behind", async () => {
  const { startFakeOpenAi } = await import("../fakes/openai_server.ts");
  const { FIX_VALUE, roles, VALUE_GATE } = await import("./_helpers.ts");
  const repo = await makeRepo({
    "value.txt": "broken\n",
    // The gate writes build output that no .gitignore covers.
    "check.sh": `mkdir -p dist; date +%s%N > dist/build-stamp.txt\n${VALUE_GATE}`,
    "fleet-orch.yaml": config({ value: "bash check.sh" }),
  });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    const files = await git(repo, `show --name-only --format= ${report.workBranch}`);
    assert.deepEqual(files.trim().split("\n"), ["value.txt"]);
    // Both branches are recorded as the run's, the fix branch at the commit it left.
    const ledger = await readLedger(`${repo}/.git/fleet-orch`);
    const tip = (await git(repo, `rev-parse ${report.workBranch}`)).trim();
    const base = (await git(repo, "rev-parse main")).trim();
    assert.deepEqual(ledger[report.workBranch!]?.tips, [base, tip]);
    assert.deepEqual(ledger[report.backupBranch!]?.tips, [base]);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
