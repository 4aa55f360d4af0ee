/**
 * The state of one `fleet-orch run`, shared by the lifecycle steps, and the
 * small helpers they use to run gates against it.
 *
 * @module
 */

import { join } from "node:path";
import type { FixerPlugin } from "../core/plugin.ts";
import type { GateResult } from "../core/types.ts";
import type { Logger } from "../core/log.ts";
import { failsBuild, runGates } from "../gates/runner.ts";
import { isDependencyManifest, isInstallLike } from "../gates/inputs.ts";
import type { GateStep } from "../gates/plan.ts";
import { extractChunks } from "../gates/extract.ts";
import type { CostLedger } from "../plugins/llm/pricing.ts";
import { gatesGreen } from "./check.ts";
import type { Runtime, RuntimeOptions } from "./runtime.ts";
import type { Workspace } from "./workspace.ts";
import type { Models } from "./fix.ts";
import type { SandboxReport } from "../core/sandbox.ts";
import type {
  ReportDelivery,
  ReportIteration,
  ReportTriage,
  RunReport,
  StopReason,
} from "../report/types.ts";
import type { PullRequestEvent } from "./ci_event.ts";

/** Options of `runOrchestration`. */
export interface OrchestrationOptions extends RuntimeOptions {
  /** Deploy and verify this environment after a green build. */
  environment?: string | undefined;
  /** Override agents.orchestrator.max_iterations. */
  maxIterations?: number | undefined;
  /** Hard cost cap for the run in US dollars. */
  maxCostUsd?: number | undefined;
  /** Fixes generated and tried in parallel per iteration. */
  candidates?: number | undefined;
  /** `--report-dir`. */
  reportDir?: string | undefined;
  /** Parallel gate steps. */
  jobs?: number | undefined;
  /** Gate progress view. */
  view?: "tty" | "plain" | "silent";
  /** Stops the run (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** stdout carries a JSON document. */
  json?: boolean;
  /** `--from-ci`: the baseline is the failing CI job's log (orchestrator/from_ci.ts). */
  fromCi?: boolean;
  /** `--ci-run-id`: the workflow run (GitHub) or build (Azure DevOps) to read. */
  ciRunId?: string | undefined;
}

/** Everything the lifecycle steps read and write. */
export interface RunState {
  /** The runtime (config, policy, executor, registry). */
  rt: Runtime;
  /** The run's options. */
  opts: OrchestrationOptions;
  /** The run's logger (also writes orchestrator.log). */
  log: Logger;
  /** Run id. */
  runId: string;
  /** The run's report directory. */
  runDir: string;
  /** Nothing is written to the repository. */
  dryRun: boolean;
  /** Where gates run and fixes apply. */
  ws?: Workspace;
  /** The planned gates. */
  steps: GateStep[];
  /** The latest result of every gate. */
  gates: GateResult[];
  /** The fix iterations so far. */
  iterations: ReportIteration[];
  /** Model spending. */
  ledger: CostLedger;
  /** Fixer and reviewer models. */
  models?: Models;
  /** Deterministic recipes, tried before the fixer. */
  recipes: FixerPlugin[];
  /** Set when the run must stop, with why. */
  stop?: { reason: StopReason; message: string };
  /** The deploy (steps of every attempt), when an environment was given. */
  deployment?: RunReport["deployment"];
  /** Post-deploy verification. */
  verification?: RunReport["verification"];
  /** The seed's `logs/` folder (`report.layout: seed`): orchestrator.log and verification reports. */
  seedLogDir?: string;
  /** Whether the work and backup branches were kept (the work branch holds commits). */
  branchesKept?: boolean;
  /** Every gate execution of the run (reused results are not executions). */
  executions?: GateExecution[];
  /** A committed fix touched a dependency manifest since the install-like gates last ran. */
  manifestsDirty?: boolean;
  /** How failed gates were classified before any fix (orchestrator/triage.ts). */
  triage?: ReportTriage[];
  /** Diffs a dry run would apply. */
  wouldApply: string[];
  /** When the run started. */
  startedAt: Date;
  /** The gate sandbox, as probed before the first gate. */
  sandbox?: SandboxReport;
  /** The pull request the run opened or updated, when a VCS is configured. */
  pullRequestUrl?: string;
  /** The pull request the CI build is for (its head branch gets the fix). */
  event?: PullRequestEvent | null;
  /** Where the fixes went. */
  delivery?: ReportDelivery;
}

/** One execution of one gate. */
export interface GateExecution {
  /** Gate id. */
  gate: string;
  /** Which pass ran it (baseline, iteration-2, …). */
  label: string;
  /** Wall-clock time. */
  durationMs: number;
}

/**
 * Run gates in the run's workspace (or a candidate's directory) and count
 * every gate that really executed. In the workspace itself, results whose
 * inputs did not change are reused instead of run again (see {@link reuseFor}).
 *
 * @param s The run.
 * @param label Log folder.
 * @param options Selection, directory, what may be reused.
 * @returns The results (reused ones included, as the same objects).
 */
export async function runCounted(
  s: RunState,
  label: string,
  options: {
    only?: string[];
    dir?: string;
    reuse?: "unchanged" | "after-fix";
    sandbox?: boolean;
  } = {},
): Promise<GateResult[]> {
  const dir = options.dir ?? s.ws!.dir;
  const reuse = options.reuse && dir === s.ws?.dir
    ? reuseFor(s, options.reuse, options.only ?? [])
    : undefined;
  const results = await runGates(s.steps, {
    ...gateOptions(s, label, options.only),
    repoRoot: dir,
    ...(reuse?.size ? { reuse } : {}),
    ...(options.sandbox ? { sandbox: true } : {}),
  });
  s.executions ??= [];
  let installsRan = true;
  for (const r of results) {
    const reused = reuse?.get(r.id) === r;
    const step = s.steps.find((x) => x.id === r.id);
    if (step && isInstallLike(step) && (reused || r.status === "skipped")) installsRan = false;
    if (reused || r.status === "skipped") continue;
    s.executions.push({ gate: r.id, label, durationMs: r.durationMs });
  }
  if (installsRan && dir === s.ws?.dir) s.manifestsDirty = false;
  return results;
}

/**
 * The earlier results that a re-run may reuse: with `unchanged` (nothing
 * changed since: the flaky check, an infrastructure retry) every passed gate
 * that is not itself to be re-run; with `after-fix` only passed install-like
 * gates, and only when no fix touched a dependency manifest or lockfile.
 *
 * @param s The run.
 * @param mode What changed since the results were made.
 * @param targets Gates that must run again.
 * @returns Gate id -> result to reuse.
 */
export function reuseFor(
  s: RunState,
  mode: "unchanged" | "after-fix",
  targets: string[],
): Map<string, GateResult> {
  const out = new Map<string, GateResult>();
  for (const g of s.gates) {
    if (g.status !== "passed" || targets.includes(g.id)) continue;
    const step = s.steps.find((x) => x.id === g.id);
    if (!step) continue;
    if (mode === "unchanged" || (isInstallLike(step) && !s.manifestsDirty)) out.set(g.id, g);
  }
  return out;
}

/**
 * Note a committed fix: one that touches a dependency manifest makes the
 * install-like gates run again.
 *
 * @param s The run.
 * @param paths Paths the fix changed.
 */
export function noteFixPaths(s: RunState, paths: string[]): void {
  if (paths.some(isDependencyManifest)) s.manifestsDirty = true;
}

/**
 * Whether every required gate is green.
 *
 * @param s The run.
 * @returns True when green.
 */
export function green(s: RunState): boolean {
  return s.gates.length > 0 && gatesGreen(s.steps, s.gates);
}

/**
 * Whether a gate result counts as failing a required gate.
 *
 * @param g The result.
 * @returns True for a required gate that did not pass (a skip because a
 * needed step failed counts; a skip that had no reason to run does not).
 */
export function failingRequired(g: GateResult): boolean {
  return failsBuild(g);
}

/**
 * Options for `runGates` in the run's workspace.
 *
 * @param s The run.
 * @param label Folder of the gate logs under `logs/`.
 * @param only Run only these gates (and what they need).
 * @returns The options.
 */
export function gateOptions(s: RunState, label: string, only?: string[]) {
  return {
    exec: s.rt.exec,
    repoRoot: s.ws!.dir,
    resolveGate: s.rt.resolveGate,
    logDir: join(s.runDir, "logs", label),
    ...((s.opts.jobs ?? s.rt.loaded.config.agents.orchestrator.jobs)
      ? { jobs: (s.opts.jobs ?? s.rt.loaded.config.agents.orchestrator.jobs)! }
      : {}),
    ...(s.opts.view ? { view: s.opts.view } : {}),
    ...(only ? { only } : {}),
    ...(s.opts.signal ? { signal: s.opts.signal } : {}),
  };
}

/**
 * Re-run the failing gates first (cheap), then every gate when they pass.
 * Install-like gates are reused unless a fix touched a dependency manifest.
 *
 * @param s The run.
 * @param dir Directory to run in (the workspace or a candidate's worktree).
 * @param label Log folder.
 * @param failing Ids of the gates that failed.
 * @returns The results of the last pass.
 */
export async function rerun(
  s: RunState,
  dir: string,
  label: string,
  failing: string[],
): Promise<GateResult[]> {
  // The failing gates first, with what they need only when its inputs
  // changed; every gate once more only when those pass. A fix is in `dir`
  // now: its gates run sandboxed when a sandbox works.
  const sandbox = s.sandbox?.active ?? false;
  const partial = await runCounted(s, label, {
    only: failing,
    dir,
    reuse: "after-fix",
    sandbox,
  });
  if (!gatesGreen(s.steps, partial.filter((g) => failing.includes(g.id)))) return partial;
  return await runCounted(s, `${label}-all`, { dir, reuse: "after-fix", sandbox });
}

/**
 * The best failure chunk of the first failing gate's output, for the fixer.
 *
 * @param gates Gate results.
 * @returns The chunk's text, or undefined.
 */
export function logChunkOf(gates: GateResult[]): string | undefined {
  const failing = gates.find(failingRequired);
  return failing ? extractChunks(failing.output)[0]?.text : undefined;
}

/**
 * Later results replace earlier ones by gate id; a re-run that left a gate out
 * (not selected) keeps the earlier result. A gate that was skipped because a
 * needed step failed replaces it: its old pass says nothing about the new code.
 *
 * @param prev Earlier results.
 * @param next Results of a re-run.
 * @returns The merged results, in the order of `prev`.
 */
export function mergeGates(prev: GateResult[], next: GateResult[]): GateResult[] {
  const byId = new Map(next.map((g) => [g.id, g]));
  return prev.map((g) => {
    const n = byId.get(g.id);
    return n && !(n.status === "skipped" && n.notApplicable) ? n : g;
  });
}
