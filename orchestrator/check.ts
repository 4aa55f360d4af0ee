/**
 * One pass of the gates without fixing: the body of `fleet-orch check`, and
 * the verdict rule the fix loop shares.
 *
 * @module
 */

import { join } from "node:path";
import { messageOf, UsageError } from "../core/errors.ts";
import type { GateResult } from "../core/types.ts";
import { acquireLock } from "../core/lock.ts";
import { type GateStep, planGates } from "../gates/plan.ts";
import { failsBuild, runGates, type RunnerGateResult } from "../gates/runner.ts";
import { openRuntime, type Runtime, type RuntimeOptions } from "./runtime.ts";
import { createRunDir, newRunId } from "./run_dir.ts";

/** Options of {@link runCheck}. */
export interface CheckOptions extends RuntimeOptions {
  /** Parallel steps. */
  jobs?: number;
  /** Only these gates (and what they need). */
  only?: string[];
  /** `--report-dir`. */
  reportDir?: string | undefined;
  /** Progress view. */
  view?: "tty" | "plain" | "silent";
}

/** What a check produced. */
export interface CheckResult {
  /** Every required gate passed. */
  ok: boolean;
  /** A gate's command was refused by policy. */
  policyViolation: boolean;
  /** Per gate. */
  gates: RunnerGateResult[];
  /** The run's report directory. */
  runDir: string;
}

/**
 * Whether a set of gate results is green. Fail closed: every required gate
 * must have passed; one that failed, timed out, errored or did not run (a
 * needed step failed, the run was aborted) makes the build red. Only optional
 * and continue-on-error gates, and skips that had no reason to run (not
 * selected by `--only`, `if: failure()` with nothing failed), are ignored.
 *
 * @param steps The planned steps.
 * @param results Their results.
 * @returns True when green.
 */
export function gatesGreen(steps: readonly GateStep[], results: readonly GateResult[]): boolean {
  const byId = new Map(steps.map((s) => [s.id, s]));
  return results.every((r) => byId.get(r.id)?.continueOnError === true || !failsBuild(r));
}

/**
 * Plan the gates of a runtime's config.
 *
 * @param rt The runtime.
 * @returns The steps.
 * @throws {UsageError} When the config has no gates, or the plan is invalid.
 */
export function planFromConfig(rt: Runtime): GateStep[] {
  const { quality_gates, steps } = rt.loaded.config;
  let planned: GateStep[];
  try {
    // The schema's inferred optional fields carry `| undefined`; the plan reads them the same way.
    planned = planGates({ quality_gates, steps } as Parameters<typeof planGates>[0]);
  } catch (e) {
    throw new UsageError(`${rt.loaded.file}: ${messageOf(e)}`);
  }
  if (planned.length === 0) {
    throw new UsageError(
      `${rt.loaded.file}: no gates configured; add "quality_gates:" or "steps:" (see config.yaml)`,
    );
  }
  return planned;
}

/**
 * Run the configured gates once in the repository.
 *
 * @param options Flags.
 * @returns The verdict, results and report directory.
 * @throws {ConfigError} For an invalid config or policy (before any gate runs).
 * @example
 * ```ts
 * import { ShellExecutor } from "../core/exec.ts";
 * import { runCheck } from "./check.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/fleet-orch.yaml`, "quality_gates:\n  hello:\n    command: echo hello\n");
 * const sh = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
 * await sh.run("git init -q && git -c user.name=a -c user.email=a@example.invalid commit -q --allow-empty -m init", { cwd: dir });
 * const result = await runCheck({ repo: dir, view: "silent", logLevel: "error" });
 * console.assert(result.ok && result.gates[0]?.status === "passed");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const rt = await openRuntime(options);
  const steps = planFromConfig(rt);
  const lock = await acquireLock(rt.stateDir, "check");
  if (lock.tookOver) {
    rt.log.warn(`Took over the lock of a dead run (pid ${lock.tookOver.pid}, ${lock.tookOver.at})`);
  }
  try {
    const runDir = await createRunDir(
      rt.stateDir,
      newRunId(),
      options.reportDir ?? rt.loaded.config.report.dir,
      rt.repoRoot,
    );
    const results = await runGates(steps, {
      exec: rt.exec,
      repoRoot: rt.repoRoot,
      resolveGate: rt.resolveGate,
      logDir: join(runDir, "logs"),
      ...((options.jobs ?? rt.loaded.config.agents.orchestrator.jobs)
        ? { jobs: (options.jobs ?? rt.loaded.config.agents.orchestrator.jobs)! }
        : {}),
      ...(options.only ? { only: options.only } : {}),
      ...(options.view ? { view: options.view } : {}),
    });
    return {
      ok: gatesGreen(steps, results),
      policyViolation: results.some((r) => r.policyViolation),
      gates: results,
      runDir,
    };
  } finally {
    await lock.release();
    await rt.close();
  }
}
