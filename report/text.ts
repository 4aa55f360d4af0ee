/**
 * Wording shared by the Markdown and HTML reports, so both say the same thing.
 *
 * @module
 */

import type { GateStatus } from "../core/types.ts";
import type { StopReason } from "./types.ts";

/** A headline per stop reason. */
export const STOP_TITLES: Record<StopReason, string> = {
  success: "Build is green",
  max_iterations: "Not fixed: iteration limit reached",
  no_progress: "Not fixed: no progress",
  rejected: "Stopped: patch rejected",
  forbidden: "Stopped: forbidden operation",
  cost_cap: "Not fixed: cost cap reached",
  needs_model: "Not fixed: the rest needs a model",
  reviewer_unavailable: "Stopped: the configured reviewer cannot run",
  verification_failed: "Green build, but deploy or verification failed",
  flaky: "Green on re-run: a flaky gate, nothing changed",
  infrastructure: "Stopped: infrastructure failure, not a code bug",
  configuration: "Stopped: configuration or secret missing",
  error: "Stopped by an error",
};

/** A symbol per gate status. */
export const STATUS_MARKS: Record<GateStatus, string> = {
  passed: "✅",
  failed: "❌",
  timeout: "⏱️",
  oom: "💥",
  "not-found": "❓",
  skipped: "⏭️",
  error: "⚠️",
};

/** Diffs longer than this many lines are cut in reports (the JSON report keeps them). */
export const MAX_DIFF_LINES = 400;

/** At most this many failures are listed per iteration. */
export const MAX_FAILURES = 20;

/**
 * A duration in words: `850 ms`, `12.3 s`, `4 min 5 s`.
 *
 * @param ms Milliseconds.
 * @returns The duration.
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * A cost in dollars with enough digits for cheap models.
 *
 * @param usd Dollars.
 * @returns E.g. `$0.0123`.
 */
export function formatCost(usd: number): string {
  return `$${usd.toFixed(usd < 1 ? 4 : 2)}`;
}

/**
 * Cut a diff to {@link MAX_DIFF_LINES} lines.
 *
 * @param diff The diff.
 * @returns The text and how many lines were cut.
 */
export function clipDiff(diff: string): { text: string; cut: number } {
  const lines = diff.replace(/\n$/, "").split("\n");
  if (lines.length <= MAX_DIFF_LINES) return { text: lines.join("\n"), cut: 0 };
  return { text: lines.slice(0, MAX_DIFF_LINES).join("\n"), cut: lines.length - MAX_DIFF_LINES };
}

/**
 * Where a failure points: `file:line:col`, or the gate when it has no file.
 *
 * @param f The failure's location fields.
 * @returns The location.
 */
export function failureLocation(
  f: { gate: string; file?: string; line?: number; column?: number },
): string {
  if (!f.file) return f.gate;
  return `${f.file}${f.line ? `:${f.line}` : ""}${f.line && f.column ? `:${f.column}` : ""}`;
}
