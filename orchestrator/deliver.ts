/**
 * What happens after a green build: deploy (the operator), verify the
 * environment, push the work branch and open a pull request, and tell the
 * notifiers.
 *
 * @module
 */

import type { Logger } from "../core/log.ts";
import type { VerifierPlugin } from "../core/plugin.ts";
import { deploy } from "../agents/operator.ts";
import { verifyEnvironment, writeVerificationReport } from "../plugins/verifiers/mod.ts";
import { publish } from "./publish.ts";
import type { WrittenReport } from "../report/report.ts";
import type { RunReport } from "../report/types.ts";
import type { Runtime } from "./runtime.ts";
import type { RunState } from "./state.ts";
import { messageOf } from "../core/errors.ts";

/**
 * Run the environment's deploy commands (agents.devops.deploy.<env>).
 *
 * @param s The run.
 * @throws {PolicyViolation} For production without approval, or a refused command.
 */
export async function deployStep(s: RunState): Promise<void> {
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

/**
 * Verify the environment (health, endpoints, smoke tests, flows, verifier
 * plugins) and write the seed's verification_<env>_<time>.json.
 *
 * @param s The run.
 */
export async function verifyStep(s: RunState): Promise<void> {
  const name = s.opts.environment!;
  const settings = s.rt.loaded.config.deployment.environments[name]!;
  const verifiers: VerifierPlugin[] = [];
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
  // The built-in http verifier always runs, once.
  if (verifiers.length && !(settings.verifiers ?? []).some((v) => v.uses === "http")) {
    verifiers.unshift(
      await s.rt.registry.instantiate("verifier", { uses: "http", with: {} }, {
        configDir: s.rt.repoRoot,
        context: s.rt.pluginContext,
      }),
    );
  }
  const startedAt = new Date().toISOString();
  const r = await verifyEnvironment(name, settings as Record<string, unknown>, {
    fetch: s.rt.pluginContext.fetch,
    log: s.log,
    env: (n: string) => s.rt.env[n],
    ...(verifiers.length ? { verifiers } : {}),
  });
  s.verification = { environment: name, ok: r.ok, results: r.results };
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

/**
 * Push the work branch and open a pull request when `vcs:` is configured.
 *
 * @param s The run.
 */
export async function publishStep(s: RunState): Promise<void> {
  if (!s.ws?.workBranch || s.iterations.every((it) => !it.commit)) return;
  await publish(s.rt, s.log, { branch: s.ws.workBranch, runId: s.runId, iterations: s.iterations });
}

/**
 * Tell every configured notifier; a failing notifier is a warning, not a failed run.
 *
 * @param rt The runtime.
 * @param log The run's logger.
 * @param report The (redacted) report.
 * @param files The written report files (the Markdown summary is sent).
 */
export async function notify(
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
      log.warn(`Notifier "${ref.uses}" failed: ${messageOf(e)}`);
    }
  }
}
