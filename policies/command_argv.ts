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

import type { CommandJudge, Scope } from "./command_judge.ts";
import { matchCommand, type ResolvedCommand } from "./command_rules.ts";
import { analyzeCode } from "./inline_code.ts";
import { classifyPath, classifyWord, joinCwd, normalizePath } from "./paths.ts";
import { writeTargets } from "./write_targets.ts";
import { parseArgv, SHELL_BUILTINS } from "./program_profiles.ts";
import type { EvalWord } from "./shell_words.ts";
import { producerOf, type Stdin, stdinProgram } from "./command_stdin.ts";

export type { Stdin };
import { wrapperRest } from "./wrappers.ts";
import { embeddedCommands } from "./command_strings.ts";
import { writtenFile } from "./script_files.ts";

const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "fish", "busybox"]);
const INTERPRETER = /^(?:python[0-9.]*|pypy[0-9.]*|node|nodejs|deno|bun|perl|ruby|php|Rscript)$/;

/** An unresolved word standing for data only known at run time (stdin, `{}`). */
export function unknownWord(text: string): EvalWord {
  return {
    text,
    values: ["\u0000"],
    resolved: false,
    glob: false,
    quoted: false,
    subs: [],
    raw: text,
    braced: false,
  };
}

/** A literal word. */
export function literalWord(text: string): EvalWord {
  return {
    text,
    values: [text],
    resolved: true,
    glob: false,
    quoted: true,
    subs: [],
    raw: text,
    braced: false,
  };
}

/**
 * Judge one simple command given as evaluated words.
 *
 * @param j The judge (collects verdicts).
 * @param words Program and arguments.
 * @param scope The walk scope.
 * @param stdin Where its standard input comes from.
 */
export function judgeArgv(j: CommandJudge, words: EvalWord[], scope: Scope, stdin: Stdin): void {
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
  j: CommandJudge,
  path: string,
  args: EvalWord[],
  scope: Scope,
  stdin: Stdin,
): void {
  const name = path.includes("/") ? path.slice(path.lastIndexOf("/") + 1) : path;
  const local = path.includes("/") && !path.startsWith("/") && !path.startsWith("~");
  if (path.includes("/") && _runWritten(j, path, scope, (t) => j.judgeSource(t, scope))) return;
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
  if (name === "kubectl" || name === "oc") args = _kubeKinds(args);
  if (name === "git") {
    args = _gitConfigCase(args);
    _gitTree(j, args, scope);
  }
  if (scope.links?.size) args = _throughLinks(args, scope);
  const cmd: ResolvedCommand = { name, args, cwd: scope.cwd };
  const parsed = parseArgv(name, args.map((a) => a.values[0] ?? ""));
  if (parsed.help && !SHELLS.has(name)) return;
  const v = (i: number) => args[i]?.values[0];

  for (const e of embeddedCommands(name, args)) {
    if (!e.resolved) {
      j.hitCheck("encoded-payload", `${e.via} runs a command only known at run time`, scope);
    } else j.judgeSource(e.text, scope);
    if (j.decided) return;
  }
  switch (name) {
    case "cd": {
      const t = args.find((a) =>
        a.values[0] !== "--" && a.values[0] !== "-P" && a.values[0] !== "-L"
      );
      if (!t) scope.cwd = "~";
      else if (!t.resolved || t.values.length > 1 || t.values[0] === "-") scope.cwd = null;
      else if (scope.vars.has("CDPATH") && !/^[./~]/.test(t.values[0]!)) scope.cwd = null;
      else {
        const joined = joinCwd(scope.cwd, t.values[0]!);
        scope.cwd = joined === null ? null : normalizePath(joined);
      }
      break;
    }
    case "export":
    case "declare":
    case "local":
    case "readonly":
    case "typeset":
      for (const a of args) {
        const val = a.values[0] ?? "";
        const eq = val.indexOf("=");
        if (eq <= 0 || val.startsWith("-")) continue;
        const varName = val.slice(0, eq);
        scope.vars.set(
          varName,
          a.resolved ? a.values.map((x) => x.slice(x.indexOf("=") + 1)) : null,
        );
        j.checkAssign(varName, val.slice(eq + 1), scope);
      }
      break;
    case "unset":
      for (const a of args) {
        if (!a.values[0]?.startsWith("-")) scope.vars.set(a.values[0] ?? "", null);
      }
      break;
    case "printf": {
      const at = args.findIndex((a) => a.values[0] === "-v");
      if (at >= 0 && args[at + 1]) scope.vars.set(args[at + 1]!.values[0] ?? "", null);
      break;
    }
    case "read":
    case "mapfile":
    case "readarray":
    case "getopts":
      for (const a of args) {
        if (!a.values[0]?.startsWith("-")) scope.vars.set(a.values[0] ?? "", null);
      }
      break;
    case "eval":
      _runString(j, args, scope, "eval");
      return;
    case "trap": {
      // `trap -- 'cmd' EXIT`: the handler follows the end of options.
      const at = v(0) === "--" ? 1 : 0;
      if (args[at] && v(at) !== "-" && v(at) !== "-p" && v(at) !== "-l") {
        _runString(j, [args[at]!], scope, "trap");
      }
      return;
    }
    case "ln":
      _recordLink(j, args, scope);
      break;
    case "alias":
      for (const a of args) {
        const val = a.values[0] ?? "";
        if (val.includes("=")) scope.functions.add(val.slice(0, val.indexOf("=")));
        if (val.includes("=")) {
          _runString(j, [{ ...a, values: [val.slice(val.indexOf("=") + 1)] }], scope, "alias");
        }
      }
      return;
    case "source":
    case ".":
      if (args[0]) _scriptOperand(j, args[0], scope);
      return;
    case "find":
      _find(j, args, scope);
      break;
    case "at":
    case "batch": {
      // `at now <<< CMD`: the job is a shell script read from stdin or `-f FILE`.
      const vals = args.map((a) => a.values[0] ?? "");
      if (vals.some((x) => /^-[a-zA-Z]*[lcdr]$/.test(x))) break; // list, cat, delete
      const f = vals.findIndex((x) => x === "-f");
      if (f >= 0 && args[f + 1]) _scriptOperand(j, args[f + 1]!, scope);
      else _shell(j, "sh", [], scope, stdin);
      break;
    }
    case "xargs": {
      const rest = wrapperRest(j, name, args, scope);
      if (rest && rest.words.length) {
        const repl = rest.replace;
        const words = repl
          ? rest.words.map((w) => (w.values[0] ?? "").includes(repl) ? unknownWord(w.text) : w)
          : [...rest.words, unknownWord("<stdin>")];
        judgeArgv(j, words, scope, { kind: "none" });
      }
      break;
    }
    default: {
      const rest = wrapperRest(j, name, args, scope);
      if (rest) {
        if (rest.words.length) judgeArgv(j, rest.words, scope, stdin);
        // Rules may still name the wrapper itself (`sudo -s`, `env -i`).
      } else if (SHELLS.has(name)) {
        _shell(j, name, args, scope, stdin);
      } else if (INTERPRETER.test(name)) {
        _interpreter(j, name, args, scope, stdin);
      }
    }
  }
  if (j.decided) return;
  for (const w of writeTargets(name, args, parsed)) {
    const classes = classifyWord(w, scope.cwd, j.policy.workspaces);
    if (classes.some((c) => c === "root" || c === "system")) {
      j.hitCheck("write-system-path", `${name} writes "${w.text}"`, scope);
    }
  }
  for (const rule of j.index.candidates(name)) {
    const detail = matchCommand(rule.match.command!, cmd, j.policy.workspaces, parsed);
    if (detail !== null) j.hit(rule, detail, scope);
  }
}

/**
 * Remember `ln -s TARGET LINK` when TARGET is outside the workspace, so that
 * `rm -rf LINK/` is judged as deleting TARGET.
 */
function _recordLink(j: CommandJudge, args: EvalWord[], scope: Scope): void {
  const vals = args.map((a) => a.values[0] ?? "");
  if (!vals.some((v) => /^-[a-zA-Z]*s/.test(v) || v === "--symbolic")) return;
  const ops = args.filter((a) => !(a.values[0] ?? "").startsWith("-"));
  const [target, link] = ops;
  if (!target || !target.resolved) return;
  const t = target.values[0]!;
  const cls = classifyPath(t, j.policy.workspaces);
  if (cls === "workspace" || cls === "temp") return;
  const name = link?.values[0] ?? t.replace(/\/+$/, "").split("/").pop() ?? "";
  const key = joinCwd(scope.cwd, name);
  if (!key || !link?.resolved && link) return;
  scope.links ??= new Map();
  scope.links.set(normalizePath(key), t);
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

/** `git -C / clean -fdx`, `git --work-tree=/ checkout -f`: git writing a tree outside the workspace. */
function _gitTree(j: CommandJudge, args: EvalWord[], scope: Scope): void {
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

function _runString(j: CommandJudge, words: EvalWord[], scope: Scope, what: string): void {
  if (words.length === 0) return;
  if (words.some((w) => !w.resolved)) {
    j.hitCheck("encoded-payload", `${what} runs a string only known at run time`, scope);
    return;
  }
  j.judgeSource(words.map((w) => w.values[0] ?? "").join(" "), scope);
}

/**
 * Judge a script the same line wrote before running it.
 *
 * @returns True when the path was written by the line (and judged here).
 */
function _runWritten(
  j: CommandJudge,
  path: string,
  scope: Scope,
  run: (text: string) => void,
): boolean {
  const content = writtenFile(scope, path);
  if (!content) return false;
  if (content.kind === "remote") {
    j.hitCheck("remote-script", `runs "${path}", downloaded earlier in the line`, scope);
  } else if (content.kind === "unknown") {
    j.hitCheck("encoded-payload", `runs "${path}", written earlier in the line`, scope);
  } else run(content.text);
  return true;
}

function _scriptOperand(
  j: CommandJudge,
  w: EvalWord,
  scope: Scope,
  run: (text: string) => void = (t) => j.judgeSource(t, scope),
): void {
  if (w.resolved) {
    // A script file: its content is the project's own, unless this line wrote it.
    for (const v of w.values) _runWritten(j, v, scope, run);
    return;
  }
  const remote = w.subs.some((s) =>
    s.commands.some((st) => producerOf(st.command, scope).kind === "remote")
  );
  if (remote) j.hitCheck("remote-script", `runs a downloaded script "${w.text}"`, scope);
  else j.hitCheck("encoded-payload", `runs a script only known at run time "${w.text}"`, scope);
}

function _shell(j: CommandJudge, name: string, args: EvalWord[], scope: Scope, stdin: Stdin): void {
  let i = 0;
  let wantString = false;
  let readStdin = false;
  for (; i < args.length; i++) {
    const a = args[i]!.values[0] ?? "";
    // `bash -s -- args`: the script is standard input, the rest are arguments.
    if (/^-[a-zA-Z]*s[a-zA-Z]*$/.test(a) && name !== "busybox") readStdin = true;
    if (a === "--" || a === "-") {
      i++;
      break;
    } // deno-fmt-ignore
    if (/^[-+]o$/.test(a) || a === "-O" || a === "+O" || a === "--rcfile" || a === "--init-file") { i++; continue; } // deno-fmt-ignore
    if (a === "-c" || a === "--command" || /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a)) { wantString = true; continue; } // deno-fmt-ignore
    if (/^[-+]/.test(a)) continue;
    break;
  }
  if (name === "busybox" && args[i]?.values[0] && SHELLS.has(args[i]!.values[0]!)) {
    _shell(j, args[i]!.values[0]!, args.slice(i + 1), scope, stdin);
    return;
  }
  if (name === "busybox" && args[i]) {
    // `busybox rm -rf /`: the applet is the program.
    judgeArgv(j, args.slice(i), scope, stdin);
    return;
  }
  const operand = args[i];
  if (wantString) {
    if (operand) _runString(j, [operand], scope, `${name} -c`);
    return;
  }
  if (operand && !readStdin) {
    _scriptOperand(j, operand, scope);
    return;
  }
  stdinProgram(j, name, stdin, scope, (text) => j.judgeSource(text, scope));
}

function _interpreter(
  j: CommandJudge,
  name: string,
  args: EvalWord[],
  scope: Scope,
  stdin: Stdin,
): void {
  const codeFlags = name.startsWith("node") || name === "bun"
    ? /^(?:-e|--eval|-p|--print|-pe)$/
    : name === "php"
    ? /^-r$/
    : name.startsWith("py")
    ? /^-[A-Za-z]*c$/
    : /^-[A-Za-z]*[eE]$/;
  const valueFlags = /^(?:-m|-r|--require|--import|-W|-X|-I|--loader|-M|-x)$/;
  if (name === "deno" || name === "bun") {
    const sub = args[0]?.values[0];
    if (sub === "eval" || sub === "-e") {
      const code = args.slice(1).find((a) => !(a.values[0] ?? "").startsWith("-"));
      if (code) _code(j, code, scope);
      return;
    }
    return; // `deno run file`, `deno task`, `bun test`: project code
  }
  // Code attached to its flag: `node --eval=CODE`, `python -cCODE`, `perl -eCODE`.
  const attached = name.startsWith("node") || name === "bun"
    ? /^--(?:eval|print)=([^]*)$/
    : name === "php"
    ? /^-r([^]+)$/
    : name.startsWith("py")
    ? /^-[A-Za-z]*c([^]+)$/
    : /^-[lnpaws]*[eE]([^]+)$/;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.values[0] ?? "";
    if (codeFlags.test(a)) {
      const code = args[i + 1];
      if (code) _code(j, code, scope);
      return;
    }
    const glued = a.startsWith("--") && !a.startsWith("--eval=") && !a.startsWith("--print=")
      ? null
      : attached.exec(a);
    if (glued) {
      _code(j, { ...args[i]!, values: [glued[1]!] }, scope);
      return;
    }
    if (a === "-m" && name.startsWith("py")) return; // a module: project or library code
    if (valueFlags.test(a)) {
      i++;
      continue;
    } // deno-fmt-ignore
    if (a.startsWith("-") && a !== "-") continue;
    if (a !== "-") {
      _scriptOperand(j, args[i]!, scope, (t) => _code(j, literalWord(t), scope));
      return;
    }
    break;
  }
  stdinProgram(j, name, stdin, scope, (text) => _code(j, literalWord(text), scope));
}

function _code(j: CommandJudge, w: EvalWord, scope: Scope): void {
  const code = w.values[0] ?? "";
  if (!w.resolved && !/[A-Za-z]{3}/.test(code.replaceAll("\u0000", ""))) {
    j.hitCheck("encoded-payload", `inline code only known at run time "${w.text}"`, scope);
    return;
  }
  for (const e of analyzeCode(code)) {
    if (e.kind === "exec") {
      if (e.command.includes("\u0000")) {
        j.hitCheck("encoded-payload", "inline code runs a command only known at run time", scope);
      } else j.judgeSource(e.command, scope);
    } else if (e.kind === "rotate") {
      j.hitCheck("inline-code-delete", `inline code calls ${e.call}`, scope);
    } else {
      const joined = e.target === null ? null : joinCwd(scope.cwd, e.target);
      const cls = joined === null ? "unresolved" : classifyPath(joined, j.policy.workspaces);
      if (cls !== "workspace" && cls !== "temp") {
        j.hitCheck(
          "inline-code-delete",
          `inline code calls ${e.call} on ${
            e.target === null ? "a target only known at run time" : `"${e.target}"`
          }`,
          scope,
        );
      }
    }
    if (j.decided) return;
  }
}

// Options of find that select nothing: with only these, find visits every file.
const FIND_NO_FILTER =
  /^-(?:depth|maxdepth|mindepth|xdev|mount|follow|delete|print0?|daystart|noleaf|ignore_readdir_race|true|type|xtype|nowarn|warn)$/;

function _find(j: CommandJudge, args: EvalWord[], scope: Scope): void {
  const starts: EvalWord[] = [];
  let i = 0;
  // Leading options come before the start points: `find -L / ...`, `find -D tree .`.
  for (; i < args.length && /^-(?:[HLP]|O\d*|D)$/.test(args[i]!.values[0] ?? ""); i++) {
    if (args[i]!.values[0] === "-D") i++;
  }
  for (; i < args.length && !/^[-(!]/.test(args[i]!.values[0] ?? ""); i++) starts.push(args[i]!);
  if (starts.length === 0) starts.push(literalWord("."));
  const vals = args.slice(i).map((a) => a.values[0] ?? "");
  const actionAt = vals.findIndex((v) => /^-(?:exec|execdir|ok|okdir|delete)$/.test(v));
  // Everything before the first action; `-name '*'` selects everything too.
  // Only the branch after the last `-o` leads to the action (`-path .git -prune -o -delete`),
  // and a negated test (`! -name x`) selects nearly everything.
  const all = vals.slice(0, actionAt < 0 ? vals.length : actionAt);
  const lastOr = Math.max(all.lastIndexOf("-o"), all.lastIndexOf("-or"));
  const depth = all.slice(lastOr + 1).reduce((d, v) => d + (v === "(" ? 1 : v === ")" ? -1 : 0), 0);
  const tests = depth < 0 ? all : all.slice(lastOr + 1);
  const filtered = tests.some((v, k) =>
    v.startsWith("-") && !FIND_NO_FILTER.test(v) && !/^-(?:o|or|not|and|a)$/.test(v) &&
    tests[k - 1] !== "!" && tests[k - 1] !== "-not" &&
    !(/^-i?name$/.test(v) && tests[k + 1] === "*")
  );
  // A start point whose every file goes: judged as deleting the start point's contents.
  const everything = (s: EvalWord): string | null => {
    if (!s.resolved) return null;
    const base = (s.values[0] ?? ".").replace(/\/+$/, "") || "/";
    const cls = classifyPath(joinCwd(scope.cwd, base) ?? base, j.policy.workspaces);
    if (!filtered || cls === "root" || cls === "home" || cls === "system") {
      return base === "/" ? "/*" : `${base}/*`;
    }
    return null;
  };
  if (vals.includes("-delete") && !filtered) {
    for (const s of starts) {
      const all = everything(s);
      if (all) {
        judgeArgv(j, [literalWord("rm"), literalWord("-r"), literalWord(all)], scope, stdin0);
      }
    }
  }
  for (; i < args.length; i++) {
    const a = args[i]!.values[0];
    if (a !== "-exec" && a !== "-execdir" && a !== "-ok" && a !== "-okdir") continue;
    let k = i + 1;
    const words: EvalWord[] = [];
    for (; k < args.length && args[k]!.values[0] !== ";" && args[k]!.values[0] !== "+"; k++) {
      words.push(args[k]!);
    }
    for (const s of starts) {
      const all = everything(s);
      const sub = words.map((w) => {
        if (!(w.values[0] ?? "").includes("{}")) return w;
        if (!s.resolved) return unknownWord(w.text);
        const each = all ?? `${(s.values[0] ?? ".").replace(/\/$/, "")}/{}`;
        return literalWord((w.values[0] ?? "").replaceAll("{}", each));
      });
      judgeArgv(j, sub, scope, { kind: "none" });
    }
    i = k;
  }
}

const stdin0: Stdin = { kind: "none" };
