/**
 * One pass of the gates without fixing: the body of `fleet-orch check`, and
 * the verdict rule the fix loop shares.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { messageOf, UsageError } from "../core/errors.ts";
import type { Failure, GateResult } from "../core/types.ts";
import { acquireLock } from "../core/lock.ts";
import { type GateStep, planGates } from "../gates/plan.ts";
import { closestName } from "../core/suggest.ts";
import { failsBuild, runGates, type RunnerGateResult } from "../gates/runner.ts";
import { type FailureClass, type GateTriage, triageGate } from "../gates/triage.ts";
import type { Runtime, RuntimeOptions } from "./runtime.ts";
import { openGateRuntime } from "./gate_runtime.ts";
import { createRunDir, newRunId } from "./run_dir.ts";
import { pruneRunDirs } from "./housekeeping.ts";

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
  /**
   * Stops the check (SIGINT/SIGTERM): running gates are killed, waiting ones
   * skipped, and what ran is still written.
   */
  signal?: AbortSignal;
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
  /** The signal stopped it before every gate finished. */
  interrupted: boolean;
  /**
   * How each failed gate looks (gates/triage.ts, the table `run` uses): a
   * code failure, or an infrastructure or configuration problem that no
   * fix to the code would clear. Gates that passed or were skipped have none.
   */
  triage: GateTriage[];
}

/** One gate in `check --json` and the run folder's `check.json`. */
export interface CheckGateJson {
  /** Step id. */
  id: string;
  /** Display name. */
  name: string;
  /** passed, failed, timeout, oom, not-found, skipped, error. */
  status: string;
  /** Whether it counts for the verdict. */
  required: boolean;
  /** Exit code; null when killed or not run. */
  exitCode: number | null;
  /** Wall-clock milliseconds. */
  durationMs: number;
  /** Its full log, when it ran. */
  logFile: string | null;
  /** Parsed failures. */
  failures: Failure[];
  /**
   * The failure's class when the gate failed (additive field): `code`, or
   * `infrastructure` / `configuration` with the signature that matched, the
   * line it matched and what to do. Null for gates that passed or were skipped.
   */
  triage: {
    class: FailureClass;
    signature?: string;
    subject?: string;
    what?: string;
    advice?: string;
    evidence?: string;
  } | null;
}

/** The document `check --json` prints and the run folder's `check.json` holds. */
export interface CheckJson {
  /** Every required gate passed. */
  ok: boolean;
  /** The run folder. */
  runDir: string;
  /** Stopped by SIGINT/SIGTERM before every gate finished (additive field). */
  interrupted: boolean;
  /** Per gate, in plan order. */
  gates: CheckGateJson[];
}

/**
 * The JSON document of a check.
 *
 * @param result What {@link runCheck} returned.
 * @returns The document.
 */
export function checkJson(result: CheckResult): CheckJson {
  const triage = new Map(result.triage.map((t) => [t.gate, t]));
  return {
    ok: result.ok,
    runDir: result.runDir,
    interrupted: result.interrupted,
    gates: result.gates.map((g) => {
      const t = triage.get(g.id);
      return {
        id: g.id,
        name: g.name,
        status: g.status,
        required: g.required,
        exitCode: g.exitCode,
        durationMs: Math.round(g.durationMs),
        logFile: g.logFile ?? null,
        failures: g.failures,
        triage: t
          ? {
            class: t.class,
            ...(t.signature ? { signature: t.signature } : {}),
            ...(t.subject ? { subject: t.subject } : {}),
            ...(t.what ? { what: t.what } : {}),
            ...(t.advice ? { advice: t.advice } : {}),
            ...(t.evidence ? { evidence: t.evidence } : {}),
          }
          : null,
      };
    }),
  };
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
export function planFromConfig(
  rt: { loaded: Pick<Runtime["loaded"], "config" | "file"> },
): GateStep[] {
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
 * Check `--only` ids against the plan before anything runs.
 *
 * @param steps The planned steps.
 * @param only The ids asked for.
 * @throws {UsageError} Naming an unknown id, the known ones and the nearest.
 */
export function checkOnly(steps: readonly GateStep[], only: readonly string[] | undefined): void {
  const ids = steps.map((s) => s.id);
  for (const id of only ?? []) {
    if (ids.includes(id)) continue;
    const near = closestName(id, ids);
    throw new UsageError(
      `--only ${id}: no such gate; known ids are ${ids.join(", ")}${
        near ? `; did you mean "${near}"?` : ""
      }`,
    );
  }
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
  const rt = await openGateRuntime(options);
  let steps: GateStep[];
  try {
    steps = planFromConfig(rt);
    checkOnly(steps, options.only);
  } catch (e) {
    await rt.close();
    throw e;
  }
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
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const interrupted = options.signal?.aborted === true;
    // Triage is a table lookup over the output: cheap, no re-run. A gate the
    // signal killed is not judged.
    const triage = interrupted ? [] : results
      .filter((g) => g.status !== "passed" && g.status !== "skipped")
      .map(triageGate);
    const result: CheckResult = {
      ok: !interrupted && gatesGreen(steps, results),
      policyViolation: results.some((r) => r.policyViolation),
      gates: results,
      runDir,
      interrupted,
      triage,
    };
    // What ran is written even when interrupted: logs are in logs/, the
    // verdict per gate in check.json.
    try {
      await Deno.writeTextFile(
        join(runDir, "check.json"),
        rt.redact(JSON.stringify(checkJson(result), null, 2)) + "\n",
      );
    } catch (e) {
      rt.log.warn(`Could not write ${join(runDir, "check.json")}: ${messageOf(e)}`);
    }
    // Run folders past report.retention go, as after a run (the one just
    // written always stays). An interrupted check leaves at once.
    if (!interrupted) {
      await pruneRunDirs(dirname(runDir), rt.loaded.config.report.retention, rt.log);
    }
    return result;
  } finally {
    await lock.release();
    await rt.close();
  }
}
