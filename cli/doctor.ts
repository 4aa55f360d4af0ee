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
import { configDirOf } from "../core/registry.ts";
import { llmReference, openRuntime } from "../orchestrator/runtime.ts";
import { VERSION } from "../core/version.ts";
import { sandboxFix } from "../core/sandbox.ts";

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
    checks.push(await sandboxCheck(rt.exec));
    for (const role of ["codex", "jules"] as const) {
      const a = rt.loaded.config.agents[role];
      if (!a.enabled) continue;
      // The provider the run would use, made through the registry: a plugins:
      // entry's own api_key_env counts, not only the preset's variable.
      const { ref, where } = llmReference(rt.loaded, role);
      const llm = await rt.registry.instantiate("llm", ref, {
        configDir: configDirOf(rt.loaded.file),
        context: rt.pluginContext,
        where,
      }) as { credentialProblem?: () => string | null; keyEnv?: string | null };
      const problem = typeof llm.credentialProblem === "function" ? llm.credentialProblem() : null;
      if (problem) {
        checks.push({
          name: `${role} key`,
          status: "warn",
          message: `${problem}: recipes still fix what they can, the rest needs a model`,
        });
      } else if (llm.keyEnv) {
        checks.push({ name: `${role} key`, status: "ok", message: `${llm.keyEnv} is set` });
      } else {
        checks.push({ name: `${role} key`, status: "ok", message: `${a.provider} needs no key` });
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

/**
 * The "sandbox" check: whether gates can run in bubblewrap after a fix, and
 * what to do when they cannot.
 *
 * @param exec The runtime's executor (it knows `safety.sandbox`).
 * @returns The check.
 */
export async function sandboxCheck(exec: ShellExecutor): Promise<DoctorCheck> {
  const mode = exec.sandboxMode;
  if (mode === "off") {
    return {
      name: "sandbox",
      status: "warn",
      message: "safety.sandbox is off: gates run code a model wrote unsandboxed",
    };
  }
  const probe = await exec.probeSandbox();
  if (probe.available) {
    return { name: "sandbox", status: "ok", message: `${probe.reason} (safety.sandbox: ${mode})` };
  }
  return {
    name: "sandbox",
    status: mode === "required" ? "error" : "warn",
    message: `not available: ${probe.reason}. Fix: ${sandboxFix(probe)}` +
      (mode === "required"
        ? " (safety.sandbox is required: runs stop with exit 3)"
        : " (safety.sandbox is auto: gates will run unsandboxed after a fix)"),
  };
}

/** Help text. */
export const help = `Usage: fleet-orch doctor [options]

Check the environment: git and bash, the repository, the config file, the
policy, the configured plugins, the gate sandbox (bubblewrap), and the model
API keys.

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
