import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";
import { PolicyViolation } from "../../core/errors.ts";
import { Git } from "../../core/git.ts";
import { applyInWorkspace } from "../../orchestrator/fix.ts";
import { loadPolicy } from "../../policies/engine.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const identity: Record<string, string> = { GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@x.invalid" };

async function repo(files: Record<string, string>): Promise<{ dir: string; git: Git }> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-wt-" }));
  const git = new Git(exec, dir, (n) => identity[n]);
  await git.run(["init", "-q", "-b", "main"]);
  for (const [p, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, p, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, p), text);
  }
  await git.commitAll("init");
  return { dir, git };
}

Deno.test("applyInWorkspace with a guard applies a patch whose real changes match it", async () => {
  const { dir, git } = await repo({ "src/a.ts": "one\ntwo\n" });
  try {
    // A gate's leftover before the apply is not the patch's doing.
    await Deno.writeTextFile(join(dir, "build.log"), "old output\n");
    const policy = await loadPolicy({});
    const r = await applyInWorkspace(
      "--- a/src/a.ts\n+++ b/src/a.ts\n@@ -1,2 +1,2 @@\n one\n-two\n+2\n",
      dir,
      { git, policy },
    );
    assert.equal(r.ok, true, r.error);
    assert.equal(await Deno.readTextFile(join(dir, "src/a.ts")), "one\n2\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("applyInWorkspace refuses and undoes a patch that reached a protected file through a symlink", async () => {
  const { dir, git } = await repo({ ".github/workflows/ci.yml": "on: push\n" });
  try {
    // docs -> .github inside the repository: the diff names docs/..., the
    // write lands in .github/..., which the scan of the diff could not see.
    await Deno.symlink(".github", join(dir, "docs"));
    await git.commitAll("link");
    const policy = await loadPolicy({});
    const diff = "--- a/docs/workflows/ci.yml\n+++ b/docs/workflows/ci.yml\n" +
      "@@ -1 +1 @@\n-on: push\n+on: [push, pull_request]\n";
    assert.deepEqual(policy.scan(diff).filter((f) => f.severity === "error"), []);
    await assert.rejects(
      () => applyInWorkspace(diff, dir, { git, policy }),
      (e: unknown) =>
        e instanceof PolicyViolation &&
        /\.github\/workflows\/ci\.yml.*(does not name|protected|may not)/.test(e.message),
    );
    assert.equal(await Deno.readTextFile(join(dir, ".github/workflows/ci.yml")), "on: push\n");
    assert.deepEqual(await git.statusEntries(), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("applyInWorkspace lets the node-heap .npmrc change through and refuses other .npmrc edits", async () => {
  const { dir, git } = await repo({ ".npmrc": "save-exact=true\n" });
  try {
    const policy = await loadPolicy({});
    const heap = "--- a/.npmrc\n+++ b/.npmrc\n@@ -1 +1,2 @@\n save-exact=true\n" +
      "+node-options=--max-old-space-size=6144\n";
    assert.deepEqual(policy.scan(heap).filter((f) => f.severity === "error"), []);
    const r = await applyInWorkspace(heap, dir, { git, policy });
    assert.equal(r.ok, true, r.error);
    const evil = "--- a/.npmrc\n+++ b/.npmrc\n@@ -1 +1,2 @@\n save-exact=true\n" +
      "+node-options=--max-old-space-size=6144 --require ./x.js\n";
    assert.ok(policy.scan(evil).some((f) => f.rule === "path.package-manager-config"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("applyInWorkspace notices a write to a file that was already dirty before the apply", async () => {
  const { dir, git } = await repo({ ".github/workflows/ci.yml": "on: push\n" });
  try {
    await Deno.symlink(".github", join(dir, "docs"));
    await git.commitAll("link");
    // Left dirty before the apply (a gate's doing): git shows " M" before and after.
    await Deno.writeTextFile(join(dir, ".github/workflows/ci.yml"), "on: pull_request\n");
    const policy = await loadPolicy({});
    const diff = "--- a/docs/workflows/ci.yml\n+++ b/docs/workflows/ci.yml\n" +
      "@@ -1 +1 @@\n-on: pull_request\n+on: [push, pull_request, workflow_dispatch]\n";
    await assert.rejects(
      () => applyInWorkspace(diff, dir, { git, policy }),
      (e: unknown) => e instanceof PolicyViolation,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
