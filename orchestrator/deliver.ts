/**
 * What happens after a green build (the deploy itself is in deploy.ts): verify the
 * environment, push the work branch and open a pull request, and tell the
 * notifiers.
 *
 * @module
 */

import type { Logger } from "../core/log.ts";
import type { VerifierPlugin } from "../core/plugin.ts";
import { verifyEnvironment, writeVerificationReport } from "../plugins/verifiers/mod.ts";
import { publish } from "./publish.ts";
import type { WrittenReport } from "../report/report.ts";
import type { RunReport } from "../report/types.ts";
import type { Runtime } from "./runtime.ts";
import type { RunState } from "./state.ts";
import { messageOf } from "../core/errors.ts";

/**
 * Verify the environment (health, endpoints, smoke tests, flows, verifier
 * plugins) and write the seed's verification_<env>_<time>.json.
 *
 * @param state The run.
 */
export async function verifyStep(state: RunState): Promise<void> {
  const name = state.opts.environment!;
  const settings = state.rt.loaded.config.deployment.environments[name]!;
  const verifiers: VerifierPlugin[] = [];
  for (const [i, ref] of (settings.verifiers ?? []).entries()) {
    verifiers.push(
      await state.rt.registry.instantiate("verifier", ref, {
        configDir: state.rt.repoRoot,
        context: state.rt.pluginContext,
        where: {
          yaml: state.rt.loaded.yaml,
          path: ["deployment", "environments", name, "verifiers", i],
        },
      }),
    );
  }
  // The built-in http verifier always runs, once.
  if (verifiers.length && !(settings.verifiers ?? []).some((v) => v.uses === "http")) {
    verifiers.unshift(
      await state.rt.registry.instantiate("verifier", { uses: "http", with: {} }, {
        configDir: state.rt.repoRoot,
        context: state.rt.pluginContext,
      }),
    );
  }
  const startedAt = new Date().toISOString();
  const signal = state.opts.signal;
  // Interrupted, the checks' requests are cancelled and the run does not wait
  // out their retries: it stops at once and cleans up.
  const fetch = state.rt.pluginContext.fetch;
  const abortable: typeof fetch = signal
    ? (input, init) =>
      fetch(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
      })
    : fetch;
  const checks = verifyEnvironment(name, settings as Record<string, unknown>, {
    fetch: abortable,
    log: state.log,
    env: (n: string) => state.rt.env[n],
    ...(verifiers.length ? { verifiers } : {}),
  });
  const r = signal ? await Promise.race([checks, _aborted(signal)]) : await checks;
  if (r === null) return;
  state.verification = { environment: name, ok: r.ok, results: r.results };
  await writeVerificationReport(state.runDir, {
    environment: name,
    ok: r.ok,
    startedAt,
    finishedAt: new Date().toISOString(),
    results: r.results,
  });
  for (const v of r.results) state.log.info(`${v.ok ? "ok  " : "FAIL"} ${v.target}: ${v.message}`);
  if (!r.ok) {
    state.stop = { reason: "verification_failed", message: `Verification of "${name}" failed` };
  }
}

/** Resolves with null when the signal aborts (at once when it already has). */
function _aborted(signal: AbortSignal): Promise<null> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(null);
    signal.addEventListener("abort", () => resolve(null), { once: true });
  });
}

/**
 * Deliver the fixes as `delivery:` says (orchestrator/publish.ts): a pull
 * request, a branch, a commit on the CI checkout, or a comment on a fork's
 * pull request.
 *
 * @param state The run.
 */
export async function publishStep(state: RunState): Promise<void> {
  if (!state.ws?.workBranch || state.iterations.every((it) => !it.commit)) return;
  const calls = state.ledger.calls;
  state.delivery = await publish(state.rt, state.log, {
    branch: state.ws.workBranch,
    runId: state.runId,
    iterations: state.iterations,
    baseCommit: state.ws.baseCommit,
    worktree: state.ws.git,
    runDir: state.runDir,
    event: state.event ?? null,
    cost: {
      usd: state.ledger.totalUsd,
      tokensIn: calls.reduce((a, c) => a + c.tokensIn, 0),
      tokensOut: calls.reduce((a, c) => a + c.tokensOut, 0),
    },
  });
  if (state.delivery.pullRequest?.url) state.pullRequestUrl = state.delivery.pullRequest.url;
}

/**
 * Tell every configured notifier; a failing notifier is a warning, not a failed run.
 *
 * @param runtime The runtime.
 * @param log The run's logger.
 * @param report The (redacted) report.
 * @param files The written report files (the Markdown summary is sent).
 */
export async function notify(
  runtime: Runtime,
  log: Logger,
  report: RunReport,
  files: WrittenReport,
): Promise<void> {
  const markdown = files.markdown ? await Deno.readTextFile(files.markdown) : report.message;
  for (const [i, ref] of runtime.loaded.config.notifiers.entries()) {
    try {
      const n = await runtime.registry.instantiate("notifier", ref, {
        configDir: runtime.repoRoot,
        context: runtime.pluginContext,
        where: { yaml: runtime.loaded.yaml, path: ["notifiers", i] },
      });
      await n.notify({
        runId: report.runId,
        stopReason: report.stopReason,
        success: report.stopReason === "success" || report.stopReason === "flaky",
        markdown,
      });
    } catch (e) {
      log.warn(`Notifier "${ref.uses}" failed: ${messageOf(e)}`);
    }
  }
}
