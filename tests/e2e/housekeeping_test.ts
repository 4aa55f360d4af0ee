import assert from "node:assert/strict";
import { join } from "node:path";
import { shellJoin } from "../../core/exec.ts";
import { exec, git, MAIN, makeRepo, runCli } from "./_helpers.ts";

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
    assert.deepEqual(await heads(dir), [
      "backup/pre-orchestration-20200103_000000",
      "backup/pre-orchestration-20261201_120003",
      "feature",
      "fleet-orch/fix-20200102_000000-dddd",
      "fleet-orch/fix-20261201_120000-cccc",
      "main",
    ]);
    assert.match(
      r.output,
      /Kept branch fleet-orch\/fix-20200102_000000-dddd \(holds commits that are not fleet-orch's\)/,
    );
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
    // What a run killed with SIGKILL leaves: its lock, worktree and branches.
    await Deno.mkdir(join(state, "worktrees"), { recursive: true });
    await git(dir, "branch backup/pre-orchestration-20260101_000001 main");
    await git(
      dir,
      `worktree add -q -b fleet-orch/fix-20260101_000000-aaaa ${
        join(state, "worktrees", "20260101_000000-aaaa")
      } main`,
    );
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
    assert.deepEqual(await heads(dir), ["main"]);
    assert.deepEqual([...Deno.readDirSync(join(state, "worktrees"))], []);
    const runs = [...Deno.readDirSync(join(state, "runs"))].map((e) => e.name);
    assert.equal(runs.length, 1, runs.join());
    assert.notEqual(runs[0], "20200101_000000-abcd");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
