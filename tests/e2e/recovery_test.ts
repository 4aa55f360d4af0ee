import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  config,
  FIX_VALUE,
  git,
  MAIN,
  makeRepo,
  readReport,
  refState,
  removeRepo,
  roles,
  runCli,
} from "./_helpers.ts";

/** Pids of deno processes running main.ts on this repository. */
function cliPids(repo: string): number[] {
  const found: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const argv = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).split("\0");
      if (argv[0] === Deno.execPath() && argv.includes(MAIN) && argv.includes(repo)) {
        found.push(Number(e.name));
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Pids of processes whose working directory is inside `dir`. */
function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cwd = Deno.readLinkSync(`/proc/${e.name}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) found.push(Number(e.name));
    } catch {
      // Ended, or not ours to look at.
    }
  }
  return found;
}

/** Poll (no fixed sleep) until `check` holds; fails after `limitMs`. */
async function until(check: () => boolean, what: string, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test("run killed with SIGKILL mid-run is recovered by the next run", async () => {
  const marks = await Deno.makeTempDir({ prefix: "fleet-orch-e2e-marks-" });
  const hold = join(marks, "hold");
  const started = join(marks, "started");
  // Once the fix is in, the gate waits while the "hold" marker exists: the
  // first run is killed during its re-run of the gate, after its commit.
  const gate = `#!/usr/bin/env bash
if grep -q '^fixed$' value.txt; then
  if [ -e '${hold}' ]; then
    touch '${started}'
    while [ -e '${hold}' ]; do sleep 0.05; done
  fi
  echo "value ok"; exit 0
fi
echo "FAIL value.txt: expected 'fixed'"
exit 1
`;
  const repo = await makeRepo({
    "value.txt": "broken\n",
    "check.sh": gate,
    // The gate signals the test through files outside the worktree, which
    // the gate sandbox would make read-only (or hide, under /tmp).
    "fleet-orch.yaml": config({ value: "bash check.sh" }, "safety:\n  sandbox: off\n"),
  });
  await Deno.writeTextFile(join(repo, "untracked.txt"), "mine\n");
  const fake = await startFakeOpenAi(roles(() => FIX_VALUE));
  try {
    const user = await refState(repo, false);
    await Deno.writeTextFile(hold, "");
    const first = runCli(repo, [], { baseUrl: fake.url });
    await until(() => {
      try {
        Deno.statSync(started);
        return true;
      } catch {
        return false;
      }
    }, "the gate re-run");
    const pids = cliPids(repo);
    assert.equal(pids.length, 1, `deno processes: ${pids}`);
    Deno.kill(pids[0]!, "SIGKILL");
    const killed = await first;
    assert.equal(killed.code, 137, killed.stderr);
    // What the killed run left: a worktree, its branch, a lock.
    const stateDir = join(repo, ".git", "fleet-orch");
    const left = [...Deno.readDirSync(join(stateDir, "worktrees"))].map((e) => e.name);
    assert.equal(left.length, 1, "the killed run's worktree is still there");
    assert.match(await git(repo, "worktree list"), /fleet-orch\/worktrees/);
    // The gate went down with the run: no process is left working in the worktree.
    const worktree = join(stateDir, "worktrees", left[0]!);
    await until(() => processesIn(worktree).length === 0, "the gate to die", 10_000);

    await Deno.remove(hold);

    const second = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /died without cleaning up; recovering/);
    assert.match(second.stderr, /Removed the worktree of a killed run/);
    const report = await readReport(second);
    assert.equal(report.stopReason, "success");
    assert.equal(await git(repo, `show ${report.workBranch}:value.txt`), "fixed\n");
    // No worktree left, the user's side untouched, the lock released.
    assert.equal((await git(repo, "worktree list --porcelain")).match(/^worktree /gm)?.length, 1);
    assert.deepEqual([...Deno.readDirSync(join(stateDir, "worktrees"))].map((e) => e.name), []);
    assert.equal(await refState(repo, false), user);
    assert.equal(await Deno.readTextFile(join(repo, "untracked.txt")), "mine\n");
    // A third run finds the lock free (no takeover message).
    const third = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(third.code, 0, third.stderr);
    assert.doesNotMatch(third.stderr, /recovering/);
  } finally {
    // Cleanup must not replace a failing test's own error.
    await Deno.remove(hold).catch(() => {});
    await Deno.remove(marks, { recursive: true }).catch(() => {});
    await fake.close();
    await removeRepo(repo);
  }
});
