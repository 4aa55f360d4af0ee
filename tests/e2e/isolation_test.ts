import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  FIX_VALUE,
  git,
  makeRepo,
  readReport,
  refState,
  removeRepo,
  roles,
  runCli,
  snapshot,
  VALUE_REPO,
} from "./_helpers.ts";

Deno.test("run --dry-run leaves the repository byte-for-byte unchanged and prints the patch", async () => {
  const repo = await makeRepo(VALUE_REPO);
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    const refs = await refState(repo);
    const files = await snapshot(repo);
    const r = await runCli(repo, ["--dry-run"], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    // The patch it would apply, on stdout.
    assert.match(r.stdout, /^-broken$/m);
    assert.match(r.stdout, /^\+fixed$/m);
    assert.match(r.stdout, /value\.txt/);
    // Nothing changed: refs, status, and every file under the repository (.git included).
    assert.equal(await refState(repo), refs);
    assert.deepEqual(await snapshot(repo), files);
    const report = await readReport(r);
    assert.equal(report.dryRun, true);
    assert.equal(report.stopReason, "success");
    assert.ok(!report.workBranch && !report.backupBranch);
    assert.ok(!report.iterations[0]?.commit, "a dry run records no commit");
    await Deno.remove(join(reportPath(r), ".."), { recursive: true });
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

function reportPath(r: { stderr: string }): string {
  return [...r.stderr.matchAll(/^Report: (.+)$/gm)].pop()![1]!.trim();
}

Deno.test("run preserves uncommitted changes: modified, staged and untracked files", async () => {
  const repo = await makeRepo({ ...VALUE_REPO, "staged.txt": "one\n" });
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    // The user is editing the very file the fix changes, has staged work and an untracked file.
    await Deno.writeTextFile(join(repo, "value.txt"), "work in progress\n");
    await Deno.writeTextFile(join(repo, "staged.txt"), "two\n");
    await git(repo, "add staged.txt");
    await Deno.writeTextFile(join(repo, "staged.txt"), "three\n");
    await Deno.writeTextFile(join(repo, "scratch.md"), "my notes\n");
    const refs = await refState(repo, false);
    const tree = await snapshot(repo);
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /uncommitted change\(s\)/);
    assert.equal(await refState(repo, false), refs);
    const after = await snapshot(repo);
    for (const name of ["value.txt", "staged.txt", "scratch.md", "notes.txt", "check.sh"]) {
      assert.deepEqual(after[name], tree[name], name);
    }
    assert.deepEqual(after[".git/index"], tree[".git/index"], "the index is untouched");
    // The fix went to the work branch, made from HEAD (not from the user's edits).
    const report = await readReport(r);
    assert.equal(await git(repo, `show ${report.workBranch}:value.txt`), "fixed\n");
    assert.equal(await git(repo, `show ${report.workBranch}:staged.txt`), "one\n");
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
