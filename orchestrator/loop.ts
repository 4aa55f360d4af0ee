/**
 * The fix loop, `fleet-orch run`: the seed's "How It Works" as a table of
 * lifecycle steps (preflight, gates, fix loop, deploy, verify, publish), each
 * saying whether it is required and whether it is safe in a dry run. The fix
 * loop itself iterates: fix (recipes, then the fixer model), review (policy,
 * then the reviewer model), apply in the worktree, commit, re-run the failing
 * gates, then all of them, and compare failure fingerprints.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { messageOf, PolicyViolation, UsageError } from "../core/errors.ts";
import { createLogger } from "../core/log.ts";
import { loadTokenCounter } from "../agents/budget.ts";
import { CostLedger } from "../plugins/llm/pricing.ts";
import { planFromConfig } from "./check.ts";
import { openRuntime } from "./runtime.ts";
import { createRunDir, createSeedLogDir, newRunId } from "./run_dir.ts";
import { pruneRunDirs } from "./housekeeping.ts";
import { openWorkspace } from "./workspace.ts";
import { pullRequestEvent } from "./ci_event.ts";
import { ciFeedback } from "./ci_feedback.ts";
import { checkFromCi, ciBaseline } from "./from_ci.ts";
import { CostCapReached, makeModels } from "./models.ts";
import { ReviewerUnavailable } from "../agents/reviewer.ts";
import { redactReport, writeReports, type WrittenReport } from "../report/report.ts";
import type { RunReport, StopReason } from "../report/types.ts";
import { fixLoop, loadRecipes } from "./iterate.ts";
import { triageStep } from "./triage.ts";
import { notify, publishStep } from "./deliver.ts";
import { checkDeploy, deployStep, unknownEnvironment, verifyOrSay } from "./deploy.ts";
import { green, type OrchestrationOptions, runCounted, type RunState } from "./state.ts";
import { sandboxReport } from "../core/sandbox.ts";

export type { OrchestrationOptions, RunState } from "./state.ts";

/** What a run produced. */
export interface Orchestration {
  /** The report (also written to disk). */
  report: RunReport;
  /** The report directory. */
  runDir: string;
  /** Files written. */
  files: WrittenReport;
  /** Diffs a dry run would apply, in order. */
  wouldApply: string[];
}

/** Exit codes by stop reason (DESIGN.md). */
export const EXIT_BY_REASON: Record<StopReason, number> = {
  success: 0,
  max_iterations: 1,
  no_progress: 1,
  cost_cap: 1,
  needs_model: 1,
  verification_failed: 1,
  error: 1,
  rejected: 3,
  forbidden: 3,
  reviewer_unavailable: 3,
  flaky: 0,
  infrastructure: 1,
  configuration: 1,
};

/** One lifecycle step. */
interface LifecycleStep {
  name: string;
  /** Runs even after an earlier step stopped the run (reporting, cleanup). */
  always: boolean;
  /** Safe to run in a dry run; otherwise it only says what it would do. */
  dryRunSafe: boolean;
  /** Skipped unless this holds. */
  when?: (s: RunState) => boolean;
  run: (s: RunState) => Promise<void>;
}

const LIFECYCLE: LifecycleStep[] = [
  { name: "preflight", always: false, dryRunSafe: true, run: preflight },
  { name: "gates", always: false, dryRunSafe: true, run: baselineGates },
  {
    name: "triage",
    always: false,
    dryRunSafe: true,
    when: (s) => !green(s),
    // From a CI log, the failure is the CI's verdict: nothing re-runs before the first fix.
    run: (s) => triageStep(s, { flakyCheck: !s.opts.fromCi, label: "baseline" }),
  },
  { name: "fix", always: false, dryRunSafe: true, when: (s) => !green(s), run: fixLoop },
  {
    name: "deploy",
    always: false,
    dryRunSafe: true, // the operator itself prints instead of running in a dry run
    when: (s) => !!s.opts.environment && green(s),
    run: deployStep,
  },
  {
    name: "verify",
    always: false,
    dryRunSafe: false,
    when: (s) => !!s.opts.environment && green(s),
    run: verifyOrSay,
  },
  { name: "publish", always: false, dryRunSafe: false, when: (s) => green(s), run: publishStep },
];

/**
 * Run the whole orchestration.
 *
 * @param opts Flags and injected dependencies.
 * @returns The report and where it was written.
 * @throws {ConfigError} For invalid config (before anything runs).
 * @throws {LockBusyError} When another run holds the repository.
 * @example
 * ```ts
 * import { ShellExecutor } from "../core/exec.ts";
 * import { runOrchestration } from "./loop.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${dir}/fleet-orch.yaml`,
 *   "agents:\n  codex: { enabled: false }\n  jules: { enabled: false }\nquality_gates:\n  hello:\n    command: echo hello\n",
 * );
 * const sh = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
 * await sh.run("git init -q && git -c user.name=a -c user.email=a@example.invalid commit -q --allow-empty -m init", { cwd: dir });
 * const { report } = await runOrchestration({ repo: dir, logLevel: "error", write: () => {} });
 * console.assert(report.stopReason === "success" && report.exitCode === 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runOrchestration(opts: OrchestrationOptions): Promise<Orchestration> {
  // A run calls the models: an endpoint that cannot be resolved (a base URL
  // without its scheme in OPENAI_BASE_URL, Azure without an endpoint) stops it
  // here, as a config error at the agent's key, before the first gate.
  const rt = await openRuntime({ ...opts, models: true });
  const config = rt.loaded.config;
  const dryRun = opts.dryRun ?? config.agents.orchestrator.dry_run;
  const steps = planFromConfig(rt);
  // The tokenizer's tables take ~100 ms to load: start now, so the load
  // overlaps preflight and the baseline gates instead of the first fix.
  // Warm-up only: the fixer loads the counter again and reports a failure itself.
  if (config.agents.codex.enabled) loadTokenCounter().catch(() => {});
  const unknown = opts.environment ? unknownEnvironment(config, opts.environment, rt.loaded) : null;
  if (unknown) {
    await rt.close();
    throw new UsageError(unknown);
  }
  if (opts.fromCi) await checkFromCi(!!config.vcs, rt.env, opts.ciRunId);
  const runId = newRunId();
  const reportDir = opts.reportDir ?? config.report.dir;
  const runDir = dryRun && !reportDir
    ? await Deno.makeTempDir({ prefix: `fleet-orch-run-${runId}-` })
    : await createRunDir(rt.stateDir, runId, reportDir, rt.repoRoot);
  await Deno.mkdir(join(runDir, "logs"), { recursive: true });
  // report.layout: seed also keeps the seed's logs/ (never in a dry run's working tree).
  const seedLogs = config.report.layout === "seed" && !(dryRun && !reportDir)
    ? await createSeedLogDir(rt.loaded.file, reportDir, rt.repoRoot)
    : undefined;
  // The seed's orchestrator.log: every line, all levels, redacted.
  const log = createLogger({
    level: "info",
    redact: rt.redact,
    file: [
      join(runDir, "orchestrator.log"),
      ...(seedLogs ? [join(seedLogs, "orchestrator.log")] : []),
    ],
    ...(opts.write ? { write: opts.write } : {}),
  });
  const cap = opts.maxCostUsd ?? config.agents.orchestrator.max_cost_usd;
  const s: RunState = {
    rt,
    opts,
    log,
    runId,
    runDir,
    dryRun,
    steps,
    gates: [],
    iterations: [],
    ledger: new CostLedger(cap),
    recipes: [],
    wouldApply: [],
    startedAt: new Date(),
    ...(seedLogs ? { seedLogDir: seedLogs } : {}),
  };
  log.info(`fleet-orch run ${runId}${dryRun ? " (dry run: nothing will be written)" : ""}`);
  await checkSandbox(s);
  // A pull-request build: the fix is cut from the pull request's head commit
  // (not CI's merge commit) and goes to its head branch; `delivery: commit`
  // fixes the checkout itself, except for a fork, which only gets a comment.
  s.event = await pullRequestEvent(rt.env);
  const startPoint = s.event?.headSha && (s.event.fork || config.delivery.mode !== "commit")
    ? s.event.headSha
    : undefined;
  if (s.event) {
    log.info(
      `Pull request${s.event.number ? ` #${s.event.number}` : ""} from ${s.event.headBranch}` +
        `${s.event.fork ? " (a fork: nothing will be pushed)" : ""}`,
    );
  }
  const { workspace, lock } = await openWorkspace({
    git: rt.git,
    exec: rt.exec,
    stateDir: rt.stateDir,
    runId,
    dryRun,
    log,
    ...(startPoint ? { startPoint } : {}),
  });
  s.ws = workspace;
  try {
    if (workspace.backupBranch) log.info(`Backup branch: ${workspace.backupBranch}`);
    if (workspace.workBranch) {
      log.info(`Working on branch ${workspace.workBranch} in ${workspace.dir}`);
    }
    for (const step of LIFECYCLE) {
      if (s.stop && !step.always) break;
      if (opts.signal?.aborted) {
        s.stop = { reason: "error", message: "Interrupted; the repository is as it was" };
        break;
      }
      if (step.when && !step.when(s)) continue;
      if (dryRun && !step.dryRunSafe) {
        log.info(`[dry run] skipping ${step.name}`);
        continue;
      }
      try {
        await step.run(s);
      } catch (e) {
        if (e instanceof PolicyViolation) {
          s.stop = { reason: "forbidden", message: e.message };
        } else if (e instanceof ReviewerUnavailable) {
          s.stop = { reason: "reviewer_unavailable", message: e.message };
        } else if (e instanceof CostCapReached) {
          s.stop = { reason: "cost_cap", message: e.message };
        } else throw e;
      }
    }
    if (!s.stop) {
      s.stop = green(s)
        ? {
          reason: "success",
          message: `All required gates pass${s.deployment?.note ? `; ${s.deployment.note}` : ""}`,
        }
        : { reason: "error", message: "The run ended without a verdict" };
    }
  } catch (e) {
    s.stop = { reason: "error", message: messageOf(e) };
    log.error(messageOf(e));
  } finally {
    const closed = await workspace.close().catch((e) => {
      log.warn(`Could not remove the workspace: ${messageOf(e)}`);
      return { keptBranch: true }; // unknown: the report names the branches
    });
    s.branchesKept = closed.keptBranch;
    if (workspace.workBranch && closed.keptBranch) {
      log.info(`Fixes are on branch ${workspace.workBranch} (your working tree is untouched)`);
    }
    await lock?.release();
  }
  // Redacted once here: the report goes to files, stdout (--json) and notifiers.
  const report = redactReport(buildReport(s), rt.redact);
  const files = await writeReports(runDir, report, {
    formats: config.report.formats,
    redact: rt.redact,
    env: (n) => rt.env[n],
    ...(opts.json ? { json: true } : {}),
  });
  log.info(`Stopped: ${report.stopReason} — ${report.message}`);
  if (!dryRun) await notify(rt, log, report, files);
  if (!dryRun) await ciFeedback(rt, log, { report, files, event: s.event ?? null });
  if (!dryRun) await pruneRunDirs(dirname(runDir), config.report.retention, log);
  log.info(`Report: ${files.json}`);
  await rt.close();
  return { report, runDir, files, wouldApply: s.wouldApply };
}

function byGate(
  executions: { gate: string; durationMs: number }[],
): Record<string, { count: number; durationMs: number }> {
  const out: Record<string, { count: number; durationMs: number }> = {};
  for (const e of executions) {
    const g = out[e.gate] ??= { count: 0, durationMs: 0 };
    g.count++;
    g.durationMs += e.durationMs;
  }
  return out;
}

function buildReport(s: RunState): RunReport {
  const calls = s.ledger.calls;
  const reason = s.stop!.reason;
  return {
    runId: s.runId,
    startedAt: s.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    repo: s.rt.repoRoot,
    branch: s.ws?.baseCommit ?? "",
    // Branches are named only when they still exist (a run that changed
    // nothing deletes both).
    ...(s.ws?.workBranch && s.branchesKept ? { workBranch: s.ws.workBranch } : {}),
    ...(s.ws?.backupBranch && s.branchesKept ? { backupBranch: s.ws.backupBranch } : {}),
    dryRun: s.dryRun,
    stopReason: reason,
    exitCode: EXIT_BY_REASON[reason],
    iterations: s.iterations,
    gates: s.gates,
    ...(s.deployment ? { deployment: s.deployment } : {}),
    ...(s.verification ? { verification: s.verification } : {}),
    ...(s.sandbox ? { sandbox: s.sandbox } : {}),
    ...(s.pullRequestUrl ? { pullRequestUrl: s.pullRequestUrl } : {}),
    ...(s.delivery ? { delivery: s.delivery } : {}),
    ...(s.triage?.length ? { triage: s.triage } : {}),
    executions: {
      count: (s.executions ?? []).length,
      durationMs: (s.executions ?? []).reduce((a, e) => a + e.durationMs, 0),
      byGate: byGate(s.executions ?? []),
    },
    totals: {
      tokensIn: calls.reduce((a, c) => a + c.tokensIn, 0),
      tokensOut: calls.reduce((a, c) => a + c.tokensOut, 0),
      costUsd: s.ledger.totalUsd,
      durationMs: Date.now() - s.startedAt.getTime(),
    },
    message: s.stop!.message,
  };
}

/**
 * Everything that can be known before the first gate runs or the first model
 * is called, checked at once (fail closed): the deploy plan as a whole and
 * production approval, the model providers and the recipes the config names,
 * and whether the reviewer the config names can run.
 */
async function preflight(s: RunState): Promise<void> {
  if (s.opts.environment) await checkDeploy(s);
  s.models = await makeModels({ ...s.rt, log: s.log }, s.ledger);
  s.recipes = await loadRecipes(s);
  const problem = s.models.reviewerProblem;
  if (!problem) return;
  if (reviewerNamed(s) && s.models.fixer) {
    // A model could write a patch that no reviewer model would see.
    throw new ReviewerUnavailable(`${problem} (agents.jules in ${s.rt.loaded.file})`);
  }
  s.log.warn(
    s.models.fixer
      ? `No reviewer model (${problem}); patches are reviewed by the policy engine only`
      : `No reviewer model (${problem}); recipe fixes are reviewed by the policy engine only`,
  );
}

/** Whether the config file itself names the reviewer (an enabled `agents.jules` section). */
function reviewerNamed(s: RunState): boolean {
  const raw = s.rt.loaded.yaml.value as { agents?: { jules?: unknown } } | undefined;
  return !!raw?.agents?.jules && s.rt.loaded.config.agents.jules.enabled;
}

// Before the first gate: gates that run after a fix need the sandbox, and a
// run that must not go on without one stops before doing anything.
async function checkSandbox(s: RunState): Promise<void> {
  const mode = s.rt.exec.sandboxMode;
  s.sandbox = sandboxReport(mode, mode === "off" ? undefined : await s.rt.exec.probeSandbox());
  if (s.sandbox.active || mode === "off") {
    if (mode === "off") s.log.info("safety.sandbox is off: gates run unsandboxed after a fix");
    return;
  }
  if (mode === "required") {
    s.stop = {
      reason: "forbidden",
      message: `safety.sandbox is "required" but no sandbox is available: ${s.sandbox.reason}. ` +
        `Install bubblewrap (apt-get install bubblewrap) and allow unprivileged user ` +
        `namespaces (see docs/security.md, "Sandbox"), or set safety.sandbox: auto`,
    };
    s.log.error(s.stop.message);
    return;
  }
  s.log.warn(
    `WARNING: NO SANDBOX. Gates will run code a model wrote WITHOUT the sandbox ` +
      `(read-only file system, no network): ${s.sandbox.reason}. Install bubblewrap, or set ` +
      `safety.sandbox: required to refuse such runs (docs/security.md, "Sandbox")`,
  );
}

async function baselineGates(s: RunState): Promise<void> {
  const fromCi = s.opts.fromCi ? await ciBaseline(s) : null;
  if (fromCi) return void (s.gates = fromCi);
  s.log.info("Running the quality gates");
  s.gates = await runCounted(s, "baseline");
  const refused = s.gates.find((g) => g.policyViolation);
  if (refused) {
    s.stop = {
      reason: "forbidden",
      message: `Gate "${refused.name}" was refused by policy: ${refused.output.trim()}`,
    };
  }
}
