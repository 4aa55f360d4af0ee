/**
 * How the statistics read one run: which calls were the fixer's and which the
 * reviewer's, whether a fix worked, which failures a run met and left, and
 * small sample summaries. Pure functions over loaded reports.
 *
 * @module
 */

import type { StatsCall, StatsGate, StatsIteration, StatsReport } from "./load.ts";

/** Mean, median, 90th percentile and maximum of a sample (null when empty). */
export interface Summary {
  /** Sample size. */
  n: number;
  /** Arithmetic mean. */
  mean: number | null;
  /** Median. */
  median: number | null;
  /** 90th percentile (nearest rank). */
  p90: number | null;
  /** Largest value. */
  max: number | null;
}

/**
 * Mean, median, p90 and max of a sample.
 *
 * @param values The sample.
 * @returns The summary; every figure is null for an empty sample.
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, mean: null, median: null, p90: null, max: null };
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return {
    n: s.length,
    mean: s.reduce((a, v) => a + v, 0) / s.length,
    median: s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2,
    p90: s[Math.max(0, Math.ceil(0.9 * s.length) - 1)]!,
    max: s[s.length - 1]!,
  };
}

/**
 * Whether a proposal source is a model ("llm:<model>") rather than a recipe.
 *
 * @param source The proposal's source.
 * @returns The model name, or null for a recipe.
 */
export function modelOfSource(source: string): string | null {
  return source.startsWith("llm:") ? source.slice(4) : null;
}

// "gpt-4o" names the snapshot "gpt-4o-2024-08-06" too, but not "gpt-4o-mini".
function _sameModel(a: string, b: string): boolean {
  const x = a.slice(a.lastIndexOf("/") + 1).toLowerCase();
  const y = b.slice(b.lastIndexOf("/") + 1).toLowerCase();
  const dated = (long: string, short: string) =>
    long.startsWith(short + "-") && /^\d/.test(long.slice(short.length + 1));
  return x === y || dated(x, y) || dated(y, x);
}

/**
 * Tell the fixer's calls of an iteration from the reviewer's. The loop
 * records the fixer's calls first and the reviewer's after them: a recipe's
 * proposal costs only the review, a proposal that the policy rejected or that
 * no model reviewed costs only the fixer, and with `--candidates` the K fixer
 * calls come before the reviews. When both roles use the same model and the
 * count is not 2, half the calls (rounded up) are taken as the fixer's.
 *
 * @param it The iteration.
 * @returns The calls of each role, and whether the split is estimated.
 */
export function splitRoles(
  it: StatsIteration,
): { fixer: StatsCall[]; reviewer: StatsCall[]; estimated: boolean } {
  const calls = it.calls;
  const whole = (estimated = false) => ({ fixer: calls, reviewer: [], estimated });
  if (!it.proposal) return whole();
  const model = modelOfSource(it.proposal.source);
  if (model === null) return { fixer: [], reviewer: calls, estimated: false };
  if (it.review?.source !== "model") return whole(calls.length > 1);
  if (calls.length === 2) return { fixer: [calls[0]!], reviewer: [calls[1]!], estimated: false };
  const cut = calls.findIndex((c) => !_sameModel(c.model, model));
  if (cut > 0 && calls.slice(cut).every((c) => !_sameModel(c.model, model))) {
    return { fixer: calls.slice(0, cut), reviewer: calls.slice(cut), estimated: false };
  }
  const half = Math.ceil(calls.length / 2);
  return { fixer: calls.slice(0, half), reviewer: calls.slice(half), estimated: calls.length > 1 };
}

/**
 * Whether every required gate in a list passed (or was skipped).
 *
 * @param gates Gate results.
 * @returns False for an empty list.
 */
export function requiredGreen(gates: readonly StatsGate[]): boolean {
  return gates.length > 0 &&
    gates.every((g) => !g.required || g.status === "passed" || g.status === "skipped");
}

/**
 * Whether a gate result is a failure (not passed, not skipped).
 *
 * @param g The gate result.
 * @returns True for failed, timeout, oom, not-found and error.
 */
export function isFailing(g: StatsGate): boolean {
  return g.status !== "passed" && g.status !== "skipped";
}

/**
 * Fingerprints a run met, and those still failing at its end.
 *
 * @param r The report.
 * @returns Both sets, plus the failures by fingerprint.
 */
export function runFingerprints(r: StatsReport): {
  seen: Map<string, StatsIteration["failures"][number]>;
  unresolved: Set<string>;
} {
  const seen = new Map<string, StatsIteration["failures"][number]>();
  for (const it of r.iterations) for (const f of it.failures) seen.set(f.fingerprint, f);
  const unresolved = new Set<string>();
  for (const g of r.gates) {
    if (!isFailing(g)) continue;
    for (const f of g.failures) {
      seen.set(f.fingerprint, f);
      unresolved.add(f.fingerprint);
    }
  }
  return { seen, unresolved };
}

/**
 * Whether an applied iteration removed at least one of its failures: a
 * failure of a gate that was re-run and no longer reports it.
 *
 * @param it The iteration.
 * @returns False when nothing was applied or re-run.
 */
export function effectiveFix(it: StatsIteration): boolean {
  if (!it.applied) return false;
  const rerun = new Set(it.gates.filter((g) => g.status !== "skipped").map((g) => g.id));
  const still = new Set(
    it.gates.filter(isFailing).flatMap((g) => g.failures.map((f) => f.fingerprint)),
  );
  return it.failures.some((f) => rerun.has(f.gate) && !still.has(f.fingerprint));
}

/**
 * Shape a rejection reason so the same reason from different patches counts
 * once: a policy finding becomes its rule, other text is cut to 120 characters.
 *
 * @param reason One reason of a review.
 * @returns The reason as counted.
 */
export function normalizeReason(reason: string): string {
  const rule = /^Policy rule "([^"]+)"/.exec(reason);
  if (rule) return `Policy rule "${rule[1]}"`;
  const one = reason.replace(/\s+/g, " ").trim();
  return one.length > 120 ? `${one.slice(0, 119)}…` : one;
}
