/**
 * The runtime of one command: the repository, its configuration, the policy
 * engine, the executor that the policy guards, git, the plugin registry and
 * the logger, wired once so every command sees the same rules.
 *
 * @module
 */

import { basename, isAbsolute, join, relative, resolve } from "node:path";
import type { Config, LoadedConfig, PluginRef } from "../core/config.ts";
import { DEFAULT_CONFIG_FILE, SEED_CONFIG_FILE } from "../core/config_names.ts";
import { ShellExecutor } from "../core/exec.ts";
import { Git } from "../core/git.ts";
import { createLogger, type Logger, type LogLevel } from "../core/log.ts";
import { canonicalPath } from "../patch/patch.ts";
import { ConfigError, type ConfigProblem, UsageError } from "../core/errors.ts";
import type { GatePlugin, PluginContext, PluginKind } from "../core/plugin.ts";
import { configDirOf, PluginRegistry, type RefLocation } from "../core/registry.ts";
import { loadPolicy, type PolicyEngine } from "../policies/engine.ts";
import { createRedactor } from "../policies/redact.ts";
import { loadCiPoolParser } from "../policies/ci_pool_exception.ts";
import {
  builtinProtectionLifted,
  HOW_TO_ALLOW_LOOSENING,
  looseningAllowedByEnv,
} from "../policies/loader.ts";
import {
  EndpointError,
  type EndpointSettings,
  PRESETS,
  PROVIDERS,
  resolveEndpoint,
} from "../plugins/llm/presets.ts";

/**
 * Modules a runtime loads only when it needs them: the YAML parser and the
 * schema (a config not taken from `check`'s cache), the built-in plugins and
 * the exec-plugin bridge. Computed specifiers, because Deno reads every
 * literal `import()` target at start-up; the `compile` task embeds them with
 * `--include` (tests/cli/compile_test.ts checks it).
 */
export const RUNTIME_LAZY_MODULES = {
  config: "../core/config.ts",
  builtins: "../plugins/builtins.ts",
  exec: "../plugins/exec.ts",
} as const;

function _lazy<T>(name: keyof typeof RUNTIME_LAZY_MODULES): Promise<T> {
  return import(new URL(RUNTIME_LAZY_MODULES[name], import.meta.url).href);
}

/**
 * The environment variables holding the agents' model keys.
 *
 * @param config The configuration.
 * @returns Variable names (for hiding them from gates and deploy commands).
 */
export function modelKeyVariables(config: LoadedConfig["config"]): string[] {
  const names = new Set<string>();
  for (const agent of [config.agents.codex, config.agents.jules]) {
    const preset =
      (PRESETS as Record<string, { keyEnv: string | null } | undefined>)[agent.provider];
    const name = agent.api_key_env ?? preset?.keyEnv;
    if (name) names.add(name);
  }
  // A provider configured once under plugins: (e.g. the openai plugin with
  // its own api_key_env, or a preset) names its key there.
  for (const ref of config.plugins) {
    const key = ref.with.api_key_env;
    if (typeof key === "string" && key) names.add(key);
    const preset = (PRESETS as Record<string, { keyEnv: string | null } | undefined>)[
      String(ref.with.provider ?? "")
    ];
    if (preset?.keyEnv) names.add(preset.keyEnv);
  }
  return [...names];
}

/**
 * The environment variables the config names as holding credentials: every
 * `*_env` setting (agents' `api_key_env`, plugins' `token_env`,
 * `webhook_env`...). Their values are redacted whatever the variable is called.
 *
 * @param config The configuration.
 * @returns Variable names.
 */
export function declaredSecretVariables(config: LoadedConfig["config"]): string[] {
  const names = new Set(modelKeyVariables(config));
  const walk = (v: unknown, depth: number): void => {
    if (depth > 12 || v === null || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (/_env$/i.test(k) && typeof x === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(x)) {
        names.add(x);
      } else walk(x, depth + 1);
    }
  };
  walk(config, 0);
  return [...names];
}

/**
 * The `llm` plugin reference an agent's settings stand for. A preset name
 * (`openai`, `azure`, `ollama`, …) is the built-in `openai` plugin with that
 * preset; any other name is a plugin (a `plugins:` entry's name or a
 * built-in). The agent's `base_url`, `api_key_env`, `auth`, `api_version`, `timeout_seconds`,
 * `max_retries` and `max_reply_bytes` are options of that plugin, and so are the config's
 * `pricing:` for the `openai` plugin.
 *
 * @param loaded The loaded configuration.
 * @param role `codex` (the fixer) or `jules` (the reviewer).
 * @returns The reference and where it sits, for located option errors.
 */
export function llmReference(
  loaded: LoadedConfig,
  role: "codex" | "jules",
): { ref: PluginRef; where: RefLocation } {
  const config = loaded.config;
  const agent = config.agents[role];
  const preset = (PROVIDERS as readonly string[]).includes(agent.provider);
  const uses = preset ? "openai" : agent.provider;
  const settings: Record<string, unknown> = {};
  // "openai" is both the plugin's and the preset's name: leave the preset to
  // a `plugins:` entry that configures the openai plugin, if there is one.
  if (preset && agent.provider !== "openai") settings.provider = agent.provider;
  const keys = [
    "base_url",
    "api_key_env",
    "auth",
    "api_version",
    "timeout_seconds",
    "max_retries",
    "max_reply_bytes",
  ] as const;
  for (const key of keys) {
    if (agent[key] !== undefined) settings[key] = agent[key];
  }
  if (uses === "openai" && Object.keys(config.pricing).length) settings.prices = config.pricing;
  return {
    ref: { uses, with: settings },
    where: {
      yaml: loaded.yaml,
      path: ["agents", role],
      usesKey: "provider",
      optionPath: (key) => key === "prices" ? ["pricing"] : ["agents", role, key],
      alsoValid: PROVIDERS,
    },
  };
}

/**
 * Declare the `plugins:` entries and check every place the config uses a
 * plugin (steps, fixers, vcs, notifiers, verifiers, the agents' providers):
 * the plugin exists, has the right kind, and its options pass its schema.
 * Runs when the config is loaded, so every problem is reported at once with
 * FILE:LINE:COL before any gate or model call.
 *
 * With `endpoints`, the agents' model endpoints are resolved too (base URL,
 * key variable, Azure API version, from the config and the environment:
 * `OPENAI_BASE_URL`, `AZURE_OPENAI_ENDPOINT`), so a command that will call a
 * model stops at the agent's key instead of part-way.
 *
 * @param registry The registry to fill.
 * @param loaded The loaded configuration.
 * @param options Config directory, plugin context, whether to resolve endpoints.
 * @throws {ConfigError} With every problem found.
 */
export async function checkPluginUses(
  registry: PluginRegistry,
  loaded: LoadedConfig,
  options: { configDir: string; context: PluginContext; endpoints?: boolean | undefined },
): Promise<void> {
  const config = loaded.config;
  const problems: ConfigProblem[] = [];
  const collect = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (e) {
      if (e instanceof ConfigError) problems.push(...e.problems);
      else throw e;
    }
  };
  const at = (...path: PropertyKey[]): RefLocation => ({ yaml: loaded.yaml, path });
  for (const [i, ref] of config.plugins.entries()) {
    await collect(async () => {
      const where = at("plugins", i);
      const def = await registry.declare(ref, { ...options, where });
      // The options the entry writes, even when no use site names it (a
      // required option may still come from each use site).
      await registry.check(def.kind, ref, { ...options, where, writtenOnly: true });
    });
  }
  const sites: Array<{ kind: PluginKind; ref: PluginRef; where: RefLocation }> = [];
  config.steps.forEach((step, i) => {
    if (step.uses !== undefined) {
      sites.push({
        kind: "gate",
        ref: { uses: step.uses, with: step.with ?? {} },
        where: at("steps", i),
      });
    }
  });
  (config.fixers ?? []).forEach((ref, i) =>
    sites.push({ kind: "fixer", ref, where: at("fixers", i) })
  );
  if (config.vcs) sites.push({ kind: "vcs", ref: config.vcs, where: at("vcs") });
  config.notifiers.forEach((ref, i) =>
    sites.push({ kind: "notifier", ref, where: at("notifiers", i) })
  );
  for (const [name, env] of Object.entries(config.deployment.environments)) {
    (env.verifiers ?? []).forEach((ref, i) =>
      sites.push({
        kind: "verifier",
        ref,
        where: at("deployment", "environments", name, "verifiers", i),
      })
    );
  }
  for (const role of ["codex", "jules"] as const) {
    if (config.agents[role].enabled) {
      sites.push({ kind: "llm", ...llmReference(loaded, role) });
      continue;
    }
    // A disabled agent is not made, but a provider name it gives must still
    // exist: "enabled: false" is often flipped back, and a typo should be
    // found now. Only a name is looked up (no module imported, no exec
    // plugin started for an agent that will not run).
    const { ref, where } = llmReference(loaded, role);
    if (!/^(exec:|\.{1,2}\/|\/|file:)/.test(ref.uses) && !/\.(ts|js|mjs)$/.test(ref.uses)) {
      await collect(() => registry.load(ref, { ...options, where, kind: "llm" }));
    }
  }
  const builtinOpenai = (name: string) =>
    registry.list().some((p) => p.kind === "llm" && p.name === name && p.source === "builtin");
  for (const site of sites) {
    await collect(async () => {
      const { def, options: parsed } = await registry.check(site.kind, site.ref, {
        configDir: options.configDir,
        context: options.context,
        where: site.where,
      });
      if (
        options.endpoints && site.kind === "llm" && def.name === "openai" && builtinOpenai(def.name)
      ) {
        _checkEndpoint(loaded, site.where.path, parsed as EndpointSettings, options.context.env);
      }
    });
  }
  if (problems.length) {
    // A declared option is checked with the entry and again at each site
    // that inherits it: report it once.
    const seen = new Set<string>();
    const unique = problems.filter((p) => {
      const key = `${p.file}:${p.line}:${p.col}:${p.message}`;
      return !seen.has(key) && !!seen.add(key);
    });
    unique.sort((a, b) => a.line - b.line || a.col - b.col);
    throw new ConfigError(unique);
  }
}

// An agent's endpoint that cannot be resolved is a config problem at the key
// to correct: the agent's base_url or api_version when it writes one, else its
// provider (the message names the environment variable the value came from).
function _checkEndpoint(
  loaded: LoadedConfig,
  agentPath: readonly PropertyKey[],
  settings: EndpointSettings,
  env: (name: string) => string | undefined,
): void {
  try {
    resolveEndpoint(settings, env);
  } catch (e) {
    if (!(e instanceof EndpointError)) throw e;
    let node: unknown = loaded.yaml.value;
    for (const k of agentPath) node = (node as Record<PropertyKey, unknown> | undefined)?.[k];
    const written = node !== null && typeof node === "object" && e.setting in node;
    const key = written ? e.setting : "provider";
    throw new ConfigError([{
      file: loaded.file,
      ...loaded.yaml.locate([...agentPath, key]),
      message: e.message,
    }]);
  }
}

/**
 * The repository's config may not lift a built-in protected path through
 * `safety.allow_paths` unless whoever runs fleet-orch allows it.
 */
function _checkAllowPaths(loaded: LoadedConfig, allowed: boolean): void {
  if (allowed) return;
  const problems: ConfigProblem[] = [];
  (loaded.config.safety.allow_paths ?? []).forEach((glob, i) => {
    const lifted = builtinProtectionLifted(glob);
    if (!lifted.length) return;
    problems.push({
      file: loaded.file,
      ...loaded.yaml.locate(["safety", "allow_paths", i]),
      message: `"allow_paths: ${glob}" lifts the built-in protection of ${
        lifted.map((p) => `"${p}"`).join(", ")
      }: ${HOW_TO_ALLOW_LOOSENING}`,
    });
  });
  if (problems.length) throw new ConfigError(problems);
}

function tempRoot(): string {
  return Deno.env.get("TMPDIR") || "/tmp";
}

/** The project policy file looked up at the repository root. */
export const DEFAULT_POLICY_FILE = "fleet-orch.policy.yaml";

/** Options of {@link openRuntime}. */
export interface RuntimeOptions {
  /** Repository directory (`--repo`). @default the git repository around the cwd */
  repo?: string | undefined;
  /** Config file (`--config`). @default fleet-orch.yaml at the repository root */
  config?: string | undefined;
  /** When no config file exists, use an empty configuration instead of failing. */
  configOptional?: boolean;
  /** Policy file (`--policy`). */
  policy?: string | undefined;
  /** Production approval given (`--approve`). */
  approve?: boolean;
  /**
   * Let the repository's policy file and `safety.allow_paths` lower the
   * built-in floor (`--allow-policy-loosening`; also granted by
   * `FLEET_ORCH_ALLOW_POLICY_LOOSENING=1` in the environment).
   * @default false
   */
  allowPolicyLoosening?: boolean;
  /** Dry run: plugins are told to write nothing. */
  dryRun?: boolean;
  /** Console log level. */
  logLevel?: LogLevel;
  /** Where console lines go. @default stderr */
  write?: (line: string) => void;
  /** Environment (tests inject their own). @default Deno.env */
  env?: Record<string, string>;
  /** fetch for plugins. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * The command calls the agents' models (`run`, `doctor`): their endpoints
   * are resolved when the config loads, with the environment, and one that
   * cannot be is a config error. @default false
   */
  models?: boolean;
}

/** Everything a command needs. */
export interface Runtime {
  /** Repository root. */
  repoRoot: string;
  /** fleet-orch's folder in the git directory (`.git/fleet-orch`). */
  stateDir: string;
  /** The loaded configuration. */
  loaded: LoadedConfig;
  /** Whether the config came from a file (false: defaults). */
  configFound: boolean;
  /** The policy engine. */
  policy: PolicyEngine;
  /** The executor, guarded by the policy. */
  exec: ShellExecutor;
  /** Git at the repository root. */
  git: Git;
  /** Plugins. */
  registry: PluginRegistry;
  /** Logger (redacting). */
  log: Logger;
  /** Redaction of secrets. */
  redact: (text: string) => string;
  /** The environment. */
  env: Record<string, string>;
  /** Context handed to plugins. */
  pluginContext: PluginContext;
  /** Resolves `uses:` gate steps to gate plugins. */
  resolveGate: (uses: string, options: Record<string, unknown>) => Promise<GatePlugin>;
  /** Stop plugin processes (exec plugins); call when the command is done. */
  close(): Promise<void>;
}

/**
 * Repository-relative paths of what this run trusts: the config file, the
 * policy file and every plugin module or exec script the config names
 * (`uses:` anywhere in it). A patch that changed one would run with
 * fleet-orch's permissions on the next run of the branch.
 *
 * @param config The loaded config.
 * @param repoRoot The repository root.
 * @param configDir Where relative `uses:` paths start.
 * @param files Absolute paths of the config and policy files.
 * @returns Canonical repository-relative paths (those outside are left out).
 */
export function trustedInputs(
  config: unknown,
  repoRoot: string,
  configDir: string,
  files: readonly string[],
): string[] {
  const abs: string[] = [...files];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (v === null || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v)) {
      if (k === "uses" && typeof x === "string") {
        const words = x.startsWith("exec:") ? x.slice(5).trim().split(/\s+/) : [x];
        for (const w of words) {
          if (w.startsWith("-") || /^[a-z][a-z0-9+.-]*:/i.test(w)) continue;
          if (w.includes("/") || /\.(?:[cm]?[jt]s|py|sh|rb|pl|php|exe)$/.test(w)) {
            abs.push(resolve(configDir, w));
          }
        }
      } else visit(x);
    }
  };
  visit(config);
  const out = new Set<string>();
  for (const a of abs) {
    const c = canonicalPath(relative(repoRoot, a));
    if (c.ok) out.add(c.path);
  }
  return [...out];
}

/** Where a command runs: found before the config is read. */
export interface RepositoryPlace {
  /** The environment. */
  env: Record<string, string>;
  /** Lookup in it. */
  envLookup: (name: string) => string | undefined;
  /** Repository root. */
  repoRoot: string;
  /** `.git/fleet-orch` of the common git directory. */
  stateDir: string;
}

/**
 * Find the repository of a command: the root and fleet-orch's folder in its
 * common git directory, with one git call judged by the built-in policy.
 *
 * @param options Flags of the command.
 * @returns Where it runs.
 * @throws {UsageError} For a `--repo` that is not a directory, or no repository.
 */
export async function openRepository(options: RuntimeOptions): Promise<RepositoryPlace> {
  const env = options.env ?? Deno.env.toObject();
  const envLookup = (n: string) => env[n];
  const bootstrapPolicy = await loadPolicy({ env, approved: options.approve ?? false });
  const bootstrapExec = new ShellExecutor({ judge: (c) => bootstrapPolicy.judgeCommand(c) });
  const start = resolve(options.repo ?? Deno.cwd());
  if (options.repo !== undefined) {
    // Spawning git in a missing directory fails with a message about the
    // shell's cwd, not about the flag the user got wrong.
    const st = await Deno.stat(start).catch(() => null);
    if (!st?.isDirectory) {
      throw new UsageError(
        `--repo ${options.repo}: ${st ? "not a directory" : "no such directory"}`,
      );
    }
  }
  const { root, commonDir } = await new Git(bootstrapExec, start, envLookup).locate();
  return { env, envLookup, repoRoot: root, stateDir: join(commonDir, "fleet-orch") };
}

async function _isFile(path: string): Promise<boolean> {
  return await Deno.stat(path).then((s) => s.isFile, () => false);
}

/**
 * The config file of a command: `--config`, else `fleet-orch.yaml` at the
 * root, else the seed's `config.yaml` when it validates (`findConfigFile`,
 * which loads the YAML parser only when `fleet-orch.yaml` is absent).
 *
 * @param options Flags of the command.
 * @param place Where it runs.
 * @returns The path.
 */
export async function configFileOf(
  options: RuntimeOptions,
  place: RepositoryPlace,
): Promise<string> {
  if (options.config) return resolve(Deno.cwd(), options.config);
  const main = `${place.repoRoot.replace(/\/+$/, "")}/${DEFAULT_CONFIG_FILE}`;
  if (await _isFile(main)) return main;
  const { findConfigFile } = await _lazy<typeof import("../core/config.ts")>("config");
  return await findConfigFile(place.repoRoot, { env: place.envLookup });
}

/** Whether the repository's config and policy may lower the built-in floor. */
export function looseningAllowed(options: RuntimeOptions, place: RepositoryPlace): boolean {
  return options.allowPolicyLoosening === true || looseningAllowedByEnv(place.envLookup);
}

/** The part of a runtime that follows from the config, before any plugin. */
export type WiredRuntime = Pick<Runtime, "policy" | "exec" | "git" | "log" | "redact">;

/**
 * Load the policy for a validated config and wire the redactor, the logger,
 * the executor and git.
 *
 * @param options Flags of the command.
 * @param place Where it runs.
 * @param config The validated config.
 * @param configFile Its file.
 * @returns The wired parts.
 * @throws {ConfigError} For an invalid policy file.
 */
export async function wireRuntime(
  options: RuntimeOptions,
  place: RepositoryPlace,
  config: Config,
  configFile: string,
): Promise<WiredRuntime> {
  const { env, repoRoot } = place;
  const safety = config.safety;
  const policyFile = options.policy
    ? resolve(Deno.cwd(), options.policy)
    : safety.policy_file
    ? (isAbsolute(safety.policy_file)
      ? safety.policy_file
      : resolve(configDirOf(configFile), safety.policy_file))
    : await _exists(join(repoRoot, DEFAULT_POLICY_FILE))
    ? join(repoRoot, DEFAULT_POLICY_FILE)
    : undefined;
  const policy = await loadPolicy({
    ...(policyFile ? { file: policyFile } : {}),
    trustedPaths: trustedInputs(config, repoRoot, configDirOf(configFile), [
      configFile,
      ...(policyFile ? [policyFile] : []),
    ]),
    forbiddenCommands: safety.forbidden_commands,
    ...(safety.protected_paths ? { protectedPaths: safety.protected_paths } : {}),
    ...(safety.allow_paths ? { allowPaths: safety.allow_paths } : {}),
    env,
    approved: options.approve ?? false,
    allowLoosening: looseningAllowed(options, place),
    // rm -r of absolute paths is allowed inside the repository (worktrees live
    // in its git directory) and in the system's temporary folder (dry-run copies).
    workspaces: [repoRoot, tempRoot()],
  });
  // One redactor for the whole command: secret-looking environment values,
  // the variables the config declares as credentials, and the policy's
  // secret detectors. The executor applies it to child output at the source.
  const redact = createRedactor({
    env,
    secretNames: declaredSecretVariables(config),
    policy: policy.policy,
  });
  const log = createLogger({
    level: options.logLevel ?? "info",
    redact,
    ...(options.write ? { write: options.write } : {}),
  });
  const exec = new ShellExecutor({
    judge: (c) => policy.judgeCommand(c),
    redact,
    hideEnv: modelKeyVariables(config),
    // Gates take their allowlisted environment from the runtime's, so an
    // injected environment (tests, library callers) is the one filtered.
    parentEnv: env,
    sandbox: { mode: safety.sandbox },
    ...(config.report.full_logs ? { logLimitBytes: null } : {}),
  });
  if (!options.config && basename(configFile) === SEED_CONFIG_FILE) {
    log.info(`Config: ${configFile} (the seed's ${SEED_CONFIG_FILE}; no ${DEFAULT_CONFIG_FILE})`);
  }
  return { policy, exec, git: new Git(exec, repoRoot, place.envLookup), log, redact };
}

/** The plugin part of a runtime. */
export type PluginParts = Pick<Runtime, "registry" | "pluginContext" | "resolveGate">;

/**
 * Make the plugin registry of a runtime and check every place the config
 * uses a plugin ({@link checkPluginUses}).
 *
 * @param options Flags of the command.
 * @param place Where it runs.
 * @param loaded The loaded config.
 * @param wired The wired parts.
 * @returns The registry, the plugin context and the gate resolver.
 * @throws {ConfigError} With every plugin problem of the config.
 */
export async function attachPlugins(
  options: RuntimeOptions,
  place: RepositoryPlace,
  loaded: LoadedConfig,
  wired: WiredRuntime,
): Promise<PluginParts> {
  const { builtinPlugins } = await _lazy<typeof import("../plugins/builtins.ts")>("builtins");
  const { loadExecPlugin } = await _lazy<typeof import("../plugins/exec.ts")>("exec");
  const registry = new PluginRegistry({ builtins: builtinPlugins, execLoader: loadExecPlugin });
  const pluginContext: PluginContext = {
    repoRoot: place.repoRoot,
    exec: wired.exec,
    log: wired.log,
    env: place.envLookup,
    fetch: options.fetch ?? globalThis.fetch,
    dryRun: options.dryRun ?? false,
  };
  const configDir = configDirOf(loaded.file);
  try {
    await checkPluginUses(registry, loaded, {
      configDir,
      context: pluginContext,
      endpoints: options.models === true,
    });
  } catch (e) {
    // Exec plugins may have started before a later problem was found.
    await registry.close();
    throw e;
  }
  const steps = loaded.config.steps;
  const resolveGate = (uses: string, options: Record<string, unknown>) => {
    // The runner hands over the step's `uses` and `with`; find the step so a
    // late error still points at it.
    const i = Math.max(
      steps.findIndex((s) => s.uses === uses && s.with === options),
      steps.findIndex((s) => s.uses === uses),
    );
    return registry.instantiate("gate", { uses, with: options ?? {} }, {
      configDir,
      context: pluginContext,
      ...(i >= 0 ? { where: { yaml: loaded.yaml, path: ["steps", i] } } : {}),
    });
  };
  return { registry, pluginContext, resolveGate };
}

/**
 * Load and validate a config file with everything that depends on it alone:
 * the schema, and built-in protections that `safety.allow_paths` may not lift.
 *
 * @param options Flags of the command.
 * @param place Where it runs.
 * @param configFile The file.
 * @param text Its text, when already read (parsed as is, not read again).
 * @returns The loaded config and whether it came from a file.
 * @throws {ConfigError} With every problem of the file.
 */
export async function loadRuntimeConfig(
  options: RuntimeOptions,
  place: RepositoryPlace,
  configFile: string,
  text?: string,
): Promise<{ loaded: LoadedConfig; configFound: boolean }> {
  const { loadConfig, parseConfig } = await _lazy<typeof import("../core/config.ts")>("config");
  const env = place.envLookup;
  let loaded: LoadedConfig;
  let configFound = true;
  if (text !== undefined) {
    loaded = parseConfig(text, configFile, { env });
  } else if (!options.config && options.configOptional && !(await _exists(configFile))) {
    loaded = parseConfig("{}", configFile, { env });
    configFound = false;
  } else {
    loaded = await loadConfig(configFile, { env });
  }
  _checkAllowPaths(loaded, looseningAllowed(options, place));
  return { loaded, configFound };
}

async function _exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Open the repository, load config and policy, and wire the executor.
 *
 * @param options Flags of the command.
 * @returns The runtime.
 * @throws {ConfigError} For an invalid config or policy file.
 * @throws {Error} When the directory is not in a git repository.
 */
export async function openRuntime(options: RuntimeOptions = {}): Promise<Runtime> {
  const place = await openRepository(options);
  const configFile = await configFileOf(options, place);
  const { loaded, configFound } = await loadRuntimeConfig(options, place, configFile);
  await loadCiPoolParser(); // yaml is loaded already (config): the pool exception can judge
  const wired = await wireRuntime(options, place, loaded.config, configFile);
  const plugins = await attachPlugins(options, place, loaded, wired);
  return {
    ...wired,
    ...plugins,
    close: () => plugins.registry.close(),
    repoRoot: place.repoRoot,
    stateDir: place.stateDir,
    loaded,
    configFound,
    env: place.env,
  };
}
