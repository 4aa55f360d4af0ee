/**
 * `fleet-orch check`: run the configured quality gates once, fix nothing.
 *
 * @module
 */

import { join } from "node:path";
import { checkRepoFlag, EXIT, guard, numberFlag, parseFlags } from "./_common.ts";
import { checkJson, runCheck } from "../orchestrator/check.ts";
import { describeTriage } from "../gates/triage.ts";
import { createCiOutput, writeCheckOutput } from "../report/ci_output.ts";

/** Help text. */
export const help = `Usage: fleet-orch check [options]

Run the quality gates (quality_gates and steps of the config) once, through the
policy engine, and report pass or fail per gate. Fixes nothing.

Options:
  --config F       Config file (default: fleet-orch.yaml at the repository root)
  --repo DIR       Repository (default: the git repository around the current directory)
  --jobs N         Steps run at the same time (default: number of cores)
  --only ID        Run only this gate (and what it needs); repeatable
  --report-dir D   Write gate logs under D/<run-id>/ instead of .git/fleet-orch/runs/
  --json           Print one JSON document on stdout; human text on stderr
  --allow-policy-loosening
                   Let the repository's policy file and safety.allow_paths lower the
                   built-in floor (also FLEET_ORCH_ALLOW_POLICY_LOOSENING=1)

Each failed gate is triaged with the table "run" uses: a failure whose output
matches an infrastructure signature (registry or network timeout, DNS, rate
limit, disk full, runner killed) or a missing secret is said to be one, with
what to do, and is labelled in the JSON ("triage" per gate). check does not
retry it.

Writes the gate logs and check.json (the --json document) to the run folder,
then removes run folders past report.retention, as run does. On SIGINT or
SIGTERM it kills the running gates, skips the rest, still writes what ran, and
exits 130; a second signal exits at once.

Exit codes: 0 every required gate passed; 1 otherwise; 2 usage or config error;
3 a gate's command was refused by policy; 130 interrupted.`;

/**
 * Run the command.
 *
 * @param args Arguments after "check".
 * @returns The exit code.
 */
export function run(args: string[]): Promise<number> {
  return guard(async (signal) => {
    const { values } = parseFlags(
      args,
      {
        config: { type: "string" },
        repo: { type: "string" },
        jobs: { type: "string" },
        only: { type: "string", multiple: true },
        "report-dir": { type: "string" },
        json: { type: "boolean" },
        "allow-policy-loosening": { type: "boolean" },
      },
      "check",
      { positionals: false },
    );
    const jobs = numberFlag(values.jobs, "--jobs", { integer: true, min: 1 });
    await checkRepoFlag(values.repo);
    const result = await runCheck({
      repo: values.repo,
      config: values.config,
      ...(jobs !== undefined ? { jobs } : {}),
      ...(values.only ? { only: values.only } : {}),
      reportDir: values["report-dir"],
      ...(values["allow-policy-loosening"] ? { allowPolicyLoosening: true } : {}),
      signal,
    });
    if (values.json) console.log(JSON.stringify(checkJson(result), null, 2));
    // Not the code's fault: say so, and what to do, before the verdict.
    for (const t of result.triage) {
      if (t.class === "code") continue;
      console.error(`${describeTriage(t)} (${t.class}: not a code failure)`);
    }
    // In CI: annotations, the step summary and the outputs `result`, `failed-gates`
    // (on stderr with --json, whose document owns stdout).
    await writeCheckOutput(
      createCiOutput(values.json ? { write: (l) => console.error(l) } : {}),
      result,
      result.runDir.includes("/.git/fleet-orch/")
        ? { root: result.runDir.slice(0, result.runDir.indexOf("/.git/fleet-orch/")) }
        : {},
    );
    const verdict = result.interrupted
      ? "Interrupted: running gates were stopped, the rest skipped"
      : result.ok
      ? "All required gates passed"
      : "Some required gates failed";
    console.error(`${verdict}; logs: ${join(result.runDir, "logs")}`);
    if (result.interrupted) return EXIT.interrupted;
    if (result.policyViolation) return EXIT.policy;
    return result.ok ? EXIT.ok : EXIT.failed;
  }, { cooperative: true });
}
