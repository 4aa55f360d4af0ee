import assert from "node:assert/strict";
import { join } from "node:path";
import { type CommandJudge, ShellExecutor } from "../../core/exec.ts";
import { PolicyViolation, UsageError } from "../../core/errors.ts";
import { Git } from "../../core/git.ts";

const allowAll: CommandJudge = () => ({ allowed: true, rule: null, message: "" });
const exec = new ShellExecutor({ judge: allowAll });

/** A temp repository with one commit; removed afterwards. */
async function withRepo(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-locate-" }));
  try {
    const r = await exec.run(
      "git init -q -b main && git -c user.name=t -c user.email=t@example.invalid commit -q --allow-empty -m init",
      { cwd: dir },
    );
    assert.equal(r.code, 0, r.output);
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("Git.locate gives what root() and commonDir() give, from the root and a subfolder", async () => {
  await withRepo(async (dir) => {
    await Deno.mkdir(join(dir, "a", "b"), { recursive: true });
    for (const cwd of [dir, join(dir, "a", "b")]) {
      const git = new Git(exec, cwd);
      const root = await git.root();
      assert.deepEqual(await git.locate(), {
        root,
        commonDir: await git.at(root).commonDir(),
      });
      assert.deepEqual(await git.locate(), { root: dir, commonDir: join(dir, ".git") });
    }
  });
});

Deno.test("Git.locate resolves a relative common directory through a symlinked folder as at the root", async () => {
  await withRepo(async (dir) => {
    await Deno.mkdir(join(dir, "sub"));
    const link = `${dir}-link`;
    await Deno.symlink(dir, link);
    try {
      const located = await new Git(exec, join(link, "sub")).locate();
      assert.deepEqual(located, { root: dir, commonDir: join(dir, ".git") });
    } finally {
      await Deno.remove(link);
    }
  });
});

Deno.test("Git.locate in a linked worktree gives the main repository's common directory", async () => {
  await withRepo(async (dir) => {
    const wt = `${dir}-wt`;
    const r = await exec.run(`git worktree add -q ${wt} -b side`, { cwd: dir });
    assert.equal(r.code, 0, r.output);
    try {
      assert.deepEqual(await new Git(exec, wt).locate(), {
        root: wt,
        commonDir: join(dir, ".git"),
      });
    } finally {
      await exec.run(`git worktree remove --force ${wt}`, { cwd: dir });
    }
  });
});

Deno.test("Git.locate outside a repository says so as root() does", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-locate-none-" }));
  try {
    const git = new Git(exec, dir);
    const err = await git.locate().then(() => null, (e) => e);
    assert.ok(err instanceof UsageError);
    assert.equal(
      err.message,
      `"${dir}" is not inside a git repository; run fleet-orch from your project, or pass --repo DIR`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Git.locate and root() in a bare repository or inside .git say there is no working tree", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-locate-bare-" }));
  try {
    const init = await exec.run("git init -q --bare bare.git && git init -q work", { cwd: dir });
    assert.equal(init.code, 0, init.output);
    for (const at of [join(dir, "bare.git"), join(dir, "work", ".git")]) {
      const git = new Git(exec, at);
      for (const ask of [() => git.locate(), () => git.root()]) {
        const err = await ask().then(() => null, (e) => e);
        assert.ok(err instanceof UsageError, String(err));
        assert.match(err.message, /bare repository or inside a \.git folder \(no working tree\)/);
        assert.match(err.message, /git worktree add/);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Git.locate asks the policy first: a refused git query starts nothing", async () => {
  await withRepo(async (dir) => {
    const judged: string[] = [];
    const deny = new ShellExecutor({
      judge: (c) => {
        judged.push(c);
        return { allowed: false, rule: "test.no-git", message: "no git here" };
      },
    });
    await assert.rejects(() => new Git(deny, dir).locate(), PolicyViolation);
    assert.deepEqual(judged, ["git rev-parse --show-toplevel --git-common-dir"]);
  });
});

Deno.test("ShellExecutor.runDirect is judged on the quoted command line and refused before it starts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "fleet-orch-direct-" });
  try {
    const judged: string[] = [];
    const deny = new ShellExecutor({
      judge: (c) => {
        judged.push(c);
        return { allowed: false, rule: "test.deny", message: "denied" };
      },
    });
    const marker = join(dir, "ran");
    await assert.rejects(() => deny.runDirect(["touch", marker]), PolicyViolation);
    assert.deepEqual(judged, [`touch ${marker}`]);
    assert.equal(await Deno.stat(marker).then(() => true, () => false), false);
    // The same command allowed does run: the refusal above was the policy's.
    const r = await exec.runDirect(["touch", marker]);
    assert.equal(r.code, 0);
    assert.equal(await Deno.stat(marker).then(() => true, () => false), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ShellExecutor.runDirect redacts output unless raw output is asked for", async () => {
  const secret = "s3cr3t-value-0123456789abcdef";
  const redacting = new ShellExecutor({
    judge: allowAll,
    redact: (t) => t.replaceAll(secret, "[REDACTED]"),
  });
  const shown = await redacting.runDirect(["echo", secret]);
  assert.equal(shown.output, "[REDACTED]\n");
  const raw = await redacting.runDirect(["echo", secret], { rawOutput: true });
  assert.equal(raw.output, `${secret}\n`);
});

Deno.test("ShellExecutor.runDirect gives exit code 127 for a missing program, as the shell does", async () => {
  const r = await exec.runDirect(["fleet-orch-no-such-program-here"]);
  assert.equal(r.code, 127);
  assert.match(r.output, /command not found/);
});

Deno.test("ShellExecutor.runDirect kills the process at its timeout", async () => {
  const r = await exec.runDirect(["sleep", "600"], { timeoutMs: 100 });
  assert.equal(r.timedOut, true);
  assert.notEqual(r.code, 0);
});
