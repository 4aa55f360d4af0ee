/**
 * Loading the configuration: YAML with positions (the `yaml` package), `${VAR}`
 * interpolation from the environment, and zod validation. Every problem of a
 * file is reported at once as `FILE:LINE:COL: message`.
 *
 * @module
 */

import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit } from "yaml";
import type { Document, Node } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigProblem, messageOf } from "./errors.ts";
import { type Config, ConfigSchema } from "./config_schema.ts";
import { DEFAULT_CONFIG_FILE, SEED_CONFIG_FILE } from "./config_names.ts";
import { closestName } from "./suggest.ts";

export type { AgentModelConfig, Config, EnvironmentConfig, PluginRef } from "./config_schema.ts";

export { DEFAULT_CONFIG_FILE, SEED_CONFIG_FILE } from "./config_names.ts";

/** A parsed YAML file that can point at any path inside it. */
export interface LocatedYaml {
  /** The file name used in messages. */
  file: string;
  /** The plain value (after interpolation). */
  value: unknown;
  /**
   * Whether a value held `${VAR}` or `$$`, so the value depends on the
   * environment and not on the text alone (absent: not known).
   */
  usesEnv?: boolean;
  /** Line and column (1-based) of the node at a path, or of its closest parent. */
  locate(path: readonly PropertyKey[]): { line: number; col: number };
  /**
   * Line and column (1-based) of the key `key` of the mapping at `path`, or
   * of that mapping (or its closest parent) when the key is absent: errors
   * about a key point at the key, not at its value.
   */
  locateKey(path: readonly PropertyKey[], key: string): { line: number; col: number };
  /**
   * Turn zod issues into located problems.
   *
   * @ignore Internal: its parameter types are zod's.
   */
  problems(
    issues: readonly z.core.$ZodIssue[],
    prefix?: readonly PropertyKey[],
    schema?: z.ZodType,
  ): ConfigProblem[];
}

/** A loaded configuration and where it came from. */
export interface LoadedConfig {
  /** The validated configuration. */
  config: Config;
  /** The file it was read from. */
  file: string;
  /** Positions inside the file, for plugin option errors. */
  yaml: LocatedYaml;
}

/** Options of {@link parseYaml} and {@link loadConfig}. */
export interface ParseOptions {
  /** Environment for `${VAR}` interpolation. @default Deno.env */
  env?: (name: string) => string | undefined;
  /** Interpolate `${VAR}` in string values. @default true */
  interpolate?: boolean;
}

const VAR = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Parse YAML text keeping positions; syntax errors and unset `${VAR}`s are
 * collected, not thrown one by one.
 *
 * @param text The YAML source.
 * @param file The file name used in messages.
 * @param options Interpolation settings.
 * @returns The value with a locator.
 * @throws {ConfigError} With every syntax error and unset variable.
 */
export function parseYaml(text: string, file: string, options: ParseOptions = {}): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // A byte order mark is an offset to the parser but no column to an editor:
  // "FILE:1:1" must name the first character a person sees.
  const bom = text.charCodeAt(0) === 0xfeff;
  const at = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: bom && p.line === 1 && p.col > 1 ? p.col - 1 : p.col };
  };
  const problems: ConfigProblem[] = [];
  for (const e of doc.errors) {
    const { line, col } = at(e.pos[0]);
    problems.push({ file, line, col, message: cleanYamlMessage(e.message) });
  }
  if (problems.length) throw new ConfigError(problems);

  let usesEnv = false;
  if (options.interpolate !== false) {
    const env = options.env ?? ((n: string) => Deno.env.get(n));
    visit(doc, {
      Scalar(_key, node) {
        if (typeof node.value !== "string" || !node.value.includes("$")) return;
        node.value = node.value.replace(VAR, (whole, name?: string, fallback?: string) => {
          usesEnv = true;
          if (whole === "$$") return "$";
          const v = env(name!);
          if (v !== undefined && v !== "") return v;
          if (fallback !== undefined) return fallback;
          const { line, col } = at(node.range?.[0] ?? 0);
          problems.push({
            file,
            line,
            col,
            message: `Environment variable "${name}" is ${
              v === "" ? "empty" : "not set"
            } (used as "${whole}"); set it, or write "\${${name}:-default}" for a default, or "$$" for a literal "$"`,
          });
          return "";
        });
      },
    });
    if (problems.length) throw new ConfigError(problems);
  }

  const value = doc.toJS({ maxAliasCount: 100 });
  const locate = (path: readonly PropertyKey[]) => locateIn(doc, path, at);
  return {
    file,
    value,
    usesEnv,
    locate,
    locateKey: (path, key) => {
      const off = keyOffset(doc, path, key);
      return off !== undefined ? at(off) : locate([...path, key]);
    },
    problems: (issues, prefix = [], schema) =>
      issues.flatMap((i) => issueProblems(i, prefix, file, doc, at, schema)),
  };
}

function cleanYamlMessage(message: string): string {
  const first = message.split("\n")[0] ?? message;
  if (first.startsWith("Source contains multiple documents")) {
    return 'The file holds more than one YAML document (a "---" separator); keep one';
  }
  const m = first.replace(/ at line \d+, column \d+:?$/, "");
  return m.charAt(0).toUpperCase() + m.slice(1);
}

type At = (offset: number) => { line: number; col: number };

function nodeAt(doc: Document, path: readonly PropertyKey[]): { node: Node | null; depth: number } {
  let node: unknown = doc.contents;
  let depth = 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(key)];
      if (item === undefined) break;
      node = item;
    } else break;
    depth++;
  }
  return { node: (node as Node | null) ?? null, depth };
}

function locateIn(doc: Document, path: readonly PropertyKey[], at: At) {
  const { node } = nodeAt(doc, path);
  const offset = node?.range?.[0] ?? doc.contents?.range?.[0] ?? 0;
  return at(offset);
}

function keyOffset(doc: Document, path: readonly PropertyKey[], key: string): number | undefined {
  const { node, depth } = nodeAt(doc, path);
  if (depth !== path.length || !isMap(node)) return undefined;
  const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
  return (pair?.key as Node | undefined)?.range?.[0];
}

function issueProblems(
  issue: z.core.$ZodIssue,
  prefix: readonly PropertyKey[],
  file: string,
  doc: Document,
  at: At,
  schema?: z.ZodType,
): ConfigProblem[] {
  const path = [...prefix, ...issue.path];
  const where = path.length ? path.map(String).join(".") : "(top level)";
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const off = keyOffset(doc, path, key);
      const { line, col } = off !== undefined ? at(off) : locateIn(doc, path, at);
      const near = closestName(key, schemaKeysAt(schema, issue.path));
      return {
        file,
        line,
        col,
        message: `Unknown key "${key}" in ${where}${near ? `; did you mean "${near}"?` : ""}`,
      };
    });
  }
  if (issue.code === "invalid_union" && issue.errors.length) {
    // Report the branch that got furthest, not "invalid input".
    const best = issue.errors.reduce((a, b) => (a.length <= b.length ? a : b));
    if (best.length) return best.flatMap((i) => issueProblems(i, path, file, doc, at));
  }
  const { node, depth } = nodeAt(doc, path);
  const missing = depth < path.length;
  const { line, col } = at(node?.range?.[0] ?? 0);
  let message = issue.message;
  if (issue.code === "invalid_type") {
    // The node itself, not doc.getIn(): getIn returns collections as YAML
    // nodes, which made a list read as "a mapping".
    const got = missing ? "nothing" : describe(node ? node.toJS(doc) : null);
    message = missing
      ? `Missing required key "${String(path[path.length - 1])}" (${issue.expected}) in ${
        path.length > 1 ? path.slice(0, -1).map(String).join(".") : "(top level)"
      }`
      : `Expected ${issue.expected} at ${where}, got ${got}`;
  } else if (issue.code === "invalid_value" && !missing && isScalar(node)) {
    // An enum: name the allowed values and the nearest one.
    const given = String(node.value);
    const values = issue.values.map(String);
    const near = closestName(given, values);
    const quoted = values.map((v) => `"${v}"`);
    message = `Unknown value "${given}" at ${where}; expected ${
      quoted.length > 1 ? `one of ${quoted.join(", ")}` : quoted.join("")
    }${near ? `; did you mean "${near}"?` : ""}`;
  } else if (!message.includes(where)) {
    message = `${message} at ${where}`;
  }
  return [{ file, line, col, message: message.charAt(0).toUpperCase() + message.slice(1) }];
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a mapping";
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * The keys an object schema accepts at a path, for "did you mean" hints (zod
 * does not list them in its unrecognized_keys issue).
 *
 * @param schema The root schema.
 * @param path Path of the object inside it.
 * @returns Known keys, or an empty list.
 */
export function schemaKeysAt(
  schema: z.ZodType | undefined,
  path: readonly PropertyKey[],
): string[] {
  // deno-lint-ignore no-explicit-any
  let def: any = schema?._zod.def;
  const unwrap = () => {
    while (
      def && ["default", "prefault", "optional", "nullable", "pipe", "readonly"].includes(def.type)
    ) {
      def = (def.innerType ?? def.in)?._zod.def;
    }
  };
  for (const key of path) {
    unwrap();
    if (!def) return [];
    if (def.type === "object") def = def.shape?.[key as string]?._zod.def;
    else if (def.type === "record") def = def.valueType?._zod.def;
    else if (def.type === "array") def = def.element?._zod.def;
    else return [];
  }
  unwrap();
  return def?.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

/** Levenshtein distance, for "did you mean" hints. */
export { editDistance } from "./suggest.ts";

/**
 * Validate configuration text.
 *
 * @param text YAML source.
 * @param file File name for messages.
 * @param options Interpolation settings.
 * @returns The validated config with its locator.
 * @throws {ConfigError} With every problem found.
 */
export function parseConfig(text: string, file: string, options: ParseOptions = {}): LoadedConfig {
  const yaml = parseYaml(text, file, options);
  const value = yaml.value ?? {};
  const result = ConfigSchema.safeParse(value);
  if (!result.success) {
    const problems = yaml.problems(result.error.issues, [], ConfigSchema);
    problems.sort((a, b) => a.line - b.line || a.col - b.col);
    throw new ConfigError(problems);
  }
  return { config: result.data, file, yaml };
}

/**
 * Read and validate a configuration file.
 *
 * @param path Path of the file.
 * @param options Interpolation settings.
 * @returns The validated config.
 * @throws {ConfigError} With every problem found, or when the file cannot be read.
 */
export async function loadConfig(path: string, options: ParseOptions = {}): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound
      ? "File not found; create one with `fleet-orch init` or pass --config"
      : `Cannot read the file: ${messageOf(e)}`;
    throw new ConfigError([{ file: path, line: 0, col: 0, message: why }]);
  }
  return parseConfig(text, path, options);
}

/**
 * The config file a command uses when no `--config` is given:
 * `fleet-orch.yaml` at the repository root, or, when that is absent, the
 * seed's `config.yaml` there if it holds at least one key and validates (a
 * `config.yaml` of another tool fails the strict schema and is ignored).
 *
 * @param repoRoot The repository root.
 * @param options Interpolation settings (as the command would load the file).
 * @returns The path to load; `fleet-orch.yaml` when neither file applies.
 */
export async function findConfigFile(
  repoRoot: string,
  options: ParseOptions = {},
): Promise<string> {
  const main = `${repoRoot.replace(/\/+$/, "")}/${DEFAULT_CONFIG_FILE}`;
  const exists = (f: string) => Deno.stat(f).then((s) => s.isFile, () => false);
  if (await exists(main)) return main;
  const seed = `${repoRoot.replace(/\/+$/, "")}/${SEED_CONFIG_FILE}`;
  if (!(await exists(seed))) return main;
  try {
    const loaded = await loadConfig(seed, options);
    const value = loaded.yaml.value;
    const keys = value && typeof value === "object" ? Object.keys(value).length : 0;
    return keys > 0 ? seed : main;
  } catch {
    // Not a fleet-orch config (or an invalid one): the default name stands.
    return main;
  }
}
