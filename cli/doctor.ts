/**
 * `fleet-orch doctor`: check what a run needs — git, bash, the repository,
 * the config, the policy, the plugins, model keys — and say what to fix.
 *
 * @module
 */

import { guard, parseFlags } from "./_common.ts";
import { useColor } from "../core/log.ts";
import { ConfigError, messageOf } from "../core/errors.ts";
import { ShellExecutor } from "../core/exec.ts";
import { loadPolicy } from "../policies/engine.ts";
import { openRuntime } from "../orchestrator/runtime.ts";
import { VERSION } from "../core/version.ts";
import { PRESETS } from "../plugins/llm/presets.ts";

/** One check's outcome. */
export interface DoctorCheck {
  /** What was checked. */
  name: string;
  /** ok, warn (works, but …), error (a run would fail). */
  status: "ok" | "warn" | "error";
  /** Details and what to do. */
  message: string;
}

/**
 * Run every check.
 *
 * @param options `--config`, `--repo`.
 * @returns The checks, in order.
 */
export async function runDoctor(
  options: { config?: string | undefined; repo?: string | undefined },
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [
    {
      name: "fleet-orch",
      status: "ok",
      message: `${VERSION} on Deno ${Deno.version.deno} (${Deno.build.target})`,
    },
  ];
  const policy = await loadPolicy({ env: Deno.env.toObject() });
  const exec = new ShellExecutor({ judge: (c) => policy.judgeCommand(c) });
  for (const [tool, args] of [["git", "--version"], ["bash", "--version"]] as const) {
    try {
      const r = await exec.runArgv([tool, args], { timeoutMs: 10_000 });
      checks.push(
        r.code === 0 ? { name: tool, status: "ok", message: r.output.split("\n")[0]!.trim() } : {
          name: tool,
          status: "error",
          message: `"${tool} ${args}" exited ${r.code}; install ${tool}`,
        },
      );
    } catch (e) {
      checks.push({
        name: tool,
        status: "error",
        message: `${messageOf(e)}; install ${tool}`,
      });
    }
  }
  try {
    const rt = await openRuntime({ ...options, configOptional: true });
    checks.push({ name: "repository", status: "ok", message: rt.repoRoot });
    checks.push(
      rt.configFound ? { name: "config", status: "ok", message: `${rt.loaded.file} is valid` } : {
        name: "config",
        status: "warn",
        message: `No ${rt.loaded.file}; create one with "fleet-orch init"`,
      },
    );
    const gates = Object.keys(rt.loaded.config.quality_gates).length +
      rt.loaded.config.steps.length;
    checks.push(
      gates ? { name: "gates", status: "ok", message: `${gates} configured` } : {
        name: "gates",
        status: rt.configFound ? "error" : "warn",
        message: "No quality_gates or steps configured",
      },
    );
    checks.push({
      name: "plugins",
      status: "ok",
      message: `${rt.registry.list().length} available`,
    });
    for (const role of ["codex", "jules"] as const) {
      const a = rt.loaded.config.agents[role];
      if (!a.enabled) continue;
      const preset = (PRESETS as Record<string, { keyEnv: string | null } | undefined>)[a.provider];
      const keyVar = a.api_key_env ?? preset?.keyEnv;
      if (!keyVar) {
        checks.push({ name: `${role} key`, status: "ok", message: `${a.provider} needs no key` });
      } else if (rt.env[keyVar]) {
        checks.push({ name: `${role} key`, status: "ok", message: `${keyVar} is set` });
      } else {
        checks.push({
          name: `${role} key`,
          status: "warn",
          message: `${keyVar} is not set: recipes still fix what they can, the rest needs a model`,
        });
      }
    }
  } catch (e) {
    checks.push({
      name: e instanceof ConfigError ? "config" : "repository",
      status: "error",
      message: messageOf(e),
    });
  }
  return checks;
}

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
