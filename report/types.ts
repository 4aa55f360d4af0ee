/**
 * The run report: everything one orchestration did, as data. The
 * orchestrator fills it; the JSON, Markdown and HTML reports, the PR body and
 * the notifiers are rendered from it.
 *
 * @module
 */

import type { CallRecord, Failure, GateResult, VerificationResult } from "../core/types.ts";
import type { SandboxReport } from "../core/sandbox.ts";

/** Why a run stopped. */
export type StopReason =
  | "success"
  | "max_iterations"
  | "no_progress"
  | "rejected"
  | "forbidden"
  | "cost_cap"
  | "needs_model"
  | "verification_failed"
  | "reviewer_unavailable"
  | "flaky"
  | "infrastructure"
  | "configuration"
  | "error";

/** Every {@link StopReason}, in display order. */
export const STOP_REASONS: readonly StopReason[] = [
  "success",
  "max_iterations",
  "no_progress",
  "rejected",
  "forbidden",
  "cost_cap",
  "needs_model",
  "verification_failed",
  "reviewer_unavailable",
  "flaky",
  "infrastructure",
  "configuration",
  "error",
];

/**
 * How a failed gate was classified before any fix was asked for (see
 * gates/triage.ts): only `code` failures go to recipes and the fixer.
 */
export interface ReportTriage {
  /** Gate id. */
  gate: string;
  /** The class: a code failure, flaky (passed when re-run), infrastructure, configuration. */
  class: "code" | "flaky" | "infrastructure" | "configuration";
  /** The signature that matched (infrastructure and configuration). */
  signature?: string;
  /** The variable or host the signature named. */
  subject?: string;
  /** The line of output that matched. */
  evidence?: string;
  /** What to do. */
  advice?: string;
  /** For flaky gates: the tests (or messages) that failed once and then passed. */
  tests?: string[];
  /** How many times the gate was retried (infrastructure) or re-run (flaky check). */
  retries?: number;
}

/** A fix proposed during an iteration. */
export interface ReportProposal {
  /** Who produced it: a recipe name or "llm:<model>". */
  source: string;
  /** One-line summary. */
  summary: string;
  /** Unified diff (already redacted). */
  diff: string;
}

/** The review of a proposal. */
export interface ReportReview {
  /** The verdict. */
  verdict: "approve" | "reject";
  /** Why. */
  reasons: string[];
  /** Who reviewed: "policy", "llm:<model>", … */
  source: string;
}

/** One turn of the fix loop. */
export interface ReportIteration {
  /** 1-based iteration number. */
  index: number;
  /** The failures the iteration set out to fix. */
  failures: Failure[];
  /** The fix proposed, when one was. */
  proposal?: ReportProposal;
  /** Its review, when it was reviewed. */
  review?: ReportReview;
  /** Whether the fix was applied and committed. */
  applied: boolean;
  /** The commit made, when applied. */
  commit?: string;
  /** Gates re-run after the fix. */
  gates: GateResult[];
  /** Model calls made in the iteration. */
  calls: CallRecord[];
  /** Wall-clock duration in milliseconds. */
  durationMs: number;
  /** With --candidates: which candidate won (1-based) out of how many. */
  candidate?: { winner: number; of: number };
  /** Oracle-integrity findings of the proposal; `action: "allow"` means the project's policy allowed it. */
  integrity?: ReportIntegrity[];
}

/** One oracle-integrity finding (policies/integrity.ts) in the report. */
export interface ReportIntegrity {
  /** Rule id. */
  rule: string;
  /** deny (sent back to the fixer), warn, or allow (allowed by the project's policy). */
  action: "deny" | "warn" | "allow";
  /** File. */
  file: string;
  /** 1-based line in the new file. */
  line: number;
  /** What was found. */
  message: string;
}

/** Post-deploy verification of one environment. */
export interface ReportVerification {
  /** Environment checked. */
  environment: string;
  /** Whether every check passed. */
  ok: boolean;
  /** Every check. */
  results: VerificationResult[];
}

/** One deploy command as it ran. */
export interface ReportDeployStep {
  /** Short name (`build`, `apply`, `rollout deployment/api`, `step 1`). */
  name: string;
  /** The command line. */
  command: string;
  /** Exit code; null when not run (dry run) or killed. */
  exitCode: number | null;
  /** Duration in milliseconds. */
  durationMs: number;
  /** The tail of its output (redacted). */
  output: string;
  /** The full output's log file. */
  logFile?: string;
  /** Which deploy attempt ran it (1, then 2 after a fix, …). */
  attempt: number;
}

/** The deploy of one environment (the operator). */
export interface ReportDeployment {
  /** Environment. */
  environment: string;
  /** Whether the last attempt ran every step successfully (true when there was nothing to run). */
  ok: boolean;
  /** Every step of every attempt, in order. */
  steps: ReportDeployStep[];
  /** Attempts made (a fix between two attempts). */
  attempts: number;
  /** Why nothing was deployed or verified, when that is the case. */
  note?: string;
}

/** Totals over the whole run. */
export interface ReportTotals {
  /** Prompt tokens. */
  tokensIn: number;
  /** Completion tokens. */
  tokensOut: number;
  /** Estimated cost in US dollars. */
  costUsd: number;
  /** Wall-clock duration in milliseconds. */
  durationMs: number;
}

/** How many gates a run executed, and their time. */
export interface ReportExecutions {
  /** Gate executions. */
  count: number;
  /** Their summed wall-clock time in milliseconds. */
  durationMs: number;
  /** Per gate id. */
  byGate: Record<string, { count: number; durationMs: number }>;
}

/** Where a green run's fixes went (README "Delivery"). */
export interface ReportDelivery {
  /**
   * What was done: `pr` pushed the work branch and opened or updated a pull
   * request; `branch` pushed the work branch only; `push` pushed the fix onto
   * a same-repository pull request's head branch; `comment` posted it on a
   * fork's pull request; `commit` fast-forwarded the CI checkout; `local`
   * left it on the local work branch (no `vcs:`).
   */
  mode: "pr" | "branch" | "push" | "comment" | "commit" | "local";
  /** The branch the fix is for: the base branch, or a pull request's head branch. */
  target: string;
  /** The remote branch pushed (`fleet-orch/fix/<target>`, or the head branch for `push`). */
  branch?: string;
  /** The pull request opened (`created`) or updated. */
  pullRequest?: { url: string; number: number; created: boolean };
  /** The fork pull request the fix was commented on. */
  commentedOn?: number;
  /** The fix commits as a patch file (`git am`), in the run folder. */
  patch?: string;
  /** `commit`: the commit the checkout now has. */
  checkout?: string;
}

/** Everything one run did. */
export interface RunReport {
  /** Run id (also the folder name under `.git/fleet-orch/runs/`). */
  runId: string;
  /** ISO start time. */
  startedAt: string;
  /** ISO end time. */
  finishedAt: string;
  /** Repository (path or owner/name). */
  repo: string;
  /**
   * What the run started from: the commit id (the orchestrator records the
   * commit, which stays exact when the branch moves on).
   */
  branch: string;
  /**
   * The name of the branch the run started from, when known (the reports
   * show it rather than a commit id). Filled by `writeReports` from CI
   * variables or the repository's HEAD.
   */
  branchName?: string;
  /** The pull request opened for the fix, when one was. */
  pullRequestUrl?: string;
  /** Where the fixes went, when the run delivered them. */
  delivery?: ReportDelivery;
  /** Branch the fixes were committed on. */
  workBranch?: string;
  /** Backup branch marking the starting point. */
  backupBranch?: string;
  /** Whether it was a dry run. */
  dryRun: boolean;
  /** Why it stopped. */
  stopReason: StopReason;
  /** The process exit code. */
  exitCode: number;
  /** Every iteration of the fix loop. */
  iterations: ReportIteration[];
  /** The final gate results. */
  gates: GateResult[];
  /** The deploy, when `--environment` was given. */
  deployment?: ReportDeployment;
  /** Post-deploy verification, when it ran. */
  verification?: ReportVerification;
  /**
   * The gate sandbox: the configured mode, whether gates ran sandboxed once
   * a fix was in the worktree, and why (absent in reports of older versions).
   */
  sandbox?: SandboxReport;
  /**
   * Gate executions of the whole run (baseline, retries, re-runs after fixes,
   * confirmations); results reused because their inputs did not change are
   * not counted.
   */
  executions?: ReportExecutions;
  /** How failed gates were classified before any fix, when any failed. */
  triage?: ReportTriage[];
  /** Totals. */
  totals: ReportTotals;
  /** One line for humans about how it ended. */
  message: string;
}
