/**
 * Exit classification of a gate: how a command ended, read from its exit
 * code, the executor's timeout flag and the words it printed last.
 *
 * @module
 */

import type { GateStatus } from "../core/types.ts";

/** What the executor reported about one finished command. */
export interface ExitFacts {
  /** Exit code (128+N when killed by signal N). */
  code: number;
  /** Killed by the executor's timeout. */
  timedOut: boolean;
  /** Killed by the abort signal. */
  aborted: boolean;
  /** Bounded output (head and tail). */
  output: string;
}

// Words that only an out-of-memory death prints: V8's heap limit, the
// kernel's OOM killer as reported by shells ("Killed"), allocation failures.
const OOM_TEXT =
  /JavaScript heap out of memory|Reached heap limit|\bENOMEM\b|Cannot allocate memory|OOMKilled|java\.lang\.OutOfMemoryError|\bMemoryError\b|memory allocation of \d+ bytes failed|fatal error: runtime: out of memory/;

/**
 * Classify how a command ended.
 *
 * Order matters: the executor's timeout wins (a killed process also exits
 * 137), then out-of-memory words, then the conventional exit codes.
 *
 * @param facts Exit code, flags and output.
 * @returns The gate status.
 * @example
 * ```ts
 * import { classifyExit } from "./classify.ts";
 * const s = classifyExit({ code: 127, timedOut: false, aborted: false, output: "x: command not found" });
 * console.assert(s === "not-found");
 * ```
 */
export function classifyExit(facts: ExitFacts): GateStatus {
  if (facts.aborted) return "error";
  if (facts.timedOut || facts.code === 124) return "timeout";
  if (facts.code === 0) return "passed";
  if (facts.code === 137 && /\bKilled\b/.test(facts.output)) return "oom";
  if (OOM_TEXT.test(facts.output)) return "oom";
  if (facts.code === 127) return "not-found";
  return "failed";
}

/**
 * Whether a status counts as success for the steps that need it.
 *
 * @param status The gate status.
 * @param continueOnError The step's `continue-on-error`.
 * @returns True when dependents with `if: success()` may run.
 */
export function countsAsSuccess(status: GateStatus, continueOnError: boolean): boolean {
  if (status === "passed") return true;
  if (status === "skipped") return false;
  return continueOnError;
}
