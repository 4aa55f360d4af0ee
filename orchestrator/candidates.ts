/**
 * Parallel patch generation with voting (the seed's roadmap): K fixes from the
 * fixer model at spread temperatures, each reviewed, applied in its own
 * worktree and checked against the failing gates; the best wins — most
 * required gates passing, then the smallest diff.
 *
 * @module
 */

import { join } from "node:path";
import type { CallRecord, Failure, GateResult } from "../core/types.ts";
import type { AttemptRecord } from "../agents/fixer.ts";
import {
  applyInWorkspace,
  changedSinceGreen,
  propose,
  type Proposed,
  review,
  type Reviewed,
} from "./fix.ts";
import type { Runtime } from "./runtime.ts";
import type { Workspace } from "./workspace.ts";
import type { Logger } from "../core/log.ts";
import type { FixerPlugin } from "../core/plugin.ts";
import type { Models } from "./fix.ts";
import { CostCapReached } from "./models.ts";
import { messageOf, PolicyViolation } from "../core/errors.ts";

/** What the loop needs from its state. */
export interface CandidateHost {
  rt: Runtime;
  ws?: Workspace;
  log: Logger;
  runId: string;
  dryRun: boolean;
  models?: Models;
  recipes: FixerPlugin[];
  gates: GateResult[];
  opts: { signal?: AbortSignal };
}

/** The winning candidate, in the shape the loop consumes. */
export interface CandidateOutcome {
  /** The winner's proposal. */
  proposed: Proposed;
  /** The winner's review. */
  reviewed: Reviewed | null;
  /** Whether it applied to the main workspace. */
  applied: { ok: boolean; error?: string };
  /** Gate results in the winner's worktree (equal to the main one after applying). */
  gates?: GateResult[];
  /** Every model call of every candidate. */
  calls: CallRecord[];
  /** Which candidate won (1-based) out of how many. */
  candidate?: { winner: number; of: number };
}

function diffSize(diff: string): number {
  return diff.split("\n").filter((l) => /^[+-](?![+-]{2} )/.test(l)).length;
}

function score(gates: GateResult[]): number {
  return gates.filter((g) => g.required && g.status === "passed").length;
}

/**
 * Generate, review and try K candidates; apply the best to the workspace.
 *
 * @param s The loop's state.
 * @param input K, failures, history, gate re-run function.
 * @returns The winner (or the first rejection / refusal when none survives).
 */
export async function evaluateCandidates(
  s: CandidateHost,
  input: {
    k: number;
    failures: Failure[];
    failingIds: string[];
    history: AttemptRecord[];
    triedRecipes: Set<string>;
    logChunk: string | undefined;
    rerun: (dir: string, label: string) => Promise<GateResult[]>;
    iteration: number;
  },
): Promise<CandidateOutcome> {
  const ws = s.ws!;
  const guard = { git: ws.git, policy: s.rt.policy };
  const base = {
    failures: input.failures,
    gates: s.gates,
    triedRecipes: input.triedRecipes,
    dir: ws.dir,
    git: ws.git,
    history: input.history,
    redact: s.rt.redact,
    log: s.log,
    ...(input.logChunk !== undefined ? { logChunk: input.logChunk } : {}),
    ...(s.opts.signal ? { signal: s.opts.signal } : {}),
  };
  // Recipes are deterministic: one candidate is enough when one applies.
  const recipe = await propose({ ...base, recipes: s.recipes, models: {} });
  if (recipe.proposal) return await single(s, recipe, input.failures);

  const t0 = s.models!.fixer!.temperature ?? 0.2;
  // Looked up once for all candidates: they then reach the model together.
  const changedFiles = await changedSinceGreen(s.ws!.git);
  // Candidates whose worst case does not fit in the cost cap next to the
  // others' reservations are dropped (the ledger refuses them before they are
  // sent); the run stops on the cap only when none could be afforded.
  let capped: CostCapReached | null = null;
  const proposals = await Promise.all(
    Array.from(
      { length: input.k },
      (_, j) =>
        propose({
          ...base,
          recipes: [],
          models: s.models!,
          changedFiles,
          temperature: Math.min(1, t0 + j * 0.3),
        })
          .catch((e) => {
            // The policy stops the run; other failures drop one candidate.
            if (e instanceof PolicyViolation) throw e;
            if (e instanceof CostCapReached) capped ??= e;
            return { proposal: null, calls: [], why: messageOf(e) } as Proposed;
          }),
    ),
  );
  if (capped && proposals.every((p) => !p.proposal)) throw capped;
  const calls: CallRecord[] = proposals.flatMap((p) => p.calls);
  const tried = await Promise.all(proposals.map(async (p, j) => {
    if (!p.proposal) return { p, r: null, gates: null as GateResult[] | null, error: p.why };
    let r: Reviewed;
    try {
      r = await review({
        proposal: p.proposal,
        failures: input.failures,
        policy: s.rt.policy,
        models: s.models!,
        redact: s.rt.redact,
        dir: ws.dir,
      });
    } catch (e) {
      // A review the cap cannot afford drops the candidate; other candidates
      // are still working in their worktrees and must finish before the run
      // decides. Anything else (an unavailable reviewer) ends after they do.
      if (e instanceof CostCapReached) {
        capped ??= e;
        return { p, r: null, gates: null, error: e.message };
      }
      return { p, r: null, gates: null, error: messageOf(e), fatal: e };
    }
    calls.push(...r.calls);
    if (r.verdict === "reject") return { p, r, gates: null, error: r.reasons.join("; ") };
    const dir = await candidateDir(s, j);
    try {
      let a: Awaited<ReturnType<typeof applyInWorkspace>>;
      try {
        a = await applyInWorkspace(p.proposal.diff, dir, guard);
      } catch (e) {
        // The worktree changed differently from the reviewed diff: the run
        // stops once the other candidates are done.
        if (e instanceof PolicyViolation) return { p, r, gates: null, error: e.message, fatal: e };
        throw e;
      }
      if (!a.ok) return { p, r, gates: null, error: a.error };
      const gates = await input.rerun(dir, `iteration-${input.iteration}-candidate-${j + 1}`);
      return { p, r, gates, error: undefined };
    } finally {
      await removeCandidateDir(s, dir);
    }
  }));
  for (const [j, t] of tried.entries()) {
    s.log.info(
      `Candidate ${j + 1}/${input.k}: ${
        t.gates
          ? `${score(t.gates)} required gate(s) pass, ${
            diffSize(t.p.proposal!.diff)
          } changed line(s)`
          : `dropped (${t.error})`
      }`,
    );
  }
  const fatal = tried.find((t) => "fatal" in t && t.fatal !== undefined);
  if (fatal && "fatal" in fatal) throw fatal.fatal;
  const viable = tried.filter((t) => t.gates !== null);
  if (viable.length === 0 && capped) throw capped;
  if (viable.length === 0) {
    const first = tried.find((t) => t.r?.verdict === "reject") ?? tried[0]!;
    return {
      proposed: first.p,
      reviewed: first.r,
      applied: {
        ok: false,
        error: tried.map((t, j) => `candidate ${j + 1}: ${t.error}`).join("; "),
      },
      calls,
    };
  }
  viable.sort((a, b) =>
    score(b.gates!) - score(a.gates!) || diffSize(a.p.proposal!.diff) - diffSize(b.p.proposal!.diff)
  );
  const best = viable[0]!;
  const applied = await applyInWorkspace(best.p.proposal!.diff, ws.dir, guard);
  return {
    proposed: best.p,
    reviewed: best.r,
    applied,
    gates: best.gates!,
    calls,
    candidate: { winner: tried.indexOf(best) + 1, of: input.k },
  };
}

async function single(
  s: CandidateHost,
  p: Proposed,
  failures: Failure[],
): Promise<CandidateOutcome> {
  const r = await review({
    proposal: p.proposal!,
    failures,
    policy: s.rt.policy,
    models: s.models!,
    redact: s.rt.redact,
    dir: s.ws!.dir,
  });
  const calls = [...p.calls, ...r.calls];
  if (r.verdict === "reject") {
    return { proposed: p, reviewed: r, applied: { ok: false, error: "rejected" }, calls };
  }
  const applied = await applyInWorkspace(p.proposal!.diff, s.ws!.dir, {
    git: s.ws!.git,
    policy: s.rt.policy,
  });
  return { proposed: p, reviewed: r, applied, calls };
}

// Candidates live beside the run's worktree (so a killed run's leftovers are
// cleaned like any other), or in a temporary clone of the dry-run copy.
async function candidateDir(s: CandidateHost, j: number): Promise<string> {
  const ws = s.ws!;
  if (s.dryRun) {
    const dir = await Deno.makeTempDir({ prefix: `fleet-orch-candidate-${j + 1}-` });
    await ws.git.run(["clone", "-q", "--no-hardlinks", ws.dir, dir]);
    return dir;
  }
  const dir = join(s.rt.stateDir, "worktrees", `${s.runId}-c${j + 1}`);
  await ws.git.addDetachedWorktree(dir, "HEAD");
  return dir;
}

async function removeCandidateDir(s: CandidateHost, dir: string): Promise<void> {
  // A dry run leaves nothing behind; a folder already gone is that outcome.
  if (s.dryRun) await Deno.remove(dir, { recursive: true }).catch(() => {});
  else await s.rt.git.removeWorktree(dir);
}
