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

import { join } from "node:path";
import { PolicyViolation, UsageError } from "../core/errors.ts";
import type { FixerPlugin } from "../core/plugin.ts";
import type { CallRecord, GateResult } from "../core/types.ts";
import { createLogger, type Logger } from "../core/log.ts";
import { runGates } from "../gates/runner.ts";
import type { GateStep } from "../gates/plan.ts";
import { extractChunks } from "../gates/extract.ts";
import { builtinFixers } from "../plugins/fixers/mod.ts";
import { verifyEnvironment, writeVerificationReport } from "../plugins/verifiers/mod.ts";
import type { AttemptRecord } from "../agents/fixer.ts";
import { deploy } from "../agents/operator.ts";
import { loadTokenCounter } from "../agents/budget.ts";
import { CostLedger } from "../plugins/llm/pricing.ts";
import { gatesGreen, planFromConfig } from "./check.ts";
import { openRuntime, type Runtime, type RuntimeOptions } from "./runtime.ts";
import { createRunDir, newRunId } from "./run_dir.ts";
import { openWorkspace, type Workspace } from "./workspace.ts";
import { CostCapReached, makeModels } from "./models.ts";
import { applyInWorkspace, type Models, propose, review } from "./fix.ts";
import { compareProgress, currentFailures, failingFingerprints } from "./progress.ts";
import { redactReport, writeReports, type WrittenReport } from "./report.ts";
import { evaluateCandidates } from "./candidates.ts";
import type { ReportIteration, RunReport, StopReason } from "./report_types.ts";
import { publish } from "./publish.ts";

/** Options of {@link runOrchestration}. */
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
}

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
};

interface State {
  rt: Runtime;
  opts: OrchestrationOptions;
  log: Logger;
  runId: string;
  runDir: string;
  dryRun: boolean;
  ws?: Workspace;
  steps: GateStep[];
  gates: GateResult[];
  iterations: ReportIteration[];
  ledger: CostLedger;
  models?: Models;
  recipes: FixerPlugin[];
  stop?: { reason: StopReason; message: string };
  verification?: RunReport["verification"];
  wouldApply: string[];
  startedAt: Date;
}

/** One lifecycle step. */
interface LifecycleStep {
  name: string;
  /** Runs even after an earlier step stopped the run (reporting, cleanup). */
  always: boolean;
  /** Safe to run in a dry run; otherwise it only says what it would do. */
  dryRunSafe: boolean;
  /** Skipped unless this holds. */
  when?: (s: State) => boolean;
  run: (s: State) => Promise<void>;
}

const LIFECYCLE: LifecycleStep[] = [
  { name: "gates", always: false, dryRunSafe: true, run: baselineGates },
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
    run: verifyStep,
  },
  { name: "publish", always: false, dryRunSafe: false, when: (s) => green(s), run: publishStep },
];

function green(s: State): boolean {
  return s.gates.length > 0 && gatesGreen(s.steps, s.gates);
}

/**
 * Run the whole orchestration.
 *
 * @param opts Flags and injected dependencies.
 * @returns The report and where it was written.
 * @throws {ConfigError} For invalid config (before anything runs).
 * @throws {LockBusyError} When another run holds the repository.
 */
export async function runOrchestration(opts: OrchestrationOptions): Promise<Orchestration> {
  const rt = await openRuntime(opts);
  const config = rt.loaded.config;
  const dryRun = opts.dryRun ?? config.agents.orchestrator.dry_run;
  const steps = planFromConfig(rt);
  // The tokenizer's tables take ~100 ms to load: start now, so the load
  // overlaps preflight and the baseline gates instead of the first fix.
  if (config.agents.codex.enabled) loadTokenCounter().catch(() => {});
  if (opts.environment && !config.deployment.environments[opts.environment]) {
    const valid = Object.keys(config.deployment.environments);
    throw new UsageError(
      `Unknown environment "${opts.environment}"; configured: ${valid.join(", ") || "(none)"}`,
    );
  }
  const runId = newRunId();
  const reportDir = opts.reportDir ?? config.report.dir;
  const runDir = dryRun && !reportDir
    ? await Deno.makeTempDir({ prefix: `fleet-orch-run-${runId}-` })
    : await createRunDir(rt.stateDir, runId, reportDir, rt.repoRoot);
  await Deno.mkdir(join(runDir, "logs"), { recursive: true });
  // The seed's orchestrator.log: every line, all levels, redacted.
  const log = createLogger({
    level: "info",
    redact: rt.redact,
    file: join(runDir, "orchestrator.log"),
    ...(opts.write ? { write: opts.write } : {}),
  });
  const cap = opts.maxCostUsd ?? config.agents.orchestrator.max_cost_usd;
  const s: State = {
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
  };
  log.info(`fleet-orch run ${runId}${dryRun ? " (dry run: nothing will be written)" : ""}`);
  const { workspace, lock } = await openWorkspace({
    git: rt.git,
    exec: rt.exec,
    stateDir: rt.stateDir,
    runId,
    dryRun,
    log,
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
        } else if (e instanceof CostCapReached) {
          s.stop = { reason: "cost_cap", message: e.message };
        } else throw e;
      }
    }
    if (!s.stop) {
      s.stop = green(s)
        ? { reason: "success", message: "All required gates pass" }
        : { reason: "error", message: "The run ended without a verdict" };
    }
  } catch (e) {
    s.stop = { reason: "error", message: (e as Error).message };
    log.error((e as Error).message);
  } finally {
    const closed = await workspace.close().catch((e) => {
      log.warn(`Could not remove the workspace: ${(e as Error).message}`);
      return { keptBranch: false };
    });
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
  log.info(`Report: ${files.json}`);
  await rt.close();
  return { report, runDir, files, wouldApply: s.wouldApply };
}

/** Tell every configured notifier; a failing notifier is a warning, not a failed run. */
async function notify(
  rt: Runtime,
  log: Logger,
  report: RunReport,
  files: WrittenReport,
): Promise<void> {
  const markdown = files.markdown ? await Deno.readTextFile(files.markdown) : report.message;
  for (const [i, ref] of rt.loaded.config.notifiers.entries()) {
    try {
      const n = await rt.registry.instantiate("notifier", ref, {
        configDir: rt.repoRoot,
        context: rt.pluginContext,
        where: { yaml: rt.loaded.yaml, path: ["notifiers", i] },
      });
      await n.notify({
        runId: report.runId,
        stopReason: report.stopReason,
        success: report.stopReason === "success",
        markdown,
      });
    } catch (e) {
      log.warn(`Notifier "${ref.uses}" failed: ${(e as Error).message}`);
    }
  }
}

function buildReport(s: State): RunReport {
  const calls = s.ledger.calls;
  const reason = s.stop!.reason;
  return {
    runId: s.runId,
    startedAt: s.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    repo: s.rt.repoRoot,
    branch: s.ws?.baseCommit ?? "",
    ...(s.ws?.workBranch ? { workBranch: s.ws.workBranch } : {}),
    ...(s.ws?.backupBranch ? { backupBranch: s.ws.backupBranch } : {}),
    dryRun: s.dryRun,
    stopReason: reason,
    exitCode: EXIT_BY_REASON[reason],
    iterations: s.iterations,
    gates: s.gates,
    ...(s.verification ? { verification: s.verification } : {}),
    totals: {
      tokensIn: calls.reduce((a, c) => a + c.tokensIn, 0),
      tokensOut: calls.reduce((a, c) => a + c.tokensOut, 0),
      costUsd: s.ledger.totalUsd,
      durationMs: Date.now() - s.startedAt.getTime(),
    },
    message: s.stop!.message,
  };
}

function gateOptions(s: State, label: string, only?: string[]) {
  return {
    exec: s.rt.exec,
    repoRoot: s.ws!.dir,
    resolveGate: s.rt.resolveGate,
    logDir: join(s.runDir, "logs", label),
    ...(s.opts.jobs ? { jobs: s.opts.jobs } : {}),
    ...(s.opts.view ? { view: s.opts.view } : {}),
    ...(only ? { only } : {}),
    ...(s.opts.signal ? { signal: s.opts.signal } : {}),
  };
}

async function baselineGates(s: State): Promise<void> {
  s.log.info("Running the quality gates");
  s.gates = await runGates(s.steps, gateOptions(s, "baseline"));
  const refused = s.gates.find((g) => g.policyViolation);
  if (refused) {
    s.stop = {
      reason: "forbidden",
      message: `Gate "${refused.name}" was refused by policy: ${refused.output.trim()}`,
    };
  }
}

/** Re-run the failing gates first (cheap), then every gate when they pass. */
async function rerun(
  s: State,
  dir: string,
  label: string,
  failing: string[],
): Promise<GateResult[]> {
  const opts = { ...gateOptions(s, label, failing), repoRoot: dir };
  const partial = await runGates(s.steps, opts);
  if (!gatesGreen(s.steps, partial.filter((g) => failing.includes(g.id)))) return partial;
  return await runGates(s.steps, { ...gateOptions(s, `${label}-all`), repoRoot: dir });
}

function logChunkOf(gates: GateResult[]): string | undefined {
  const failing = gates.find((g) => g.required && g.status !== "passed" && g.status !== "skipped");
  if (!failing) return undefined;
  const chunks = extractChunks(failing.output);
  return chunks[0]?.text;
}

async function fixLoop(s: State): Promise<void> {
  const config = s.rt.loaded.config;
  const o = config.agents.orchestrator;
  const maxIterations = s.opts.maxIterations ?? o.max_iterations;
  const candidates = s.opts.candidates ?? o.candidates;
  s.models = await makeModels({ ...s.rt, log: s.log }, s.ledger);
  s.recipes = await loadRecipes(s);
  const history: AttemptRecord[] = [];
  const triedRecipes = new Set<string>();
  let noProgress = 0;
  for (let i = 1; i <= maxIterations; i++) {
    if (s.opts.signal?.aborted) throw new Error("Interrupted");
    const started = Date.now();
    const failures = currentFailures(s.gates);
    const before = failingFingerprints(s.gates);
    const iteration: ReportIteration = {
      index: i,
      failures,
      applied: false,
      gates: [],
      calls: [],
      durationMs: 0,
    };
    s.iterations.push(iteration);
    // The iteration's own list: calls stay recorded when a later call of the
    // iteration throws (the cost cap is reached between the fixer and the reviewer).
    const calls: CallRecord[] = iteration.calls;
    s.log.info(
      `Iteration ${i}/${maxIterations}: ${failures.length} failure(s) in ${
        [...new Set(failures.map((f) => f.gate))].join(", ")
      }`,
    );
    const failingIds = s.gates.filter((g) =>
      g.required && g.status !== "passed" && g.status !== "skipped"
    )
      .map((g) => g.id);

    let outcome;
    if (candidates > 1 && s.models.fixer) {
      outcome = await evaluateCandidates(s, {
        k: candidates,
        failures,
        failingIds,
        history,
        triedRecipes,
        logChunk: logChunkOf(s.gates),
        rerun: (dir, label) => rerun(s, dir, label, failingIds),
        iteration: i,
      });
    } else {
      const proposed = await propose({
        failures,
        gates: s.gates,
        recipes: s.recipes,
        triedRecipes,
        models: s.models,
        dir: s.ws!.dir,
        git: s.ws!.git,
        history,
        redact: s.rt.redact,
        log: s.log,
        ...(logChunkOf(s.gates) !== undefined ? { logChunk: logChunkOf(s.gates)! } : {}),
        ...(s.opts.signal ? { signal: s.opts.signal } : {}),
      });
      calls.push(...proposed.calls);
      outcome = { proposed, reviewed: null as Awaited<ReturnType<typeof review>> | null };
      if (proposed.proposal) {
        const { source, summary, diff } = proposed.proposal;
        iteration.proposal = { source, summary, diff };
        outcome.reviewed = await review({
          proposal: proposed.proposal,
          failures,
          policy: s.rt.policy,
          models: s.models,
          redact: s.rt.redact,
          ...(s.opts.signal ? { signal: s.opts.signal } : {}),
        });
        calls.push(...outcome.reviewed.calls);
      }
    }
    iteration.calls = [...calls, ...("calls" in outcome ? (outcome.calls as CallRecord[]) : [])];
    const { proposed, reviewed } = outcome;
    if (!proposed.proposal) {
      iteration.durationMs = Date.now() - started;
      const needsModel = !s.models.fixer;
      s.stop = needsModel
        ? { reason: "needs_model", message: proposed.why ?? "No fix could be proposed" }
        : { reason: "no_progress", message: proposed.why ?? "No fix could be proposed" };
      if (!needsModel) {
        noProgress++;
        history.push({
          iteration: i,
          summary: "(no diff)",
          diff: "",
          outcome: "not_applicable",
          reasons: [proposed.why ?? ""],
        });
        if (noProgress < o.max_no_progress_iterations) {
          delete s.stop;
          continue;
        }
      }
      return;
    }
    const proposal = proposed.proposal;
    iteration.proposal = {
      source: proposal.source,
      summary: proposal.summary,
      diff: proposal.diff,
    };
    s.log.info(`Proposal from ${proposal.source}: ${proposal.summary}`);
    if (reviewed) {
      iteration.review = {
        verdict: reviewed.verdict,
        reasons: reviewed.reasons,
        source: reviewed.source,
      };
      if (reviewed.verdict === "reject") {
        iteration.durationMs = Date.now() - started;
        s.log.warn(`Patch rejected (${reviewed.source}): ${reviewed.reasons.join("; ")}`);
        history.push({
          iteration: i,
          summary: proposal.summary,
          diff: proposal.diff,
          outcome: "rejected",
          reasons: reviewed.reasons,
        });
        if (reviewed.forbidden) {
          s.stop = {
            reason: "forbidden",
            message: `Patch adds a forbidden operation: ${reviewed.reasons.join("; ")}`,
          };
          return;
        }
        if (o.stop_on_rejection) {
          s.stop = {
            reason: "rejected",
            message: `Patch rejected: ${reviewed.reasons.join("; ")}`,
          };
          return;
        }
        if (++noProgress >= o.max_no_progress_iterations) {
          s.stop = {
            reason: "no_progress",
            message: `No acceptable patch in ${noProgress} iteration(s)`,
          };
          return;
        }
        continue;
      }
    }
    if ("candidate" in outcome && outcome.candidate) iteration.candidate = outcome.candidate;
    const applied = "applied" in outcome
      ? outcome.applied as { ok: boolean; error?: string }
      : await applyInWorkspace(proposal.diff, s.ws!.dir);
    if (!applied.ok) {
      iteration.durationMs = Date.now() - started;
      s.log.warn(`Patch does not apply: ${applied.error}`);
      history.push({
        iteration: i,
        summary: proposal.summary,
        diff: proposal.diff,
        outcome: "not_applicable",
        reasons: [applied.error ?? ""],
      });
      if (++noProgress >= o.max_no_progress_iterations) {
        s.stop = {
          reason: "no_progress",
          message: `No applicable patch in ${noProgress} iteration(s): ${applied.error}`,
        };
        return;
      }
      continue;
    }
    iteration.applied = true;
    if (s.dryRun) {
      s.wouldApply.push(s.rt.redact(proposal.diff));
      s.log.info(`[dry run] would apply:\n${s.rt.redact(proposal.diff)}`);
    }
    const tokens = iteration.calls.reduce(
      (a, c) => ({ i: a.i + c.tokensIn, o: a.o + c.tokensOut }),
      { i: 0, o: 0 },
    );
    const first = failures[0];
    const commit = await s.ws!.git.commitAll(
      `fleet-orch: ${proposal.summary}\n\n` +
        `Gate: ${[...new Set(failures.map((f) => f.gate))].join(", ")}\n` +
        (first ? `Failure: ${first.message.slice(0, 200)}\n` : "") +
        `Iteration: ${i}\nSource: ${proposal.source}\n` +
        `Tokens: ${tokens.i} in, ${tokens.o} out\nRun: ${s.runId}\n`,
    );
    if (commit && !s.dryRun) iteration.commit = commit;
    const after = "gates" in outcome
      ? outcome.gates as GateResult[]
      : await rerun(s, s.ws!.dir, `iteration-${i}`, failingIds);
    iteration.gates = after;
    iteration.durationMs = Date.now() - started;
    const verdict = compareProgress(before, failingFingerprints(after));
    const gatesBefore = s.gates;
    s.gates = mergeGates(s.gates, after);
    if (green(s)) return;
    const reasons = currentFailures(after).slice(0, 10).map((f) => `${f.gate}: ${f.message}`);
    if (verdict.regressed && commit) {
      // Nothing fixed, something new broken: undo it (a new commit, so the
      // attempt stays in the branch's history) and go on from the old state.
      s.log.warn("The patch made things worse; reverting it on the work branch");
      await s.ws!.git.run(["revert", "--no-edit", "HEAD"]);
      s.gates = gatesBefore;
      reasons.unshift("It broke something new and fixed nothing, so it was reverted");
    }
    history.push({
      iteration: i,
      summary: proposal.summary,
      diff: proposal.diff,
      outcome: "gates_failed",
      reasons,
    });
    if (verdict.progress) noProgress = 0;
    else if (++noProgress >= o.max_no_progress_iterations) {
      s.stop = {
        reason: "no_progress",
        message: `No progress for ${noProgress} iteration(s): the same failures remain`,
      };
      return;
    }
  }
  if (!green(s)) {
    s.stop = {
      reason: "max_iterations",
      message: `Still failing after ${maxIterations} iteration(s)`,
    };
  }
}

/** Later results replace earlier ones by gate id; skipped re-runs keep the earlier result. */
function mergeGates(prev: GateResult[], next: GateResult[]): GateResult[] {
  const byId = new Map(next.map((g) => [g.id, g]));
  return prev.map((g) => {
    const n = byId.get(g.id);
    return n && n.status !== "skipped" ? n : g;
  });
}

async function loadRecipes(s: State): Promise<FixerPlugin[]> {
  const refs = s.rt.loaded.config.fixers;
  const out: FixerPlugin[] = [];
  const defs = refs ? null : builtinFixers;
  if (defs) {
    for (const def of defs) {
      const parsed = def.options.safeParse({});
      if (!parsed.success) continue;
      out.push(await def.create(parsed.data, { ...s.rt.pluginContext, dryRun: s.dryRun }));
    }
    return out;
  }
  for (const [i, ref] of refs!.entries()) {
    out.push(
      await s.rt.registry.instantiate("fixer", ref, {
        configDir: s.rt.repoRoot,
        context: { ...s.rt.pluginContext, dryRun: s.dryRun },
        where: { yaml: s.rt.loaded.yaml, path: ["fixers", i] },
      }),
    );
  }
  return out;
}

async function deployStep(s: State): Promise<void> {
  const name = s.opts.environment!;
  const envCfg = s.rt.loaded.config.deployment.environments[name]!;
  const devops = s.rt.loaded.config.agents.devops;
  const commands = devops.deploy[name] ?? [];
  if (!commands.length) {
    s.log.info(`No deploy commands for "${name}" (agents.devops.deploy.${name}); verifying only`);
    return;
  }
  const r = await deploy({
    environment: name,
    commands,
    exec: s.rt.exec,
    cwd: s.ws!.dir,
    approved: s.opts.approve ?? false,
    requiresApproval: envCfg.requires_approval,
    dryRun: s.dryRun,
    timeoutMs: devops.timeout * 1000,
    log: s.log,
  });
  if (!r.ok) {
    const last = r.steps[r.steps.length - 1];
    s.stop = {
      reason: "verification_failed",
      message: `Deploy command failed: ${last?.command} (exit ${last?.exitCode})`,
    };
  }
}

async function verifyStep(s: State): Promise<void> {
  const name = s.opts.environment!;
  const settings = s.rt.loaded.config.deployment.environments[name]!;
  const verifiers = [];
  for (const [i, ref] of (settings.verifiers ?? []).entries()) {
    verifiers.push(
      await s.rt.registry.instantiate("verifier", ref, {
        configDir: s.rt.repoRoot,
        context: s.rt.pluginContext,
        where: {
          yaml: s.rt.loaded.yaml,
          path: ["deployment", "environments", name, "verifiers", i],
        },
      }),
    );
  }
  const startedAt = new Date().toISOString();
  const r = await verifyEnvironment(name, settings as Record<string, unknown>, {
    fetch: s.rt.pluginContext.fetch,
    log: s.log,
    env: (n: string) => s.rt.env[n],
    ...(verifiers.length
      ? {
        verifiers: (settings.verifiers ?? []).some((v) => v.uses === "http")
          ? verifiers
          : [await builtinHttp(s), ...verifiers],
      }
      : {}),
  });
  s.verification = { environment: name, ok: r.ok, results: r.results };
  // The seed's verification_<env>_<time>.json, beside the run's report.
  await writeVerificationReport(s.runDir, {
    environment: name,
    ok: r.ok,
    startedAt,
    finishedAt: new Date().toISOString(),
    results: r.results,
  });
  for (const v of r.results) s.log.info(`${v.ok ? "ok  " : "FAIL"} ${v.target}: ${v.message}`);
  if (!r.ok) {
    s.stop = { reason: "verification_failed", message: `Verification of "${name}" failed` };
  }
}

async function builtinHttp(s: State) {
  return await s.rt.registry.instantiate("verifier", { uses: "http", with: {} }, {
    configDir: s.rt.repoRoot,
    context: s.rt.pluginContext,
  });
}

async function publishStep(s: State): Promise<void> {
  if (!s.ws?.workBranch || s.iterations.every((it) => !it.commit)) return;
  await publish(s.rt, s.log, { branch: s.ws.workBranch, runId: s.runId, iterations: s.iterations });
}
