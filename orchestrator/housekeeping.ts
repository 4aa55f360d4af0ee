/**
 * Housekeeping: what runs leave behind, and when it may go.
 *
 * - **Only what runs made.** A branch is fleet-orch's when a run recorded it
 *   in the ledger (orchestrator/branch_ledger.ts) and its tip is still a
 *   commit fleet-orch left there. A branch the user made (even one named
 *   `fleet-orch/fix-…`) or moved (a commit on top of a fix) is never deleted,
 *   and a deletion is conditional on the tip judged (`update-ref -d NAME SHA`).
 * - **Branches.** A fix branch (`fleet-orch/fix-<run-id>`) goes when nothing
 *   on it is unique (a killed run that committed nothing, or fixes already
 *   merged into one of your branches, tags or remote branches), or when it is
 *   older than `report.retention.days`, was never pushed, and every commit
 *   unique to it is fleet-orch's own (subject `fleet-orch: …`). A pushed fix
 *   branch may back an open pull request: it stays while its remote branch
 *   exists. A branch checked out in a worktree belongs to a live run and
 *   stays. A backup branch (`backup/pre-orchestration-*`) goes when its
 *   commit is on one of your branches, tags or remote branches and no fix
 *   branch that stays starts from it; one that is the last pointer to a
 *   commit is never removed.
 * - **Run folders** (`<run-id>/` under the runs folder): older than
 *   `report.retention.days` go, then the oldest until the rest fit in
 *   `report.retention.max_mb`; the newest always stays. `run` and `check`
 *   prune them when they finish ({@link pruneRunDirs}).
 *
 * Nothing else is touched: your branches, tags, remotes and files never are.
 *
 * @module
 */

import { join } from "node:path";
import type { Git } from "../core/git.ts";
import type { Logger } from "../core/log.ts";
import { forgetBranches, type Ledger, readLedger, recordBranches } from "./branch_ledger.ts";

/** Retention of run folders and old fix branches (`report.retention`). */
export interface Retention {
  /** Age in days past which run folders and unpushed fleet-orch-only fix branches go. */
  days: number;
  /** Total size in MB the run folders may take. */
  max_mb: number;
}

/** One thing to remove, and why. */
export interface CleanItem {
  /** Branch name, or run folder path. */
  name: string;
  /** Why it can go (or, in `kept`, why it stays). */
  reason: string;
  /** Size of a run folder, bytes. */
  bytes?: number;
  /** A branch's commit when it was judged: it is deleted only while still there. */
  sha?: string;
}

/** What {@link planClean} found. */
export interface CleanPlan {
  /** Branches to delete. */
  branches: CleanItem[];
  /** Run folders to delete. */
  runDirs: CleanItem[];
  /** fleet-orch branches that stay, with the reason. */
  kept: CleanItem[];
}

const FIX = "fleet-orch/fix-";
const BACKUP = "backup/pre-orchestration-";
const RUN_ID = /^(\d{8})_(\d{6})-[0-9a-f]{4}$/;
const DAY_MS = 86_400_000;

// Everything that is not fleet-orch's own: a commit reachable from these is
// safe whatever happens to fleet-orch's branches.
const NOT_OURS = [
  "--not",
  `--exclude=${FIX}*`,
  `--exclude=${BACKUP}*`,
  "--branches",
  `--exclude=*/${FIX}*`,
  `--exclude=*/${BACKUP}*`,
  "--remotes",
  "--tags",
];

interface BranchInfo {
  name: string;
  sha: string;
  date: number;
}

async function branches(git: Git): Promise<BranchInfo[]> {
  const out = await git.run([
    "for-each-ref",
    "--format=%(refname:strip=2) %(objectname) %(committerdate:unix)",
    `refs/heads/${FIX}*`,
    `refs/heads/${BACKUP}*`,
  ]);
  // for-each-ref patterns match whole path components, so a glob in the last
  // one is honoured; filter again to be exact.
  return out.split("\n").filter(Boolean).map((l) => {
    const [name, sha, date] = l.split(" ");
    return { name: name!, sha: sha!, date: Number(date) * 1000 };
  }).filter((b) => b.name.startsWith(FIX) || b.name.startsWith(BACKUP));
}

// Branches checked out in a worktree, except the worktrees about to go
// (those a killed run left: the caller holds the lock, so no run owns them).
async function checkedOut(git: Git, leaving: ReadonlySet<string>): Promise<Set<string>> {
  const out = await git.run(["worktree", "list", "--porcelain"]);
  const names = new Set<string>();
  for (const block of out.split("\n\n")) {
    const lines = block.split("\n");
    const path = lines.find((l) => l.startsWith("worktree "))?.slice("worktree ".length);
    const branch = lines.find((l) => l.startsWith("branch refs/heads/"))
      ?.slice("branch refs/heads/".length);
    if (branch && !(path && leaving.has(path))) names.add(branch);
  }
  return names;
}

/** A worktree a killed run left, and the branch and commit it had. */
export interface StaleWorktree {
  /** Its folder. */
  path: string;
  /** The branch checked out there, or null (detached). */
  branch: string | null;
  /** Its HEAD commit, or null when git cannot read it. */
  sha: string | null;
}

/**
 * The worktrees under fleet-orch's worktree folder. With the run lock held
 * every one is stale: its run was killed before it could close it.
 *
 * @param git Git at the repository root.
 * @param dir `.git/fleet-orch/worktrees`.
 * @returns The worktrees, with their branch and commit.
 */
export async function staleWorktrees(git: Git, dir: string): Promise<StaleWorktree[]> {
  const out: StaleWorktree[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (!e.isDirectory) continue;
      const path = join(dir, e.name);
      const w = git.at(path);
      const sha = await w.tryRun(["rev-parse", "--verify", "-q", "HEAD"]);
      const branch = await w.tryRun(["symbolic-ref", "-q", "--short", "HEAD"]);
      out.push({
        path,
        branch: branch.code === 0 && branch.output.trim() ? branch.output.trim() : null,
        sha: sha.code === 0 && sha.output.trim() ? sha.output.trim() : null,
      });
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

/**
 * The ledger with what killed runs left adopted: the commit a killed run's
 * worktree had is fleet-orch's (the run made it), for a branch the ledger
 * already holds. Written back unless `dryRun`.
 *
 * @param stateDir `.git/fleet-orch`.
 * @param stale The worktrees killed runs left.
 * @param dryRun Only compute.
 * @returns The ledger to judge with.
 */
export async function adoptStale(
  stateDir: string,
  stale: readonly StaleWorktree[],
  dryRun: boolean,
): Promise<Ledger> {
  const ledger = await readLedger(stateDir);
  const adopt: { name: string; sha: string }[] = [];
  for (const w of stale) {
    const e = w.branch && w.sha ? ledger[w.branch] : undefined;
    if (!e || e.tips.includes(w.sha!)) continue;
    e.tips.push(w.sha!);
    adopt.push({ name: w.branch!, sha: w.sha! });
  }
  if (adopt.length && !dryRun) {
    for (const a of adopt) await recordBranches(stateDir, ledger[a.name]!.run, [a]);
  }
  return ledger;
}

async function pushed(git: Git, name: string): Promise<boolean> {
  const out = await git.run(["for-each-ref", "--format=%(refname)", "refs/remotes/"]);
  return out.split("\n").some((r) => r.endsWith(`/${name}`));
}

// Subjects of the commits only this branch holds.
async function uniqueSubjects(git: Git, sha: string): Promise<string[]> {
  const out = await git.run(["log", "--format=%s", sha, ...NOT_OURS]);
  return out.split("\n").filter(Boolean);
}

async function isAncestor(git: Git, a: string, b: string): Promise<boolean> {
  return (await git.tryRun(["merge-base", "--is-ancestor", a, b])).code === 0;
}

/**
 * Decide which of fleet-orch's branches can go.
 *
 * @param git Git at the repository root.
 * @param options Retention (null: only branches with nothing unique go) and clock.
 * @returns Branches to delete and those kept, each with its reason.
 */
export async function planBranches(
  git: Git,
  options: {
    retention: Retention | null;
    /** Branches runs made, and the commits they left (orchestrator/branch_ledger.ts). */
    ledger: Ledger;
    /** Worktrees about to be removed (a killed run's): their branches are not in use. */
    leaving?: readonly string[];
    now?: Date;
  },
): Promise<{ remove: CleanItem[]; kept: CleanItem[] }> {
  const now = (options.now ?? new Date()).getTime();
  const all = await branches(git);
  const inUse = await checkedOut(git, new Set(options.leaving ?? []));
  const remove: CleanItem[] = [];
  const kept: CleanItem[] = [];
  const keptFix: BranchInfo[] = [];
  // Not made by a run, or moved since: the user's, whatever its name.
  const notOurs = (b: BranchInfo): string | null => {
    const e = options.ledger[b.name];
    if (!e) return "not made by a fleet-orch run: left alone";
    if (!e.tips.includes(b.sha)) return "moved since its run left it: holds your commits";
    return null;
  };
  for (const b of all.filter((b) => b.name.startsWith(FIX))) {
    const foreign = inUse.has(b.name) ? "checked out in a worktree" : notOurs(b);
    if (foreign) {
      kept.push({ name: b.name, reason: foreign });
      keptFix.push(b);
      continue;
    }
    const unique = await uniqueSubjects(git, b.sha);
    if (unique.length === 0) {
      remove.push({
        name: b.name,
        sha: b.sha,
        reason: "no commit of its own (merged, pushed, or the run fixed nothing)",
      });
      continue;
    }
    if (await pushed(git, b.name)) {
      kept.push({ name: b.name, reason: "pushed (may back an open pull request)" });
      keptFix.push(b);
      continue;
    }
    const old = options.retention !== null && now - b.date > options.retention.days * DAY_MS;
    const onlyOurs = unique.every((s) => s.startsWith("fleet-orch: "));
    if (old && onlyOurs) {
      remove.push({
        name: b.name,
        sha: b.sha,
        reason: `unmerged fleet-orch fixes older than ${options.retention!.days} days`,
      });
      continue;
    }
    kept.push({
      name: b.name,
      reason: onlyOurs
        ? `${unique.length} unmerged fix commit(s)`
        : "holds commits that are not fleet-orch's",
    });
    keptFix.push(b);
  }
  for (const b of all.filter((b) => b.name.startsWith(BACKUP))) {
    const foreign = inUse.has(b.name) ? "checked out in a worktree" : notOurs(b);
    if (foreign) {
      kept.push({ name: b.name, reason: foreign });
      continue;
    }
    if ((await uniqueSubjects(git, b.sha)).length) {
      kept.push({ name: b.name, reason: "the only branch that holds its commit" });
      continue;
    }
    let needed = false;
    const bt = stampTime(b.name.slice(BACKUP.length));
    for (const f of keptFix) {
      // A run makes its backup branch seconds after its run id: pair them
      // by time, so one fix branch that stays does not keep every backup of
      // the same commit.
      const ft = stampTime(f.name.slice(FIX.length));
      if (bt !== null && ft !== null && Math.abs(bt - ft) > PAIR_MS) continue;
      if (await isAncestor(git, b.sha, f.sha)) {
        needed = true;
        break;
      }
    }
    if (needed) {
      kept.push({ name: b.name, reason: "the starting point of a fix branch that stays" });
    } else {
      remove.push({
        name: b.name,
        sha: b.sha,
        reason: "its commit is on your branches; no fix branch needs it",
      });
    }
  }
  return { remove, kept };
}

const PAIR_MS = 600_000;

// The time in a `YYYYMMDD_HHMMSS` prefix (run ids, backup branch names).
function stampTime(name: string): number | null {
  const m = /^(\d{8})_(\d{6})/.exec(name);
  return m ? utc(m[1]!, m[2]!) : null;
}

function runTime(name: string): number | null {
  const m = RUN_ID.exec(name);
  return m ? utc(m[1]!, m[2]!) : null;
}

function utc(d: string, t: string): number {
  return Date.UTC(
    +d.slice(0, 4),
    +d.slice(4, 6) - 1,
    +d.slice(6, 8),
    +t.slice(0, 2),
    +t.slice(2, 4),
    +t.slice(4, 6),
  );
}

async function sizeOf(path: string): Promise<number> {
  let total = 0;
  for await (const e of Deno.readDir(path)) {
    const p = join(path, e.name);
    if (e.isDirectory) total += await sizeOf(p);
    else if (e.isFile) total += (await Deno.lstat(p)).size;
  }
  return total;
}

/**
 * Decide which run folders can go. Only folders named like a run id are
 * considered, so a shared report folder's other content is never touched.
 *
 * @param runsDir The folder holding `<run-id>/` folders.
 * @param retention Days and MB.
 * @param now The clock.
 * @returns Folders to delete, oldest first.
 */
export async function planRunDirs(
  runsDir: string,
  retention: Retention,
  now: Date = new Date(),
): Promise<CleanItem[]> {
  const runs: { name: string; path: string; at: number; bytes: number }[] = [];
  try {
    for await (const e of Deno.readDir(runsDir)) {
      const at = e.isDirectory ? runTime(e.name) : null;
      if (at === null) continue;
      const path = join(runsDir, e.name);
      runs.push({ name: e.name, path, at, bytes: await sizeOf(path) });
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return [];
    throw e;
  }
  runs.sort((a, b) => a.name < b.name ? -1 : 1);
  const newest = runs.pop(); // always kept: the report a user just read
  const out: CleanItem[] = [];
  let total = runs.reduce((a, r) => a + r.bytes, newest?.bytes ?? 0);
  const cap = retention.max_mb * 1024 * 1024;
  for (const r of runs) {
    const old = now.getTime() - r.at > retention.days * DAY_MS;
    if (old || total > cap) {
      out.push({
        name: r.path,
        reason: old ? `older than ${retention.days} days` : `over ${retention.max_mb} MB`,
        bytes: r.bytes,
      });
      total -= r.bytes;
    }
  }
  return out;
}

/**
 * Plan a clean-up of fleet-orch's branches and run folders.
 *
 * @param git Git at the repository root.
 * @param runsDirs Folders holding run folders (`.git/fleet-orch/runs`, `report.dir`).
 * @param retention Days and MB.
 * @param branchOptions The ledger of branches runs made; worktrees about to go.
 * @param now The clock.
 * @returns The plan.
 */
export async function planClean(
  git: Git,
  runsDirs: readonly string[],
  retention: Retention,
  branchOptions: { ledger: Ledger; leaving?: readonly string[] },
  now: Date = new Date(),
): Promise<CleanPlan> {
  const { remove, kept } = await planBranches(git, { retention, now, ...branchOptions });
  const runDirs: CleanItem[] = [];
  for (const d of new Set(runsDirs)) runDirs.push(...await planRunDirs(d, retention, now));
  return { branches: remove, runDirs, kept };
}

/**
 * Carry out a plan. A branch is deleted only while it still points at the
 * commit it was judged at, so one moved since is kept.
 *
 * @param git Git at the repository root.
 * @param stateDir `.git/fleet-orch` (the ledger forgets deleted branches).
 * @param plan What {@link planClean} returned.
 * @returns The branches deleted.
 */
export async function applyClean(git: Git, stateDir: string, plan: CleanPlan): Promise<string[]> {
  const deleted = await deleteBranches(git, plan.branches);
  await forgetGone(git, stateDir);
  for (const d of plan.runDirs) await Deno.remove(d.name, { recursive: true });
  return deleted;
}

async function deleteBranches(git: Git, items: readonly CleanItem[]): Promise<string[]> {
  const deleted: string[] = [];
  for (const b of items) {
    const r = await git.tryRun([
      "update-ref",
      "-d",
      `refs/heads/${b.name}`,
      ...(b.sha ? [b.sha] : []),
    ]);
    if (r.code === 0) deleted.push(b.name);
  }
  return deleted;
}

// The ledger forgets branches that no longer exist (deleted here or by the user).
async function forgetGone(git: Git, stateDir: string): Promise<void> {
  const left = new Set(
    (await git.run(["for-each-ref", "--format=%(refname:strip=2)", "refs/heads/"]))
      .split("\n").filter(Boolean),
  );
  await forgetBranches(stateDir, (n) => left.has(n));
}

/**
 * At the start of a run (the lock held, so no other run is alive): remove the
 * worktrees killed runs left, then delete the branches of past runs that hold
 * nothing of their own. A killed run's last commit counts as fleet-orch's.
 *
 * @param git Git at the repository root.
 * @param stateDir `.git/fleet-orch`.
 * @param log Logger.
 * @returns The worktrees removed and the branches deleted.
 */
export async function reclaimDeadRuns(
  git: Git,
  stateDir: string,
  log: Logger,
): Promise<{ worktrees: string[]; branches: string[] }> {
  const worktreesDir = join(stateDir, "worktrees");
  const stale = await staleWorktrees(git, worktreesDir);
  const ledger = await adoptStale(stateDir, stale, false);
  const worktrees = await git.removeStaleWorktrees(worktreesDir);
  for (const p of worktrees) log.info(`Removed the worktree of a killed run: ${p}`);
  const { remove } = await planBranches(git, { retention: null, ledger });
  const deleted = new Set(await deleteBranches(git, remove));
  for (const b of remove) {
    if (deleted.has(b.name)) log.info(`Removed branch ${b.name}: ${b.reason}`);
  }
  await forgetGone(git, stateDir);
  return { worktrees, branches: [...deleted] };
}

/**
 * Remove the run folders past `report.retention` (after a run or a check).
 * A folder that cannot be removed is reported, never fatal: pruning must not
 * turn a verdict into an error.
 *
 * @param runsDir The folder holding `<run-id>/` folders.
 * @param retention Days and MB.
 * @param log Logger (one debug line per folder, a warning on failure).
 * @param now The clock.
 * @returns The folders removed.
 */
export async function pruneRunDirs(
  runsDir: string,
  retention: Retention,
  log: Pick<Logger, "debug" | "warn">,
  now: Date = new Date(),
): Promise<string[]> {
  const removed: string[] = [];
  try {
    for (const d of await planRunDirs(runsDir, retention, now)) {
      await Deno.remove(d.name, { recursive: true });
      removed.push(d.name);
      log.debug(`Removed run folder ${d.name} (${d.reason})`);
    }
  } catch (e) {
    log.warn(`Could not prune old run folders: ${e instanceof Error ? e.message : String(e)}`);
  }
  return removed;
}
