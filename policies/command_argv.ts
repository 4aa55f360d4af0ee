/**
 * The argv layer of the command judge: one simple command, already split
 * into evaluated words. Strips wrappers (sudo, env, timeout, xargs, find
 * -exec, ...), re-parses strings that shells, `eval`, `trap`, `su -c` or
 * `ssh` will run, reads inline interpreter code, checks what a shell reads
 * from its standard input, applies the allowlist of known programs and
 * finally the command rules.
 *
 * @module
 */

import { matchCommand, type ResolvedCommand } from "./command_rules.ts";
import { classifyWord, joinCwd, normalizePath } from "./paths.ts";
import { writeTargets } from "./write_targets.ts";
import { homeConfigFile } from "./command_families.ts";
import { parseArgv, SHELL_BUILTINS } from "./program_profiles.ts";
import type { EvalWord } from "./shell_words.ts";
import { literalWord } from "./command_handlers.ts";
import { embeddedCommands } from "./command_strings.ts";
import { aliasedProgram, handlerOf, runWritten, SHELLS } from "./command_handlers.ts";
import type { JudgeHost, Scope, Stdin } from "./types.ts";

/**
 * Judge one simple command given as evaluated words.
 *
 * @param j The judge (collects verdicts).
 * @param words Program and arguments.
 * @param scope The walk scope.
 * @param stdin Where its standard input comes from.
 */
export function judgeArgv(j: JudgeHost, words: EvalWord[], scope: Scope, stdin: Stdin): void {
  if (j.decided || words.length === 0) return;
  const head = words[0]!;
  if (!head.resolved || head.glob) {
    j.hitCheck(
      "unresolved-command",
      `command name "${head.text}" is only known at run time`,
      scope,
    );
    return;
  }
  for (const path of head.values) _judgeOne(j, path, words.slice(1), scope, stdin);
}

function _judgeOne(
  j: JudgeHost,
  path: string,
  args: EvalWord[],
  scope: Scope,
  stdin: Stdin,
): void {
  // `cp /bin/rm x; ./x -rf /`, `hash -p /bin/rm ls; ls -rf /`: judged as the program copied.
  const aliased = aliasedProgram(scope, path);
  if (aliased === "\u0000") {
    j.hitCheck("unresolved-command", `"${path}" runs a program only known at run time`, scope);
    return;
  }
  if (aliased !== undefined) path = aliased;
  const name = path.includes("/") ? path.slice(path.lastIndexOf("/") + 1) : path;
  const local = path.includes("/") && !path.startsWith("/") && !path.startsWith("~");
  if (path.includes("/") && runWritten(j, path, scope, (t) => j.judgeSource(t, scope))) return;
  if (scope.calling?.includes(name)) {
    // `:(){ :|:& };:` — a one-line function that calls itself is a fork bomb.
    j.hitCheck("fork-bomb", `function "${name}" calls itself`, scope);
    return;
  }
  const known = local || scope.functions.has(name) || SHELL_BUILTINS.has(name) ||
    j.policy.programs.has(name);
  if (!known) {
    j.hitCheck("unknown-program", `"${name}" is not on the list of known programs`, scope);
  }
  if (!known || local) _judgeTail(j, args, scope, stdin);
  if (name === "kubectl" || name === "oc") args = _kubeKinds(args);
  if (name === "git") {
    args = _gitConfigCase(args);
    _gitTree(j, args, scope);
  }
  if (scope.links?.size) args = _throughLinks(args, scope);
  const cmd: ResolvedCommand = { name, args, cwd: scope.cwd };
  const parsed = parseArgv(name, args.map((a) => a.values[0] ?? ""));
  if (parsed.help && !SHELLS.has(name)) return;

  for (const e of embeddedCommands(name, args)) {
    if (!e.resolved) {
      j.hitCheck("encoded-payload", `${e.via} runs a command only known at run time`, scope);
    } else j.judgeSource(e.text, scope);
    if (j.decided) return;
  }
  if (handlerOf(name)({ j, name, args, scope, stdin }) === "done") return;
  if (j.decided) return;
  for (const w of writeTargets(name, args, parsed)) {
    // `tar -x -C /tmp`, `unzip -d /tmp`: files inside the temporary folder.
    if (w.resolved && /^\/(?:tmp|var\/tmp|dev\/shm)\/?$/.test(w.values[0] ?? "")) continue;
    const classes = classifyWord(w, scope.cwd, j.policy.workspaces);
    if (classes.some((c) => c === "root" || c === "system")) {
      j.hitCheck("write-system-path", `${name} writes "${w.text}"`, scope);
    }
    const sensitive = w.resolved ? homeConfigFile(w.values[0] ?? "") : null;
    if (sensitive) j.hitCheck("write-home-config", `${name} writes ${sensitive}`, scope);
  }
  for (const rule of j.commandRules(name)) {
    const detail = matchCommand(rule.match.command!, cmd, j.policy.workspaces, parsed);
    if (detail !== null) j.hit(rule, detail, scope);
  }
}

function _throughLinks(args: EvalWord[], scope: Scope): EvalWord[] {
  return args.map((a) => {
    if (!a.resolved) return a;
    let changed = false;
    const values = a.values.map((v) => {
      const joined = joinCwd(scope.cwd, v);
      if (joined === null) return v;
      const p = normalizePath(joined);
      for (const [link, target] of scope.links!) {
        if (p === link || p.startsWith(link + "/")) {
          changed = true;
          const base = target.replace(/\/+$/, "");
          const rest = p.slice(link.length + 1);
          return rest ? `${base}/${rest}` : base || "/";
        }
      }
      return v;
    });
    return changed ? { ...a, values } : a;
  });
}

/**
 * A program we do not know, or a project script, given a command line as
 * arguments (`retry -n 3 rm -rf ~`, `dotenv -- kubectl delete ns prod`,
 * `nix-shell --run 'rm -rf /'`) is judged by what it wraps: the words from
 * the first known program on, and any argument that reads as a command line.
 */
function _judgeTail(j: JudgeHost, args: EvalWord[], scope: Scope, stdin: Stdin): void {
  const isProgram = (v: string) => {
    const n = v.slice(v.lastIndexOf("/") + 1);
    return j.policy.programs.has(n) || SHELLS.has(n);
  };
  const at = args.findIndex((a) => a.resolved && isProgram(a.values[0] ?? ""));
  if (at >= 0) j.judgeWords(args.slice(at), scope, stdin);
  for (const a of args.slice(0, at < 0 ? args.length : at)) {
    const v = a.values[0] ?? "";
    if (a.resolved && /\s/.test(v) && isProgram(v.trim().split(/\s+/)[0]!)) j.judgeSource(v, scope);
  }
}

/** `git -C / clean -fdx`, `git --work-tree=/ checkout -f`: git writing a tree outside the workspace. */
function _gitTree(j: JudgeHost, args: EvalWord[], scope: Scope): void {
  const tree = scope.env?.get("GIT_WORK_TREE") ?? scope.vars.get("GIT_WORK_TREE")?.[0];
  // `GIT_WORK_TREE=/ git clean -fdx`: the variable names the tree like --work-tree.
  if (typeof tree === "string") args = [literalWord(`--work-tree=${tree}`), ...args];
  const vals = args.map((a) => a.values[0] ?? "");
  const sub = vals.findIndex((v, i) =>
    !v.startsWith("-") && !/^(?:-C|--git-dir|--work-tree|-c)$/.test(vals[i - 1] ?? "")
  );
  const writes =
    /^(?:clean|checkout|reset|restore|switch|stash|rm|mv|apply|am|merge|pull|read-tree|checkout-index)$/;
  if (sub < 0 || !writes.test(vals[sub]!)) return;
  for (let i = 0; i < sub; i++) {
    const v = vals[i]!;
    const dir = v === "-C" || v === "--work-tree"
      ? args[i + 1]
      : v.startsWith("--work-tree=")
      ? { ...args[i]!, values: [v.slice(12)] }
      : undefined;
    if (!dir) continue;
    const cls = classifyWord(dir, scope.cwd, j.policy.workspaces);
    if (cls.some((c) => c === "root" || c === "home" || c === "system")) {
      j.hitCheck("write-system-path", `git ${vals[sub]} in "${dir.values[0]}"`, scope);
    }
  }
}

/** git config keys and boolean values are case-insensitive (`http.SSLVerify=False`). */
function _gitConfigCase(args: EvalWord[]): EvalWord[] {
  return args.map((a) => {
    const v = a.values[0] ?? "";
    const key = /^[A-Za-z][\w-]*(?:\.[^=\s]+)?\.[A-Za-z][\w-]*(?==|$)/.exec(v);
    if (key) {
      const rest = v.slice(key[0].length);
      const value = /^=(?:true|false|yes|no|on|off)$/i.test(rest) ? rest.toLowerCase() : rest;
      const norm = key[0].toLowerCase() + value;
      return norm === v ? a : { ...a, values: [norm] };
    }
    if (/^(?:true|false|yes|no|on|off)$/i.test(v) && v !== v.toLowerCase()) {
      return { ...a, values: [v.toLowerCase()] };
    }
    return a;
  });
}

/**
 * Resource kinds as kubectl reads them: case-insensitive, with an optional
 * `.version.group` suffix (`Namespace`, `namespaces.v1`, `NS/prod`).
 */
function _kubeKinds(args: EvalWord[]): EvalWord[] {
  return args.map((a) => {
    const v = a.values[0] ?? "";
    if (v.startsWith("-") || !/^[A-Za-z]/.test(v) || /\.(?:ya?ml|json)$/i.test(v)) return a;
    const norm = v.split(",").map((part) => {
      const slash = part.indexOf("/");
      const kind = slash < 0 ? part : part.slice(0, slash);
      const name = slash < 0 ? "" : part.slice(slash);
      return kind.toLowerCase().replace(/\..*$/, "") + name;
    }).join(",");
    return norm === v ? a : { ...a, values: [norm, ...a.values.slice(1)] };
  });
}
