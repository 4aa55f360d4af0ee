/**
 * `fleet-orch run`: the gates, the fix loop, then deploy and verify.
 *
 * @module
 */

import { checkRepoFlag, guard, numberFlag, parseFlags } from "./_common.ts";
import { runOrchestration } from "../orchestrator/loop.ts";

/** Help text. */
export const help = `Usage: fleet-orch run [options]

Run the quality gates; when a required gate fails, extract why, get a fix
(deterministic recipes first, then the fixer model), have it checked by the
policy engine and the reviewer model, apply it on a work branch in a separate
worktree, re-run the gates, and iterate until green, out of budget, or out of
progress. With --environment, deploy and verify after a green build. Your
working tree, index and HEAD are never touched; a backup branch
backup/pre-orchestration-YYYYMMDD_HHMMSS marks the starting point.

Options:
  --config F            Config file (default: fleet-orch.yaml at the repository root)
  --repo DIR            Repository (default: the git repository around the current directory)
  --environment E       Deploy and verify environment E after a green build
  --from-ci             Take the failures from the failed CI run's log instead of running
                        the gates first (GitHub workflow_run event, Azure BUILD_BUILDID);
                        fixes are still verified by the real gates. Needs vcs:
  --ci-run-id ID        The workflow run (GitHub) or build (Azure DevOps) to read; implies --from-ci
  --dry-run             Run the gates and ask the model, but write nothing; print the patches
  --max-iterations N    Override agents.orchestrator.max_iterations
  --max-cost-usd X      Hard cap on model spending for the whole run
  --candidates K        Generate K fixes in parallel and keep the best (default 1)
  --approve             Approve deploying to a production environment
  --allow-policy-loosening  Let the repository's policy file and safety.allow_paths lower
                        the built-in floor (also FLEET_ORCH_ALLOW_POLICY_LOOSENING=1)
  --report-dir D        Write the run's reports under D/<run-id>/ (default .git/fleet-orch/runs/)
  --jobs N              Gate steps run at the same time (default: number of cores)
  --json                Print the run report as one JSON document on stdout

Exit codes and stop reasons (report.json "stopReason"):
  0    success (every required gate passed), flaky (passed when re-run unchanged)
  1    max_iterations, no_progress, cost_cap, needs_model (recipes are done and no
       fixer model is configured), verification_failed (deploy or verifier
       failed), infrastructure (network, registry, disk, runner), configuration
       (a gate needs a variable or credential), error (unexpected; the message says)
  2    usage or config error, found before the first gate
  3    forbidden (the policy refused a command, a patch, the deploy plan, or
       production without --approve), rejected (a patch, with stop_on_rejection),
       reviewer_unavailable (the configured reviewer cannot run)
  130  interrupted (SIGINT or SIGTERM): the worktree is removed, and the branches
       when nothing was committed`;

/**
 * Run the command.
 *
 * @param args Arguments after "run".
 * @returns The exit code.
 */
export function run(args: string[]): Promise<number> {
  return guard(async (signal) => {
    const { values } = parseFlags(
      args,
      {
        config: { type: "string" },
        repo: { type: "string" },
        environment: { type: "string" },
        "from-ci": { type: "boolean" },
        "ci-run-id": { type: "string" },
        "dry-run": { type: "boolean" },
        "max-iterations": { type: "string" },
        "max-cost-usd": { type: "string" },
        candidates: { type: "string" },
        approve: { type: "boolean" },
        "allow-policy-loosening": { type: "boolean" },
        "report-dir": { type: "string" },
        jobs: { type: "string" },
        json: { type: "boolean" },
      },
      "run",
      { positionals: false },
    );
    const maxIterations = numberFlag(values["max-iterations"], "--max-iterations", {
      integer: true,
      min: 1,
    });
    const maxCostUsd = numberFlag(values["max-cost-usd"], "--max-cost-usd", { min: 0 });
    const candidates = numberFlag(values.candidates, "--candidates", { integer: true, min: 1 });
    const jobs = numberFlag(values.jobs, "--jobs", { integer: true, min: 1 });
    await checkRepoFlag(values.repo);
    const result = await runOrchestration({
      config: values.config,
      repo: values.repo,
      environment: values.environment,
      ...(values["from-ci"] || values["ci-run-id"] ? { fromCi: true } : {}),
      ...(values["ci-run-id"] ? { ciRunId: values["ci-run-id"] } : {}),
      ...(values["dry-run"] ? { dryRun: true } : {}),
      maxIterations,
      maxCostUsd,
      candidates,
      jobs,
      approve: values.approve ?? false,
      ...(values["allow-policy-loosening"] ? { allowPolicyLoosening: true } : {}),
      reportDir: values["report-dir"],
      signal,
      json: values.json ?? false,
    });
    if (values.json) {
      console.log(JSON.stringify({ ...result.report, reportFile: result.files.json }, null, 2));
    } else if (result.wouldApply.length) {
      console.log(result.wouldApply.join("\n"));
    }
    // Interrupted, the run stops at its next step, closes its worktree and
    // writes its report; guard() then makes the exit code 130.
    return result.report.exitCode;
  }, { cooperative: true });
}
