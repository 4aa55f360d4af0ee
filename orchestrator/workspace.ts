/**
 * Isolation of a run: the lock, the backup branch, and the directory where
 * gates run and fixes are applied — a git worktree on a work branch, or for a
 * dry run a throw-away copy of HEAD outside the repository, so the user's
 * working tree, index, HEAD and refs are never touched.
 *
 * @module
 */

import { join } from "node:path";
import { acquireLock, type RunLock } from "../core/lock.ts";
import { type Git, timestamp } from "../core/git.ts";
import type { Logger } from "../core/log.ts";
import type { ShellExecutor } from "../core/exec.ts";
import { shellQuote } from "../core/exec.ts";
import { reclaimDeadRuns } from "./housekeeping.ts";
import { forgetBranches, recordBranches } from "./branch_ledger.ts";

/** Where a run works. */
export interface Workspace {
  /** Directory where gates run and patches apply. */
  dir: string;
  /** Work branch (null in a dry run). */
  workBranch: string | null;
  /** Backup branch marking the starting point (null in a dry run). */
  backupBranch: string | null;
  /** The commit the run started from. */
  baseCommit: string;
  /** Git in the workspace (a worktree; in a dry run, a scratch repository). */
  git: Git;
  /**
   * Remove the workspace; keeps the work and backup branches when the work
   * branch holds commits, deletes both otherwise.
   */
  close(): Promise<{ keptBranch: boolean }>;
}

/** Options of {@link openWorkspace}. */
export interface WorkspaceOptions {
  /** Git at the repository root. */
  git: Git;
  /** The executor (for the dry-run copy). */
  exec: ShellExecutor;
  /** `.git/fleet-orch`. */
  stateDir: string;
  /** Run id, used in names. */
  runId: string;
  /** Dry run: no branch, no worktree, no file in the repository. */
  dryRun: boolean;
  /** Logger. */
  log: Logger;
  /** Clock, for the backup branch name. */
  now?: Date;
  /**
   * The commit to start from instead of HEAD: a pull request's head commit
   * (CI checks out a merge commit). Fetched from origin when missing.
   */
  startPoint?: string;
}

/**
 * Take the lock, clean what killed runs left, and open the workspace.
 *
 * @param options Git, state dir, run id, dry run.
 * @returns The workspace and the lock (release it after closing the workspace).
 * @throws {LockBusyError} When another run holds the repository.
 * @throws {Error} When the repository has no commit yet.
 */
export async function openWorkspace(
  options: WorkspaceOptions,
): Promise<{ workspace: Workspace; lock: RunLock | null }> {
  const { git, log } = options;
  const head = options.startPoint ? await resolveStart(git, options.startPoint) : await git.head();
  if (!head) {
    throw new Error(
      "The repository has no commit yet; commit your work first, then run fleet-orch",
    );
  }
  // --no-optional-locks: a plain `git status` refreshes the user's index
  // (rewrites .git/index), and a dry run must leave every byte as it was.
  const dirty = (await git.run([
    "--no-optional-locks",
    "status",
    "--porcelain=v1",
    "--untracked-files=all",
  ])).split("\n").filter(Boolean);
  if (dirty.length) {
    log.warn(
      `${dirty.length} uncommitted change(s) in your working tree are not part of this run; they are left untouched`,
    );
  }
  if (options.dryRun) return { workspace: await scratchCopy(options, head), lock: null };

  const lock = await acquireLock(options.stateDir, `run ${options.runId}`);
  try {
    if (lock.tookOver) {
      log.warn(
        `A previous run (pid ${lock.tookOver.pid}, started ${lock.tookOver.at}) died without cleaning up; recovering`,
      );
    }
    const worktrees = join(options.stateDir, "worktrees");
    // Worktrees and branches killed runs left with nothing of their own; the
    // lock is held, so no live run owns any of them.
    await reclaimDeadRuns(git, options.stateDir, log);
    const backupBranch = await git.createBackupBranch(options.now);
    const workBranch = `fleet-orch/fix-${options.runId}`;
    const dir = join(worktrees, options.runId);
    await Deno.mkdir(worktrees, { recursive: true });
    await git.addWorktree(dir, workBranch, head);
    // Recorded at once: clean-up deletes only branches a run recorded.
    await recordBranches(options.stateDir, options.runId, [
      { name: backupBranch, sha: head },
      { name: workBranch, sha: head },
    ]);
    const wgit = git.at(dir);
    return {
      lock,
      workspace: {
        dir,
        workBranch,
        backupBranch,
        baseCommit: head,
        git: wgit,
        close: async () => {
          const tip = await wgit.head();
          await git.removeWorktree(dir);
          const keep = tip !== null && tip !== head;
          if (keep) {
            // The run's last commit is fleet-orch's: clean-up may judge it.
            await recordBranches(options.stateDir, options.runId, [{ name: workBranch, sha: tip }]);
          } else {
            // Nothing was changed: neither branch marks anything worth keeping,
            // and a branch pair per run would pile up in busy repositories.
            await git.deleteBranch(workBranch);
            await git.deleteBranch(backupBranch);
            await forgetBranches(options.stateDir, (n) => n !== workBranch && n !== backupBranch);
          }
          return { keptBranch: keep };
        },
      },
    };
  } catch (e) {
    await lock.release();
    throw e;
  }
}

// A pull request's head commit: CI checkouts are often shallow merge
// commits, so it is fetched when it is not there yet.
async function resolveStart(git: Git, sha: string): Promise<string> {
  const has = async () => (await git.tryRun(["cat-file", "-e", `${sha}^{commit}`])).code === 0;
  if (!(await has())) {
    // --depth only in a shallow clone: in a full one it would make the repository shallow.
    const shallow = (await git.tryRun(["rev-parse", "--is-shallow-repository"])).output === "true";
    await git.tryRun([
      "fetch",
      "--no-tags",
      "--quiet",
      ...(shallow ? ["--depth=1"] : []),
      "origin",
      sha,
    ]);
    if (!(await has())) {
      throw new Error(
        `The pull request's head commit ${sha} is not in this checkout and could not be ` +
          "fetched from origin; check out with history (actions/checkout fetch-depth: 0) " +
          "so the fix is cut from the pull request's own commit",
      );
    }
  }
  return sha;
}

// A dry run works on a copy of HEAD in a temporary directory outside the
// repository, initialised as its own scratch repository so diffs and
// "commits" of candidate fixes stay there.
async function scratchCopy(options: WorkspaceOptions, head: string): Promise<Workspace> {
  const dir = await Deno.makeTempDir({ prefix: `fleet-orch-dry-${timestamp(new Date())}-` });
  const r = await options.exec.run(
    `git archive --format=tar ${shellQuote(head)} | tar -x -C ${shellQuote(dir)}`,
    { cwd: options.git.cwd, timeoutMs: 300_000 },
  );
  if (r.code !== 0) {
    // Best effort: the copy error below is what the user needs to see.
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    throw new Error(`Cannot copy HEAD for the dry run: ${r.output.trim().slice(-500)}`);
  }
  const sgit = options.git.at(dir);
  await sgit.run(["init", "-q"]);
  await sgit.run(["add", "-A"]);
  await sgit.run(["commit", "-q", "--no-verify", "-m", `dry-run copy of ${head}`]);
  return {
    dir,
    workBranch: null,
    backupBranch: null,
    baseCommit: head,
    git: sgit,
    close: async () => {
      // A temp copy left behind costs disk space only; closing must not fail the run.
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      return { keptBranch: false };
    },
  };
}
