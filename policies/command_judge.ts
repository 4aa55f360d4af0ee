/**
 * The command judge: parses a command line with unbash and walks every
 * simple command it contains (lists, pipelines, subshells, substitutions,
 * functions, loops, heredocs), tracking literal variable values and the
 * working directory so that targets can be resolved. Each simple command is
 * handed to the argv layer (wrappers, shells, interpreters, rules).
 *
 * @module
 */

import { parse } from "unbash";
import type {
  Assignment,
  Command,
  CommandNode,
  CompoundList,
  ParsedScript,
  Redirection,
  Statement,
  SyntaxNode,
} from "unbash";
import { forEachChild } from "unbash";
import { CommandRuleIndex, FAMILY_RULES } from "./command_rules.ts";
import { judgeArgv } from "./command_argv.ts";
import { type EvalWord, evalWord, splitFields, subsOf } from "./shell_words.ts";
import { classifyWord } from "./paths.ts";
import { COMMAND_VARS, gitCommandKey } from "./command_strings.ts";
import { fileKey, recordWrites } from "./script_files.ts";
import { judgePipeline } from "./command_pipeline.ts";
import { environmentHook, homeConfigFile, secretSource } from "./command_families.ts";
import { NO_STDIN, rememberDescriptors, stdinOf, writtenBy } from "./command_stdin.ts";
import {
  type Action,
  ACTION_RANK,
  type JudgeHost,
  type Policy,
  type Rule,
  type Scope,
  type Stdin,
} from "./types.ts";
import { messageOf } from "../core/errors.ts";

export type { Scope, Stdin };

/** The outcome of judging one command line. */
export interface Verdict {
  /** The strictest action found. */
  action: Action;
  /** The deciding rule, or null when allowed. */
  rule: Rule | null;
  /** Why. */
  message: string;
  /** Offset in the judged source of the deciding command. */
  pos: number;
}

const MAX_DEPTH = 8;

const FAMILY_RULE_SET: ReadonlySet<Rule> = new Set(FAMILY_RULES.values());

/** Fallback when a policy has no `unparsable` rule: that safety invariant is not optional. */
const UNPARSABLE: Rule = {
  id: "shell.unparsable",
  category: "shell",
  action: "deny",
  message: "Command line cannot be parsed",
  match: { check: "unparsable" },
};

/**
 * Judges command lines against a loaded policy (the engine's command
 * side; `CommandJudge` in core/exec.ts is the function type the executor
 * calls).
 */
export class CommandPolicy implements JudgeHost {
  /** The policy. */
  readonly policy: Policy;
  /** Command rules by program. */
  readonly index: CommandRuleIndex;
  /** Rules of built-in checks by check name. */
  readonly checks: Map<string, Rule>;
  /** Assignment rules. */
  readonly assignRules: Rule[];
  #best: Verdict | null = null;

  /**
   * @param policy The loaded policy.
   */
  constructor(policy: Policy) {
    this.policy = policy;
    this.index = new CommandRuleIndex(policy.rules);
    this.checks = new Map();
    for (const r of policy.rules) {
      if (r.match.check && !this.checks.has(r.match.check)) this.checks.set(r.match.check, r);
    }
    this.assignRules = policy.rules.filter((r) => r.match.assign);
  }

  /**
   * Judge a whole command line.
   *
   * @param source The command line (or script).
   * @returns The strictest verdict.
   */
  judge(source: string): Verdict {
    this.#best = null;
    const scope: Scope = { vars: new Map(), cwd: ".", functions: new Set(), depth: 0, anchor: 0 };
    this.judgeSource(source, scope, true);
    return this.#best ?? { action: "allow", rule: null, message: "Allowed", pos: 0 };
  }

  /**
   * Record that a rule matched; the strictest match wins.
   *
   * @param rule The rule.
   * @param detail What matched.
   * @param scope Where.
   */
  hit(rule: Rule, detail: string, scope: Scope): void {
    const best = this.#best;
    if (best && ACTION_RANK[best.action] >= ACTION_RANK[rule.action]) {
      // On a tie a rule the policy names wins over a built-in family rule (a clearer id).
      const family = (r: Rule | null) => r !== null && FAMILY_RULE_SET.has(r);
      if (
        ACTION_RANK[best.action] > ACTION_RANK[rule.action] || !family(best.rule) || family(rule)
      ) {
        return;
      }
    }
    const message = detail ? `${rule.message}: ${_short(detail)}` : rule.message;
    this.#best = { action: rule.action, rule, message, pos: scope.anchor };
  }

  /**
   * Record a built-in check by name (no-op when the policy disabled it).
   *
   * @param check Check name.
   * @param detail What matched.
   * @param scope Where.
   */
  hitCheck(check: string, detail: string, scope: Scope): void {
    const rule = this.checks.get(check) ??
      (check === "unparsable" ? UNPARSABLE : FAMILY_RULES.get(check));
    if (rule) this.hit(rule, detail, scope);
  }

  /**
   * Judge one simple command given as evaluated words.
   *
   * @param words Program and arguments.
   * @param scope The walk scope.
   * @param stdin Where its standard input comes from.
   */
  judgeWords(words: EvalWord[], scope: Scope, stdin: Stdin): void {
    judgeArgv(this, words, scope, stdin);
  }

  /**
   * The command rules that may apply to a program.
   *
   * @param name Program basename.
   * @returns Candidate rules in policy order.
   */
  commandRules(name: string): readonly Rule[] {
    return this.index.candidates(name);
  }

  /** Whether a deny was already found (later work cannot change the answer). */
  get decided(): boolean {
    return this.#best?.action === "deny" && !FAMILY_RULE_SET.has(this.#best.rule!);
  }

  /**
   * Parse and walk a source string (a command line, a `bash -c` string, a heredoc body).
   *
   * @param source The text.
   * @param scope The scope it runs in (copied for nested strings).
   * @param top Whether positions refer to the top-level source.
   */
  judgeSource(source: string, scope: Scope, top = false): void {
    if (scope.depth > MAX_DEPTH) {
      this.hitCheck("unparsable", "commands nested too deeply to judge", scope);
      return;
    }
    let script: ParsedScript;
    try {
      script = parse(source);
    } catch (e) {
      this.hitCheck("unparsable", String(messageOf(e) ?? e), scope);
      return;
    }
    const inner: Scope = top
      ? scope
      : { ...scope, depth: scope.depth + 1, vars: new Map(scope.vars) };
    this.walkScript(script, inner, top);
  }

  /**
   * Walk a parsed script.
   *
   * @param script The script.
   * @param scope The scope.
   * @param top Whether positions refer to the top-level source.
   */
  walkScript(script: ParsedScript, scope: Scope, top: boolean, stdin: Stdin = NO_STDIN): void {
    if (script.errors?.length) {
      this.hitCheck("unparsable", script.errors[0]!.message, scope);
      return;
    }
    this.#list(script.commands, scope, top, stdin);
  }

  #list(statements: readonly Statement[], scope: Scope, top: boolean, stdin = NO_STDIN): void {
    for (const st of statements) {
      if (this.decided) return;
      if (top) scope.anchor = st.pos;
      this.#node(st.command, scope, stdin);
    }
  }

  // Every command of a group piped into reads the pipe: `curl URL | (cd /tmp && sh)`.
  #compound(list: CompoundList | undefined, scope: Scope, stdin = NO_STDIN): void {
    if (list) this.#list(list.commands, scope, false, stdin);
  }

  #node(node: SyntaxNode, scope: Scope, stdin: Stdin): void {
    switch (node.type) {
      case "AndOr":
        for (const c of node.commands) this.#node(c, scope, stdin);
        return;
      case "Pipeline":
        judgePipeline(this, node.commands, scope);
        node.commands.forEach((c, i) => {
          this.#node(
            c,
            scope,
            i > 0 ? { kind: "pipe", stages: node.commands, index: i, scope } : stdin,
          );
        });
        return;
      case "Command":
        this.#command(node, scope, stdin);
        return;
      case "Subshell": {
        const saved = scope.cwd;
        this.#compound(node.body, { ...scope, vars: new Map(scope.vars) }, stdin);
        scope.cwd = saved;
        return;
      }
      case "BraceGroup":
        this.#compound(node.body, scope, stdin);
        return;
      case "Redirected":
        this.#redirects(node.redirects, scope);
        this.#node(node.command, scope, stdinOf(node.redirects, scope) ?? stdin);
        return;
      case "Function":
        scope.functions.add(node.name.value);
        this.#node(node.body as SyntaxNode, {
          ...scope,
          calling: [...(scope.calling ?? []), node.name.value],
        }, { kind: "none" });
        return;
      case "For":
      case "Select": {
        if (node.wordlist) {
          const words = node.wordlist.map((w) => this.#word(w, scope));
          const vals = words.every((w) => w.resolved) ? words.flatMap((w) => w.values) : null;
          scope.vars.set(node.name.value, vals);
        } else scope.vars.set(node.name.value, null);
        this.#compound(node.body, scope);
        return;
      }
      case "CompoundList":
        this.#compound(node, scope);
        return;
      default:
        // If, While, Case, tests, arithmetic, coproc: judge every nested
        // statement and substitution they contain.
        this.#generic(node, scope);
    }
  }

  #generic(node: SyntaxNode, scope: Scope): void {
    forEachChild(node, (child) => {
      if (child.type === "Statement") this.#node(child.command, scope, { kind: "none" });
      else if (child.type === "CommandExpansion" || child.type === "ProcessSubstitution") {
        if (child.script) {
          this.walkScript(child.script, { ...scope, vars: new Map(scope.vars) }, false);
        }
      } else if (child.type === "CompoundList") this.#compound(child, scope);
      else if (child.type === "Command" || child.type === "Pipeline" || child.type === "AndOr") {
        this.#node(child, scope, { kind: "none" });
      } else this.#generic(child, scope);
    });
  }

  /**
   * Evaluate a word and judge the substitutions inside it.
   *
   * @param w The word.
   * @param scope The scope.
   * @returns The evaluated word.
   */
  #word(
    w: Parameters<typeof evalWord>[0],
    scope: Scope,
    split = false,
    written: Stdin = NO_STDIN,
  ): EvalWord {
    const e = evalWord(w, scope.vars, split);
    for (const sub of e.subs) {
      // `tee >(sh)`: an output process substitution reads what the command writes there.
      const input = e.outSubs?.includes(sub) ? written : NO_STDIN;
      this.walkScript(sub, { ...scope, vars: new Map(scope.vars) }, false, input);
    }
    return e;
  }

  #redirects(redirects: readonly Redirection[], scope: Scope, written: Stdin = NO_STDIN): void {
    for (const r of redirects) {
      if (r.type === "HereDoc") {
        // Unquoted heredocs run their substitutions even when fed to `cat`.
        if (!r.delimiter?.quoted && r.body.parts) {
          for (const p of r.body.parts) {
            if ((p.type === "CommandExpansion" || p.type === "ProcessSubstitution") && p.script) {
              this.walkScript(p.script, { ...scope, vars: new Map(scope.vars) }, false);
            }
          }
        }
        continue;
      }
      if (!r.target) continue;
      const t = this.#word(r.target, scope, false, /[>]/.test(r.operator) ? written : NO_STDIN);
      // `>&` / `<>&`-less forms write files; `>& FILE` (not a descriptor) is `&> FILE`.
      const dupToFile = r.operator === ">&" && !/^(?:\d+|-)$/.test(t.values[0] ?? "");
      if (
        r.type === "Redirect" && /[>]/.test(r.operator) && !r.operator.includes("&") ||
        r.type === "Redirect" && (r.operator.startsWith("&>") || dupToFile)
      ) {
        const classes = classifyWord(t, scope.cwd, this.policy.workspaces);
        if (classes.some((c) => c === "root" || c === "system")) {
          this.hitCheck("write-system-path", `output redirected to "${t.text}"`, scope);
        }
        const sensitive = t.resolved ? homeConfigFile(t.values[0] ?? "") : null;
        if (sensitive) {
          this.hitCheck("write-home-config", `output redirected to ${sensitive}`, scope);
        }
      }
    }
  }

  #command(node: Command, scope: Scope, stdin: Stdin): void {
    const local = new Map<string, EvalWord>();
    for (const p of node.prefix) {
      if (p.type !== "Assignment") continue;
      const value = p.value.type === "Word" ? this.#word(p.value, scope) : undefined;
      // `arr=( $(cmd) )`, `a[$(cmd)]=1`: elements and subscripts run commands too.
      for (const sub of subsOf(p)) {
        if (p.value.type !== "Word" || p.index) {
          this.walkScript(sub, { ...scope, vars: new Map(scope.vars) }, false);
        }
      }
      if (value) local.set(p.name, value);
      else local.set(p.name, { ..._literal(p.text), resolved: false });
      // `CDPATH=/ cd etc`: a relative cd may land anywhere.
      if (p.name === "CDPATH") scope.vars.set("CDPATH", null);
      // `IFS=, eval '...'`: the temporary IFS splits inside eval and functions; keep it.
      if (p.name === "IFS") scope.vars.set("IFS", value?.resolved ? value.values : null);
      this.checkAssign(p.name, value?.values[0] ?? "", scope);
    }
    const input = stdinOf(node.redirects, scope) ?? stdin;
    const written = writtenBy(node, scope, input);
    this.#redirects(node.redirects, scope, written);
    if (!node.name) {
      for (const [name, v] of local) scope.vars.set(name, v.resolved ? v.values : null);
      return;
    }
    const words = [
      node.name,
      ...node.suffix.filter((s) => s.type === "Word" || s.type === "Assignment"),
    ]
      .flatMap((w) =>
        w.type === "Assignment"
          ? [this.#assignWord(w, scope)]
          : splitFields(this.#word(w, scope, true, written))
      );
    if (words.length === 1 && words[0]!.values[0] === "exec") rememberDescriptors(node, scope);
    const env = new Map<string, string | null>();
    for (const [name, v] of local) env.set(name, v.resolved ? v.values[0] ?? "" : null);
    scope.env = env;
    judgeArgv(this, _splitBraces(words), scope, input);
    scope.env = undefined;
    _recordSecretWrites(node, words, scope);
    recordWrites(
      node,
      words,
      scope,
      input,
      (r) => r.type !== "HereDoc" && r.target ? evalWord(r.target, scope.vars) : null,
    );
  }

  #assignWord(a: Assignment, scope: Scope): EvalWord {
    // `export X=$HOME`, `alias x='...'`: evaluate the value, keep `NAME=` in front.
    if (a.value.type !== "Word") return _literal(a.text);
    const v = this.#word(a.value, scope);
    const prefix = a.text.slice(0, a.text.indexOf("=") + 1);
    return { ...v, text: a.text, values: v.values.map((x) => prefix + x), raw: a.text };
  }

  /**
   * Check an environment assignment against the assignment rules.
   *
   * @param name Variable name.
   * @param value Its value.
   * @param scope Where.
   */
  checkAssign(name: string, value: string, scope: Scope): void {
    if (
      name === "GIT_CONFIG_PARAMETERS" ||
      /^GIT_CONFIG_KEY_\d+$/.test(name) && gitCommandKey(value) ||
      /^npm_config_script_shell$/i.test(name) && !_isShell(value)
    ) {
      this.hitCheck(
        "encoded-payload",
        `${name}=${value} makes a tool run a configured command`,
        scope,
      );
    }
    if (COMMAND_VARS.has(name) && value !== "") {
      // `GIT_SSH_COMMAND='rm -rf /' git fetch`: the value runs as a command.
      if (value.includes("\u0000")) {
        this.hitCheck("encoded-payload", `${name} names a command only known at run time`, scope);
      } else this.judgeSource(value, scope);
    }
    for (const r of this.assignRules) {
      const m = r.match.assign!;
      if (m.name !== name) continue;
      if (
        m.value && !m.value.some((g) =>
          g === value ||
          new RegExp(`^${g.replace(/[.+^$()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`, "i").test(
            value,
          )
        )
      ) continue;
      this.hit(r, `${name}=${value}`, scope);
    }
    // After the named rules, so that their ids decide where both match.
    const hook = environmentHook(name, value);
    if (hook) this.hitCheck("environment-hook", hook, scope);
  }
}

function _literal(text: string): EvalWord {
  return {
    text,
    values: [text],
    resolved: true,
    glob: false,
    quoted: false,
    subs: [],
    raw: text,
    braced: false,
  };
}

function _splitBraces(words: EvalWord[]): EvalWord[] {
  return words.flatMap((w) =>
    w.braced && w.resolved && w.values.length > 1
      ? w.values.map((v) => ({ ...w, values: [v], text: v, braced: false }))
      : [w]
  );
}

/** `env > e.txt`, `cp ~/.aws/credentials c`: remember files the line filled with secrets. */
function _recordSecretWrites(node: Command, words: EvalWord[], scope: Scope): void {
  const key = (p: string) => fileKey(scope, p);
  const name = (words[0]?.values[0] ?? "").replace(/^.*\//, "");
  const targets: string[] = [];
  if (secretSource(words, scope.secretFiles, key)) {
    for (const r of node.redirects) {
      if (r.type !== "Redirect" || !/>/.test(r.operator) || !r.target) continue;
      const t = evalWord(r.target, scope.vars);
      if (t.resolved) targets.push(t.values[0] ?? "");
    }
  }
  if (/^(?:cp|mv|install|rsync|tee)$/.test(name)) {
    const ops = words.slice(1).map((w) => w.values[0] ?? "").filter((v) => !v.startsWith("-"));
    if (
      ops.length >= 2 && secretSource([words[0]!, ...words.slice(1, -1)], scope.secretFiles, key)
    ) {
      targets.push(ops[ops.length - 1]!);
    }
  }
  for (const t of targets) {
    const k = key(t);
    if (k !== null) (scope.secretFiles ??= new Set()).add(k);
  }
}

function _short(s: string): string {
  const one = s.replace(/\s+/g, " ");
  return one.length > 160 ? one.slice(0, 157) + "..." : one;
}

export type { CommandNode };

function _isShell(path: string): boolean {
  return /^(?:sh|bash|dash|zsh|ksh|mksh|ash|pwsh|powershell|cmd(?:\.exe)?)$/.test(
    path.slice(path.lastIndexOf("/") + 1),
  );
}
