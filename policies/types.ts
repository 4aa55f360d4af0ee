/**
 * Data shapes of the policy engine: rules as loaded from YAML, findings of a
 * scan, and the judgement of a command line.
 *
 * @module
 */

import type { CommandNode } from "unbash";
import type { CommandJudgement } from "../core/exec.ts";
import type { EvalWord, VarScope } from "./shell_words.ts";

/** What a rule does when it matches. */
export type Action = "allow" | "deny" | "warn" | "require-approval";

/** How severe a finding is (SARIF levels). */
export type Severity = "error" | "warning" | "note";

/** One word pattern of a command rule: a glob, or alternatives. */
export type WordPattern = string | string[];

/** Path classes a command operand can fall into (see docs/policy.md). */
export type TargetClass =
  | "root"
  | "home"
  | "system"
  | "outside"
  | "workspace-root"
  | "workspace"
  | "temp"
  | "unresolved";

/** Matches one simple command after wrappers are removed. */
export interface CommandMatch {
  /** Program names (basename, globs allowed). */
  program: string[];
  /** Leading positional words (prefix); `**` skips any number of words. */
  words?: WordPattern[];
  /** Flags that must all be present; each entry lists equivalent spellings. */
  flags?: WordPattern[];
  /** At least one of these flags must be present. */
  any_flags?: string[];
  /** At least one operand falls in one of these path classes. */
  target?: TargetClass[];
  /** At least one argument (flag or operand, unquoted value) matches one of these globs. */
  args?: string[];
}

/** Matches an environment assignment (`NAME=value cmd`, `export NAME=value`). */
export interface AssignMatch {
  /** Variable name. */
  name: string;
  /** Value globs; any value when absent. */
  value?: string[];
}

/** The match part of a rule: exactly one key is set. */
export interface RuleMatch {
  /** A command pattern. */
  command?: CommandMatch;
  /** A built-in structural command check. */
  check?: string;
  /** An environment assignment. */
  assign?: AssignMatch;
  /** A built-in secret detector name. */
  secret?: string;
  /** A user regular expression over scanned text. */
  pattern?: string;
  /** Built-in SQL check (`unsafe`). */
  sql?: string;
  /** Path globs a patch may not touch. */
  path?: string[];
}

/** One rule of a policy. */
export interface Rule {
  /** Unique id, e.g. `cloud.az-delete`. */
  id: string;
  /** Category, e.g. `cloud-deletion`, `secret`. */
  category: string;
  /** What happens on a match. */
  action: Action;
  /** Why, shown to the user. */
  message: string;
  /** What it matches. */
  match: RuleMatch;
  /** Severity of findings; derived from the action when absent. */
  severity?: Severity;
  /** Only for text rules: file globs the rule applies to. */
  files?: string[];
  /** False disables the rule. */
  enabled?: boolean;
}

/** A fully loaded policy. */
export interface Policy {
  /** Every enabled rule, in order. */
  rules: Rule[];
  /** The allowlist of known programs. */
  programs: Set<string>;
  /** Action for programs not on the allowlist. */
  unknownPrograms: Action;
  /** Absolute workspace roots where recursive deletes are fine. */
  workspaces: string[];
  /** Oracle-integrity rule id -> action (`integrity:` of the policy files); the defaults when absent. */
  integrity?: Record<string, "deny" | "warn" | "allow">;
}

/** One finding of a scan. */
export interface Finding {
  /** Rule id. */
  rule: string;
  /** Rule category. */
  category: string;
  /** File the finding is in (new path for a diff, or the given name). */
  file: string;
  /** 1-based line in the scanned text, or in the new file for a diff. */
  line: number;
  /** What was found (never the secret itself). */
  message: string;
  /** Severity. */
  severity: Severity;
}

/** The engine's answer about a command line. */
export type FullJudgement = CommandJudgement & {
  /** The action of the deciding rule, `allow` when none. */
  action: Action;
  /** The category of the deciding rule, null when none. */
  category: string | null;
};

/** Strength of an action, to pick the strictest of several matches. */
export const ACTION_RANK: Record<Action, number> = {
  "allow": 0,
  "warn": 1,
  "require-approval": 2,
  "deny": 3,
};

/** What a file written earlier in the line holds: a download, a known text, or unknown output. */
export type WrittenContent = { kind: "remote" } | { kind: "text"; text: string } | {
  kind: "unknown";
};

/** The state of a command-judge walk at one point of a script. */
export interface Scope {
  /** Known variables. */
  vars: VarScope;
  /** Working directory (`.` = workspace), null when unknown. */
  cwd: string | null;
  /** Functions defined so far (known programs). */
  functions: Set<string>;
  /** Nesting depth of re-parsed strings. */
  depth: number;
  /** Offset in the top-level source that findings point at. */
  anchor: number;
  /** Functions whose bodies are being walked (a call to one is recursion). */
  calling?: string[];
  /** Files written earlier in the line, by normalised path (see script_files.ts). */
  files?: Map<string, WrittenContent>;
  /** Symbolic links made earlier in the line to paths outside the workspace: link -> target. */
  links?: Map<string, string>;
  /** Copies, links and `hash -p` names of programs made earlier in the line: path or name -> program. */
  aliases?: Map<string, string>;
  /** Environment assignments in front of the command being judged (`GIT_WORK_TREE=/ git ...`). */
  env?: Map<string, string | null> | undefined;
  /** Descriptors opened for reading by `exec N< FILE`: descriptor -> what it reads. */
  fds?: Map<number, Stdin>;
  /** The `pushd` stack (working directories to return to). */
  dirs?: Array<string | null>;
  /** Files the line wrote secrets into (environment dumps, credential copies). */
  secretFiles?: Set<string>;
}

/** Where a command's standard input comes from. */
export type Stdin =
  | { kind: "none" }
  | { kind: "file"; path?: string }
  | { kind: "pipe"; stages: readonly CommandNode[]; index: number; scope: Scope }
  | { kind: "heredoc"; text: string; quoted: boolean }
  | { kind: "herestring"; word: EvalWord }
  | { kind: "remote"; name: string }
  | { kind: "generated"; name: string };

/**
 * What the command judge offers the helpers that judge one simple command
 * (argv layer, wrappers, stdin, per-program handlers): they receive this
 * instead of importing the judge, so the judge's modules form no cycle.
 */
export interface JudgeHost {
  /** The policy being applied. */
  readonly policy: Policy;
  /** Whether a deny was already found (later work cannot change the answer). */
  readonly decided: boolean;
  /** Record that a rule matched; the strictest match wins. */
  hit(rule: Rule, detail: string, scope: Scope): void;
  /** Record a built-in check by name (no-op when the policy disabled it). */
  hitCheck(check: string, detail: string, scope: Scope): void;
  /** Parse and judge a string that a shell will run. */
  judgeSource(source: string, scope: Scope): void;
  /** Judge one simple command given as evaluated words. */
  judgeWords(words: EvalWord[], scope: Scope, stdin: Stdin): void;
  /** Check an environment assignment against the assignment rules. */
  checkAssign(name: string, value: string, scope: Scope): void;
  /** The command rules that may apply to a program. */
  commandRules(name: string): readonly Rule[];
}
