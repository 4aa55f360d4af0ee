import assert from "node:assert/strict";
import { join } from "node:path";
import { shellJoin } from "../../core/exec.ts";
import { exec, git, MAIN, makeRepo, runCli } from "./_helpers.ts";
import { readLedger, recordBranches } from "../../orchestrator/branch_ledger.ts";

const OLD = { GIT_COMMITTER_DATE: "2020-01-01T00:00:00Z", GIT_AUTHOR_DATE: "2020-01-01T00:00:00Z" };

async function commitOn(dir: string, branch: string, subject: string, old = false): Promise<void> {
  await git(dir, `switch -q -c ${branch} main`);
  await Deno.writeTextFile(join(dir, `${branch.replaceAll("/", "_")}.txt`), subject);
  await git(dir, "add -A");
  const r = await exec.run(
    shellJoin([
      "git",
      "-c",
      "user.name=t",
      "-c",
      "user.email=t@example.invalid",
      "commit",
      "-q",
      "-m",
      subject,
    ]),
    { cwd: dir, env: old ? OLD : {} },
  );
  assert.equal(r.code, 0, r.output);
  await git(dir, "switch -q main");
}

/** What a run does when it makes or moves a branch: record the commit it left. */
async function record(dir: string, ...names: string[]): Promise<void> {
  const branches = [];
  for (const name of names) {
    branches.push({ name, sha: (await git(dir, `rev-parse ${name}`)).trim() });
  }
  await recordBranches(join(dir, ".git", "fleet-orch"), "a-run", branches);
}

/** The branch names and run folders a clean output says it removes (or would). */
function removedIn(output: string): string[] {
  return [...output.matchAll(/^(?:Would remove|Removed) (branch|run folder) (\S+)/gm)]
    .map((m) => `${m[1]} ${m[2]}`).sort();
}

async function heads(dir: string): Promise<string[]> {
  return (await git(dir, "for-each-ref '--format=%(refname:strip=2)' refs/heads/")).split("\n")
    .filter(Boolean).sort();
}

function clean(dir: string, ...args: string[]) {
  return exec.run(
    shellJoin([Deno.execPath(), "run", "-A", MAIN, "clean", "--repo", dir, ...args]),
    {
      cwd: dir,
      env: { NO_COLOR: "1" },
      timeoutMs: 120_000,
    },
  );
}

Deno.test("clean removes only fleet-orch branches and run folders nothing needs; --dry-run removes nothing", async () => {
  const dir = await makeRepo({ "fleet-orch.yaml": 'quality_gates:\n  ok:\n    command: "true"\n' });
  try {
    // A killed run that committed nothing: empty fix branch and its backup.
    await git(dir, "branch fleet-orch/fix-20260101_000000-aaaa main");
    await git(dir, "branch backup/pre-orchestration-20260101_000001 main");
    // Old unmerged fixes, fleet-orch's own commits only.
    await commitOn(dir, "fleet-orch/fix-20200101_000000-bbbb", "fleet-orch: old fix", true);
    // Recent unmerged fixes and their backup: both stay.
    await git(dir, "branch backup/pre-orchestration-20261201_120003 main");
    await commitOn(dir, "fleet-orch/fix-20261201_120000-cccc", "fleet-orch: recent fix");
    // Old, but the user committed on it: stays.
    await commitOn(dir, "fleet-orch/fix-20200102_000000-dddd", "my own work", true);
    // A backup that is the only pointer to a commit: stays.
    await commitOn(dir, "backup/pre-orchestration-20200103_000000", "lost work", true);
    await record(
      dir,
      "fleet-orch/fix-20260101_000000-aaaa",
      "backup/pre-orchestration-20260101_000001",
      "fleet-orch/fix-20200101_000000-bbbb",
      "backup/pre-orchestration-20261201_120003",
      "fleet-orch/fix-20261201_120000-cccc",
      "fleet-orch/fix-20200102_000000-dddd",
      "backup/pre-orchestration-20200103_000000",
    );
    // Named like fleet-orch's, made by the user (no run recorded them): an
    // empty one and a backup whose commit is on main would otherwise go.
    await git(dir, "branch fleet-orch/fix-20200101_000000-eeee main");
    await git(dir, "branch backup/pre-orchestration-20200104_000000 main");
    // An old fix the user built on, with a subject that looks like fleet-orch's.
    await commitOn(dir, "fleet-orch/fix-20200105_000000-ffff", "fleet-orch: old fix 2", true);
    await record(dir, "fleet-orch/fix-20200105_000000-ffff");
    await git(dir, "switch -q fleet-orch/fix-20200105_000000-ffff");
    await Deno.writeTextFile(join(dir, "mine.txt"), "user work\n");
    await git(dir, "add -A");
    await git(
      dir,
      "-c user.name=u -c user.email=u@example.invalid commit -q -m 'fleet-orch: mine'",
    );
    await git(dir, "switch -q main");
    // A fix the user added to and then merged: nothing unique, but moved by the user.
    await commitOn(dir, "fleet-orch/fix-20200106_000000-9999", "fleet-orch: merged fix", true);
    await record(dir, "fleet-orch/fix-20200106_000000-9999");
    await git(dir, "switch -q fleet-orch/fix-20200106_000000-9999");
    await Deno.writeTextFile(join(dir, "mine2.txt"), "user work\n");
    await git(dir, "add -A");
    await git(dir, "-c user.name=u -c user.email=u@example.invalid commit -q -m 'on top'");
    await git(dir, "switch -q main");
    await git(
      dir,
      "-c user.name=u -c user.email=u@example.invalid merge -q --no-edit fleet-orch/fix-20200106_000000-9999",
    );
    // The user's branch: never touched.
    await commitOn(dir, "feature", "feature work", true);
    // Run folders: an old one, a recent one, and something else in the folder.
    const runs = join(dir, ".git", "fleet-orch", "runs");
    for (
      const r of [
        "20200101_000000-abcd",
        `${new Date().toISOString().slice(0, 10).replaceAll("-", "")}_000000-beef`,
      ]
    ) {
      await Deno.mkdir(join(runs, r, "logs"), { recursive: true });
      await Deno.writeTextFile(join(runs, r, "report.json"), "{}");
    }
    await Deno.mkdir(join(runs, "not-a-run"), { recursive: true });
    const before = await heads(dir);

    const dry = await clean(dir, "--dry-run");
    assert.equal(dry.code, 0, dry.output);
    assert.deepEqual(await heads(dir), before, "a dry run removes no branch");
    assert.ok(await Deno.stat(join(runs, "20200101_000000-abcd")).then(() => true));
    assert.match(dry.output, /Would remove branch fleet-orch\/fix-20260101_000000-aaaa/);
    assert.match(dry.output, /Would remove run folder .*20200101_000000-abcd/);

    const r = await clean(dir);
    assert.equal(r.code, 0, r.output);
    const after = await heads(dir);
    assert.deepEqual(after, [
      "backup/pre-orchestration-20200103_000000",
      "backup/pre-orchestration-20200104_000000",
      "backup/pre-orchestration-20261201_120003",
      "feature",
      "fleet-orch/fix-20200101_000000-eeee",
      "fleet-orch/fix-20200102_000000-dddd",
      "fleet-orch/fix-20200105_000000-ffff",
      "fleet-orch/fix-20200106_000000-9999",
      "fleet-orch/fix-20261201_120000-cccc",
      "main",
    ]);
    // --dry-run listed exactly what went.
    assert.deepEqual(removedIn(dry.output), removedIn(r.output));
    assert.deepEqual(
      removedIn(r.output).filter((x) => x.startsWith("branch ")),
      before.filter((b) => !after.includes(b)).map((b) => `branch ${b}`).sort(),
    );
    assert.match(
      r.output,
      /Kept branch fleet-orch\/fix-20200102_000000-dddd \(holds commits that are not fleet-orch's\)/,
    );
    assert.match(
      r.output,
      /Kept branch fleet-orch\/fix-20200101_000000-eeee \(not made by a fleet-orch run/,
    );
    assert.match(r.output, /Kept branch backup\/pre-orchestration-20200104_000000 \(not made by/);
    assert.match(
      r.output,
      /Kept branch fleet-orch\/fix-20200105_000000-ffff \(moved since its run/,
    );
    assert.match(
      r.output,
      /Kept branch fleet-orch\/fix-20200106_000000-9999 \(moved since its run/,
    );
    // The ledger forgets what was deleted.
    const ledger = await readLedger(join(dir, ".git", "fleet-orch"));
    assert.equal(ledger["fleet-orch/fix-20260101_000000-aaaa"], undefined);
    assert.ok(ledger["fleet-orch/fix-20261201_120000-cccc"]);
    const left = [...Deno.readDirSync(runs)].map((e) => e.name).sort();
    assert.equal(left.length, 2);
    assert.ok(left.includes("not-a-run"));
    assert.ok(!left.includes("20200101_000000-abcd"));

    // Merged fixes go: once main has the recent fix, its branch and backup do too.
    await git(dir, "merge -q --no-edit fleet-orch/fix-20261201_120000-cccc");
    const again = await clean(dir);
    assert.equal(again.code, 0, again.output);
    const now = await heads(dir);
    assert.ok(!now.includes("fleet-orch/fix-20261201_120000-cccc"), now.join());
    assert.ok(!now.includes("backup/pre-orchestration-20261201_120003"), now.join());
    assert.ok(now.includes("feature"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("housekeeping a run reclaims what a killed run left and prunes old run folders", async () => {
  const dir = await makeRepo({ "fleet-orch.yaml": 'quality_gates:\n  ok:\n    command: "true"\n' });
  try {
    const state = join(dir, ".git", "fleet-orch");
    // What a run killed with SIGKILL leaves: its lock, worktree and branches
    // (recorded in the ledger, as a run does when it makes them).
    await Deno.mkdir(join(state, "worktrees"), { recursive: true });
    await git(dir, "branch backup/pre-orchestration-20260101_000001 main");
    await git(
      dir,
      `worktree add -q -b fleet-orch/fix-20260101_000000-aaaa ${
        join(state, "worktrees", "20260101_000000-aaaa")
      } main`,
    );
    await record(
      dir,
      "backup/pre-orchestration-20260101_000001",
      "fleet-orch/fix-20260101_000000-aaaa",
    );
    // The user's own branch named like a run's: the next run leaves it alone.
    await git(dir, "branch fleet-orch/fix-20250101_000000-0000 main");
    await Deno.writeTextFile(
      join(state, "run.lock"),
      JSON.stringify({
        pid: 2 ** 22 - 1,
        start: "1",
        host: Deno.hostname(),
        command: "run x",
        at: "2026-01-01T00:00:00Z",
      }),
    );
    await Deno.mkdir(join(state, "runs", "20200101_000000-abcd"), { recursive: true });
    const r = await runCli(dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Removed branch fleet-orch\/fix-20260101_000000-aaaa/);
    assert.deepEqual(await heads(dir), ["fleet-orch/fix-20250101_000000-0000", "main"]);
    assert.deepEqual([...Deno.readDirSync(join(state, "worktrees"))], []);
    const runs = [...Deno.readDirSync(join(state, "runs"))].map((e) => e.name);
    assert.equal(runs.length, 1, runs.join());
    assert.notEqual(runs[0], "20200101_000000-abcd");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("clean takes a killed run's last commit as fleet-orch's and removes its old branch and worktree", async () => {
  const dir = await makeRepo({ "fleet-orch.yaml": 'quality_gates:\n  ok:\n    command: "true"\n' });
  try {
    const state = join(dir, ".git", "fleet-orch");
    const wt = join(state, "worktrees", "20200101_000000-aaaa");
    await Deno.mkdir(join(state, "worktrees"), { recursive: true });
    await git(dir, `worktree add -q -b fleet-orch/fix-20200101_000000-aaaa ${wt} main`);
    await record(dir, "fleet-orch/fix-20200101_000000-aaaa");
    // The run committed a fix in its worktree, then was killed before recording it.
    await Deno.writeTextFile(join(wt, "fix.txt"), "fix\n");
    await git(wt, "add -A");
    const r = await exec.run(
      "git -c user.name=f -c user.email=f@example.invalid commit -q -m 'fleet-orch: fix'",
      {
        cwd: wt,
        env: OLD,
      },
    );
    assert.equal(r.code, 0, r.output);

    const dry = await clean(dir, "--dry-run");
    assert.equal(dry.code, 0, dry.output);
    assert.match(dry.output, /Would remove worktree .*20200101_000000-aaaa/);
    assert.match(
      dry.output,
      /Would remove branch fleet-orch\/fix-20200101_000000-aaaa \(unmerged fleet-orch fixes older than 30 days\)/,
    );
    assert.ok(await Deno.stat(wt).then(() => true), "a dry run leaves the worktree");

    const done = await clean(dir);
    assert.equal(done.code, 0, done.output);
    assert.deepEqual(removedIn(done.output), removedIn(dry.output));
    assert.deepEqual(await heads(dir), ["main"]);
    assert.equal(await Deno.stat(wt).then(() => true, () => false), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
