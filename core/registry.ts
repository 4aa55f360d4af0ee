/**
 * The plugin registry: built-ins registered statically (so a compiled binary
 * contains them), module plugins loaded by dynamic import, exec plugins
 * bridged by a loader handed in from `plugins/`. An unknown name fails with
 * the list of valid ones; options are validated by the plugin's own schema and
 * errors name the config file, line and column.
 *
 * A `plugins:` entry declares a plugin under a local name (its `name:`, else
 * the plugin's own name) with default options (its `with:`); any use site
 * (a step, `fixers:`, `notifiers:`, `vcs:`, a verifier, an agent's
 * `provider:`) that names it gets those options, overridden key by key by
 * the site's own `with:`.
 *
 * @module
 */

import { dirname, isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ConfigError,
  type ConfigProblem,
  messageOf,
  PluginError,
  PolicyViolation,
} from "./errors.ts";
import type { z } from "zod";
import type { LocatedYaml } from "./config.ts";
import type { PluginRef } from "./config_schema.ts";
import {
  type OptionsSchema,
  PLUGIN_API_VERSION,
  PLUGIN_KINDS,
  type PluginContext,
  type PluginDefinition,
  type PluginInstances,
  type PluginKind,
  remotePluginReason,
} from "./plugin.ts";
import { closestName } from "./suggest.ts";

/** Where a plugin came from. */
export type PluginSource = "builtin" | "module" | "exec";

/** A row of `fleet-orch plugins`. */
export interface PluginInfo {
  /** Kind. */
  kind: PluginKind;
  /** Name. */
  name: string;
  /** One line. */
  description: string;
  /** Where it came from. */
  source: PluginSource;
  /** The `uses:` reference. */
  uses: string;
}

/** Loads an out-of-process plugin (`uses: exec:COMMAND`). */
export type ExecLoader = (
  commandLine: string,
  options: { cwd: string; context: PluginContext; timeoutMs?: number },
) => Promise<PluginDefinition>;

/** Where in the config a reference sits, for error positions. */
export interface RefLocation {
  /** The config's locator. */
  yaml: LocatedYaml;
  /** Path of the reference inside the config (e.g. ["plugins", 0]). */
  path: PropertyKey[];
  /** The key naming the plugin there. @default "uses" */
  usesKey?: string;
  /**
   * Where option keys sit, when not under `with:` (an agent's provider
   * settings sit beside `provider:`). Maps an option key to a config path.
   */
  optionPath?: (key: string) => PropertyKey[];
  /**
   * Names that are valid at this site without being plugins (an agent's
   * `provider:` takes the OpenAI-compatible presets too): listed and
   * suggested when the name is unknown.
   */
  alsoValid?: readonly string[];
}

/**
 * Holds the plugins of a run.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { definePlugin } from "./plugin.ts";
 * import { PluginRegistry } from "./registry.ts";
 * const p = definePlugin({ kind: "notifier", name: "n", description: "d", options: z.object({}),
 *   create: () => ({ notify: () => Promise.resolve() }) });
 * const reg = new PluginRegistry({ builtins: [p] });
 * console.assert(reg.list()[0]?.name === "n");
 * ```
 */
export class PluginRegistry {
  readonly #plugins = new Map<
    string,
    { def: PluginDefinition; source: PluginSource; uses: string }
  >();
  readonly #byUses = new Map<string, PluginDefinition>();
  readonly #declared = new Map<string, { ref: PluginRef; where: RefLocation | undefined }>();
  readonly #execLoader: ExecLoader | undefined;

  /**
   * @param options Built-in definitions and the exec loader.
   * @throws {TypeError} When two built-ins share a kind and name.
   */
  constructor(options: { builtins: readonly PluginDefinition[]; execLoader?: ExecLoader }) {
    this.#execLoader = options.execLoader;
    for (const def of options.builtins) this.#add(def, "builtin", def.name);
  }

  #add(def: PluginDefinition, source: PluginSource, uses: string): void {
    const key = `${def.kind}:${def.name}`;
    if (this.#plugins.has(key) && source === "builtin") {
      throw new TypeError(`Plugin "${def.name}" of kind "${def.kind}" is registered twice`);
    }
    this.#plugins.set(key, { def, source, uses });
  }

  /**
   * Every known plugin, sorted by kind then name.
   *
   * @returns Rows for `fleet-orch plugins`.
   */
  list(): PluginInfo[] {
    return [...this.#plugins.values()]
      .map(({ def, source, uses }) => ({
        kind: def.kind,
        name: def.name,
        description: def.description,
        source,
        uses,
      }))
      .sort((a, b) =>
        PLUGIN_KINDS.indexOf(a.kind) - PLUGIN_KINDS.indexOf(b.kind) || a.name.localeCompare(b.name)
      );
  }

  /**
   * Find a built-in or already loaded plugin by kind and name.
   *
   * @param kind The kind.
   * @param name The name.
   * @returns The definition, or undefined.
   */
  get<K extends PluginKind>(kind: K, name: string): PluginDefinition<K> | undefined {
    return this.#plugins.get(`${kind}:${name}`)?.def as PluginDefinition<K> | undefined;
  }

  /**
   * Declare a `plugins:` entry: load it and register it under its local
   * name (`name:`, else the plugin's own name) with its `with:` as the
   * default options of every use site that names it.
   *
   * @param ref The entry.
   * @param options Config directory, plugin context and the entry's location.
   * @returns The definition.
   * @throws {ConfigError} When it cannot be loaded or its local name is taken.
   */
  async declare(
    ref: PluginRef,
    options: { configDir: string; context: PluginContext; where?: RefLocation },
  ): Promise<PluginDefinition> {
    const def = await this.load(ref, options);
    const local = ref.name ?? def.name;
    const prev = this.#declared.get(local);
    if (prev && prev.ref !== ref) {
      const at = options.where?.yaml.locateKey(options.where.path, ref.name ? "name" : "uses") ??
        { line: 0, col: 0 };
      throw new ConfigError([{
        file: options.where?.yaml.file ?? "(config)",
        ...at,
        message:
          `Two plugins entries are named "${local}"; give one a different "name:" to use both`,
      }]);
    }
    this.#declared.set(local, { ref, where: options.where });
    // Without a name, the module path also finds the declaration's options.
    if (!ref.name && ref.uses !== local) {
      this.#declared.set(ref.uses, { ref, where: options.where });
    }
    return def;
  }

  /**
   * What a use site's `uses:` resolves to: a declared `plugins:` entry (its
   * reference and options) or the reference itself.
   */
  #resolve(ref: PluginRef | Pick<PluginRef, "uses">): {
    target: Pick<PluginRef, "uses"> & { timeout_seconds?: number | undefined };
    declared: { ref: PluginRef; where: RefLocation | undefined } | undefined;
  } {
    const declared = this.#declared.get(ref.uses);
    if (!declared || declared.ref === ref) return { target: ref, declared: undefined };
    return { target: declared.ref, declared };
  }

  /**
   * Load the plugin a `uses:` reference names.
   *
   * @param ref The reference from config.
   * @param options Config directory, plugin context and the reference's location.
   * @returns The definition.
   * @throws {ConfigError} When the name is unknown or the module is not a plugin.
   */
  async load(
    ref: Pick<PluginRef, "uses"> & { timeout_seconds?: number | undefined },
    options: {
      configDir: string;
      context: PluginContext;
      where?: RefLocation;
      kind?: PluginKind;
    },
  ): Promise<PluginDefinition> {
    const fail = (message: string): never => {
      const where = options.where;
      const at = where?.yaml.locate([...where.path, where.usesKey ?? "uses"]) ??
        { line: 0, col: 0 };
      throw new ConfigError([{ file: where?.yaml.file ?? "(config)", ...at, message }]);
    };
    const remote = remotePluginReason(ref.uses);
    if (remote) return fail(remote);
    ref = this.#resolve(ref).target;
    const cached = this.#byUses.get(ref.uses);
    if (cached) return cached;
    let def: PluginDefinition;
    let source: PluginSource;
    if (ref.uses.startsWith("exec:")) {
      const commandLine = ref.uses.slice("exec:".length).trim();
      if (!commandLine) fail(`"uses: exec:" needs a command, e.g. "exec:python3 ./tools/gate.py"`);
      if (!this.#execLoader) fail("Exec plugins are not available in this build");
      try {
        def = await this.#execLoader!(commandLine, {
          cwd: options.configDir,
          context: options.context,
          ...(ref.timeout_seconds ? { timeoutMs: ref.timeout_seconds * 1000 } : {}),
        });
      } catch (e) {
        // A refused command stays a policy matter (exit 3), not a config error.
        if (e instanceof ConfigError || e instanceof PolicyViolation) throw e;
        const why = e instanceof PluginError
          ? e.message.replace(/^Plugin "[^"]*": /, "")
          : messageOf(e);
        return fail(`Cannot start exec plugin "${commandLine}": ${why}`);
      }
      source = "exec";
    } else if (/^(\.{1,2}\/|\/|file:)/.test(ref.uses) || /\.(ts|js|mjs)$/.test(ref.uses)) {
      const url = /^file:/.test(ref.uses)
        ? ref.uses
        : pathToFileURL(isAbsolute(ref.uses) ? ref.uses : resolve(options.configDir, ref.uses))
          .href;
      let mod: Record<string, unknown>;
      try {
        mod = await import(url);
      } catch (e) {
        const compiled = !/^deno(\.exe)?$/.test(Deno.execPath().split(/[\\/]/).pop() ?? "");
        return fail(
          compiled
            ? `Module plugin "${ref.uses}" cannot be loaded by the compiled fleet-orch binary: a compiled binary can only import modules it was built with (denoland/deno#18327). Use an exec plugin ("uses: exec:deno run -A ${ref.uses}") or run fleet-orch with "deno run"`
            : `Cannot import module plugin "${ref.uses}": ${messageOf(e).split("\n")[0]}`,
        );
      }
      const found = [mod.default, mod.plugin].find(isDefinition);
      if (!found) {
        return fail(
          `Module "${ref.uses}" does not export a plugin: export default definePlugin({ kind, name, description, options, create })`,
        );
      }
      def = found;
      source = "module";
    } else {
      const matches = [...this.#plugins.values()].filter(({ def }) =>
        def.name === ref.uses && (!options.kind || def.kind === options.kind)
      );
      if (matches.length === 0) {
        const other = [...this.#plugins.values()].find(({ def }) => def.name === ref.uses);
        if (other && options.kind) {
          const valid = this.list().filter((p) => p.kind === options.kind).map((p) => p.name);
          return fail(
            `Plugin "${ref.uses}" is a ${other.def.kind} plugin, but a ${options.kind} plugin ` +
              `is needed here; valid names: ${[...new Set(valid)].join(", ") || "(none)"}`,
          );
        }
        const valid = [
          ...new Set([
            ...(options.where?.alsoValid ?? []),
            ...this.list().filter((p) => !options.kind || p.kind === options.kind)
              .map((p) => p.name),
          ]),
        ];
        const near = closestName(ref.uses, [...valid, ...this.#declared.keys()]);
        const kind = options.kind ? `${options.kind} ` : "";
        return fail(
          `Unknown ${kind}plugin "${ref.uses}"${near ? ` (did you mean "${near}"?)` : ""}; ` +
            `valid names: ${valid.join(", ") || "(none)"}; ` +
            `or use "./path/to/plugin.ts" or "exec:COMMAND"`,
        );
      }
      return matches[0]!.def;
    }
    if (options.kind && def.kind !== options.kind) {
      fail(
        `Plugin "${ref.uses}" is a ${def.kind} plugin, but a ${options.kind} plugin is needed here`,
      );
    }
    if (def.specificationVersion > PLUGIN_API_VERSION) {
      fail(
        `Plugin "${def.name}" needs plugin interface v${def.specificationVersion}; this fleet-orch speaks v${PLUGIN_API_VERSION}`,
      );
    }
    this.#add(def, source, ref.uses);
    this.#byUses.set(ref.uses, def);
    return def;
  }

  /**
   * Stop the processes of the exec plugins this registry loaded (their
   * definitions carry a `dispose`); module plugins and built-ins hold none.
   *
   * @returns When every process has ended.
   */
  async close(): Promise<void> {
    await Promise.all(
      [...this.#plugins.values()]
        .filter((p) => p.source === "exec")
        .map((p) => (p.def as { dispose?: () => Promise<void> }).dispose?.()),
    );
  }

  /**
   * Load the plugin a use site names and validate its options (the declared
   * `plugins:` entry's `with:`, overridden by the site's own) with the
   * plugin's schema, without creating it. Config loading runs this for every
   * use site so option errors stop the command before any gate runs.
   *
   * @param kind The kind needed.
   * @param ref The use site's reference (`uses`, `with`).
   * @param options Config directory, context and the site's location.
   * @returns The definition and the parsed options.
   * @throws {ConfigError} For an unknown plugin or invalid options, located
   *   at the key that holds the bad value.
   */
  async check<K extends PluginKind>(
    kind: K,
    ref: PluginRef,
    options: {
      configDir: string;
      context: PluginContext;
      where?: RefLocation;
      /**
       * Only report problems of keys that are written (a `plugins:` entry's
       * defaults: a use site may still give the required rest).
       */
      writtenOnly?: boolean;
    },
  ): Promise<{ def: PluginDefinition<K>; options: unknown }> {
    const def = await this.load(ref, { ...options, kind }) as PluginDefinition<K>;
    const { declared } = this.#resolve(ref);
    const own = ref.with ?? {};
    const merged = { ...(declared?.ref.with ?? {}), ...own };
    const validated = await _validate(def.options, merged);
    const { value } = validated;
    const issues = options.writtenOnly
      ? validated.issues.filter((i) =>
        i.code === "unrecognized_keys" ||
        (typeof i.path[0] === "string" && Object.hasOwn(merged, i.path[0]))
      )
      : validated.issues;
    if (!issues.length) return { def, options: value };
    const zodSchema = _isZod(def.options) ? def.options : undefined;
    const problems: ConfigProblem[] = [];
    for (const issue of issues) {
      const key = issue.code === "unrecognized_keys" && issue.path.length === 0
        ? issue.keys[0]
        : issue.path[0];
      const fromSite = key === undefined || typeof key !== "string" || key in own || !declared;
      const where = fromSite ? options.where : declared.where;
      if (!where) {
        problems.push({
          file: "(config)",
          line: 0,
          col: 0,
          message: `Plugin "${def.name}": ${issue.message} at with.${issue.path.join(".")}`,
        });
      } else if (fromSite && where.optionPath && typeof key === "string") {
        const path = where.optionPath(key);
        problems.push(
          ...where.yaml.problems([{ ...issue, path: issue.path.slice(1) }], path, zodSchema),
        );
      } else {
        problems.push(...where.yaml.problems([issue], [...where.path, "with"], zodSchema));
      }
    }
    problems.sort((a, b) => a.line - b.line || a.col - b.col);
    throw new ConfigError(problems);
  }

  /**
   * Load a plugin, validate its options with its own schema, and create it.
   *
   * @param kind The kind needed.
   * @param ref The reference (`uses`, `with`).
   * @param options Config directory, context and location.
   * @returns The instance.
   * @throws {ConfigError} For an unknown plugin or invalid options (with positions).
   * @throws {PluginError} When the plugin's create fails.
   */
  async instantiate<K extends PluginKind>(
    kind: K,
    ref: PluginRef,
    options: { configDir: string; context: PluginContext; where?: RefLocation },
  ): Promise<PluginInstances[K]> {
    const { def, options: parsed } = await this.check(kind, ref, options);
    try {
      return await def.create(parsed as never, {
        ...options.context,
        log: options.context.log.child(def.name),
      });
    } catch (e) {
      if (e instanceof PluginError || e instanceof ConfigError) throw e;
      throw new PluginError(def.name, messageOf(e), { cause: e });
    }
  }
}

function _isZod(schema: OptionsSchema): schema is OptionsSchema & z.ZodType {
  return typeof (schema as Partial<z.ZodType>).safeParse === "function" && "_zod" in schema;
}

/**
 * Validate options with a plugin's schema: zod schemas directly (their issues
 * carry what the located messages need, plus keys a non-strict object would
 * drop), any other Standard Schema v1 validator through `~standard`.
 */
async function _validate(
  schema: OptionsSchema,
  value: Record<string, unknown>,
): Promise<{ value: unknown; issues: z.core.$ZodIssue[] }> {
  if (_isZod(schema)) {
    const parsed = schema.safeParse(value);
    const issues = [..._strayKeys(schema, value), ...(parsed.error?.issues ?? [])];
    return { value: parsed.data, issues };
  }
  const result = await schema["~standard"].validate(value);
  if (!result.issues) return { value: result.value, issues: [] };
  return {
    value: undefined,
    issues: result.issues.map((i) =>
      ({
        code: "custom",
        path: (i.path ?? []).map((seg) => typeof seg === "object" ? seg.key : seg),
        message: i.message,
        input: value,
      }) as z.core.$ZodIssue
    ),
  };
}

/**
 * Validate options for a plugin outside any config (built-in defaults, tests).
 *
 * @param def The plugin.
 * @param value The options, as `with:` would give them.
 * @returns The validated options, defaults applied.
 * @throws {ConfigError} Naming the plugin and each problem (no position).
 * @example
 * ```ts
 * import { z } from "zod";
 * import { definePlugin } from "./plugin.ts";
 * import { parseOptions } from "./registry.ts";
 * const p = definePlugin({ kind: "notifier", name: "n", description: "d",
 *   options: z.object({ level: z.number().default(1) }),
 *   create: () => ({ notify: () => Promise.resolve() }) });
 * console.assert((await parseOptions(p, {})).level === 1);
 * ```
 */
export async function parseOptions<O>(
  def: PluginDefinition<PluginKind, O>,
  value: Record<string, unknown>,
): Promise<O> {
  const r = await _validate(def.options, value);
  if (!r.issues.length) return r.value as O;
  throw new ConfigError(r.issues.map((i) => ({
    file: "(options)",
    line: 0,
    col: 0,
    message: `Plugin "${def.name}": ${i.message} at with${
      i.path.length ? "." + i.path.map(String).join(".") : ""
    }`,
  })));
}

/**
 * Keys of `with:` that an object schema would silently drop (zod's default
 * `z.object` strips unknown keys): a misspelt option must not pass unnoticed,
 * whether or not the plugin's author made the schema strict. Schemas that
 * keep extra keys (`.loose()`, `.catchall()`) or are not objects accept any.
 */
function _strayKeys(schema: z.ZodType, value: Record<string, unknown>): z.core.$ZodIssue[] {
  const def = schema._zod.def as {
    type: string;
    shape?: Record<string, unknown>;
    catchall?: unknown;
  };
  if (def.type !== "object" || def.catchall !== undefined || !def.shape) return [];
  const stray = Object.keys(value).filter((k) => !Object.hasOwn(def.shape!, k));
  if (!stray.length) return [];
  return stray.map((key) =>
    ({
      code: "unrecognized_keys",
      keys: [key],
      path: [],
      message: `Unrecognized key: "${key}"`,
      input: value,
    }) as z.core.$ZodIssue
  );
}

function isDefinition(v: unknown): v is PluginDefinition {
  if (!v || typeof v !== "object") return false;
  const d = v as Record<string, unknown>;
  return typeof d.kind === "string" && typeof d.name === "string" &&
    typeof d.create === "function" && typeof d.options === "object";
}

/**
 * The directory of a config file, against which relative `uses:` paths resolve.
 *
 * @param configFile The config file path.
 * @returns Its absolute directory.
 */
export function configDirOf(configFile: string): string {
  return dirname(resolve(configFile));
}
