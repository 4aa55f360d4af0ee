/**
 * `fleet-orch doctor`: check what a run needs — git, bash, the repository,
 * the config, the policy, the plugins, model keys — and say what to fix.
 *
 * @module
 */

import { guard, parseFlags } from "./_common.ts";
import { runDoctor } from "../orchestrator/doctor.ts";
import { useColor } from "../core/log.ts";

/** Help text. */
export const help = `Usage: fleet-orch doctor [options]

Check the environment: git and bash, the repository, the config file, the
policy, the configured plugins, and the model API keys.

Options:
  --config F   Config file (default: fleet-orch.yaml at the repository root)
  --repo DIR   Repository (default: the git repository around the current directory)
  --json       Print the checks as JSON on stdout

Exit codes: 0 no errors (warnings allowed); 2 at least one error.`;

/**
 * Run the command.
 *
 * @param args Arguments after "doctor".
 * @returns The exit code.
 */
export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const { values } = parseFlags(args, {
      config: { type: "string" },
      repo: { type: "string" },
      json: { type: "boolean" },
    }, "doctor");
    const checks = await runDoctor({ config: values.config, repo: values.repo });
    if (values.json) console.log(JSON.stringify({ checks }, null, 2));
    else {
      const c = useColor();
      const mark = {
        ok: c ? "\x1b[32m✓\x1b[39m" : "ok  ",
        warn: c ? "\x1b[33m!\x1b[39m" : "warn",
        error: c ? "\x1b[31m✗\x1b[39m" : "FAIL",
      };
      for (const ch of checks) console.log(`${mark[ch.status]} ${ch.name}: ${ch.message}`);
    }
    return checks.some((ch) => ch.status === "error") ? 2 : 0;
  });
}
