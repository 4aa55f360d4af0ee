/**
 * Loading a policy: the embedded default (policies/default.yaml, imported as
 * text so `deno compile` embeds it with no `--include`), merged with a
 * project file (rules extended or overridden by id), the seed's plain
 * `safety.forbidden_commands` strings turned into parsed command patterns,
 * and extra protected paths. Every problem of a file is reported at once as
 * `FILE:LINE:COL: message`.
 *
 * The built-in rules are a floor set by whoever runs fleet-orch, not by the
 * repository under repair: a project file may add rules and tighten built-in
 * ones, but anything that lowers the floor (`extends: none`, disabling or
 * weakening a built-in rule, `workspaces:`) is refused unless the caller
 * allows it ({@link BuildOptions.allowLoosening}: the CLI's
 * `--allow-policy-loosening` or `FLEET_ORCH_ALLOW_POLICY_LOOSENING=1`).
 *
 * @module
 */

import { parse } from "unbash";
import { z } from "zod";
import { parseYaml } from "../core/config.ts";
import { ConfigError, type ConfigProblem, messageOf } from "../core/errors.ts";
import DEFAULT_POLICY_TEXT from "./default.yaml" with { type: "text" };
import { DETECTOR_NAMES } from "./secrets.ts";
import { INTEGRITY_RULE_IDS } from "./integrity_rules.ts";
import { evalWord, globMatch } from "./shell_words.ts";
import { classifyPath } from "./paths.ts";
import { type Action, ACTION_RANK, type Policy, type Rule, type TargetClass } from "./types.ts";

export { DEFAULT_POLICY_TEXT };

/** The project policy file looked up at the repository root. */
export const DEFAULT_POLICY_FILE = "fleet-orch.policy.yaml";

/** Names of the built-in structural command checks. */
export const CHECK_NAMES = [
  "unparsable",
  "unresolved-command",
  "encoded-payload",
  "remote-script",
  "inline-code-delete",
  "write-system-path",
  "unknown-program",
  "fork-bomb",
] as const; // deno-fmt-ignore

const ACTIONS = ["allow", "deny", "warn", "require-approval"] as const;
const TARGETS = [
  "root",
  "home",
  "system",
  "outside",
  "workspace-root",
  "workspace",
  "temp",
  "unresolved",
] as const;
const list = <T extends z.ZodType>(t: T) =>
  z.union([t, z.array(t).min(1)]).transform((v) => Array.isArray(v) ? v : [v]);
const Pattern = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const CommandMatchSchema = z.strictObject({
  program: list(z.string().min(1)),
  words: z.array(Pattern).optional(),
  flags: z.array(Pattern).optional(),
  any_flags: z.array(z.string().min(1)).optional(),
  target: z.array(z.enum(TARGETS)).optional(),
  args: z.array(z.string().min(1)).optional(),
});

const MatchSchema = z.strictObject({
  command: CommandMatchSchema.optional(),
  check: z.enum(CHECK_NAMES).optional(),
  assign: z.strictObject({ name: z.string().min(1), value: list(z.string()).optional() })
    .optional(),
  secret: z.enum(DETECTOR_NAMES as [string, ...string[]]).optional(),
  pattern: z.string().min(1).refine((s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  }, "Invalid regular expression").optional(),
  sql: z.literal("unsafe").optional(),
  path: list(z.string().min(1)).optional(),
}).refine((m) => Object.values(m).filter((v) => v !== undefined).length === 1, {
  message: "A match needs exactly one of: command, check, assign, secret, pattern, sql, path",
});

const RuleSchema = z.strictObject({
  id: z.string().regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    "Rule ids use letters, digits, '.', '_' and '-'",
  ),
  category: z.string().min(1).optional(),
  action: z.enum(ACTIONS).optional(),
  message: z.string().min(1).optional(),
  match: MatchSchema.optional(),
  severity: z.enum(["error", "warning", "note"]).optional(),
  files: list(z.string().min(1)).optional(),
  enabled: z.boolean().optional(),
});

const PolicyFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  extends: z.enum(["default", "none"]).optional(),
  programs: z.array(z.string().min(1)).optional(),
  rules: z.array(RuleSchema).optional(),
  disable: z.array(z.string().min(1)).optional(),
  protected_paths: z.array(z.string().min(1)).optional(),
  forbidden_commands: z.array(z.string().min(1)).optional(),
  workspaces: z.array(z.string().min(1)).optional(),
  // Oracle integrity (policies/integrity.ts): rule id -> action.
  integrity: z.partialRecord(
    z.enum(INTEGRITY_RULE_IDS as [string, ...string[]]),
    z.enum(["deny", "warn", "allow"]),
  ).optional(),
});

type PolicyFile = z.infer<typeof PolicyFileSchema>;

/** Options of {@link buildPolicy}. */
export interface BuildOptions {
  /** Project policy file path. */
  file?: string;
  /** The project file's text (read from `file` when absent). */
  text?: string;
  /** Seed-style forbidden command strings. */
  forbiddenCommands?: string[];
  /** Extra protected path globs. */
  protectedPaths?: string[];
  /** Absolute workspace roots where recursive deletes are fine. */
  workspaces?: string[];
  /**
   * Let the project file lower the built-in floor (`extends: none`,
   * `disable:` of a built-in rule, weakening one, `workspaces:`). Only the
   * person running fleet-orch may grant this, never the repository.
   * @default false
   */
  allowLoosening?: boolean;
}

/** The command-line flag that lets a policy file lower the built-in floor. */
export const ALLOW_LOOSENING_FLAG = "--allow-policy-loosening";
/** The environment variable (set to `1` by the CI owner) with the same effect. */
export const ALLOW_LOOSENING_ENV = "FLEET_ORCH_ALLOW_POLICY_LOOSENING";

/**
 * Whether the environment lets policy files lower the floor.
 *
 * @param env Environment lookup.
 * @returns True when {@link ALLOW_LOOSENING_ENV} is `1` or `true`.
 */
export function looseningAllowedByEnv(env: (name: string) => string | undefined): boolean {
  return /^(1|true|yes)$/i.test(env(ALLOW_LOOSENING_ENV)?.trim() ?? "");
}

/** The sentence every floor refusal ends with: how the CI owner allows it. */
export const HOW_TO_ALLOW_LOOSENING =
  `a repository's policy may only add or tighten rules; to allow this, whoever runs fleet-orch passes ${ALLOW_LOOSENING_FLAG} or sets ${ALLOW_LOOSENING_ENV}=1`;

type Located = {
  data: PolicyFile;
  locate: (p: PropertyKey[]) => { line: number; col: number };
  locateKey: (p: PropertyKey[], key: string) => { line: number; col: number };
};

function _parseFile(text: string, file: string): Located {
  const y = parseYaml(text, file, { interpolate: false });
  const r = PolicyFileSchema.safeParse(y.value ?? {});
  if (!r.success) {
    const problems = y.problems(r.error.issues, [], PolicyFileSchema);
    problems.sort((a, b) => a.line - b.line || a.col - b.col);
    throw new ConfigError(problems);
  }
  return { data: r.data, locate: (p) => y.locate(p), locateKey: (p, k) => y.locateKey(p, k) };
}

/**
 * Every way a project file lowers the built-in floor, each located at the
 * offending key. Weakening is judged against the built-in rule: a lower
 * action, `enabled: false`, or a changed `match`, `files` or `category`
 * (which can make a rule match nothing); `allow` rules cannot lose anything.
 */
function _loosenings(
  project: Located,
  base: Map<string, Rule>,
  file: string,
): ConfigProblem[] {
  const p = project.data;
  const out: ConfigProblem[] = [];
  const say = (at: { line: number; col: number }, what: string) =>
    out.push({ file, ...at, message: `${what}: ${HOW_TO_ALLOW_LOOSENING}` });
  if (p.extends === "none") {
    say(project.locateKey([], "extends"), '"extends: none" drops every built-in rule');
  }
  if (p.extends === "none") return out;
  (p.disable ?? []).forEach((id, i) => {
    const b = base.get(id);
    if (b && b.action !== "allow") {
      say(project.locate(["disable", i]), `"disable: ${id}" turns off a built-in ${b.action} rule`);
    }
  });
  (p.rules ?? []).forEach((r, i) => {
    const b = base.get(r.id);
    if (!b || b.action === "allow") return;
    const at = (key: string) => project.locateKey(["rules", i], key);
    if (r.enabled === false) {
      say(at("enabled"), `Rule "${r.id}" turns off a built-in ${b.action} rule`);
    }
    if (r.action !== undefined && ACTION_RANK[r.action] < ACTION_RANK[b.action]) {
      say(at("action"), `Rule "${r.id}" weakens a built-in rule from ${b.action} to ${r.action}`);
    }
    for (const key of ["match", "files", "category"] as const) {
      if (r[key] !== undefined && JSON.stringify(r[key]) !== JSON.stringify(b[key])) {
        say(
          at(key),
          `Rule "${r.id}" changes the ${key} of a built-in ${b.action} rule (add a new rule to tighten instead)`,
        );
      }
    }
  });
  if (p.workspaces?.length) {
    say(
      project.locateKey([], "workspaces"),
      '"workspaces:" makes recursive deletes outside the repository acceptable',
    );
  }
  return out;
}

/**
 * Turn one seed-style forbidden command string into a parsed command rule,
 * so that variants (flag order, bundling, wrappers, absolute paths) match.
 *
 * @param line The forbidden command, e.g. `rm -rf /`.
 * @param index Its index (for the rule id).
 * @returns The rule.
 * @throws {SyntaxError} When the string is no simple command.
 */
export function forbiddenCommandRule(line: string, index: number): Rule {
  const script = parse(line);
  const st = script.commands[0]?.command;
  if (script.errors?.length || !st || st.type !== "Command" || !st.name) {
    throw new SyntaxError(`Forbidden command "${line}" is not one simple command`);
  }
  const words = [st.name, ...st.suffix.filter((s) => s.type === "Word")].map((w) =>
    evalWord(w as never, new Map()).values[0] ?? ""
  );
  const program = words[0]!.slice(words[0]!.lastIndexOf("/") + 1);
  const flags: Array<string | string[]> = [];
  const positional: string[] = [];
  const targets = new Set<TargetClass>();
  for (const w of words.slice(1)) {
    if (w.startsWith("--")) flags.push(_synonyms(w));
    else if (w.startsWith("-") && w.length > 1) {
      for (const c of w.slice(1)) flags.push(_synonyms(`-${c}`));
    } else if (/^[/~.]/.test(w)) {
      const cls = classifyPath(w);
      targets.add(cls);
      if (cls === "root") targets.add("system");
      if (cls === "home") targets.add("outside");
    } else positional.push(w);
  }
  const command: Rule["match"]["command"] = { program: [program] };
  if (positional.length) command.words = positional.map((p) => _wordSynonyms(p));
  if (flags.length) command.flags = flags;
  if (targets.size) command.target = [...targets];
  return {
    id: `forbidden.${index + 1}`,
    category: "forbidden-command",
    action: "deny",
    message: `Forbidden by configuration ("${line}")`,
    match: { command },
  };
}

function _synonyms(flag: string): string | string[] {
  const groups = [["-r", "-R", "--recursive"], ["-f", "--force"], ["-A", "--all-namespaces"]];
  return groups.find((g) => g.includes(flag)) ?? flag;
}

function _wordSynonyms(word: string): string | string[] {
  const groups = [["namespace", "namespaces", "ns", "namespace/*", "ns/*"], ["delete", "del"]];
  return groups.find((g) => g.includes(word)) ?? word;
}

/**
 * Build a policy from the default and an optional project file.
 *
 * @param options Project file, forbidden commands, protected paths.
 * @returns The merged policy.
 * @throws {ConfigError} With every problem of the files.
 */
export async function buildPolicy(options: BuildOptions = {}): Promise<Policy> {
  const base = _parseFile(DEFAULT_POLICY_TEXT, "policies/default.yaml").data;
  let project: ReturnType<typeof _parseFile> | undefined;
  if (options.file !== undefined || options.text !== undefined) {
    const file = options.file ?? "<policy>";
    let text = options.text;
    if (text === undefined) {
      try {
        text = await Deno.readTextFile(file);
      } catch (e) {
        throw new ConfigError([{
          file,
          line: 0,
          col: 0,
          message: `Cannot read the policy file: ${messageOf(e)}`,
        }]);
      }
    }
    project = _parseFile(text, file);
  }
  const p = project?.data;
  if (project && !options.allowLoosening) {
    const baseRules = new Map((base.rules ?? []).map((r) => [r.id, r as Rule]));
    const lowered = _loosenings(project, baseRules, options.file ?? "<policy>");
    if (lowered.length) throw new ConfigError(lowered);
  }
  const rules = new Map<string, Partial<Rule> & { id: string }>();
  if (p?.extends !== "none") { for (const r of base.rules ?? []) rules.set(r.id, r as Rule); }
  const problems: ConfigProblem[] = [];
  (p?.rules ?? []).forEach((r, i) => {
    const prev = rules.get(r.id);
    const merged = { ...prev, ...r } as Partial<Rule> & { id: string };
    const missing = (["category", "action", "message", "match"] as const).filter((k) =>
      merged[k] === undefined
    );
    if (missing.length) {
      const at = project!.locate(["rules", i]);
      problems.push({
        file: options.file ?? "<policy>",
        ...at,
        message: `Rule "${r.id}" is new and needs ${missing.join(", ")}`,
      });
    }
    rules.set(r.id, merged);
  });
  (p?.disable ?? []).forEach((id, i) => {
    if (!rules.has(id)) {
      const at = project!.locate(["disable", i]);
      problems.push({
        file: options.file ?? "<policy>",
        ...at,
        message: `No rule with id "${id}" to disable`,
      });
    }
    rules.delete(id);
  });
  if (problems.length) throw new ConfigError(problems);

  const all = [...rules.values()].filter((r) => r.enabled !== false) as Rule[];
  const forbidden = [...(p?.forbidden_commands ?? []), ...(options.forbiddenCommands ?? [])];
  forbidden.forEach((line, i) => {
    try {
      all.push(forbiddenCommandRule(line, i));
    } catch (e) {
      const file = options.file ?? "<config>";
      throw new ConfigError([{ file, line: 0, col: 0, message: messageOf(e) }]);
    }
  });
  const extraPaths = [...(p?.protected_paths ?? []), ...(options.protectedPaths ?? [])];
  if (options.file) extraPaths.push(options.file.replace(/^\.\//, ""));
  if (extraPaths.length) {
    all.push({
      id: "path.configured",
      category: "protected-path",
      action: "deny",
      message: "A patch may not touch this protected path",
      match: { path: extraPaths },
    });
  }
  const programs = new Set([
    ...(p?.extends === "none" ? [] : base.programs ?? []),
    ...(p?.programs ?? []),
  ]);
  const unknown = all.find((r) => r.match.check === "unknown-program")?.action ??
    ("allow" as Action);
  return {
    // The integrity defaults apply even with `extends: none`: a project
    // allows an integrity rule by name, never by leaving the defaults.
    integrity: { ...base.integrity, ...p?.integrity } as NonNullable<Policy["integrity"]>,
    rules: all,
    programs,
    unknownPrograms: unknown,
    workspaces: [...(p?.workspaces ?? []), ...(options.workspaces ?? [])].map((w) =>
      w.replace(/\/+$/, "")
    ),
  };
}

/** A concrete path a glob matches, to test two globs for overlap. */
function _sample(glob: string): string {
  return glob
    .replace(/\*\*\/?/g, "x/")
    .replace(/\{([^,}]*)[^}]*\}/g, "$1")
    .replace(/\[[^\]]*\]/g, "x")
    .replace(/[*?]/g, "x")
    .replace(/\/+$/, "/x");
}

/**
 * The built-in protected path globs (the default policy's protected-path
 * rules) that an `allow_paths` glob would lift. Lifting one lowers the floor,
 * so it needs the same permission as loosening a policy file.
 *
 * @param allowGlob One `safety.allow_paths` entry.
 * @returns The built-in globs it overlaps, empty when it lifts only paths the
 *   project protected itself.
 * @example
 * ```ts
 * import { builtinProtectionLifted } from "./loader.ts";
 * console.assert(builtinProtectionLifted("azure-pipelines.yml").length > 0);
 * console.assert(builtinProtectionLifted("docs/**").length === 0);
 * ```
 */
export function builtinProtectionLifted(allowGlob: string): string[] {
  const glob = allowGlob.replace(/^\.\//, "");
  const base = _parseFile(DEFAULT_POLICY_TEXT, "policies/default.yaml").data;
  const protectedGlobs = (base.rules ?? [])
    .filter((r) => r.category === "protected-path" && r.match?.path)
    .flatMap((r) => r.match!.path!);
  // Overlap either way: the allow glob matches a path the protected glob
  // stands for, or the protected glob matches a path the allow glob names.
  return protectedGlobs.filter((p) =>
    globMatch(glob, _sample(p)) || globMatch(p, _sample(glob)) ||
    globMatch(glob.toLowerCase(), _sample(p).toLowerCase()) ||
    globMatch(p.toLowerCase(), _sample(glob).toLowerCase())
  );
}
