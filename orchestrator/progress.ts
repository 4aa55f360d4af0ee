/**
 * Progress between iterations, told by failure fingerprints: an iteration
 * made progress when at least one failure of the previous iteration is gone
 * (a fixed compile error that uncovers a test failure is progress); it
 * regressed when nothing was fixed and something new fails.
 *
 * @module
 */

import type { Failure, GateResult } from "../core/types.ts";
import { failsBuild } from "../gates/runner.ts";

/** The comparison of two iterations. */
export interface ProgressVerdict {
  /** Some failures disappeared. */
  progress: boolean;
  /** Things got worse: new failures, none fixed. */
  regressed: boolean;
  /** Fingerprints that disappeared. */
  fixed: string[];
  /** Fingerprints that appeared. */
  introduced: string[];
}

/**
 * The failing fingerprints of a set of gate results (required, failing gates
 * only). A failing gate with no parsed failure contributes one synthetic
 * fingerprint, so "still failing" is never mistaken for "fixed".
 *
 * @param gates Gate results.
 * @returns The fingerprints.
 */
export function failingFingerprints(gates: readonly GateResult[]): Set<string> {
  const out = new Set<string>();
  for (const g of gates) {
    if (!failsBuild(g)) continue;
    if (g.failures.length === 0) out.add(`gate:${g.id}:${g.status}`);
    for (const f of g.failures) out.add(f.fingerprint);
  }
  return out;
}

/**
 * Compare the failing fingerprints before and after a fix.
 *
 * @param before Fingerprints before.
 * @param after Fingerprints after.
 * @returns The verdict.
 */
export function compareProgress(
  before: ReadonlySet<string>,
  after: ReadonlySet<string>,
): ProgressVerdict {
  const fixed = [...before].filter((f) => !after.has(f));
  const introduced = [...after].filter((f) => !before.has(f));
  return {
    progress: fixed.length > 0,
    regressed: fixed.length === 0 && introduced.length > 0,
    fixed,
    introduced,
  };
}

/**
 * The failures of the required gates that failed.
 *
 * @param gates Gate results.
 * @returns Their failures (a synthetic one for a gate with none parsed).
 */
export function currentFailures(gates: readonly GateResult[]): Failure[] {
  const out: Failure[] = [];
  for (const g of gates) {
    if (!failsBuild(g)) continue;
    if (g.failures.length) out.push(...g.failures);
    else {
      out.push({
        gate: g.id,
        tool: "generic",
        message: g.status === "skipped"
          ? `Required gate "${g.name}" did not run: ${g.output.trim()}`
          : `Gate "${g.name}" ${g.status} (exit ${g.exitCode ?? "signal"})`,
        excerpt: g.output.slice(-4000),
        fingerprint: `gate:${g.id}:${g.status}`,
      });
    }
  }
  return out;
}
