/**
 * The runtime of `fleet-orch check`: the same repository, config, policy,
 * redaction and executor as {@link openRuntime}, with the validated config
 * taken from the cache under the git directory when nothing it depends on
 * changed (`core/config_cache.ts`). A hit skips the YAML parser, the schema,
 * the plugin modules and the plugin option checks, which were most of the
 * command's start-up; anything else is exactly as in {@link openRuntime}.
 *
 * A config is cached only when its validity follows from the key alone: no
 * `${VAR}` or `$$` in it (its value would depend on the environment), every
 * plugin it names built in (a module or exec plugin is code outside the
 * fingerprint), and a value that is plain JSON. `safety.allow_paths` is
 * checked on every run, since whether it may lift a protection depends on
 * the flag and the environment.
 *
 * @module
 */

import { join } from "node:path";
import type { Config, LoadedConfig } from "../core/config.ts";
import {
  CONFIG_CACHE_FILE,
  digest,
  readConfigCache,
  sourceFingerprint,
  writeConfigCache,
} from "../core/config_cache.ts";
import { VERSION } from "../core/version.ts";
import { builtinProtectionLifted } from "../policies/loader.ts";
import {
  attachPlugins,
  configFileOf,
  loadRuntimeConfig,
  looseningAllowed,
  openRepository,
  type PluginParts,
  type Runtime,
  type RuntimeOptions,
  wireRuntime,
} from "./runtime.ts";

/** What `check` uses of a runtime: no registry unless a gate plugin runs. */
export type GateRuntime =
  & Pick<
    Runtime,
    "repoRoot" | "stateDir" | "policy" | "exec" | "git" | "log" | "redact" | "env" | "resolveGate"
  >
  & {
    /** The validated configuration and its file. */
    loaded: Pick<LoadedConfig, "config" | "file">;
    /** Whether the config came from the cache. */
    configCached: boolean;
    /** Stop plugin processes, if any started; call when the command is done. */
    close(): Promise<void>;
  };

/**
 * The code a config's validity depends on: the schema and config loading
 * (core/), the plugins' option schemas (plugins/), the plugin checks (the
 * runtime) and the pinned versions of zod and yaml (deno.json, deno.lock).
 */
const VALIDATING_SOURCES = [
  new URL("../core/", import.meta.url),
  new URL("../plugins/", import.meta.url),
  new URL("./runtime.ts", import.meta.url),
  new URL("../deno.json", import.meta.url),
  new URL("../deno.lock", import.meta.url),
];

/**
 * The cache key of a config file's bytes.
 *
 * @param configFile The file.
 * @param bytes Its content.
 * @param fingerprint The validating code's fingerprint.
 * @returns The key.
 */
export function configCacheKey(
  configFile: string,
  bytes: Uint8Array,
  fingerprint: string,
): Promise<string> {
  return digest([`fleet-orch ${VERSION}`, fingerprint, configFile, bytes]);
}

/**
 * Whether a config that passed every check may be cached: see the module doc.
 *
 * @param loaded The loaded config.
 * @param plugins Its plugin parts, after the checks.
 * @returns True when its validity is a function of the cache key.
 */
export function cacheable(loaded: LoadedConfig, plugins: PluginParts): boolean {
  return loaded.yaml.usesEnv === false &&
    plugins.registry.list().every((p) => p.source === "builtin");
}

/**
 * Open the runtime of `check`.
 *
 * @param options Flags of the command.
 * @returns The runtime.
 * @throws {ConfigError} For an invalid config or policy file, as {@link openRuntime}.
 * @throws {UsageError} When the directory is not in a git repository.
 */
export async function openGateRuntime(options: RuntimeOptions = {}): Promise<GateRuntime> {
  // Read while git finds the repository.
  const fingerprint = sourceFingerprint(VALIDATING_SOURCES);
  const place = await openRepository(options);
  const configFile = await configFileOf(options, place);
  const bytes = await Deno.readFile(configFile).catch(() => null);
  const print = await fingerprint;
  const key = bytes && print !== null ? await configCacheKey(configFile, bytes, print) : null;
  const cacheFile = join(place.stateDir, CONFIG_CACHE_FILE);
  const cached = key ? await readConfigCache(cacheFile, key) as Config | null : null;
  const lifts = (config: Config) =>
    !looseningAllowed(options, place) &&
    (config.safety.allow_paths ?? []).some((g) => builtinProtectionLifted(g).length > 0);
  if (cached && !lifts(cached)) {
    const wired = await wireRuntime(options, place, cached, configFile);
    // Nothing needs plugins for a config the cache holds (no gate plugins);
    // should something ask, the config is loaded in full then.
    let plugins: Promise<PluginParts> | undefined;
    const full = () =>
      plugins ??= loadRuntimeConfig(options, place, configFile).then(({ loaded }) =>
        attachPlugins(options, place, loaded, wired)
      );
    return {
      ...wired,
      repoRoot: place.repoRoot,
      stateDir: place.stateDir,
      env: place.env,
      loaded: { config: cached, file: configFile },
      configCached: true,
      resolveGate: async (uses, with_) => (await full()).resolveGate(uses, with_),
      close: async () => {
        if (plugins) await (await plugins.catch(() => null))?.registry.close();
      },
    };
  }
  // Not cached (or a lifted protection to report with its position): load in
  // full, the bytes hashed and no others.
  // Decoded as Deno.readTextFile does (a byte order mark kept), so positions match.
  const text = bytes ? new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) : undefined;
  const { loaded } = await loadRuntimeConfig(options, place, configFile, text);
  const wired = await wireRuntime(options, place, loaded.config, configFile);
  const plugins = await attachPlugins(options, place, loaded, wired);
  if (key && cacheable(loaded, plugins)) await writeConfigCache(cacheFile, key, loaded.config);
  return {
    ...wired,
    ...plugins,
    repoRoot: place.repoRoot,
    stateDir: place.stateDir,
    env: place.env,
    loaded,
    configCached: false,
    close: () => plugins.registry.close(),
  };
}
