import assert from "node:assert/strict";
import { config, git, makeRepo, readReport, removeRepo, runCli } from "./_helpers.ts";

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
  } finally {
    await removeRepo(repo);
  }
});
