/**
 * Domain types shared by every layer: failures, gate results, model calls,
 * verification results. They live in `core/` so plugins can name them without
 * importing upward.
 *
 * @module
 */

/** Default prompt budget of the fixer agent in tokens (system and user message together). */
export const DEFAULT_FIXER_TOKEN_BUDGET = 12_000;

/** One precise reason a gate failed. */
export interface Failure {
  /** The gate (step id) that failed. */
  gate: string;
  /** The tool that reported it: "tsc", "eslint", "jest", "npm", "oom", "generic", … */
  tool: string;
  /** File the failure points at, relative to the repository root when possible. */
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  /** 1-based column in `file`. */
  column?: number;
  /** Tool-specific code: "TS2322", "no-unused-vars", "ERESOLVE", … */
  code?: string;
  /** One-line message. */
  message: string;
  /** The lines of output that show the failure. */
  excerpt: string;
  /** Stable across runs for the same failure; changes when the failure changes. */
  fingerprint: string;
}

/** How a gate ended. */
export type GateStatus =
  | "passed"
  | "failed"
  | "timeout"
  | "oom"
  | "not-found"
  | "skipped"
  | "error";

/** The outcome of one gate (step) run. */
export interface GateResult {
  /** Step id. */
  id: string;
  /** Display name. */
  name: string;
  /** The command line run, when it was a command. */
  command?: string;
  /** Working directory of the step relative to the repository root; absent for the root. */
  cwd?: string;
  /** Whether a failure fails the build. */
  required: boolean;
  /** Final classification. */
  status: GateStatus;
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  /** Wall-clock duration in milliseconds. */
  durationMs: number;
  /** Head and tail of the output (bounded). */
  output: string;
  /** Path of the full log, when one was written. */
  logFile?: string;
  /** Failures extracted from the output. */
  failures: Failure[];
  /** True when the policy engine refused the gate's command (nothing ran). */
  policyViolation?: boolean;
  /**
   * True on a skipped step that had no need to run (not selected by `--only`,
   * or an `if: failure()` step when nothing failed). Any other skip of a
   * required step (a needed step failed, the run was aborted) fails the build.
   */
  notApplicable?: boolean;
}

/** One chat message sent to a model. */
export interface ChatMessage {
  /** The speaker. */
  role: "system" | "user" | "assistant";
  /** Plain-text content (already redacted). */
  content: string;
}

/** A request to a language model. */
export interface CompletionRequest {
  /** The conversation. */
  messages: ChatMessage[];
  /** Model name (deployment name for Azure). */
  model: string;
  /** Sampling temperature. */
  temperature?: number;
  /** Upper bound on completion tokens. */
  maxTokens?: number;
  /** Abort the call. */
  signal?: AbortSignal;
}

/** Token usage, latency and cost of one model call. */
export interface CallRecord {
  /** Provider plugin name. */
  provider: string;
  /** Model that answered. */
  model: string;
  /** Prompt tokens. */
  tokensIn: number;
  /** Completion tokens. */
  tokensOut: number;
  /** Wall-clock latency in milliseconds. */
  latencyMs: number;
  /** Estimated cost in US dollars. */
  costUsd: number;
}

/** A model's answer. */
export interface CompletionResponse {
  /** The text of the first choice. */
  text: string;
  /** What the call cost. */
  record: CallRecord;
}

/** One check made by a verifier. */
export interface VerificationResult {
  /** What was checked (URL, flow name, …). */
  target: string;
  /** Whether it passed. */
  ok: boolean;
  /** Details: status received, latency, error. */
  message: string;
  /** Duration in milliseconds. */
  durationMs: number;
}

/** A change proposed by a fixer: a unified diff plus why. */
export interface FixProposal {
  /** Who produced it: a recipe name or "llm:<model>". */
  source: string;
  /** Unified diff relative to the repository root. */
  diff: string;
  /** One-line summary for the commit message. */
  summary: string;
  /** Model calls made to produce it. */
  calls: CallRecord[];
}
