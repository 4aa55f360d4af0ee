/**
 * The composite gate runner: runs planned steps the way a CI runner would.
 * Independent steps run in parallel up to `jobs`, dependents wait for what
 * they need, `if:` conditions decide whether a step runs, every command goes
 * through the shell executor (so through the policy engine), each gate's
 * full log goes to a file and only its head and tail stay in memory.
 *
 * Gate commands are untrusted code: they get the allowlisted environment
 * (plus the step's `env` and `env_passthrough`) and, with `sandbox`, run in
 * the bubblewrap sandbox with only the repository root writable.
 *
 * @module
 */

import { PolicyViolation } from "../core/errors.ts";
import type { ShellExecutor } from "../core/exec.ts";
import type { GatePlugin } from "../core/plugin.ts";
import type { Failure, GateResult, GateStatus } from "../core/types.ts";
import { classifyExit, countsAsSuccess } from "./classify.ts";
import { extractFailures, extractFailuresFromFile } from "./failures.ts";
import { repoRelativeFailure, repoRelativeText } from "./paths.ts";
import { ancestorsOf, type GateStep } from "./plan.ts";
import { createView, defaultViewKind, type GateView, type ViewClock } from "./view.ts";

/** Finds the gate plugin for a `uses:` step. */
export type GateResolver = (uses: string, options: Record<string, unknown>) => Promise<GatePlugin>;

/** Options of {@link runGates}. */
export interface RunGatesOptions {
  /** The executor every command goes through. */
  exec: ShellExecutor;
  /** Repository root; step directories are relative to it. */
  repoRoot: string;
  /** Steps run at the same time. @default navigator.hardwareConcurrency */
  jobs?: number;
  /** Directory for one full log per gate (`<id>.log`). */
  logDir?: string;
  /** Progress display. @default "tty" on a terminal, else "plain" */
  view?: "tty" | "plain" | "silent";
  /** Run only these steps (and what they need); the rest are skipped. */
  only?: string[];
  /** Environment added to every step (under the step's own `env`). */
  env?: Record<string, string>;
  /** Resolves `uses:` steps to gate plugins. */
  resolveGate?: GateResolver;
  /** Stops the run: running steps are killed, waiting ones skipped. */
  signal?: AbortSignal;
  /** Where the view writes. @default stderr */
  write?: (text: string) => void;
  /** Time source and timer of the view's CI heartbeat; tests inject one. */
  clock?: ViewClock;
  /**
   * Run command steps in the sandbox (once a fix is in the worktree): only
   * `repoRoot` and a private /tmp are writable, no network unless the step
   * says `network: true`. @default false
   */
  sandbox?: boolean;
  /**
   * Earlier results to reuse instead of running these steps again (their
   * inputs did not change, and their effects are still in `repoRoot`). A
   * reused result is returned as the same object, so callers can tell it
   * from a new execution.
   */
  reuse?: ReadonlyMap<string, RunnerGateResult>;
}

/**
 * Whether a gate result fails the build: a required gate that did not pass.
 * Failed, timed out, errored, not run because a needed step failed, or not
 * run because the run was aborted all count; only a skip that had no reason
 * to run (see {@link GateResult.notApplicable}) does not.
 *
 * @param g The result.
 * @returns True when the result makes the build red.
 */
export function failsBuild(g: GateResult): boolean {
  if (!g.required || g.status === "passed") return false;
  return !(g.status === "skipped" && g.notApplicable === true);
}

/** A gate result with the facts the runner adds for its callers. */
export interface RunnerGateResult extends GateResult {
  /** True when the policy engine refused the gate's command. */
  policyViolation?: boolean;
}

/**
 * Run gates: parallel where independent, ordered by `needs`, filtered by `if:`.
 *
 * A step is skipped when its condition does not hold: `success()` needs every
 * needed step to have passed (or failed with `continue-on-error`),
 * `failure()` needs some ancestor to have failed, `always()` runs regardless.
 * A refused command makes its gate `error` with the policy's message as output
 * and `policyViolation: true`.
 *
 * @param steps Planned steps (see `planGates`).
 * @param options Executor, root, parallelism, logs, view.
 * @returns One result per step, in the order of `steps`.
 * @throws {Error} When `only` names an unknown step.
 * @example
 * ```ts
 * import { ShellExecutor } from "../core/exec.ts";
 * import { planGates } from "./plan.ts";
 * import { runGates } from "./runner.ts";
 * const exec = new ShellExecutor({ judge: () => ({ allowed: true, rule: null, message: "" }) });
 * const steps = planGates({ quality_gates: { hello: { command: "echo hi" } } });
 * const [r] = await runGates(steps, { exec, repoRoot: ".", view: "silent" });
 * console.assert(r!.status === "passed");
 * ```
 */
export async function runGates(
  steps: GateStep[],
  options: RunGatesOptions,
): Promise<RunnerGateResult[]> {
  const selected = _selection(steps, options.only);
  if (options.logDir) await Deno.mkdir(options.logDir, { recursive: true });
  const viewKind = options.view ?? defaultViewKind();
  const view = createView(viewKind, steps, {
    ...(options.write ? { write: options.write } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    redact: (t) => options.exec.redactText(t),
  });
  const results = new Map<string, RunnerGateResult>();
  const jobs = Math.max(1, options.jobs ?? navigator.hardwareConcurrency ?? 1);
  const running = new Map<string, Promise<void>>();
  const pending = new Set(steps.map((s) => s.id));
  const byId = new Map(steps.map((s) => [s.id, s]));

  const finish = (raw: RunnerGateResult) => {
    // Command output is redacted where it is produced (the executor); what a
    // plugin gate returns, and error messages, pass the same redactor here,
    // before the view, the results or anything after them sees them.
    const r = _redacted(raw, (t) => options.exec.redactText(t));
    results.set(r.id, r);
    pending.delete(r.id);
    view.finished(r);
  };

  try {
    while (pending.size > 0 || running.size > 0) {
      // Repeat the pass while it makes progress: a skip can make a step that
      // was already looked at in this pass ready.
      let progressed = true;
      while (progressed && running.size < jobs) {
        progressed = false;
        for (const id of [...pending]) {
          const step = byId.get(id)!;
          if (!step.needs.every((n) => results.has(n))) continue;
          if (!(step.after ?? []).every((n) => results.has(n))) continue;
          const prior = selected.has(id) ? options.reuse?.get(id) : undefined;
          if (prior) {
            // h9 minimal re-runs: an unchanged step keeps its earlier result.
            results.set(id, prior);
            pending.delete(id);
            progressed = true;
            continue;
          }
          const skip: _Skip | null = !selected.has(id)
            ? { why: "Not selected", notApplicable: true }
            : options.signal?.aborted
            ? { why: "Run aborted", notApplicable: false }
            : _conditionFails(step, steps, results);
          progressed = true;
          if (skip) {
            finish(_skipped(step, skip.why, skip.notApplicable));
            continue;
          }
          if (running.size >= jobs) break;
          pending.delete(id);
          view.started(step);
          // The plain view keeps only the last line, for its CI heartbeat.
          const task = _runStep(step, options, viewKind === "silent" ? undefined : view).then(
            finish,
            (e: unknown) => {
              finish(_errorResult(step, e instanceof Error ? e.message : String(e), 0));
            },
          ).finally(() => running.delete(id));
          running.set(id, task);
        }
      }
      if (running.size === 0) {
        if (pending.size === 0) break;
        // Nothing runs and nothing became ready: only possible with a
        // needs graph that planGates would have refused.
        for (const id of [...pending]) {
          finish(_skipped(byId.get(id)!, "Needs never finished", false));
        }
        break;
      }
      await Promise.race(running.values());
    }
  } finally {
    view.close();
  }
  return steps.map((s) => results.get(s.id)!);
}

function _redacted(r: RunnerGateResult, redact: (t: string) => string): RunnerGateResult {
  if (r.status === "passed" || r.status === "skipped") return { ...r, output: redact(r.output) };
  return {
    ...r,
    output: redact(r.output),
    failures: r.failures.map((f) => ({
      ...f,
      message: redact(f.message),
      excerpt: redact(f.excerpt),
    })),
  };
}

function _selection(steps: GateStep[], only: string[] | undefined): Set<string> {
  if (only === undefined) return new Set(steps.map((s) => s.id));
  const ids = new Set(steps.map((s) => s.id));
  const out = new Set<string>();
  for (const id of only) {
    if (!ids.has(id)) {
      throw new Error(`Gate "${id}" is not a step: known ids are ${[...ids].join(", ")}`);
    }
    out.add(id);
    for (const a of ancestorsOf(steps, id)) out.add(a);
  }
  return out;
}

/** Why a step was skipped, and whether that skip is harmless for the verdict. */
interface _Skip {
  why: string;
  notApplicable: boolean;
}

// An optional step (`required: false`) is reported but, like
// continue-on-error, never holds back the steps after it: otherwise a failing
// optional lint would leave the required tests unrun and the build unjudged.
function _tolerated(step: GateStep): boolean {
  return step.continueOnError || !step.required;
}

/** Why the step's condition does not hold, or null when it runs. */
function _conditionFails(
  step: GateStep,
  steps: GateStep[],
  results: Map<string, RunnerGateResult>,
): _Skip | null {
  if (step.condition === "always") return null;
  if (step.condition === "success") {
    const bad = step.needs.find((n) => {
      const r = results.get(n)!;
      return !countsAsSuccess(r.status, _tolerated(byIdOf(steps, n)));
    });
    // Not run because something it needs did not succeed: for a required
    // step that is a failure of the build, never a pass.
    return bad === undefined
      ? null
      : { why: `Needed step "${bad}" did not succeed`, notApplicable: false };
  }
  for (const a of ancestorsOf(steps, step.id)) {
    const r = results.get(a);
    if (r && r.status !== "skipped" && !countsAsSuccess(r.status, _tolerated(byIdOf(steps, a)))) {
      return null;
    }
  }
  return { why: "No needed step failed", notApplicable: true };
}

function byIdOf(steps: GateStep[], id: string): GateStep {
  return steps.find((s) => s.id === id)!;
}

function _base(
  step: GateStep,
): Omit<RunnerGateResult, "status" | "exitCode" | "durationMs" | "output"> {
  const base: Omit<RunnerGateResult, "status" | "exitCode" | "durationMs" | "output"> = {
    id: step.id,
    name: step.name,
    required: step.required && !step.continueOnError,
    failures: [],
  };
  if (step.run !== undefined) base.command = step.run;
  if (step.cwd !== undefined && step.cwd !== "" && step.cwd !== ".") base.cwd = step.cwd;
  return base;
}

function _skipped(step: GateStep, why: string, notApplicable: boolean): RunnerGateResult {
  const r: RunnerGateResult = {
    ..._base(step),
    status: "skipped",
    exitCode: null,
    durationMs: 0,
    output: why,
  };
  if (notApplicable) r.notApplicable = true;
  return r;
}

function _errorResult(step: GateStep, message: string, durationMs: number): RunnerGateResult {
  return {
    ..._base(step),
    status: "error",
    exitCode: null,
    durationMs,
    output: message,
    failures: [_errorFailure(step.id, message)],
  };
}

function _errorFailure(gate: string, message: string): Failure {
  return { gate, tool: "fleet-orch", message, excerpt: message, fingerprint: `error:${message}` };
}

async function _runStep(
  step: GateStep,
  options: RunGatesOptions,
  view: GateView | undefined,
): Promise<RunnerGateResult> {
  const cwd = step.cwd ? _join(options.repoRoot, step.cwd) : options.repoRoot;
  const env = { ...options.env, ...step.env };
  if (step.uses !== undefined) return _runPlugin(step, options, cwd, env);
  const logFile = options.logDir ? `${options.logDir}/${step.id}.log` : undefined;
  const started = performance.now();
  let r;
  try {
    r = await options.exec.run(step.run!, {
      cwd,
      env,
      timeoutMs: step.timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(logFile ? { logFile } : {}),
      // Only the live view reads output as it comes; decoding a gate that
      // prints gigabytes for nothing would cost time, not memory.
      ...(view ? { onOutput: (text: string) => view.output(step.id, text) } : {}),
      untrusted: {
        passthrough: step.envPassthrough ?? [],
        ...(options.sandbox
          ? { sandbox: { writable: [options.repoRoot], network: step.network ?? false } }
          : {}),
      },
    });
  } catch (e) {
    if (e instanceof PolicyViolation) {
      return {
        ..._errorResult(step, e.message, performance.now() - started),
        policyViolation: true,
      };
    }
    throw e;
  }
  const status: GateStatus = classifyExit(r);
  const result: RunnerGateResult = {
    ..._base(step),
    status,
    exitCode: r.timedOut || r.aborted ? null : r.code,
    durationMs: r.durationMs,
    // h9: paths repository-relative at the source (gates/paths.ts).
    output: repoRelativeText(
      r.aborted ? `${r.output}\n[fleet-orch: run aborted]` : r.output,
      options.repoRoot,
    ),
  };
  if (logFile) result.logFile = logFile;
  if (status !== "passed") {
    // Relative to the step's directory first; absolute ones then lose the root.
    result.failures = _rootRelative(
      step,
      await _failuresOf(step, status, r.output, r.truncated ? logFile : undefined),
    ).map((f) => repoRelativeFailure(f, options.repoRoot));
  }
  return result;
}

async function _failuresOf(
  step: GateStep,
  status: GateStatus,
  output: string,
  fullLog: string | undefined,
): Promise<Failure[]> {
  let failures = extractFailures(step.id, output);
  // The bounded output lost its middle: when no parser recognised anything,
  // the generic extractor reads the whole log from disk, streaming.
  if (fullLog && failures.every((f) => f.tool === "generic")) {
    const fromFile = await extractFailuresFromFile(step.id, fullLog);
    if (fromFile.length > 0) failures = fromFile;
  }
  if (status === "timeout") {
    const message = `Gate "${step.id}" timed out after ${Math.round(step.timeoutMs / 1000)}s`;
    failures.unshift({
      gate: step.id,
      tool: "timeout",
      message,
      excerpt: output.slice(-2000),
      fingerprint: `timeout:${step.id}`,
    });
  } else if (status === "oom" && !failures.some((f) => f.tool === "oom")) {
    failures.unshift({
      gate: step.id,
      tool: "oom",
      code: "SIGKILL",
      message: "Killed (likely by the out-of-memory killer)",
      excerpt: output.slice(-2000),
      fingerprint: `oom:${step.id}`,
    });
  } else if (status === "not-found" && failures.length === 0) {
    failures.push({
      gate: step.id,
      tool: "shell",
      code: "127",
      message: `Command not found in "${step.run}"`,
      excerpt: output.slice(-2000),
      fingerprint: `not-found:${step.id}`,
    });
  }
  return failures;
}

async function _runPlugin(
  step: GateStep,
  options: RunGatesOptions,
  cwd: string,
  env: Record<string, string>,
): Promise<RunnerGateResult> {
  const started = performance.now();
  if (!options.resolveGate) {
    return _errorResult(
      step,
      `Step "${step.id}" uses "${step.uses}" but no plugin resolver was given`,
      0,
    );
  }
  const timeout = AbortSignal.timeout(step.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const plugin = await options.resolveGate(step.uses!, step.with);
    const out = await _raceAbort(plugin.run({ cwd, env, signal }), signal);
    const status: GateStatus = out.ok ? "passed" : "failed";
    return {
      ..._base(step),
      status,
      exitCode: out.ok ? 0 : 1,
      durationMs: performance.now() - started,
      output: out.output,
      failures: out.ok ? [] : _rootRelative(
        step,
        (out.failures ?? extractFailures(step.id, out.output)).map((f) => ({
          ...f,
          gate: step.id,
        })),
      ),
    };
  } catch (e) {
    const durationMs = performance.now() - started;
    if (timeout.aborted) {
      const message = `Gate "${step.id}" timed out after ${Math.round(step.timeoutMs / 1000)}s`;
      return { ..._errorResult(step, message, durationMs), status: "timeout" };
    }
    if (e instanceof PolicyViolation) {
      return { ..._errorResult(step, e.message, durationMs), policyViolation: true };
    }
    return _errorResult(step, e instanceof Error ? e.message : String(e), durationMs);
  }
}

/** A plugin that ignores its signal must not hold the run past its timeout. */
function _raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function _join(root: string, dir: string): string {
  return dir.startsWith("/") ? dir : `${root.replace(/\/+$/, "")}/${dir}`;
}

// Tools print paths relative to where they ran; a step with a working
// directory must report them relative to the repository root, or the fixer
// reads (and patches) the wrong file.
function _rootRelative(step: GateStep, failures: Failure[]): Failure[] {
  const dir = step.cwd?.replace(/^\.\/+/, "").replace(/\/+$/, "");
  if (!dir || dir === ".") return failures;
  return failures.map((f) =>
    f.file && !f.file.startsWith("/") && !/^[A-Za-z]:[\\/]/.test(f.file) &&
      !f.file.startsWith(`${dir}/`)
      ? { ...f, file: `${dir}/${f.file.replace(/^\.\//, "")}` }
      : f
  );
}
