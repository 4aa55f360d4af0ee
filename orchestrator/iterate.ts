/**
 * The fix loop: each iteration gets a fix (recipes, then the fixer model, or
 * K candidates), has it reviewed (policy, then the reviewer model), applies
 * and commits it in the workspace, re-runs the failing gates, then all of
 * them, and compares failure fingerprints to tell progress from repetition.
 * Every way an iteration can end is one small function that either lets the
 * loop go on or sets the run's stop reason.
 *
 * @module
 */

import type { FixerPlugin } from "../core/plugin.ts";
import { parseOptions } from "../core/registry.ts";
import type { Failure, FixProposal, GateResult } from "../core/types.ts";
import type { AttemptRecord } from "../agents/fixer.ts";
import { builtinFixers } from "../plugins/fixers/mod.ts";
import { makeModels } from "./models.ts";
import { DISABLE_REVIEWER_HINT } from "../agents/reviewer.ts";
import {
  applyInWorkspace,
  patchPaths,
  propose,
  type Proposed,
  review,
  type Reviewed,
} from "./fix.ts";
import { compareProgress, currentFailures, failingFingerprints } from "./progress.ts";
import { evaluateCandidates } from "./candidates.ts";
import { triageStep } from "./triage.ts";
import type { ReportIteration } from "../report/types.ts";
import {
  failingRequired,
  green,
  logChunkOf,
  mergeGates,
  noteFixPaths,
  rerun,
  type RunState,
} from "./state.ts";

/** What the loop carries from one iteration to the next. */
interface Loop {
  history: AttemptRecord[];
  triedRecipes: Set<string>;
  noProgress: number;
  maxNoProgress: number;
  stopOnRejection: boolean;
}

/** What one iteration obtained: a proposal, its review, maybe already applied and tested. */
interface Obtained {
  proposed: Proposed;
  reviewed: Reviewed | null;
  /** Set when candidates already applied the winner. */
  applied?: { ok: boolean; error?: string };
  /** Set when candidates already ran the gates on the winner. */
  gates?: GateResult[];
  candidate?: { winner: number; of: number };
}

/** Whether the loop goes on. */
type Next = "continue" | "stop";

/**
 * Run the fix loop until green, a stop reason, or the iteration budget.
 *
 * @param s The run; `s.stop` is set when it stops without green gates.
 */
export async function fixLoop(s: RunState): Promise<void> {
  const o = s.rt.loaded.config.agents.orchestrator;
  const maxIterations = s.opts.maxIterations ?? o.max_iterations;
  // Normally made at preflight, before the first gate; made here when the
  // loop runs on its own.
  s.models ??= await makeModels({ ...s.rt, log: s.log }, s.ledger);
  if (s.recipes.length === 0) s.recipes = await loadRecipes(s);
  const loop: Loop = {
    history: [],
    triedRecipes: new Set(),
    noProgress: 0,
    maxNoProgress: o.max_no_progress_iterations,
    stopOnRejection: o.stop_on_rejection,
  };
  for (let i = 1; i <= maxIterations; i++) {
    if (s.opts.signal?.aborted) throw new Error("Interrupted");
    if (i > 1) {
      // A registry outage or a missing secret after a fix is still not the
      // code's fault: retry or stop, never ask the model (no flaky re-run:
      // the code changed since the first triage).
      await triageStep(s, { flakyCheck: false, label: `iteration-${i}` });
      if (s.stop || green(s)) return;
    }
    if (await iterate(s, loop, i, maxIterations) === "stop" || green(s)) return;
  }
  s.stop = {
    reason: "max_iterations",
    message: `Still failing after ${maxIterations} iteration(s)`,
  };
}

async function iterate(s: RunState, loop: Loop, i: number, max: number): Promise<Next> {
  const started = Date.now();
  const failures = currentFailures(s.gates);
  const before = failingFingerprints(s.gates);
  const failingIds = s.gates.filter(failingRequired).map((g) => g.id);
  // The iteration is recorded first: its calls stay in the report when a later
  // call throws (the cost cap reached between the fixer and the reviewer).
  const it: ReportIteration = {
    index: i,
    failures,
    applied: false,
    gates: [],
    calls: [],
    durationMs: 0,
  };
  s.iterations.push(it);
  s.log.info(
    `Iteration ${i}/${max}: ${failures.length} failure(s) in ${
      [...new Set(failures.map((f) => f.gate))].join(", ")
    }`,
  );
  try {
    const got = await obtain(s, loop, it, failures, failingIds);
    const proposal = got.proposed.proposal;
    if (!proposal) return noProposal(s, loop, i, got.proposed);
    it.proposal = { source: proposal.source, summary: proposal.summary, diff: proposal.diff };
    s.log.info(`Proposal from ${proposal.source}: ${proposal.summary}`);
    if (got.reviewed) {
      if (got.reviewed.integrity.length) it.integrity = got.reviewed.integrity; // oracle integrity
      for (const f of got.reviewed.integrity.filter((f) => f.action !== "deny")) {
        s.log.warn(s.rt.redact(
          `Integrity ${f.action === "warn" ? "warning" : "finding allowed by the policy"}` +
            ` (${f.rule}) ${f.file}:${f.line}: ${f.message}`,
        ));
      }
      it.review = {
        verdict: got.reviewed.verdict,
        reasons: got.reviewed.reasons,
        source: got.reviewed.source,
      };
      if (got.reviewed.reviewerUnavailable && got.reviewed.verdict === "reject") {
        // A reviewer that answers no verdict cannot review anything: stop
        // (the patch is not committed) rather than loop without a reviewer.
        s.stop = {
          reason: "reviewer_unavailable",
          message: `The reviewer model cannot run: its reply was not a verdict (${
            got.reviewed.reasons.join("; ")
          }); ${DISABLE_REVIEWER_HINT}`,
        };
        return "stop";
      }
      if (got.reviewed.verdict === "reject") return rejected(s, loop, i, proposal, got.reviewed);
    }
    if (got.candidate) it.candidate = got.candidate;
    const applied = got.applied ??
      await applyInWorkspace(proposal.diff, s.ws!.dir, { git: s.ws!.git, policy: s.rt.policy });
    if (!applied.ok) return notApplicable(s, loop, i, proposal, applied.error ?? "");
    it.applied = true;
    const commit = await commitFix(s, it, proposal, failures);
    noteFixPaths(s, patchPaths(proposal.diff));
    const after = got.gates ?? await rerun(s, s.ws!.dir, `iteration-${i}`, failingIds);
    it.gates = after;
    return await assess(s, loop, i, proposal, commit, before, after);
  } finally {
    it.durationMs = Date.now() - started;
  }
}

/** A proposal and its review: from K candidates, or from recipes and the fixer. */
async function obtain(
  s: RunState,
  loop: Loop,
  it: ReportIteration,
  failures: Failure[],
  failingIds: string[],
): Promise<Obtained> {
  const k = s.opts.candidates ?? s.rt.loaded.config.agents.orchestrator.candidates;
  const logChunk = logChunkOf(s.gates);
  if (k > 1 && s.models!.fixer) {
    const out = await evaluateCandidates(s, {
      k,
      failures,
      failingIds,
      history: loop.history,
      triedRecipes: loop.triedRecipes,
      logChunk,
      rerun: (dir, label) => rerun(s, dir, label, failingIds),
      iteration: it.index,
    });
    it.calls.push(...out.calls);
    return out;
  }
  const proposed = await propose({
    failures,
    gates: s.gates,
    recipes: s.recipes,
    triedRecipes: loop.triedRecipes,
    models: s.models!,
    dir: s.ws!.dir,
    git: s.ws!.git,
    history: loop.history,
    redact: s.rt.redact,
    log: s.log,
    ...(logChunk !== undefined ? { logChunk } : {}),
    ...(s.opts.signal ? { signal: s.opts.signal } : {}),
  });
  it.calls.push(...proposed.calls);
  if (!proposed.proposal) return { proposed, reviewed: null };
  const { source, summary, diff } = proposed.proposal;
  it.proposal = { source, summary, diff };
  const reviewed = await review({
    proposal: proposed.proposal,
    failures,
    policy: s.rt.policy,
    models: s.models!,
    redact: s.rt.redact,
    dir: s.ws!.dir,
    ...(s.opts.signal ? { signal: s.opts.signal } : {}),
  });
  it.calls.push(...reviewed.calls);
  return { proposed, reviewed };
}

/** Count an iteration without progress; stop once the allowance is spent. */
function stalled(s: RunState, loop: Loop, message: string): Next {
  if (++loop.noProgress < loop.maxNoProgress) return "continue";
  s.stop = { reason: "no_progress", message };
  return "stop";
}

function noProposal(s: RunState, loop: Loop, i: number, proposed: Proposed): Next {
  const why = proposed.why ?? "No fix could be proposed";
  if (!s.models!.fixer) {
    s.stop = { reason: "needs_model", message: why };
    return "stop";
  }
  loop.history.push({
    iteration: i,
    summary: "(no diff)",
    diff: "",
    outcome: "not_applicable",
    reasons: [why],
  });
  return stalled(s, loop, why);
}

function rejected(
  s: RunState,
  loop: Loop,
  i: number,
  proposal: FixProposal,
  reviewed: Reviewed,
): Next {
  const reasons = reviewed.reasons.join("; ");
  s.log.warn(`Patch rejected (${reviewed.source}): ${reasons}`);
  loop.history.push({
    iteration: i,
    summary: proposal.summary,
    diff: proposal.diff,
    outcome: "rejected",
    reasons: reviewed.reasons,
  });
  if (reviewed.forbidden) {
    s.stop = { reason: "forbidden", message: `Patch adds a forbidden operation: ${reasons}` };
    return "stop";
  }
  // An integrity denial is feedback for the fixer, like a patch that does not
  // apply: the loop goes on even with stop_on_rejection.
  if (loop.stopOnRejection && !reviewed.integrityDenied) {
    s.stop = { reason: "rejected", message: `Patch rejected: ${reasons}` };
    return "stop";
  }
  return stalled(s, loop, `No acceptable patch in ${loop.noProgress + 1} iteration(s)`);
}

function notApplicable(
  s: RunState,
  loop: Loop,
  i: number,
  proposal: FixProposal,
  error: string,
): Next {
  s.log.warn(`Patch does not apply: ${error}`);
  loop.history.push({
    iteration: i,
    summary: proposal.summary,
    diff: proposal.diff,
    outcome: "not_applicable",
    reasons: [error],
  });
  return stalled(s, loop, `No applicable patch in ${loop.noProgress + 1} iteration(s): ${error}`);
}

/** Commit the applied fix with a message that says what, why, where from and at what cost. */
async function commitFix(
  s: RunState,
  it: ReportIteration,
  proposal: FixProposal,
  failures: Failure[],
): Promise<string | null> {
  if (s.dryRun) {
    s.wouldApply.push(s.rt.redact(proposal.diff));
    s.log.info(`[dry run] would apply:\n${s.rt.redact(proposal.diff)}`);
  }
  const tokensIn = it.calls.reduce((a, c) => a + c.tokensIn, 0);
  const tokensOut = it.calls.reduce((a, c) => a + c.tokensOut, 0);
  const first = failures[0];
  const commit = await s.ws!.git.commitAll(
    `fleet-orch: ${proposal.summary}\n\n` +
      `Gate: ${[...new Set(failures.map((f) => f.gate))].join(", ")}\n` +
      (first ? `Failure: ${first.message.slice(0, 200)}\n` : "") +
      `Iteration: ${it.index}\nSource: ${proposal.source}\n` +
      `Tokens: ${tokensIn} in, ${tokensOut} out\nRun: ${s.runId}\n`,
    // Literal pathspecs: a file named "*.ts" must not stage other files.
    patchPaths(proposal.diff).map((p) => `:(literal)${p}`),
  );
  // A dry run commits only in its scratch copy: no commit to report.
  if (commit && !s.dryRun) it.commit = commit;
  return commit;
}

/** Compare fingerprints after the fix: progress, repetition, or regression (reverted). */
async function assess(
  s: RunState,
  loop: Loop,
  i: number,
  proposal: FixProposal,
  commit: string | null,
  before: Set<string>,
  after: GateResult[],
): Promise<Next> {
  const verdict = compareProgress(before, failingFingerprints(after));
  const gatesBefore = s.gates;
  s.gates = mergeGates(s.gates, after);
  if (green(s)) return "stop";
  const reasons = currentFailures(after).slice(0, 10).map((f) => `${f.gate}: ${f.message}`);
  if (verdict.regressed && commit) {
    // Nothing fixed, something new broken: undo it (a new commit, so the
    // attempt stays in the branch's history) and go on from the old state.
    s.log.warn("The patch made things worse; reverting it on the work branch");
    await s.ws!.git.run(["revert", "--no-edit", "HEAD"]);
    s.gates = gatesBefore;
    reasons.unshift("It broke something new and fixed nothing, so it was reverted");
  }
  const reverted = verdict.regressed && !!commit;
  loop.history.push({
    iteration: i,
    summary: proposal.summary,
    diff: proposal.diff,
    outcome: reverted ? "reverted" : verdict.progress ? "applied" : "gates_failed",
    reasons,
  });
  if (verdict.progress) {
    loop.noProgress = 0;
    return "continue";
  }
  return stalled(
    s,
    loop,
    `No progress for ${loop.noProgress + 1} iteration(s): the same failures remain`,
  );
}

/**
 * The recipes of the run: `fixers:` from config, or every built-in.
 *
 * @param s The run.
 * @returns The recipe plugins, instantiated.
 */
export async function loadRecipes(s: RunState): Promise<FixerPlugin[]> {
  const context = { ...s.rt.pluginContext, dryRun: s.dryRun };
  const refs = s.rt.loaded.config.fixers;
  const out: FixerPlugin[] = [];
  if (!refs) {
    for (const def of builtinFixers) {
      out.push(await def.create(await parseOptions(def, {}), context));
    }
    return out;
  }
  for (const [i, ref] of refs.entries()) {
    out.push(
      await s.rt.registry.instantiate("fixer", ref, {
        configDir: s.rt.repoRoot,
        context,
        where: { yaml: s.rt.loaded.yaml, path: ["fixers", i] },
      }),
    );
  }
  return out;
}
