/**
 * The deploy phase of `fleet-orch run --environment E`: the operator runs
 * the environment's deploy steps (the built-in AKS steps of
 * `deployment.provider: aks`, then `agents.devops.deploy.<env>`), and heals
 * them as the fix loop heals gates. A failing step goes to the fixer with
 * its output and the files the command names (`kubectl apply -f k8s/` → the
 * manifests under `k8s/`); the fix is reviewed by the policy engine and the
 * reviewer, applied and committed on the work branch, the gates are checked
 * again, and the deploy runs again — within the run's iteration cap.
 *
 * It also says plainly when there is nothing to deploy or verify (a seed
 * config without a `deployment` section), instead of failing the run.
 *
 * @module
 */

import { basename, join } from "node:path";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import type { Failure, FixProposal, GateResult } from "../core/types.ts";
import type { Config, LoadedConfig } from "../core/config.ts";
import { closestName } from "../core/suggest.ts";
import { UsageError } from "../core/errors.ts";
import { checkDeployPlan, deploy, type DeployStep, namedFiles } from "../agents/operator.ts";
import type { NamedCommand } from "../agents/operator.ts";
import type { AttemptRecord } from "../agents/fixer.ts";
import { aksSteps, type AksTarget, mergeTarget, missingSettings } from "../plugins/deploy/aks.ts";
import { rolloutTargets } from "../plugins/deploy/aks.ts";
import { extractChunks } from "../gates/extract.ts";
import { applyInWorkspace, patchPaths, propose, review } from "./fix.ts";
import { verifyStep } from "./deliver.ts";
import { green, mergeGates, runCounted, type RunState } from "./state.ts";
import type { ReportIteration } from "../report/types.ts";

/** Verification keys of an environment: with none of them there is nothing to verify. */
const VERIFY_KEYS = [
  "health_endpoint",
  "verification_endpoints",
  "smoke_tests",
  "critical_flows",
  "verifiers",
] as const;

/**
 * Why `--environment E` cannot run with this config, or null. An environment
 * is unknown only when the config lists environments and E is not one of
 * them and has no deploy commands; a config without environments (the seed's
 * without a `deployment` section) accepts any name and says it deploys nothing.
 *
 * @param config The config.
 * @param env The environment asked for.
 * @param loaded The loaded file, to say where the environments are listed.
 * @returns The usage message, or null.
 */
export function unknownEnvironment(
  config: Config,
  env: string,
  loaded?: Pick<LoadedConfig, "file" | "yaml">,
): string | null {
  const envs = config.deployment.environments;
  if (Object.hasOwn(envs, env) || Object.keys(envs).length === 0) return null;
  if (Object.hasOwn(config.agents.devops.deploy, env)) return null;
  const names = [...Object.keys(envs), ...Object.keys(config.agents.devops.deploy)];
  const near = closestName(env, names);
  const at = loaded
    ? (() => {
      const { line, col } = loaded.yaml.locate(["deployment", "environments"]);
      return ` (${loaded.file}:${line}:${col})`;
    })()
    : "";
  return `Unknown environment "${env}"; configured: ${[...new Set(names)].join(", ")}${at}${
    near ? `; did you mean "${near}"?` : ""
  }`;
}

/** The deploy target of an environment (the `deployment:` keys under the environment's). */
function targetOf(s: RunState, env: string): AksTarget {
  const { environments: _e, ...top } = s.rt.loaded.config.deployment;
  const envCfg = s.rt.loaded.config.deployment.environments[env];
  return mergeTarget(top, envCfg, (n) => s.rt.env[n]);
}

/**
 * The deploy steps of an environment, in order: the built-in AKS steps, then
 * `agents.devops.deploy.<env>`.
 *
 * @param s The run.
 * @param env The environment.
 * @param input Image tag, the run's kubeconfig path, the worktree.
 * @returns The named commands.
 * @throws {UsageError} When `provider: aks` lacks a cluster or resource group.
 */
export async function deploySteps(
  s: RunState,
  env: string,
  input: { tag: string; kubeconfig: string; dir: string },
): Promise<NamedCommand[]> {
  const config = s.rt.loaded.config;
  const target = targetOf(s, env);
  const steps: NamedCommand[] = [];
  if (target.provider === "aks") {
    const missing = missingSettings(target);
    if (missing) throw new UsageError(`${missing} (${s.rt.loaded.file})`);
    steps.push(...aksSteps(target, {
      tag: input.tag,
      kubeconfig: input.kubeconfig,
      repoName: basename(s.rt.repoRoot),
      rollout: await rolloutTargets(target, input.dir),
    }));
  }
  (config.agents.devops.deploy[env] ?? []).forEach((command, i) =>
    steps.push({ name: `step ${i + 1}`, command })
  );
  return steps;
}

/** Whether the config file itself has a `deployment` section. */
function hasDeploymentSection(s: RunState): boolean {
  const raw = s.rt.loaded.yaml.value as { deployment?: unknown } | null | undefined;
  return !!raw && typeof raw === "object" && raw.deployment !== undefined &&
    raw.deployment !== null;
}

/**
 * Before the first gate: judge the whole deploy plan (with the repository as
 * it is) and production approval. A config that deploys nothing to this
 * environment and does not name it needs no approval: nothing would happen.
 *
 * @param s The run.
 * @throws {PolicyViolation} For production without approval, or a refused command.
 * @throws {UsageError} For an incomplete `provider: aks` target.
 */
export async function checkDeploy(s: RunState): Promise<void> {
  const env = s.opts.environment!;
  const config = s.rt.loaded.config;
  const steps = await deploySteps(s, env, {
    tag: "preflight",
    kubeconfig: join(s.runDir, "kubeconfig"),
    dir: s.rt.repoRoot,
  });
  const named = Object.hasOwn(config.deployment.environments, env);
  if (steps.length === 0 && !named) return;
  checkDeployPlan({
    environment: env,
    commands: steps.map((c) => c.command),
    judge: (c) => s.rt.exec.judge(c),
    approved: s.opts.approve ?? false,
    requiresApproval: config.deployment.environments[env]?.requires_approval,
  });
}

/**
 * Deploy the environment, healing failing steps.
 *
 * @param s The run; `s.deployment` records every step, `s.stop` is set when
 *   the deploy cannot be made to pass.
 * @throws {PolicyViolation} For production without approval, a refused command,
 *   or a fix that changed the worktree differently from the reviewed diff.
 */
export async function deployStep(s: RunState): Promise<void> {
  const env = s.opts.environment!;
  const config = s.rt.loaded.config;
  const record: NonNullable<RunState["deployment"]> = {
    environment: env,
    ok: true,
    steps: [],
    attempts: 0,
  };
  s.deployment = record;
  const target = targetOf(s, env);
  const kubeDir = target.provider === "aks" && !s.dryRun
    ? await Deno.makeTempDir({ prefix: "fleet-orch-kube-" })
    : null;
  try {
    const plan = async () =>
      await deploySteps(s, env, {
        tag: (await s.ws!.git.run(["rev-parse", "--short=12", "HEAD"])).trim(),
        kubeconfig: join(kubeDir ?? s.runDir, "kubeconfig"),
        dir: s.ws!.dir,
      });
    let steps = await plan();
    if (steps.length === 0) {
      record.note = hasDeploymentSection(s)
        ? `No deploy steps for "${env}" (agents.devops.deploy.${env} or deployment.provider): nothing was deployed`
        : `The config has no deployment section: nothing was deployed to "${env}" and nothing was verified`;
      s.log.info(record.note);
      return;
    }
    const heal = new Healer(s);
    for (;;) {
      record.attempts++;
      const r = await deploy({
        environment: env,
        commands: steps,
        exec: s.rt.exec,
        cwd: s.ws!.dir,
        approved: s.opts.approve ?? false,
        requiresApproval: config.deployment.environments[env]?.requires_approval,
        dryRun: s.dryRun,
        timeoutMs: config.agents.devops.timeout * 1000,
        log: s.log,
        envPassthrough: config.agents.devops.env_passthrough,
        logDir: join(s.runDir, "logs"),
        logPrefix: record.attempts > 1 ? `${record.attempts}-` : "",
        ...(s.opts.signal ? { signal: s.opts.signal } : {}),
      });
      record.steps.push(...r.steps.map((x) => ({ ...x, attempt: record.attempts })));
      record.ok = r.ok;
      if (r.ok) {
        if (record.attempts > 1) {
          s.log.info(`Deployed to "${env}" after ${record.attempts - 1} fix(es)`);
        }
        return;
      }
      // Interrupted: the lifecycle stops at its next step; nothing is healed.
      if (s.opts.signal?.aborted) return;
      if (!await heal.attempt(r.steps[r.steps.length - 1]!)) return;
      steps = await plan();
    }
  } finally {
    if (kubeDir) await Deno.remove(kubeDir, { recursive: true }).catch(() => {});
  }
}

/**
 * Verify the environment, or say plainly that there is nothing to verify
 * (no health endpoint, endpoints, smoke tests, flows or verifier plugins):
 * that is not a failure of the run.
 *
 * @param s The run.
 */
export async function verifyOrSay(s: RunState): Promise<void> {
  const env = s.opts.environment!;
  const settings = s.rt.loaded.config.deployment.environments[env] as
    | Record<string, unknown>
    | undefined;
  const empty = !settings || VERIFY_KEYS.every((k) => {
    const v = settings[k];
    return v === undefined || v === "" || (Array.isArray(v) && v.length === 0);
  });
  if (!empty) {
    await verifyStep(s);
    if (s.seedLogDir) await copyVerificationReports(s.runDir, s.seedLogDir);
    return;
  }
  const note = settings
    ? `Nothing to verify for "${env}": set health_endpoint, verification_endpoints, smoke_tests, ` +
      `critical_flows or verifiers under deployment.environments.${env}`
    : `Nothing verified for "${env}": the config has no deployment.environments.${env}`;
  if (s.deployment && !s.deployment.note?.includes("nothing was verified")) {
    s.deployment.note = s.deployment.note ? `${s.deployment.note}. ${note}` : note;
  }
  if (!s.deployment?.note?.includes("nothing was verified")) s.log.info(note);
}

/** Copy the run's verification reports into the seed's `logs/` (report.layout: seed). */
async function copyVerificationReports(runDir: string, seedLogDir: string): Promise<void> {
  for await (const e of Deno.readDir(runDir)) {
    if (!e.isFile || !/^verification_.*\.json$/.test(e.name)) continue;
    const to = join(seedLogDir, e.name);
    if (!existsSync(to)) await Deno.copyFile(join(runDir, e.name), to);
  }
}

/** Repairs failing deploy steps, one fix per call, within the run's budgets. */
class Healer {
  private readonly history: AttemptRecord[] = [];
  private readonly triedRecipes = new Set<string>();
  private stalled = 0;
  private lastKey = "";

  constructor(private readonly s: RunState) {}

  /**
   * Try one fix for a failed step.
   *
   * @returns True when a fix was committed and the deploy should run again.
   */
  async attempt(failed: DeployStep): Promise<boolean> {
    const s = this.s;
    const o = s.rt.loaded.config.agents.orchestrator;
    const max = s.opts.maxIterations ?? o.max_iterations;
    const what = `Deploy step "${failed.name}" failed (exit ${failed.exitCode}): ${failed.command}`;
    const stop = (reason: "verification_failed" | "no_progress" | "rejected", why: string) => {
      s.stop = { reason, message: `${what}; ${why}` };
      return false;
    };
    if (s.dryRun) return stop("verification_failed", "a dry run does not repair deploys");
    if (!s.models?.fixer && s.recipes.length === 0) {
      return stop("verification_failed", "no fixer model to repair it");
    }
    if (s.iterations.length >= max) {
      return stop("verification_failed", `the iteration budget (${max}) is spent`);
    }
    const known = (await s.ws!.git.run(["ls-files"])).split("\n").filter(Boolean);
    const gate = this.gateOf(failed, namedFiles(failed.command, known));
    const key = gate.failures[0]!.fingerprint;
    if (key === this.lastKey && ++this.stalled >= o.max_no_progress_iterations) {
      return stop("no_progress", `the same failure after ${this.stalled} fix(es)`);
    }
    if (key !== this.lastKey) this.stalled = 0;
    this.lastKey = key;
    const started = Date.now();
    const it: ReportIteration = {
      index: s.iterations.length + 1,
      failures: gate.failures,
      applied: false,
      gates: [],
      calls: [],
      durationMs: 0,
    };
    s.iterations.push(it);
    s.log.info(
      `Iteration ${it.index}/${max}: repairing the deploy (${failed.name}) with ${
        gate.failures.filter((f) => f.file).length
      } file(s) the command names in context`,
    );
    try {
      return await this.fix(it, gate);
    } finally {
      it.durationMs = Date.now() - started;
    }
  }

  private async fix(it: ReportIteration, gate: GateResult): Promise<boolean> {
    const s = this.s;
    const files = gate.failures.map((f) => f.file).filter((f): f is string => !!f);
    const chunk = extractChunks(gate.output)[0]?.text ?? gate.output.slice(-4000);
    const proposed = await propose({
      failures: gate.failures,
      gates: [gate],
      recipes: s.recipes,
      triedRecipes: this.triedRecipes,
      models: s.models!,
      dir: s.ws!.dir,
      git: s.ws!.git,
      history: this.history,
      changedFiles: files,
      redact: s.rt.redact,
      log: s.log,
      logChunk: chunk,
      ...(s.opts.signal ? { signal: s.opts.signal } : {}),
    });
    it.calls.push(...proposed.calls);
    const proposal = proposed.proposal;
    if (!proposal) {
      this.history.push(this.attemptRecord(it, null, "not_applicable", [proposed.why ?? ""]));
      // Without a fixer model this is the deploy's failure, as it was before healing.
      s.stop = {
        reason: s.models?.fixer ? "no_progress" : "verification_failed",
        message: `Deploy step "${
          gate.name.replace(/^deploy /, "")
        }" failed (exit ${gate.exitCode}): ${gate.command ?? ""}; no fix was proposed: ${
          proposed.why ?? ""
        }`,
      };
      return false;
    }
    it.proposal = { source: proposal.source, summary: proposal.summary, diff: proposal.diff };
    s.log.info(`Proposal from ${proposal.source}: ${proposal.summary}`);
    const reviewed = await review({
      proposal,
      failures: gate.failures,
      policy: s.rt.policy,
      models: s.models!,
      redact: s.rt.redact,
      dir: s.ws!.dir,
      ...(s.opts.signal ? { signal: s.opts.signal } : {}),
    });
    it.calls.push(...reviewed.calls);
    it.review = { verdict: reviewed.verdict, reasons: reviewed.reasons, source: reviewed.source };
    if (reviewed.verdict === "reject") {
      const reasons = reviewed.reasons.join("; ");
      s.log.warn(`Patch rejected (${reviewed.source}): ${reasons}`);
      this.history.push(this.attemptRecord(it, proposal, "rejected", reviewed.reasons));
      if (reviewed.forbidden) {
        s.stop = { reason: "forbidden", message: `Patch adds a forbidden operation: ${reasons}` };
        return false;
      }
      if (reviewed.reviewerUnavailable) {
        s.stop = { reason: "reviewer_unavailable", message: `The reviewer cannot run: ${reasons}` };
        return false;
      }
      if (s.rt.loaded.config.agents.orchestrator.stop_on_rejection && !reviewed.integrityDenied) {
        s.stop = { reason: "rejected", message: `Patch rejected: ${reasons}` };
        return false;
      }
      return true; // feedback for the next attempt; the same failure counts as no progress
    }
    const applied = await applyInWorkspace(proposal.diff, s.ws!.dir, {
      git: s.ws!.git,
      policy: s.rt.policy,
    });
    if (!applied.ok) {
      s.log.warn(`Patch does not apply: ${applied.error ?? ""}`);
      this.history.push(this.attemptRecord(it, proposal, "not_applicable", [applied.error ?? ""]));
      return true;
    }
    it.applied = true;
    const commit = await s.ws!.git.commitAll(
      `fleet-orch: ${proposal.summary}\n\nDeploy: ${gate.name}\nFailure: ${
        gate.failures[0]!.message.slice(0, 200)
      }\nIteration: ${it.index}\nSource: ${proposal.source}\nRun: ${s.runId}\n`,
      patchPaths(proposal.diff).map((p) => `:(literal)${p}`),
    );
    if (commit) it.commit = commit;
    // The fix must not break the build: the gates run again (results whose
    // inputs the fix did not touch are reused).
    const before = s.gates;
    const after = await runCounted(s, `iteration-${it.index}`, {
      reuse: "after-fix",
      sandbox: s.sandbox?.active ?? false,
    });
    it.gates = after;
    s.gates = mergeGates(s.gates, after);
    if (!green(s)) {
      s.log.warn("The deploy fix broke a gate; reverting it on the work branch");
      if (commit) await s.ws!.git.run(["revert", "--no-edit", "HEAD"]);
      s.gates = before;
      this.history.push(
        this.attemptRecord(it, proposal, "reverted", [
          "It broke a quality gate, so it was reverted",
        ]),
      );
      return true;
    }
    this.history.push(this.attemptRecord(it, proposal, "applied", []));
    return true;
  }

  private attemptRecord(
    it: ReportIteration,
    proposal: FixProposal | null,
    outcome: AttemptRecord["outcome"],
    reasons: string[],
  ): AttemptRecord {
    return {
      iteration: it.index,
      summary: proposal?.summary ?? "(no diff)",
      diff: proposal?.diff ?? "",
      outcome,
      reasons,
    };
  }

  /** The failed step as a gate result whose failures point at the files the command names. */
  private gateOf(failed: DeployStep, files: string[]): GateResult {
    const output = failed.output;
    const lines = output.split("\n").map((l) => l.trim()).filter(Boolean);
    const first = lines.find((l) => /\b(?:error|invalid|failed|unknown|denied)\b/i.test(l)) ??
      lines[lines.length - 1] ?? `exit ${failed.exitCode}`;
    const message = `${failed.name}: ${first}`.slice(0, 500);
    const tool = failed.command.trim().split(/\s+/)[0] ?? "deploy";
    // The files the output mentions come first: the fixer ranks them higher.
    const ordered = [
      ...files.filter((f) => output.includes(f)),
      ...files.filter((f) => !output.includes(f)),
    ].slice(0, 12);
    const fp = createHash("sha256").update(`${failed.command}\0${first}`).digest("hex").slice(
      0,
      16,
    );
    const excerpt = lines.slice(-20).join("\n");
    const id = `deploy-${failed.name.replace(/[^A-Za-z0-9_-]+/g, "-")}`;
    const failures: Failure[] = ordered.length
      ? ordered.map((file) => ({ gate: id, tool, file, message, excerpt, fingerprint: fp }))
      : [{ gate: id, tool, message, excerpt, fingerprint: fp }];
    return {
      id,
      name: `deploy ${failed.name}`,
      command: failed.command,
      required: true,
      status: "failed",
      exitCode: failed.exitCode,
      durationMs: failed.durationMs,
      output,
      failures,
    };
  }
}
