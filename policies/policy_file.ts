/**
 * A policy file's schema and its parser: YAML with positions, validated with
 * zod, every problem located at FILE:LINE:COL. Kept apart from the loader and
 * imported on demand, so judging a command with the built-in policy (a
 * pre-built JSON, see tools/gen_default_policy.ts) loads neither the yaml
 * package nor zod.
 *
 * @module
 */

import { z } from "zod";
import { parseYaml } from "../core/config.ts";
import { ConfigError } from "../core/errors.ts";
import { DETECTOR_NAMES } from "./secrets.ts";
import { INTEGRITY_RULE_IDS } from "./integrity_rules.ts";

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

/** The schema of a policy file (the default one and a project's). */
export const PolicyFileSchema = z.strictObject({
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

/** A validated policy file. */
export type PolicyFile = z.infer<typeof PolicyFileSchema>;

/** A validated policy file with a way to locate its keys. */
export type Located = {
  data: PolicyFile;
  locate: (p: PropertyKey[]) => { line: number; col: number };
  locateKey: (p: PropertyKey[], key: string) => { line: number; col: number };
};

/**
 * Parse and validate a policy file.
 *
 * @param text The file's YAML.
 * @param file Its name, for problem locations.
 * @returns The validated file and locators for its keys.
 * @throws {ConfigError} With every problem, FILE:LINE:COL.
 */
export function parsePolicyFile(text: string, file: string): Located {
  const y = parseYaml(text, file, { interpolate: false });
  const r = PolicyFileSchema.safeParse(y.value ?? {});
  if (!r.success) {
    const problems = y.problems(r.error.issues, [], PolicyFileSchema);
    problems.sort((a, b) => a.line - b.line || a.col - b.col);
    throw new ConfigError(problems);
  }
  return { data: r.data, locate: (p) => y.locate(p), locateKey: (p, k) => y.locateKey(p, k) };
}
