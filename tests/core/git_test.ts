import assert from "node:assert/strict";
import { join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";
import { DEFAULT_IDENTITY, Git, GitError, timestamp } from "../../core/git.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const identity: Record<string, string> = {
  GIT_AUTHOR_NAME: "Ada Author",
  GIT_AUTHOR_EMAIL: "ada@example.invalid",
  GIT_COMMITTER_NAME: "Carl Committer",
  GIT_COMMITTER_EMAIL: "carl@example.invalid",
};

/** A temp repository with one commit; removed afterwards. */
async function withRepo(body: (dir: string, git: Git) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-git-" }));
  try {
    const git = new Git(exec, dir, (n) => identity[n]);
    await git.run(["init", "-q", "-b", "main"]);
    await Deno.writeTextFile(join(dir, "README.md"), "hello\n");
    await git.commitAll("Initial commit");
    await body(dir, git);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("Git finds the repository root from a subfolder", async () => {
  await withRepo(async (dir) => {
    await Deno.mkdir(join(dir, "a", "b"), { recursive: true });
    const sub = new Git(exec, join(dir, "a", "b"));
    assert.equal(await sub.root(), dir);
    assert.equal(await sub.commonDir(), join(dir, ".git"));
    assert.equal(await sub.branch(), "main");
  });
});

Deno.test("Git says clearly when a folder is not in a repository", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const git = new Git(exec, dir);
    await assert.rejects(() => git.root(), {
      message:
        `"${dir}" is not inside a git repository; run fleet-orch from your project, or pass --repo DIR`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Git commits with author and committer from the environment", async () => {
  await withRepo(async (_dir, git) => {
    const who = await git.run(["log", "-1", "--format=%an|%ae|%cn|%ce|%s"]);
    assert.equal(
      who,
      "Ada Author|ada@example.invalid|Carl Committer|carl@example.invalid|Initial commit",
    );
    // Nothing staged: no empty commit.
    assert.equal(await git.commitAll("Nothing"), null);
  });
});

Deno.test("Git falls back to the default identity, committer following the author", async () => {
  await withRepo(async (dir) => {
    const plain = new Git(exec, dir, (n) => (n === "GIT_AUTHOR_NAME" ? "Only Author" : undefined));
    await Deno.writeTextFile(join(dir, "b.txt"), "b\n");
    const sha = await plain.commitAll("Second\n\nWith a body line");
    assert.match(sha ?? "", /^[0-9a-f]{40}$/);
    assert.equal(
      await plain.run(["log", "-1", "--format=%an|%ae|%cn|%ce|%B"]),
      `Only Author|${DEFAULT_IDENTITY.email}|Only Author|${DEFAULT_IDENTITY.email}|Second\n\nWith a body line`,
    );
  });
});

Deno.test("Git creates backup branches named by UTC time, never reusing one", async () => {
  await withRepo(async (_dir, git) => {
    const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    assert.equal(timestamp(now), "20260102_030405");
    const first = await git.createBackupBranch(now);
    const second = await git.createBackupBranch(now);
    assert.equal(first, "backup/pre-orchestration-20260102_030405");
    assert.equal(second, "backup/pre-orchestration-20260102_030405-2");
    assert.equal(await git.hasBranch(first), true);
    assert.equal(await git.run(["rev-parse", first]), await git.head());
  });
});

Deno.test("Git works in a worktree without touching the user's checkout", async () => {
  await withRepo(async (dir, git) => {
    await Deno.writeTextFile(join(dir, "README.md"), "user edit, uncommitted\n");
    const before = await git.status();
    const wtDir = join(dir, ".git", "fleet-orch", "worktrees", "run-1");
    await git.addWorktree(wtDir, "fleet-orch/run-1", (await git.head())!);
    const wt = git.at(wtDir);
    assert.equal(await wt.branch(), "fleet-orch/run-1");
    assert.equal(await wt.commonDir(), join(dir, ".git"));
    assert.equal(await Deno.readTextFile(join(wtDir, "README.md")), "hello\n");
    await Deno.writeTextFile(join(wtDir, "fix.txt"), "fixed\n");
    const sha = await wt.commitAll("Fix");
    assert.ok(sha);
    assert.equal(await git.run(["rev-parse", "fleet-orch/run-1"]), sha);
    // The user's checkout: same branch, same uncommitted edit, no new file.
    assert.equal(await git.branch(), "main");
    assert.deepEqual(await git.status(), before);
    assert.equal(await Deno.readTextFile(join(dir, "README.md")), "user edit, uncommitted\n");
    await git.removeWorktree(wtDir);
    assert.equal(await git.hasBranch("fleet-orch/run-1"), true);
    await git.deleteBranch("fleet-orch/run-1");
    assert.equal(await git.hasBranch("fleet-orch/run-1"), false);
  });
});

Deno.test("Git removes worktrees left behind by killed runs", async () => {
  await withRepo(async (dir, git) => {
    const base = join(dir, ".git", "fleet-orch", "worktrees");
    const head = (await git.head())!;
    await git.addWorktree(join(base, "a"), "fleet-orch/a", head);
    await git.addWorktree(join(base, "b"), "fleet-orch/b", head);
    const removed = await git.removeStaleWorktrees(base);
    assert.deepEqual(removed.sort(), [join(base, "a"), join(base, "b")]);
    const list = await git.run(["worktree", "list", "--porcelain"]);
    assert.doesNotMatch(list, /fleet-orch\/worktrees/);
    // A folder that does not exist is nothing to clean.
    assert.deepEqual(await git.removeStaleWorktrees(join(dir, "nope")), []);
  });
});

Deno.test("Git reports a failing command with its arguments and output", async () => {
  await withRepo(async (_dir, git) => {
    await assert.rejects(() => git.run(["checkout", "-q", "no-such-branch"]), (e) => {
      assert.ok(e instanceof GitError);
      assert.deepEqual(e.args, ["checkout", "-q", "no-such-branch"]);
      assert.match(
        e.message,
        /^git checkout -q no-such-branch failed \(exit 1\): .*no-such-branch/s,
      );
      return true;
    });
    assert.equal((await git.tryRun(["rev-parse", "--verify", "-q", "nope"])).code, 1);
  });
});

Deno.test("Git head is null in a repository without commits", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const git = new Git(exec, dir);
    await git.run(["init", "-q"]);
    assert.equal(await git.head(), null);
    assert.deepEqual(await git.status(), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Git concurrent worktree adds and removes in one repository all succeed", async () => {
  await withRepo(async (dir, git) => {
    const paths = Array.from({ length: 12 }, (_, i) => join(dir, ".git", "fo-wt", `c${i}`));
    // Started together, as candidates do; the worktree lock serialises them.
    await Promise.all(
      paths.map((p, i) =>
        i % 2 === 0 ? git.addDetachedWorktree(p) : git.addWorktree(p, `cand-${i}`, "HEAD")
      ),
    );
    const listed = await git.run(["worktree", "list", "--porcelain"]);
    for (const p of paths) {
      assert.ok(listed.includes(`worktree ${p}`), `${p} missing from:\n${listed}`);
      assert.equal(await Deno.readTextFile(join(p, "README.md")), "hello\n");
    }
    await Promise.all(paths.map((p) => git.removeWorktree(p)));
    const after = await git.run(["worktree", "list", "--porcelain"]);
    assert.equal(after.split("\n").filter((l) => l.startsWith("worktree ")).length, 1, after);
  });
});

Deno.test("AsyncMutex runs sections one at a time in call order, past failures", async () => {
  const { AsyncMutex } = await import("../../core/git.ts");
  const m = new AsyncMutex();
  const events: string[] = [];
  let inside = 0;
  const section = (name: string, fail = false) =>
    m.run(async () => {
      inside++;
      assert.equal(inside, 1);
      events.push(`${name}:start`);
      await Promise.resolve();
      await new Promise((r) => queueMicrotask(() => r(null)));
      events.push(`${name}:end`);
      inside--;
      if (fail) throw new Error(name);
    });
  const results = await Promise.allSettled([section("a"), section("b", true), section("c")]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
  assert.deepEqual(events, ["a:start", "a:end", "b:start", "b:end", "c:start", "c:end"]);
});
