/**
 * Wording shared by the Markdown and HTML reports, so both say the same thing.
 *
 * @module
 */

import { relative } from "node:path";
import type { GateResult, GateStatus } from "../core/types.ts";
import { stripAnsi } from "../core/text.ts";
import type { RunReport, StopReason } from "./types.ts";

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

/**
 * A word per gate status: reports always print it, so a status reads right
 * where no emoji font is installed and in screen readers.
 */
export const STATUS_WORDS: Record<GateStatus, string> = {
  passed: "passed",
  failed: "failed",
  timeout: "timed out",
  oom: "out of memory",
  "not-found": "command not found",
  skipped: "skipped",
  error: "error",
};

/** A symbol per gate status, shown only next to its {@link STATUS_WORDS} word. */
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

/** Whether a string looks like a git commit id (7 to 64 hex digits). */
export function isCommitId(s: string): boolean {
  return /^[0-9a-f]{7,64}$/i.test(s);
}

/**
 * The start of a run for humans: the branch name, and the commit (short)
 * when the report recorded one.
 *
 * @param report The run report.
 * @returns The name (absent when unknown) and the short commit id.
 */
export function startingPoint(
  report: Pick<RunReport, "branch" | "branchName">,
): { name?: string; commit?: string } {
  const commit = isCommitId(report.branch) ? report.branch.slice(0, 12) : undefined;
  const name = report.branchName || (commit ? undefined : report.branch || undefined);
  return { ...(name ? { name } : {}), ...(commit ? { commit } : {}) };
}

/**
 * Where a report links a gate's log: relative to the report's folder when
 * the log sits under it (the folder is kept as one artifact), else the path.
 *
 * @param logFile The log's path.
 * @param dir The report's folder, when known.
 * @returns The link target.
 */
export function logLink(logFile: string, dir?: string): string {
  if (!dir) return logFile;
  const rel = relative(dir, logFile);
  return rel && !rel.startsWith("..") && !rel.startsWith("/") ? rel : logFile;
}

/** Log lines shown under a failed gate's headline. */
export const EXCERPT_LINES = 8;

/**
 * Why a gate failed, for a report: the parsed failure headlines (parser
 * findings before the generic extractor's) and the last lines of its log.
 *
 * @param g The gate result (already redacted).
 * @param lines At most this many log lines.
 * @returns The headlines and the log lines.
 */
export function failureExcerpt(
  g: GateResult,
  lines = EXCERPT_LINES,
): { headlines: string[]; tail: string[] } {
  const parsed = g.failures.filter((f) => f.tool !== "generic");
  const list = parsed.length > 0 ? parsed : g.failures;
  const headlines = list.slice(0, 3).map((f) => {
    const where = f.file ? ` (${failureLocation(f)})` : "";
    return `${f.message.split("\n")[0]!.trim().slice(0, 240)}${where}`;
  });
  if (list.length > 3) headlines.push(`(+${list.length - 3} more)`);
  const tail = stripAnsi(g.output).split(/\r?\n|\r/).map((l) => l.trimEnd()).filter((l) => l)
    .slice(-lines).map((l) => l.slice(0, 400));
  return { headlines, tail };
}

/** The gates whose failure a report explains: required, and not passed or skipped. */
export function failedGates(gates: readonly GateResult[]): GateResult[] {
  return gates.filter((g) => g.required && g.status !== "passed" && g.status !== "skipped");
}

/** One way to take a run's fix into the user's branch. */
export interface TakeFixStep {
  /** What to do, in words. */
  text: string;
  /** The command to run, when there is one. */
  command?: string;
  /** A link to follow, when there is one. */
  url?: string;
}

/**
 * How to take a run's fix: the pull request when one was opened, else merge
 * the work branch or cherry-pick its commits. Empty when nothing was
 * committed or the work branch is gone.
 *
 * @param report The run report.
 * @returns The ways, best first.
 */
export function takeFixSteps(report: RunReport): TakeFixStep[] {
  const commits = report.iterations.flatMap((it) => it.commit ? [it.commit] : []);
  const out: TakeFixStep[] = [];
  if (report.pullRequestUrl) {
    out.push({ text: "Review and merge the pull request", url: report.pullRequestUrl });
  }
  const d = report.delivery;
  if (d?.mode === "commit") {
    out.push({ text: "Nothing to do: the checkout was fast-forwarded to the fix" });
    return out;
  }
  if (d?.mode === "push") out.push({ text: `Nothing to do: the fix was pushed onto ${d.target}` });
  if (d?.mode === "comment" && d.patch) {
    out.push({
      text: "Apply the patch (the pull request's comment has the diff)",
      command: `git am ${d.patch}`,
    });
  }
  if (report.dryRun || commits.length === 0 || !report.workBranch) return out;
  const into = startingPoint(report).name;
  out.push({
    text: `Merge the work branch${into ? ` into ${into}` : ""}`,
    command: `git merge ${report.workBranch}`,
  });
  out.push({
    text: `Or cherry-pick its ${commits.length === 1 ? "commit" : `${commits.length} commits`}`,
    command: `git cherry-pick ${commits.map((c) => c.slice(0, 12)).join(" ")}`,
  });
  return out;
}
