/**
 * Housekeeping: what runs leave behind, and when it may go.
 *
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

async function checkedOut(git: Git): Promise<Set<string>> {
  const out = await git.run(["worktree", "list", "--porcelain"]);
  return new Set(
    out.split("\n").filter((l) => l.startsWith("branch refs/heads/")).map((l) =>
      l.slice("branch refs/heads/".length)
    ),
  );
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
  options: { retention: Retention | null; now?: Date },
): Promise<{ remove: CleanItem[]; kept: CleanItem[] }> {
  const now = (options.now ?? new Date()).getTime();
  const all = await branches(git);
  const inUse = await checkedOut(git);
  const remove: CleanItem[] = [];
  const kept: CleanItem[] = [];
  const keptFix: BranchInfo[] = [];
  for (const b of all.filter((b) => b.name.startsWith(FIX))) {
    if (inUse.has(b.name)) {
      kept.push({ name: b.name, reason: "checked out in a worktree (a live run)" });
      keptFix.push(b);
      continue;
    }
    const unique = await uniqueSubjects(git, b.sha);
    if (unique.length === 0) {
      remove.push({
        name: b.name,
        reason: "no commit of its own (merged, or the run fixed nothing)",
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
    if (inUse.has(b.name)) {
      kept.push({ name: b.name, reason: "checked out in a worktree" });
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
 * @param now The clock.
 * @returns The plan.
 */
export async function planClean(
  git: Git,
  runsDirs: readonly string[],
  retention: Retention,
  now: Date = new Date(),
): Promise<CleanPlan> {
  const { remove, kept } = await planBranches(git, { retention, now });
  const runDirs: CleanItem[] = [];
  for (const d of new Set(runsDirs)) runDirs.push(...await planRunDirs(d, retention, now));
  return { branches: remove, runDirs, kept };
}

/**
 * Carry out a plan.
 *
 * @param git Git at the repository root.
 * @param plan What {@link planClean} returned.
 */
export async function applyClean(git: Git, plan: CleanPlan): Promise<void> {
  for (const b of plan.branches) await git.deleteBranch(b.name);
  for (const d of plan.runDirs) await Deno.remove(d.name, { recursive: true });
}

/**
 * At the start of a run (the lock held, so no other run is alive): delete the
 * branches killed runs left that hold nothing of their own.
 *
 * @param git Git at the repository root.
 * @param log Logger.
 * @returns The branches deleted.
 */
export async function reclaimDeadRuns(git: Git, log: Logger): Promise<string[]> {
  const { remove } = await planBranches(git, { retention: null });
  for (const b of remove) {
    await git.deleteBranch(b.name);
    log.info(`Removed branch ${b.name}: ${b.reason}`);
  }
  return remove.map((b) => b.name);
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
