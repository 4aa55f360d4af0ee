/**
 * The ledger of the branches fleet-orch made: which run made each one, and
 * every commit fleet-orch left at its tip. Clean-up deletes only branches in
 * it whose tip is still one of those commits, so a branch the user made
 * (even one named `fleet-orch/fix-…`) or moved (a commit on top of a fix) is
 * never deleted.
 *
 * It lives in `.git/fleet-orch/branches.json`, written whole through a
 * rename; only a holder of the run lock writes it. An unreadable ledger
 * counts as empty: fleet-orch then deletes nothing, which is the safe side.
 *
 * @module
 */

import { join } from "node:path";

/** What fleet-orch knows about one of its branches. */
export interface LedgerEntry {
  /** The run that made it. */
  run: string;
  /** Commits fleet-orch left at its tip (the start point, then the run's last commit). */
  tips: string[];
}

/** Branch name → entry. */
export type Ledger = Record<string, LedgerEntry>;

const FILE = "branches.json";

/**
 * Read the ledger.
 *
 * @param stateDir `.git/fleet-orch`.
 * @returns The ledger; empty when there is none or it cannot be read.
 */
export async function readLedger(stateDir: string): Promise<Ledger> {
  let text: string;
  try {
    text = await Deno.readTextFile(join(stateDir, FILE));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return {};
    throw e;
  }
  try {
    const data = JSON.parse(text) as unknown;
    const out: Ledger = {};
    if (data && typeof data === "object" && !Array.isArray(data)) {
      for (const [name, v] of Object.entries(data as Record<string, unknown>)) {
        const e = v as Partial<LedgerEntry> | null;
        if (e && typeof e.run === "string" && Array.isArray(e.tips)) {
          out[name] = { run: e.run, tips: e.tips.filter((t) => typeof t === "string") };
        }
      }
    }
    return out;
  } catch {
    // A damaged ledger: nothing counts as fleet-orch's, so nothing is deleted.
    return {};
  }
}

async function writeLedger(stateDir: string, ledger: Ledger): Promise<void> {
  await Deno.mkdir(stateDir, { recursive: true });
  const tmp = join(stateDir, `${FILE}.${Deno.pid}.tmp`);
  await Deno.writeTextFile(tmp, JSON.stringify(ledger, null, 1) + "\n");
  await Deno.rename(tmp, join(stateDir, FILE));
}

/**
 * Record that a run made or moved branches: each commit joins its branch's tips.
 *
 * @param stateDir `.git/fleet-orch`.
 * @param run The run id.
 * @param branches Branch names and the commit fleet-orch left at each.
 */
export async function recordBranches(
  stateDir: string,
  run: string,
  branches: readonly { name: string; sha: string }[],
): Promise<void> {
  const ledger = await readLedger(stateDir);
  for (const { name, sha } of branches) {
    const e = ledger[name] ?? { run, tips: [] };
    if (!e.tips.includes(sha)) e.tips.push(sha);
    ledger[name] = e;
  }
  await writeLedger(stateDir, ledger);
}

/**
 * Forget branches that are gone (deleted by fleet-orch, or by the user).
 *
 * @param stateDir `.git/fleet-orch`.
 * @param keep Whether a branch still exists.
 */
export async function forgetBranches(
  stateDir: string,
  keep: (name: string) => boolean,
): Promise<void> {
  const ledger = await readLedger(stateDir);
  const names = Object.keys(ledger);
  const gone = names.filter((n) => !keep(n));
  if (gone.length === 0) return;
  for (const n of gone) delete ledger[n];
  await writeLedger(stateDir, ledger);
}
