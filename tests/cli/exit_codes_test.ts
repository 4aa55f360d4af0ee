import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ShellExecutor, shellJoin } from "../../core/exec.ts";
import { didYouMean, levenshtein, numberFlag, parseFlags } from "../../cli/_common.ts";
import { UsageError } from "../../core/errors.ts";

const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));
const CLI = (...args: string[]) => shellJoin([Deno.execPath(), "run", "-A", MAIN, ...args]);

async function repoWithWaitingGate(prefix: string): Promise<{ dir: string; marks: string }> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix }));
  const marks = await Deno.realPath(await Deno.makeTempDir({ prefix: `${prefix}marks-` }));
  // The gate says it started, then waits for a file that never comes: only
  // the signal ends it.
  await Deno.writeTextFile(
    join(dir, "fleet-orch.yaml"),
    `quality_gates:
  wait:
    command: "touch ${marks}/started; while [ ! -f ${marks}/never ]; do sleep 0.05; done"
    timeout: 600
`,
  );
  const init = await exec.run(
    "git init -q -b main && git add -A && git -c user.name=t -c user.email=t@example.invalid commit -q -m init",
    { cwd: dir },
  );
  assert.equal(init.code, 0, init.output);
  return { dir, marks };
}

async function pollFor(path: string): Promise<void> {
  for (let i = 0; i < 6000; i++) {
    if (await Deno.stat(path).then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${path} never appeared`);
}

async function lockPid(dir: string): Promise<number> {
  const lock = join(dir, ".git", "fleet-orch", "run.lock");
  await pollFor(lock);
  return (JSON.parse(await Deno.readTextFile(lock)) as { pid: number }).pid;
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`exit codes an interrupted run (${sig}) exits 130 and leaves the repository as it was`, async () => {
    const { dir, marks } = await repoWithWaitingGate("exit-run-");
    try {
      const before = await exec.run(
        "git for-each-ref --format='%(refname)' && git status --porcelain",
        {
          cwd: dir,
        },
      );
      const child = exec.run(CLI("run", "--repo", dir), {
        cwd: dir,
        timeoutMs: 600_000,
        env: { NO_COLOR: "1" },
      });
      await pollFor(join(marks, "started"));
      Deno.kill(await lockPid(dir), sig);
      const r = await child;
      assert.equal(r.code, 130, r.output);
      const after = await exec.run(
        "git for-each-ref --format='%(refname)' && git status --porcelain",
        { cwd: dir },
      );
      // The run committed nothing: its work and backup branches are gone again.
      assert.equal(after.output, before.output);
      const wt = await exec.run("git worktree list --porcelain | grep -c '^worktree '", {
        cwd: dir,
      });
      assert.equal(wt.output.trim(), "1", "only the main worktree is left");
      const left = [...Deno.readDirSync(join(dir, ".git", "fleet-orch", "worktrees"))];
      assert.deepEqual(left, []);
      assert.equal(
        await Deno.stat(join(dir, ".git", "fleet-orch", "run.lock")).then(() => true, () => false),
        false,
        "the lock is released",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(marks, { recursive: true });
    }
  });
}

Deno.test("exit codes an interrupted check (SIGTERM) exits 130", async () => {
  const { dir, marks } = await repoWithWaitingGate("exit-check-");
  try {
    const child = exec.run(CLI("check", "--repo", dir), {
      cwd: dir,
      timeoutMs: 600_000,
      env: { NO_COLOR: "1" },
    });
    await pollFor(join(marks, "started"));
    Deno.kill(await lockPid(dir), "SIGTERM");
    const r = await child;
    assert.equal(r.code, 130, r.output);
    assert.equal(
      await Deno.stat(join(dir, ".git", "fleet-orch", "run.lock")).then(() => true, () => false),
      false,
      "the lock is released",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(marks, { recursive: true });
  }
});

Deno.test("exit codes usage errors exit 2 with a message that says what to do", async () => {
  const cases: [string[], RegExp][] = [
    [
      ["run", "--repo", "/nonexistent-fleet-orch"],
      /--repo \/nonexistent-fleet-orch: no such directory/,
    ],
    [["check", "--repo", "/nonexistent-fleet-orch"], /no such directory/],
    [["verify", "--environment", "x", "--repo", "/nonexistent-fleet-orch"], /no such directory/],
    [["plugins", "--repo", "/nonexistent-fleet-orch"], /no such directory/],
    [["run", "--max-cost-usd", "-1"], /--max-cost-usd cannot be negative, got "-1"/],
    [["run", "--environment"], /--environment needs a value/],
    [
      ["run", "--environment", "--dry-run"],
      /--environment needs a value, but the next argument is the flag --dry-run/,
    ],
    [["run", "--dryrun"], /Unknown flag --dryrun; did you mean --dry-run\?/],
    [["check", "--jsn"], /did you mean --json\?/],
  ];
  for (const [args, re] of cases) {
    const r = await exec.run(CLI(...args), { env: { NO_COLOR: "1" }, timeoutMs: 120_000 });
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.output}`);
    assert.match(r.output, re);
    assert.doesNotMatch(r.output, /ambiguous|Failed to spawn/);
  }
});

Deno.test("exit codes policy check-command does not point at --approve, a flag it does not have", async () => {
  const r = await exec.run(CLI("policy", "check-command", "--", "terraform apply"), {
    env: { NO_COLOR: "1" },
    timeoutMs: 120_000,
  });
  assert.equal(r.code, 3, r.output);
  assert.doesNotMatch(r.output, /run with --approve/);
  assert.match(r.output, /only "fleet-orch run --approve" allows it/);
});

Deno.test("parseFlags suggests the closest known flag and no far-off one", () => {
  assert.equal(levenshtein("dryrun", "dry-run"), 1);
  assert.equal(didYouMean("dryrun", ["dry-run", "json"]), "dry-run");
  assert.equal(didYouMean("max_cost_usd", ["max-cost-usd", "jobs"]), "max-cost-usd");
  assert.equal(didYouMean("verbose", ["dry-run", "json", "jobs"]), null);
  assert.throws(
    () => parseFlags(["--bogus"], { json: { type: "boolean" } }, "check"),
    (e) => e instanceof UsageError && !/did you mean/.test(e.message),
  );
  // A value after "=" and a negative number taken as a value (then refused by its own check).
  const { values } = parseFlags(["--max=-2", "--env", "x"], {
    max: { type: "string" },
    env: { type: "string" },
  }, "run");
  assert.deepEqual({ ...values }, { max: "-2", env: "x" });
  assert.throws(() => numberFlag("-2", "--max", { min: 0 }), /cannot be negative/);
  assert.throws(
    () => numberFlag("0", "--jobs", { min: 1, integer: true }),
    /needs an integer >= 1/,
  );
  // Words after "--" are never flags.
  assert.deepEqual(
    parseFlags(["--", "--dryrun"], { json: { type: "boolean" } }, "policy").positionals,
    ["--dryrun"],
  );
});
