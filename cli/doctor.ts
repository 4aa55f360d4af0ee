/**
 * `fleet-orch doctor`: check what a run needs — git, bash, the repository,
 * the config, the policy, the plugins, model keys and endpoints — and say
 * what to fix.
 *
 * @module
 */

import { guard, parseFlags } from "./_common.ts";
import { useColor } from "../core/log.ts";
import { ConfigError, messageOf, UsageError } from "../core/errors.ts";
import type { Config } from "../core/config.ts";
import { ShellExecutor } from "../core/exec.ts";
import { loadPolicy } from "../policies/engine.ts";
import { configDirOf } from "../core/registry.ts";
import { llmReference, openRuntime } from "../orchestrator/runtime.ts";
import { VERSION } from "../core/version.ts";
import { sandboxFix } from "../core/sandbox.ts";
import { DEFAULT_IDENTITY, type Git } from "../core/git.ts";
import { probeVcsAccess, type VcsProbeOptions } from "../plugins/vcs/access.ts";
import type { EndpointProbe, OpenAiClient } from "../plugins/llm/openai.ts";
import { PROBE_TIMEOUT_MS } from "../plugins/llm/openai.ts";
import { deployPrograms, findProgram } from "../orchestrator/deploy_tools.ts";

/** One check's outcome. */
export interface DoctorCheck {
  /** What was checked. */
  name: string;
  /** ok, warn (works, but …), error (a run would fail). */
  status: "ok" | "warn" | "error";
  /** Details. */
  message: string;
  /** The fix to apply, when the check found something to fix. */
  fix?: string;
}

/**
 * Run every check.
 *
 * @param options `--config`, `--repo`.
 * @returns The checks, in order.
 */
export async function runDoctor(
  options: {
    config?: string | undefined;
    repo?: string | undefined;
    /** Skip contacting the model endpoints. */
    offline?: boolean | undefined;
    /** Timeout of each endpoint probe. @default 5000 */
    probeTimeoutMs?: number | undefined;
    /** The environment (tests, library callers). @default Deno.env */
    env?: Record<string, string> | undefined;
  },
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
          message: `"${tool} ${args}" exited ${r.code}`,
          fix: `install ${tool}`,
        },
      );
    } catch (e) {
      checks.push({
        name: tool,
        status: "error",
        message: messageOf(e),
        fix: `install ${tool}`,
      });
    }
  }
  // Which check a thrown error belongs to: opening the repository, or making
  // the configured models (a bad base_url is a model problem, not a git one).
  let stage = "repository";
  const stageFix: Record<string, string> = {
    repository: "run doctor inside a git repository with at least one commit, or pass --repo DIR",
    models: "correct the provider, base_url or plugin entry of the agent named above",
  };
  try {
    const rt = await openRuntime({
      config: options.config,
      repo: options.repo,
      configOptional: true,
      models: true,
      ...(options.env ? { env: options.env } : {}),
    });
    stage = "models";
    checks.push({ name: "repository", status: "ok", message: rt.repoRoot });
    // A run branches from HEAD: a repository without a commit stops it (exit
    // 1). A warning, not a problem: check works, and a new project is often
    // checked before its first commit.
    if ((await rt.git.tryRun(["rev-parse", "--verify", "-q", "HEAD"])).code !== 0) {
      checks.push({
        name: "first commit",
        status: "warn",
        message: `${rt.repoRoot} has no commit yet: "fleet-orch run" starts its work branch ` +
          "from HEAD and stops without one",
        fix: 'commit your work first (git add -A && git commit -m "Initial commit")',
      });
    }
    checks.push(
      rt.configFound ? { name: "config", status: "ok", message: `${rt.loaded.file} is valid` } : {
        name: "config",
        status: "warn",
        message: `No ${rt.loaded.file}`,
        fix: 'create one with "fleet-orch init"',
      },
    );
    const gates = Object.keys(rt.loaded.config.quality_gates).length +
      rt.loaded.config.steps.length;
    checks.push(
      gates ? { name: "gates", status: "ok", message: `${gates} configured` } : {
        name: "gates",
        status: rt.configFound ? "error" : "warn",
        message: "No quality_gates or steps configured",
        fix:
          'add "quality_gates:" or "steps:" to the config (or let "fleet-orch init" propose them)',
      },
    );
    checks.push({
      name: "plugins",
      status: "ok",
      message: `${rt.registry.list().length} available`,
    });
    checks.push(await sandboxCheck(rt.exec));
    checks.push(await gitIdentityCheck(rt.git, rt.env));
    checks.push(...deployToolChecks(rt.loaded.config, rt.env, rt.repoRoot));
    if (rt.loaded.config.vcs) {
      checks.push(
        ...await vcsChecks(rt.loaded.config.vcs, {
          env: (n) => rt.env[n],
          offline: options.offline === true,
          ...(options.probeTimeoutMs ? { timeoutMs: options.probeTimeoutMs } : {}),
        }),
      );
    }
    // codex and jules often share one endpoint: it is contacted once.
    const probed = new Map<string, Promise<EndpointProbe>>();
    let fixerUsable = false;
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
      }) as Partial<OpenAiClient>;
      const problem = typeof llm.credentialProblem === "function" ? llm.credentialProblem() : null;
      if (problem) {
        const how = llm.keyEnv
          ? `export ${llm.keyEnv}=<your key> (or set agents.${role}.base_url to a local ` +
            "OpenAI-compatible server that needs none)"
          : "set the variables named above";
        // As the run decides (orchestrator/loop.ts, preflight): a reviewer the
        // config file names that cannot run, beside a fixer that can, stops
        // the run before the first gate; without a fixer it is left out.
        checks.push(
          role === "jules" && fixerUsable && reviewerNamed(rt.loaded.yaml.value)
            ? {
              name: `${role} key`,
              status: "error",
              message: `${problem}: "fleet-orch run" stops with exit 3 (reviewer_unavailable) ` +
                "before the first gate, since the fixer could write patches no reviewer would see",
              fix:
                `${how}, or set agents.jules.enabled: false to let the policy engine review alone`,
            }
            : {
              name: `${role} key`,
              status: "warn",
              message: `${problem}: recipes still fix what they can, the rest needs a model`,
              fix: how,
            },
        );
        continue; // nothing to contact the endpoint with
      }
      if (role === "codex") fixerUsable = true;
      if (llm.keyEnv && llm.hasKey !== false) {
        checks.push({ name: `${role} key`, status: "ok", message: `${llm.keyEnv} is set` });
      } else if (llm.keyEnv) {
        checks.push({
          name: `${role} key`,
          status: "ok",
          message: `none (${llm.keyEnv} is unset): "${llm.baseUrl}" is not a cloud API, ` +
            "so calls go without a key",
        });
      } else {
        checks.push({ name: `${role} key`, status: "ok", message: `${a.provider} needs no key` });
      }
      const endpoint = await endpointCheck(role, llm, options, probed);
      checks.push(endpoint.check);
      const listed = endpoint.probe?.models;
      // Azure lists base models, not the deployment names agents give: not checked.
      const azure = llm.provider === "azure" || /\/openai(\/|$)/.test(llm.baseUrl ?? "");
      if (listed?.length && !azure && !modelListed(a.model, listed)) {
        checks.push({
          name: `${role} model`,
          status: "warn",
          message: `"${a.model}" (agents.${role}.model) is not among the ${listed.length} ` +
            `model${listed.length === 1 ? "" : "s"} "${endpoint.probe!.url}" lists (${
              listed.slice(0, 5).map((m) => `"${m}"`).join(", ")
            }${listed.length > 5 ? ", …" : ""}): calls will likely fail with 404`,
          fix: `set agents.${role}.model to a model the endpoint serves, or make it serve ` +
            `"${a.model}"` +
            (llm.provider === "ollama" || /:11434(\/|$)/.test(llm.baseUrl ?? "")
              ? ` ("ollama pull ${a.model}")`
              : ""),
        });
      }
    }
  } catch (e) {
    // No repository to check (outside one, or a --repo that is not a
    // directory) is a usage error, exit 2 as for every command; it is still
    // reported as a check, so --json prints one document.
    if (e instanceof UsageError) {
      checks.push({
        name: "repository",
        status: "error",
        message: messageOf(e),
        fix: stageFix.repository!,
      });
      return checks;
    }
    checks.push({
      name: e instanceof ConfigError ? "config" : stage,
      status: "error",
      message: messageOf(e),
      fix: e instanceof ConfigError
        ? "correct the config at the FILE:LINE:COL named above, then run doctor again"
        : stageFix[stage] ?? "correct what the message names, then run doctor again",
    });
  }
  return checks;
}

/** Whether the config file itself names the reviewer (an `agents.jules` section). */
function reviewerNamed(raw: unknown): boolean {
  const agents = (raw as { agents?: { jules?: unknown } } | null | undefined)?.agents;
  return !!agents?.jules;
}

/**
 * The exit code of a doctor run: 2 when the config is invalid or there is
 * no repository to check (outside one, a `--repo` that is not a directory),
 * 1 when any other check failed, 0 otherwise (warnings allowed).
 *
 * @param checks The checks of {@link runDoctor}.
 * @returns 0, 1 or 2.
 */
export function doctorExitCode(checks: DoctorCheck[]): number {
  const errors = checks.filter((c) => c.status === "error");
  // Config invalid, or no repository to check at all (a usage error).
  if (errors.some((c) => c.name === "config" || c.name === "repository")) return 2;
  return errors.length > 0 ? 1 : 0;
}

// One cheap request per endpoint (GET {base_url}/models): a bad key, a wrong
// URL or a web page where an API should be is found here, not mid-run.
async function endpointCheck(
  role: string,
  llm: Partial<OpenAiClient>,
  options: { offline?: boolean | undefined; probeTimeoutMs?: number | undefined },
  probed: Map<string, Promise<EndpointProbe>>,
): Promise<{ check: DoctorCheck; probe?: EndpointProbe }> {
  const name = `${role} endpoint`;
  if (typeof llm.probe !== "function") {
    return {
      check: { name, status: "ok", message: "not contacted: the provider plugin has no probe" },
    };
  }
  if (options.offline) {
    return {
      check: { name, status: "ok", message: `"${llm.baseUrl}" not contacted (--offline)` },
    };
  }
  const key = `${llm.baseUrl}\0${llm.keyEnv ?? ""}`;
  let probe = probed.get(key);
  if (!probe) {
    probe = llm.probe({ timeoutMs: options.probeTimeoutMs ?? PROBE_TIMEOUT_MS });
    probed.set(key, probe);
  }
  const p = await probe;
  return { check: _endpointVerdict(name, role, llm, p), probe: p };
}

/**
 * Whether a model list names `model`: exactly, as Ollama's implied
 * `:latest` tag, or under a prefix (Gemini's `models/…`).
 */
function modelListed(model: string, ids: readonly string[]): boolean {
  return ids.some((id) => id === model || id === `${model}:latest` || id.endsWith(`/${model}`));
}

function _endpointVerdict(
  name: string,
  role: string,
  llm: Partial<OpenAiClient>,
  p: EndpointProbe,
): DoctorCheck {
  switch (p.outcome) {
    case "reachable":
      return { name, status: "ok", message: p.message };
    case "key_rejected":
      return {
        name,
        status: "error",
        message: p.message,
        fix: llm.keyEnv
          ? `set a valid key in "${llm.keyEnv}"`
          : `set a valid key in the variable agents.${role}.api_key_env names`,
      };
    case "rate_limited":
      return p.quota
        ? {
          name,
          status: "error",
          message: p.message,
          fix: `add credit or raise the quota of the account whose key is in ` +
            `"${llm.keyEnv ?? `agents.${role}.api_key_env`}", or use another key`,
        }
        : {
          name,
          status: "warn",
          message: p.message,
          fix: "calls are retried with backoff; if it persists, wait or raise the rate limit",
        };
    case "server_error":
      return {
        name,
        status: "error",
        message: p.message,
        fix: `the server at agents.${role}.base_url failed: check its logs or status page ` +
          "(or the proxy in front of it), then run doctor again",
      };
    case "unreachable":
      return {
        name,
        status: "error",
        message: p.message,
        fix: `start the server, or correct agents.${role}.base_url` +
          (llm.provider === "openai" ? " (or OPENAI_BASE_URL)" : ""),
      };
    default:
      return {
        name,
        status: "error",
        message: p.message,
        fix: `agents.${role}.base_url must be the API root of an OpenAI-compatible ` +
          "server (usually ending in /v1)",
      };
  }
}

/**
 * The "git identity" check: the author and committer fleet-orch's commits
 * get, as git itself resolves them with the environment fleet-orch sets
 * (`GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, `GIT_COMMITTER_*`, else its own
 * default identity; see core/git.ts). An empty or invalid value is an error.
 *
 * @param git The runtime's git (it carries the identity).
 * @param env The environment.
 * @returns The check.
 */
export async function gitIdentityCheck(
  git: Git,
  env: Record<string, string>,
): Promise<DoctorCheck> {
  const name = "git identity";
  const idents: string[] = [];
  for (const which of ["GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"]) {
    const r = await git.tryRun(["var", which]);
    if (r.code !== 0) {
      const set = [
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
      ]
        .filter((v) => env[v] !== undefined);
      return {
        name,
        status: "error",
        message: `git refuses the commit identity: ${r.output.split("\n")[0]!.trim()}`,
        fix: set.length
          ? `give ${
            set.join(", ")
          } a non-empty value, or unset them to commit as ${DEFAULT_IDENTITY.name} <${DEFAULT_IDENTITY.email}>`
          : 'set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL (or "git config user.name/user.email")',
      };
    }
    idents.push(r.output.replace(/\s+\d+\s+[+-]\d{4}\s*$/, "").trim());
  }
  const [author, committer] = idents as [string, string];
  const fromEnv = env.GIT_AUTHOR_NAME !== undefined || env.GIT_AUTHOR_EMAIL !== undefined;
  return {
    name,
    status: "ok",
    message: `fixes are committed as ${author}${
      committer !== author ? `, committer ${committer}` : ""
    } (${
      fromEnv
        ? "from GIT_AUTHOR_NAME/GIT_AUTHOR_EMAIL"
        : "fleet-orch's default; set GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL to commit as someone else"
    })`,
  };
}

/**
 * The "vcs token" and "vcs access" checks of a `vcs:` entry: the token is
 * set, the host takes it, and it may push and open pull requests (one cheap
 * request, skipped with `--offline`).
 *
 * @param ref The `vcs:` entry.
 * @param options Environment, offline, timeout, fetch.
 * @returns The checks.
 */
export async function vcsChecks(
  ref: { uses: string; with?: Record<string, unknown> | undefined },
  options: VcsProbeOptions,
): Promise<DoctorCheck[]> {
  const probe = probeVcsAccess(ref.uses, ref.with ?? {}, options);
  if (!probe) {
    return [{
      name: "vcs access",
      status: "ok",
      message: `"${ref.uses}" not checked: doctor probes the github and azure-devops hosts`,
    }];
  }
  const results = await probe;
  return results.map((r) => ({
    name: r.check === "token" ? "vcs token" : "vcs access",
    status: r.outcome === "ok" ? "ok" : r.outcome === "warn" ? "warn" : "error",
    message: `${ref.uses}: ${r.message}`,
    ...(r.fix ? { fix: r.fix } : {}),
  }));
}

/**
 * The "deploy tool" checks: every program the configured deployment runs
 * (the built-in AKS steps' `az`, `kubectl`, `docker`; the first word of each
 * `agents.devops.deploy` command) is found, else a problem with how to get it.
 * Nothing is run: the programs are looked up on `PATH` (or, for a path, in
 * the repository).
 *
 * @param config The config.
 * @param env The environment (its `PATH` is the one deploy steps get).
 * @param repoRoot The repository root, for programs named by a path.
 * @returns One check per program; none when nothing is deployed.
 */
export function deployToolChecks(
  config: Config,
  env: Record<string, string>,
  repoRoot: string,
): DoctorCheck[] {
  return deployPrograms(config, (n) => env[n]).map((p) => {
    const name = `deploy tool ${p.program}`;
    const by = `needed by ${p.neededBy.join(", ")}`;
    const found = findProgram(p.program, { repoRoot, path: env.PATH });
    if (found) return { name, status: "ok" as const, message: `${found} (${by})` };
    const where = p.program.includes("/") ? "in the repository" : "on PATH";
    return {
      name,
      // Run only after another part of the same line, which may install it.
      status: p.later ? "warn" as const : "error" as const,
      message: `"${p.program}" is not ${where} (${by}${
        p.later ? "; an earlier part of that command may install it" : ""
      })`,
      fix: p.install ??
        (p.program.includes("/")
          ? `add "${p.program}" to the repository (executable), or correct ${p.neededBy[0]}`
          : `install "${p.program}" or put it on PATH, or correct ${p.neededBy[0]}`),
    };
  });
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
      fix: "set safety.sandbox: auto (or required) in the config",
    };
  }
  const probe = await exec.probeSandbox();
  if (probe.available) {
    return { name: "sandbox", status: "ok", message: `${probe.reason} (safety.sandbox: ${mode})` };
  }
  return {
    name: "sandbox",
    status: mode === "required" ? "error" : "warn",
    message: `not available: ${probe.reason}` +
      (mode === "required"
        ? " (safety.sandbox is required: runs stop with exit 3)"
        : " (safety.sandbox is auto: gates will run unsandboxed after a fix)"),
    fix: sandboxFix(probe),
  };
}

/** Help text. */
export const help = `Usage: fleet-orch doctor [options]

Check the environment: git and bash, the repository, the config file, the
policy, the configured plugins, the programs the deployment runs (az,
kubectl, docker for deployment.provider: aks; the program each
agents.devops.deploy command starts), the gate sandbox (bubblewrap), the
identity fixes are committed with, the VCS token when vcs: is set, the
model API keys, and every model endpoint: one cheap request each (GET {base_url}/models with
the key, 5 s timeout) says whether it is reachable, takes the key, and answers
like an OpenAI-compatible API (a 429 is a rate limit or a spent quota, a 5xx a
server error, a redirect is not followed). The VCS check reads the repository with the
token (GitHub: GET /repos/{owner}/{repo}, which must allow push, and a classic
token's scopes must hold repo; Azure DevOps: GET the git repository, 401 and
403 told apart). Every problem comes with the fix to apply.

Options:
  --config F   Config file (default: fleet-orch.yaml at the repository root,
               else the seed's config.yaml there when it validates)
  --repo DIR   Repository (default: the git repository around the current directory)
  --offline    Contact nothing: no model endpoint, no VCS host (keys and
               tokens are still checked for presence)
  --json       Print the checks as JSON on stdout ({"checks": [{name, status,
               message, fix?}]})

Exit codes: 0 no problem (warnings allowed); 1 a problem found; 2 config invalid
(or no repository to check).`;

/**
 * Run the command.
 *
 * @param args Arguments after "doctor".
 * @returns The exit code.
 */
export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const { values } = parseFlags(
      args,
      {
        config: { type: "string" },
        repo: { type: "string" },
        json: { type: "boolean" },
        offline: { type: "boolean" },
      },
      "doctor",
      { positionals: false },
    );
    const checks = await runDoctor({
      config: values.config,
      repo: values.repo,
      offline: values.offline,
    });
    if (values.json) console.log(JSON.stringify({ checks }, null, 2));
    else {
      // No repository to check is a usage error, told as every command tells one.
      const repo = checks.find((c) => c.name === "repository" && c.status === "error");
      if (repo) throw new UsageError(repo.message);
      const c = useColor();
      const mark = {
        ok: c ? "\x1b[32m✓\x1b[39m" : "ok  ",
        warn: c ? "\x1b[33m!\x1b[39m" : "warn",
        error: c ? "\x1b[31m✗\x1b[39m" : "FAIL",
      };
      for (const ch of checks) {
        console.log(`${mark[ch.status]} ${ch.name}: ${ch.message}`);
        if (ch.fix) console.log(`       fix: ${ch.fix}`);
      }
    }
    return doctorExitCode(checks);
  });
}
