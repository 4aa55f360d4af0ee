/**
 * The checks behind `fleet-orch doctor`.
 *
 * @module
 */

import { ConfigError } from "../core/errors.ts";
import { ShellExecutor } from "../core/exec.ts";
import { loadPolicy } from "../policies/engine.ts";
import { openRuntime } from "./runtime.ts";
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
        message: `${(e as Error).message}; install ${tool}`,
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
      message: (e as Error).message,
    });
  }
  return checks;
}
