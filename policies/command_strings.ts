/**
 * Command lines hidden in the options of ordinary programs: git config
 * values that git runs through a shell (`git -c core.sshCommand=...`,
 * `alias.x=!...`, `ext::` remotes), archivers and sync tools that run a
 * program per file (`tar --to-command`, `rsync -e`, `zip -TT`), `ssh -o
 * ProxyCommand`, awk's `system()`, sed's `e`, `npm pkg set scripts.x`,
 * `parallel` templates, and environment variables that name a command
 * (`GIT_SSH_COMMAND`, `PAGER`, `PROMPT_COMMAND`). Each string found is
 * handed back to the judge to be parsed and judged like any command line.
 *
 * @module
 */

import type { EvalWord } from "./shell_words.ts";

/** A command string found in a program's arguments. */
export interface EmbeddedCommand {
  /** The command line (meaningless when not resolved). */
  text: string;
  /** False when part of it is only known at run time. */
  resolved: boolean;
  /** Where it was found, for messages. */
  via: string;
}

/** Environment variables whose value is run as a command line. */
export const COMMAND_VARS: ReadonlySet<string> = new Set([
  "GIT_SSH_COMMAND",
  "GIT_PAGER",
  "GIT_EDITOR",
  "GIT_SEQUENCE_EDITOR",
  "GIT_EXTERNAL_DIFF",
  "GIT_ASKPASS",
  "SSH_ASKPASS",
  "GIT_PROXY_COMMAND",
  "PAGER",
  "MANPAGER",
  "EDITOR",
  "VISUAL",
  "PROMPT_COMMAND",
  "LESSOPEN",
  "LESSCLOSE",
]);

// git config keys whose value git runs with a shell. `!` marks a shell
// command in aliases and credential helpers.
const GIT_COMMAND_KEY =
  /^(?:core\.(?:sshcommand|pager|editor|fsmonitor|askpass|gitproxy)|sequence\.editor|diff\.external|diff\.[^.]+\.(?:textconv|command)|merge\.[^.]+\.driver|filter\.[^.]+\.(?:clean|smudge|process)|(?:merge|diff)tool\.[^.]+\.cmd|pager\.[^.]+|gpg(?:\.[^.]+)?\.program|uploadpack\.packobjectshook|remote\.[^.]+\.(?:uploadpack|receivepack)|sendemail\.\w*cmd|web\.browser|browser\.[^.]+\.cmd|man\.[^.]+\.cmd|instaweb\.httpd)$/;
const GIT_BANG_KEY = /^(?:alias\.[^.]+|credential(?:\.[^.]+)?\.helper)$/;

const GIT_OPTION_COMMANDS = new Set(["--upload-pack", "--receive-pack", "--exec"]);
const TAR_OPTIONS = new Set([
  "--to-command",
  "--checkpoint-action",
  "--use-compress-program",
  "-I",
  "--info-script",
  "--new-volume-script",
  "-F",
]);
const RSYNC_OPTIONS = new Set(["-e", "--rsh", "--rsync-path"]);
const ZIP_OPTIONS = new Set(["-TT", "--unzip-command"]);
const AWK = /^(?:awk|gawk|mawk|nawk|busybox-awk)$/;
const SED = /^(?:sed|gsed)$/;
const DQ = String.raw`"((?:[^"\\]|\\.)*)"`;

/**
 * Find the command lines a program would run from its own options.
 *
 * @param name The program basename.
 * @param args Its evaluated arguments.
 * @returns The command strings (possibly none).
 */
export function embeddedCommands(name: string, args: readonly EvalWord[]): EmbeddedCommand[] {
  switch (name) {
    case "git":
      return _git(args);
    case "tar":
    case "gtar":
      return _optionValues(
        args,
        TAR_OPTIONS,
        name,
        (flag, v) =>
          flag === "--checkpoint-action" ? (v.startsWith("exec=") ? v.slice(5) : null) : v,
      );
    case "rsync":
      return _optionValues(args, RSYNC_OPTIONS, name);
    case "zip":
      return _optionValues(args, ZIP_OPTIONS, name);
    case "ssh":
    case "scp":
    case "sftp":
      return _optionValues(args, new Set(["-o"]), name, (_f, v) => {
        const m = /^(?:ProxyCommand|LocalCommand|KnownHostsCommand)\s*[= ]\s*([^]*)$/i.exec(v);
        return m ? m[1]! : null;
      });
    case "npm":
    case "pnpm":
      return _npmScripts(args, name);
    case "parallel":
      return _parallel(args);
    case "tmux":
      return _tmux(args);
    default:
      if (AWK.test(name)) return _awk(args, name);
      if (SED.test(name)) return _sed(args, name);
      return [];
  }
}

function _str(w: EvalWord, value: string, via: string): EmbeddedCommand {
  return { text: value, resolved: w.resolved, via };
}

function _optionValues(
  args: readonly EvalWord[],
  flags: ReadonlySet<string>,
  via: string,
  pick: (flag: string, value: string) => string | null = (_f, v) => v,
): EmbeddedCommand[] {
  const out: EmbeddedCommand[] = [];
  const shorts = [...flags].filter((f) => /^-[A-Za-z]$/.test(f)).map((f) => f[1]!);
  const take = (flag: string, w: EvalWord | undefined, value: string | undefined) => {
    if (!w || value === undefined) return;
    const v = pick(flag, value);
    if (v !== null) out.push(_str(w, v, `${via} ${flag}`));
  };
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const a = w.values[0] ?? "";
    if (a === "--") break;
    if (flags.has(a)) {
      // `-o VALUE`, and multi-letter single-dash options (`zip -TT CMD`).
      take(a, args[i + 1], args[++i]?.values[0]);
      continue;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      const flag = eq > 0 ? a.slice(0, eq) : a;
      if (!flags.has(flag)) continue;
      if (eq > 0) take(flag, w, a.slice(eq + 1));
      else take(flag, args[i + 1], args[++i]?.values[0]);
      continue;
    }
    if (!/^-[A-Za-z]/.test(a)) continue;
    // Short options: `-e CMD`, bundled `-avze CMD`, glued `-eCMD`.
    const letters = a.slice(1);
    const at = [...letters].findIndex((c) => shorts.includes(c));
    if (at < 0 || !/^[A-Za-z]*$/.test(letters.slice(0, at))) continue;
    const flag = `-${letters[at]}`;
    if (at === letters.length - 1) take(flag, args[i + 1], args[++i]?.values[0]);
    else if (at === 0 || !/^[A-Za-z]+$/.test(letters)) take(flag, w, letters.slice(at + 1));
  }
  return out;
}

/**
 * Whether a git config key names a command git runs (`core.sshCommand`, `alias.*`, ...).
 *
 * @param key The key, any case.
 * @returns True for command-valued keys.
 */
export function gitCommandKey(key: string): boolean {
  const k = key.toLowerCase();
  return GIT_COMMAND_KEY.test(k) || GIT_BANG_KEY.test(k);
}

function _gitConfig(key: string, value: string, w: EvalWord): EmbeddedCommand | null {
  const k = key.toLowerCase();
  if (GIT_COMMAND_KEY.test(k)) return _str(w, value, `git config ${key}`);
  if (GIT_BANG_KEY.test(k) && value.trimStart().startsWith("!")) {
    return _str(w, value.trimStart().slice(1), `git config ${key}`);
  }
  return null;
}

function _git(args: readonly EvalWord[]): EmbeddedCommand[] {
  const out: EmbeddedCommand[] = [];
  const push = (e: EmbeddedCommand | null) => e && out.push(e);
  let sub: string | null = null;
  const positionals: EvalWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!;
    const a = w.values[0] ?? "";
    if (sub === null && a === "-c" && args[i + 1]) {
      const kv = args[++i]!;
      const s = kv.values[0] ?? "";
      const eq = s.indexOf("=");
      if (eq > 0) push(_gitConfig(s.slice(0, eq), s.slice(eq + 1), kv));
      continue;
    }
    if (sub === null && (a === "-C" || a === "--git-dir" || a === "--work-tree")) {
      i++;
      continue;
    }
    if (sub === "config" && /^(?:-f|--file|--blob|--type|--default|--comment)$/.test(a)) {
      i++;
      continue;
    }
    const eq = a.indexOf("=");
    const flag = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    if (GIT_OPTION_COMMANDS.has(flag)) {
      const vw = eq > 0 ? w : args[++i];
      if (vw) push(_str(vw, eq > 0 ? a.slice(eq + 1) : vw.values[0] ?? "", `git ${flag}`));
      continue;
    }
    if (sub === "rebase" && (a === "-x" || a === "--exec" || flag === "--exec")) {
      const vw = flag === "--exec" && eq > 0 ? w : args[++i];
      if (vw) {
        push(
          _str(
            vw,
            flag === "--exec" && eq > 0 ? a.slice(eq + 1) : vw.values[0] ?? "",
            "git rebase --exec",
          ),
        );
      }
      continue;
    }
    if (a.startsWith("ext::")) {
      // `% ` is a space inside one argument, `%%` a percent sign.
      const cmd = a.slice(5).replace(/%(.)/g, (_m, c: string) => c === " " ? "\\ " : c);
      push(_str(w, cmd, "git ext:: remote"));
    }
    if (a.startsWith("-")) continue;
    if (sub === null) sub = a;
    else positionals.push(w);
  }
  if (sub === "config") {
    const vals = positionals.map((p) => p.values[0] ?? "");
    if (vals.length >= 2 && !vals[0]!.startsWith("-")) {
      push(_gitConfig(vals[0]!, vals[1]!, positionals[1]!));
    }
  }
  if (sub === "submodule" && positionals[0]?.values[0] === "foreach") {
    const rest = positionals.slice(1);
    if (rest.length) {
      out.push({
        text: rest.map((p) => p.values[0] ?? "").join(" "),
        resolved: rest.every((p) => p.resolved),
        via: "git submodule foreach",
      });
    }
  }
  return out;
}

function _npmScripts(args: readonly EvalWord[], via: string): EmbeddedCommand[] {
  // `npm pkg set scripts.build='rm -rf /'`, `npm set-script build 'rm -rf /'`.
  const vals = args.map((a) => a.values[0] ?? "");
  const out: EmbeddedCommand[] = [];
  if (vals[0] === "pkg" && vals[1] === "set") {
    for (const w of args.slice(2)) {
      const m = /^scripts\.[^=]+=([^]*)$/.exec(w.values[0] ?? "");
      if (m) out.push(_str(w, m[1]!, `${via} pkg set`));
    }
  }
  if (vals[0] === "set-script" && args[2]) out.push(_str(args[2], vals[2]!, `${via} set-script`));
  // `npm config set script-shell /bin/rm`: every script would run through that program.
  const at = vals.findIndex((v) => v === "script-shell" || v.startsWith("script-shell="));
  if ((vals[0] === "config" || vals[0] === "set") && at >= 0) {
    const shell = vals[at]!.includes("=") ? vals[at]!.slice(13) : vals[at + 1] ?? "";
    if (!/^(?:.*\/)?(?:sh|bash|dash|zsh|ksh|ash|pwsh|powershell|cmd(?:\.exe)?)$/.test(shell)) {
      out.push({ text: "", resolved: false, via: `${via} script-shell ${shell}` });
    }
  }
  return out;
}

function _parallel(args: readonly EvalWord[]): EmbeddedCommand[] {
  const sep = args.findIndex((a) => /^:::+$/.test(a.values[0] ?? ""));
  let i = 0;
  while (i < args.length && (args[i]!.values[0] ?? "").startsWith("-")) {
    i += /^-(?:j|P|S|n|N|L|d|I|-jobs|-sshlogin|-delimiter)$/.test(args[i]!.values[0]!) ? 2 : 1;
  }
  const template = args.slice(i, sep < 0 ? args.length : sep);
  if (!template.length) return [{ text: "", resolved: false, via: "parallel" }];
  const inputs = sep < 0 ? [null] : args.slice(sep + 1);
  const t = template.map((w) => w.values[0] ?? "").join(" ");
  return inputs.map((input) => {
    // Input lines from stdin are an unknown variable: a target only known at run time.
    const v = input ? `'${(input.values[0] ?? "").replaceAll("'", `'\\''`)}'` : '"$PARALLEL_INPUT"';
    return {
      text: t.includes("{}") ? t.replaceAll("{}", v) : `${t} ${v}`,
      resolved: template.every((w) => w.resolved) && (input?.resolved ?? true),
      via: "parallel",
    };
  });
}

const TMUX_RUNS =
  /^(?:new-session|new|new-window|neww|split-window|splitw|respawn-pane|respawnp|respawn-window|respawnw|run-shell|run|if-shell|if|display-popup|popup)$/;

function _tmux(args: readonly EvalWord[]): EmbeddedCommand[] {
  // `tmux new -d -s x 'CMD'`: the words after the options are a shell command.
  let i = 0;
  while (i < args.length && (args[i]!.values[0] ?? "").startsWith("-")) {
    i += /^-[LSf]$/.test(args[i]!.values[0]!) ? 2 : 1;
  }
  const sub = args[i]?.values[0] ?? "";
  if (!TMUX_RUNS.test(sub)) return [];
  for (i++; i < args.length && (args[i]!.values[0] ?? "").startsWith("-"); i++) {
    if (/^-[stncxyFelpfSEw]$/.test(args[i]!.values[0]!)) i++;
  }
  const rest = args.slice(i);
  if (!rest.length) return [];
  return [{
    text: rest.map((w) => w.values[0] ?? "").join(" "),
    resolved: rest.every((w) => w.resolved),
    via: `tmux ${sub}`,
  }];
}

function _programText(args: readonly EvalWord[], valueFlags: RegExp, codeFlags: RegExp) {
  const out: EvalWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!.values[0] ?? "";
    if (codeFlags.test(a) && args[i + 1]) out.push(args[++i]!);
    else if (a === "-f" || a.startsWith("--file")) return out; // program in a file: project code
    else if (valueFlags.test(a)) i++;
    else if (!a.startsWith("-") || a === "-") {
      if (!out.length) out.push(args[i]!);
      return out;
    }
  }
  return out;
}

function _awk(args: readonly EvalWord[], via: string): EmbeddedCommand[] {
  const out: EmbeddedCommand[] = [];
  const unknown = { text: "", resolved: false, via: `${via} pipe or system()` };
  for (const w of _programText(args, /^-[vFW]$/, /^(?:-e|--source)$/)) {
    let code = w.values[0] ?? "";
    const literal = new RegExp(
      String.raw`\bsystem\s*\(\s*${DQ}\s*\)|${DQ}\s*\|\s*getline|\|&?\s*${DQ}`,
      "g",
    );
    for (const m of code.matchAll(literal)) {
      const cmd = (m[1] ?? m[2] ?? m[3])!;
      // `print | "sh"`: a shell reading awk's output runs data as code.
      if (
        /^\s*(?:sh|bash|dash|zsh|ksh|ash|busybox|python\d*|perl|node)(?:\s+-\w+)*\s*$/.test(cmd)
      ) {
        out.push(unknown);
        continue;
      }
      out.push(
        _str(
          w,
          (m[1] ?? m[2] ?? m[3])!,
          `${via} ${m[0].startsWith("system") ? "system()" : "pipe"}`,
        ),
      );
    }
    // What is left after the literal calls, strings and regexes: any other
    // `system(` or `|` runs a command built at run time.
    code = code.replace(literal, "").replace(/"(?:[^"\\]|\\.)*"/g, '""')
      .replace(/\/(?:[^/\\\n]|\\.)+\//g, "//").replaceAll("||", "");
    if (/\bsystem\s*\(|\|/.test(code)) out.push(unknown);
  }
  return out;
}

function _sed(args: readonly EvalWord[], via: string): EmbeddedCommand[] {
  const out: EmbeddedCommand[] = [];
  for (const w of _programText(args, /^(?:-l|--line-length)$/, /^(?:-e|--expression)$/)) {
    const code = w.values[0] ?? "";
    // GNU sed `e COMMAND` runs COMMAND; a bare `e` or the `s///e` flag runs
    // the pattern space, which is only known at run time.
    for (
      const m of code.matchAll(
        /(?:^|[;\n{}])\s*(?:[0-9$]+|\/[^/]*\/)?(?:,(?:[0-9$]+|\/[^/]*\/))?!?\s*e(?:[ \t]+([^\n;]*))?(?=$|[\n;}])/g,
      )
    ) {
      out.push(m[1] ? _str(w, m[1], `${via} e`) : { text: "", resolved: false, via: `${via} e` });
    }
    for (
      const m of code.matchAll(
        /s(.)(?:\\.|(?!\1).)*\1(?:\\.|(?!\1).)*\1([gpiImM0-9]*)(?=[\s;}]|$|w|e)/g,
      )
    ) {
      if (code.slice(m.index! + m[0].length).startsWith("e") || m[2]!.includes("e")) {
        out.push({ text: "", resolved: false, via: `${via} s///e` });
      }
    }
  }
  return out;
}
