/**
 * `fleet-orch run --from-ci`: the baseline is the failing CI job's log, read
 * from the VCS host, instead of a run of the gates. On GitHub the run is the
 * `workflow_run` event's (`GITHUB_EVENT_PATH` → `workflow_run.id`) and its
 * jobs that concluded `failure`; on Azure DevOps the build is `BUILD_BUILDID`
 * and its failed timeline records. `--ci-run-id` names either explicitly.
 * The log's failures (gates/failures.ts, gates/extract.ts) go to the gates
 * whose commands appear in it; every fix is then verified by the real gates.
 *
 * @module
 */

import { join } from "node:path";
import { messageOf, UsageError } from "../core/errors.ts";
import type { GateResult } from "../core/types.ts";
import { extractFailures } from "../gates/failures.ts";
import type { GateStep } from "../gates/plan.ts";
import type { RunState } from "./state.ts";

/** The most of the CI log kept as a gate's output (head and tail). */
const OUTPUT_CAP = 64 * 1024;

/**
 * The id of the CI run whose log is the baseline.
 *
 * @param env Environment.
 * @param explicit `--ci-run-id`, when given.
 * @param readText Reads the event payload.
 * @returns The workflow run id (GitHub) or build id (Azure DevOps).
 * @throws {UsageError} When none can be found.
 */
export async function ciRunId(
  env: Record<string, string | undefined>,
  explicit?: string,
  readText: (path: string) => Promise<string> = Deno.readTextFile,
): Promise<string> {
  if (explicit) {
    if (!/^[1-9]\d*$/.test(explicit)) {
      throw new UsageError(`--ci-run-id must be a positive integer, got "${explicit}"`);
    }
    return explicit;
  }
  if (env.GITHUB_EVENT_NAME === "workflow_run" && env.GITHUB_EVENT_PATH) {
    let payload: { workflow_run?: { id?: unknown } };
    try {
      payload = JSON.parse(await readText(env.GITHUB_EVENT_PATH));
    } catch (e) {
      throw new UsageError(`--from-ci: cannot read the event payload: ${messageOf(e)}`);
    }
    const id = payload.workflow_run?.id;
    if (typeof id === "number" || (typeof id === "string" && /^\d+$/.test(id))) return String(id);
    throw new UsageError("--from-ci: the workflow_run event payload has no workflow_run.id");
  }
  if (env.BUILD_BUILDID && /^\d+$/.test(env.BUILD_BUILDID)) return env.BUILD_BUILDID;
  throw new UsageError(
    "--from-ci needs the failed run: a GitHub workflow_run event (GITHUB_EVENT_NAME, " +
      "GITHUB_EVENT_PATH), an Azure Pipelines build (BUILD_BUILDID), or --ci-run-id ID",
  );
}

/**
 * Check a `--from-ci` run can find its log, before anything runs.
 *
 * @param hasVcs Whether `vcs:` is configured.
 * @param env Environment.
 * @param explicit `--ci-run-id`, when given.
 * @returns The run id.
 * @throws {UsageError} Without `vcs:` or without a run id.
 */
export async function checkFromCi(
  hasVcs: boolean,
  env: Record<string, string | undefined>,
  explicit?: string,
): Promise<string> {
  if (!hasVcs) {
    throw new UsageError('--from-ci reads the CI log through the VCS host: configure "vcs:"');
  }
  return await ciRunId(env, explicit);
}

/**
 * Gate results from a CI log: a command gate whose command line appears in
 * the log failed when its part of the log (from its command to the next
 * one's) is the last or carries CI's `##[error]` mark, with the failures of
 * that part; when no command appears, the first required
 * gate takes the whole log. Every other gate is "not run" (skipped, not
 * applicable) until the first fix runs them for real.
 *
 * @param steps The planned gates.
 * @param log The CI log.
 * @param logFile Where the log was saved.
 * @returns One result per step, in plan order.
 */
export function gatesFromCiLog(
  steps: readonly GateStep[],
  log: string,
  logFile: string,
): GateResult[] {
  const required = steps.filter((s) => s.required && !s.continueOnError);
  const found = required
    .map((s) => ({ step: s, at: s.run ? log.indexOf(firstLine(s.run)) : -1 }))
    .filter((m) => m.at >= 0)
    .sort((a, b) => a.at - b.at);
  const parts = new Map<string, string>();
  if (found.length) {
    // A job stops at its failing step, and CI marks it (`##[error]`): the steps
    // before it passed in CI.
    found.forEach((m, i) => {
      const part = log.slice(m.at, found[i + 1]?.at ?? log.length);
      if (i === found.length - 1 || part.includes("##[error]")) parts.set(m.step.id, part);
    });
  } else if (required[0]) {
    parts.set(required[0].id, log);
  }
  return steps.map((s) => {
    const part = parts.get(s.id);
    const base = {
      id: s.id,
      name: s.name,
      ...(s.run ? { command: s.run } : {}),
      ...(s.cwd ? { cwd: s.cwd } : {}),
      required: s.required && !s.continueOnError,
      durationMs: 0,
    };
    if (part === undefined) {
      return {
        ...base,
        status: "skipped" as const,
        exitCode: null,
        output: "Not run: the baseline is the CI log (--from-ci)",
        failures: [],
        notApplicable: true,
      };
    }
    return {
      ...base,
      status: "failed" as const,
      exitCode: 1,
      output: clip(part),
      logFile,
      failures: extractFailures(s.id, part),
    };
  });
}

/**
 * The baseline of a `--from-ci` run: the CI log, read through the `vcs:`
 * plugin and saved as `logs/ci-<id>.log` in the run folder.
 *
 * @param s The run.
 * @returns The gate results, or null when the log could not be read (the
 * caller runs the gates instead; the reason is logged).
 * @throws {UsageError} Without `vcs:`, or a VCS plugin that cannot read logs, or no run id.
 */
export async function ciBaseline(s: RunState): Promise<GateResult[] | null> {
  const ref = s.rt.loaded.config.vcs;
  const id = await checkFromCi(!!ref, s.rt.env, s.opts.ciRunId);
  if (!ref) return null;
  const vcs = await s.rt.registry.instantiate("vcs", ref, {
    configDir: s.rt.repoRoot,
    context: s.rt.pluginContext,
    where: { yaml: s.rt.loaded.yaml, path: ["vcs"] },
  });
  if (!vcs.fetchFailedLog) {
    throw new UsageError(`--from-ci: the VCS plugin "${ref.uses}" cannot read CI logs`);
  }
  let log: string;
  try {
    log = s.rt.redact(await vcs.fetchFailedLog(id));
  } catch (e) {
    s.log.warn(
      `Could not read the log of CI run ${id} (${messageOf(e)}); running the gates instead`,
    );
    return null;
  }
  const file = join(s.runDir, "logs", `ci-${id}.log`);
  await Deno.writeTextFile(file, log);
  const gates = gatesFromCiLog(s.steps, log, file);
  const failed = gates.filter((g) => g.status === "failed");
  s.log.info(
    `Baseline from CI run ${id}: ${
      failed.map((g) => `${g.id} (${g.failures.length} failure(s))`).join(", ")
    }; ` +
      "fixes are verified by the real gates",
  );
  return gates;
}

function firstLine(run: string): string {
  return run.split("\n").map((l) => l.trim()).find((l) => l) ?? run.trim();
}

function clip(text: string): string {
  if (text.length <= OUTPUT_CAP) return text;
  const half = OUTPUT_CAP / 2;
  return `${text.slice(0, half)}\n… (${text.length - OUTPUT_CAP} characters cut) …\n${
    text.slice(-half)
  }`;
}
