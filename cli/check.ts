/**
 * `fleet-orch check`: run the configured quality gates once, fix nothing.
 *
 * @module
 */

import { join } from "node:path";
import { checkRepoFlag, EXIT, guard, numberFlag, parseFlags } from "./_common.ts";
import { runCheck } from "../orchestrator/check.ts";

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

Exit codes: 0 every required gate passed; 1 otherwise; 2 usage or config error;
3 a gate's command was refused by policy.`;

/**
 * Run the command.
 *
 * @param args Arguments after "check".
 * @returns The exit code.
 */
export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const { values } = parseFlags(args, {
      config: { type: "string" },
      repo: { type: "string" },
      jobs: { type: "string" },
      only: { type: "string", multiple: true },
      "report-dir": { type: "string" },
      json: { type: "boolean" },
      "allow-policy-loosening": { type: "boolean" },
    }, "check");
    const jobs = numberFlag(values.jobs, "--jobs", { integer: true, min: 1 });
    await checkRepoFlag(values.repo);
    const result = await runCheck({
      repo: values.repo,
      config: values.config,
      ...(jobs !== undefined ? { jobs } : {}),
      ...(values.only ? { only: values.only } : {}),
      reportDir: values["report-dir"],
      ...(values["allow-policy-loosening"] ? { allowPolicyLoosening: true } : {}),
    });
    if (values.json) {
      console.log(JSON.stringify(
        {
          ok: result.ok,
          runDir: result.runDir,
          gates: result.gates.map((g) => ({
            id: g.id,
            name: g.name,
            status: g.status,
            required: g.required,
            exitCode: g.exitCode,
            durationMs: Math.round(g.durationMs),
            logFile: g.logFile ?? null,
            failures: g.failures,
          })),
        },
        null,
        2,
      ));
    }
    console.error(
      `${result.ok ? "All required gates passed" : "Some required gates failed"}; logs: ${
        join(result.runDir, "logs")
      }`,
    );
    if (result.policyViolation) return EXIT.policy;
    return result.ok ? EXIT.ok : EXIT.failed;
  });
}
