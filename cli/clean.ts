/**
 * `fleet-orch clean`: remove the branches, worktrees and run folders of past
 * runs that nothing needs any more.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";
import { checkRepoFlag, guard, parseFlags } from "./_common.ts";
import { openRuntime } from "../orchestrator/runtime.ts";
import { adoptStale, applyClean, planClean, staleWorktrees } from "../orchestrator/housekeeping.ts";
import { acquireLock } from "../core/lock.ts";
import { UsageError } from "../core/errors.ts";

/** Help text. */
export const help = `Usage: fleet-orch clean [options]

Remove what past runs left and nothing needs (only what a run made: a branch
no run recorded, or one with commits added after its run, is never deleted):
  - fix branches (fleet-orch/fix-*) with no commit of their own (merged, or the
    run fixed nothing), and unpushed ones older than report.retention.days whose
    commits are all fleet-orch's; pushed ones stay (they may back an open PR)
  - backup branches (backup/pre-orchestration-*) whose commit is on one of your
    branches, tags or remote branches and that no remaining fix branch starts from
  - worktrees of killed runs
  - run folders older than report.retention.days (default 30), then the oldest
    until the rest fit in report.retention.max_mb (default 500); the newest stays
Your branches, tags, remotes and files are never touched. Run folders past the
retention are also removed automatically after each run.

Options:
  --config F    Config file (default: fleet-orch.yaml at the repository root)
  --repo DIR    Repository (default: the git repository around the current directory)
  --dry-run     Print what would be removed; remove nothing
  --json        Print the plan as one JSON document on stdout

Exit codes: 0 done; 2 usage or config error, or a run holds the repository.`;

/**
 * Run the command.
 *
 * @param args Arguments after "clean".
 * @returns The exit code.
 */
export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const { values, positionals } = parseFlags(args, {
      config: { type: "string" },
      repo: { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
    }, "clean");
    if (positionals.length) {
      throw new UsageError(`clean takes no arguments; got "${positionals[0]}"`);
    }
    await checkRepoFlag(values.repo);
    const rt = await openRuntime({
      repo: values.repo,
      config: values.config,
      configOptional: true,
      logLevel: "warn",
    });
    try {
      // The lock: a live run's branches and folders are never judged stale.
      const lock = await acquireLock(rt.stateDir, "clean");
      try {
        const { report } = rt.loaded.config;
        const dirs = [join(rt.stateDir, "runs")];
        if (report.dir) {
          dirs.push(isAbsolute(report.dir) ? report.dir : resolve(rt.repoRoot, report.dir));
        }
        const dryRun = values["dry-run"] ?? false;
        // Every worktree there is a killed run's (the lock is held): its
        // branch is judged as that run left it, as if the worktree were gone.
        const stale = await staleWorktrees(rt.git, join(rt.stateDir, "worktrees"));
        const ledger = await adoptStale(rt.stateDir, stale, dryRun);
        const plan = await planClean(rt.git, dirs, report.retention, {
          ledger,
          leaving: stale.map((w) => w.path),
        });
        if (!dryRun) {
          await rt.git.removeStaleWorktrees(join(rt.stateDir, "worktrees"));
          const deleted = new Set(await applyClean(rt.git, rt.stateDir, plan));
          // A branch that moved between planning and deleting stays.
          for (const b of plan.branches.filter((b) => !deleted.has(b.name))) {
            plan.kept.push({ name: b.name, reason: "moved while clean ran: left alone" });
          }
          plan.branches = plan.branches.filter((b) => deleted.has(b.name));
        }
        const verb = dryRun ? "Would remove" : "Removed";
        if (values.json) {
          console.log(
            JSON.stringify({ dryRun, worktrees: stale.map((w) => w.path), ...plan }, null, 2),
          );
        } else {
          for (const w of stale) {
            console.log(`${verb} worktree ${w.path} (left by a killed run)`);
          }
          for (const b of plan.branches) console.log(`${verb} branch ${b.name} (${b.reason})`);
          for (const d of plan.runDirs) {
            console.log(
              `${verb} run folder ${d.name} (${d.reason}; ${
                ((d.bytes ?? 0) / 1048576).toFixed(1)
              } MB)`,
            );
          }
          for (const k of plan.kept) console.log(`Kept branch ${k.name} (${k.reason})`);
          const n = stale.length + plan.branches.length + plan.runDirs.length;
          if (n === 0) console.log("Nothing to clean");
        }
        return 0;
      } finally {
        await lock.release();
      }
    } finally {
      await rt.close();
    }
  });
}
