/**
 * A light reading of inline interpreter code (`python -c`, `node -e`,
 * `perl -e`, heredocs fed to interpreters): finds process launches with
 * literal command lines (judged as commands), filesystem deletions and
 * their targets, and cloud/secret SDK calls that delete or rotate. Code is
 * another language than shell, so this is a scan for call shapes rather than
 * a parse; anything it cannot resolve where it matters is reported as such.
 *
 * @module
 */

/** What one piece of inline code does that the policy cares about. */
export type CodeEffect =
  | { kind: "exec"; command: string }
  | { kind: "delete"; target: string | null; call: string }
  | { kind: "rotate"; call: string }
  | { kind: "family"; check: "reverse-shell" | "exfiltration" | "encoded-payload"; what: string };

const STR = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|\x60([^\x60$]*)\x60)`;

const EXEC_STRING = new RegExp(
  String
    .raw`\b(?:os\.system|os\.popen|subprocess\.(?:run|call|check_call|check_output|Popen)|execSync|exec|spawnSync|spawn|system|shell_exec|passthru|popen|Deno\.Command|Bun\.spawnSync|Bun\.spawn)\s*\(\s*(?:new\s+)?` +
    STR,
  "g",
);
const EXEC_ARRAY = new RegExp(
  String
    .raw`\b(?:subprocess\.(?:run|call|check_call|check_output|Popen)|spawnSync|spawn|execFileSync|execFile|system|Bun\.spawn(?:Sync)?)\s*\(\s*\[([^\]]*)\]`,
  "g",
);
const EXEC_FILE_ARGS = new RegExp(
  String.raw`\b(?:spawnSync|spawn|execFileSync|execFile|Deno\.Command)\s*\(\s*` + STR +
    String.raw`\s*,\s*(?:\{\s*args\s*:\s*)?\[([^\]]*)\]`,
  "g",
);
const BACKTICKS =
  /(?<!\w)`([^`$]+)`|%x\(([^)]*)\)|qx\{([^}]*)\}|qx\(([^)]*)\)|qx\[([^\]]*)\]|qx\/([^/]*)\//g;

// Perl's list forms without parentheses: `system "rm -rf /"`, `exec "rm", "-rf", "/"`.
const PERL_LIST = new RegExp(
  String.raw`(?<![\w.$>])(?:system|exec)\s+(` + STR + String.raw`(?:\s*,\s*` + STR +
    String.raw`)*)`,
  "g",
);
// os.execv("/bin/rm", ["rm", "-rf", "/"]) and friends: the list is the argv.
const OS_EXEC_ARRAY = new RegExp(
  String.raw`\bos\.(?:exec|spawn)[lv]p?e?\s*\(\s*(?:os\.P_\w+\s*,\s*)?` + STR +
    String.raw`\s*,\s*[\[(]([^\])]*)[\])]`,
  "g",
);
// Code run from a value only known at run time: `exec(base64.b64decode(..))`,
// `exec(urlopen(..).read())`, `.then(eval)`, `new Function(text)`.
const DYNAMIC_CODE =
  /(?<![.\w$])(?:exec|eval|compile)\s*\(\s*(?!["'`)]|r["'])|\.then\(\s*(?:eval|Function)\s*\)|\bnew\s+Function\s*\(|\binstance_eval\s*\(\s*(?!["'])|\bFunction\s*\(\s*(?!["'`)])/;
// Process launches whose command is a value only known at run time.
const DYNAMIC_EXEC =
  /\b(?:os\.system|os\.popen|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|execSync|spawnSync|shell_exec|passthru|proc_open|IO\.popen|Open3\.\w+|Kernel\.(?:system|exec))\s*\(\s*(?!["'`\[])/;
const NETWORK =
  /\bfsockopen\b|\bsocket\.(?:socket|create_connection)\b|\bTCPSocket\b|IO::Socket|\bSocket\.new\b|\bnet\.(?:connect|createConnection|Socket)\b|require\(\s*["'](?:node:)?net["']\s*\)|\bsockaddr_in\b|\/dev\/tcp\/|\bPF_INET\b/;
const PROCESS =
  /\b(?:exec\w*|system|spawn\w*|popen|Popen|proc_open|shell_exec|passthru|subprocess|pty|dup2|fork)\b|`|%x\(/;
const HTTP_SEND =
  /\burlopen\b|\brequests\.(?:get|post|put)\b|\bhttp\.client\b|\bfetch\s*\(|\bhttps?\.(?:request|get)\b|\bNet::HTTP\b|\bcurl_exec\b|\bfile_get_contents\s*\(\s*["']https?:|\bHTTP::Tiny\b|\bLWP::|\baxios\b|\bsocket\b/;
const ENV_DUMP =
  /\bdict\(\s*os\.environ\s*\)|\bos\.environ\b(?!\s*[\[.])|\bprocess\.env\b(?!\s*[\[.])|JSON\.stringify\(\s*process\.env\s*\)|\b(?:ENV|%ENV)\.to_h\b|\bgetenv\(\s*\)|\/proc\/self\/environ|\.ssh\/id_|\.aws\/credentials|\.npmrc|\.git-credentials|\.docker\/config\.json|\.kube\/config/;
const ENV_READ =
  /(?:os\.environ(?:\.get)?\s*[\[(]\s*|os\.getenv\s*\(\s*|process\.env\.|process\.env\[\s*|ENV\[\s*|getenv\s*\(\s*|\$ENV\{\s*)["']?([A-Za-z_][A-Za-z0-9_]*)/g;

const DELETE_CALL = new RegExp(
  String
    .raw`\b(shutil\.rmtree|os\.remove|os\.unlink|os\.rmdir|os\.removedirs|rmSync|rmdirSync|unlinkSync|fs\.rm|fs\.rmdir|fs\.unlink|promises\.rm|rimraf(?:\.sync)?|removeSync|emptyDirSync|fse?\.remove|Deno\.remove(?:Sync)?|unlink|rmtree|remove_tree|FileUtils\.rm_rf|FileUtils\.rm_r|FileUtils\.remove_dir|FileUtils\.rm|File\.delete|Dir\.rmdir|\.unlink|\.rmdir|\.rm)\s*\(\s*([^,)]*)`,
  "g",
);
const ROTATE_CALL =
  /\b(set_secret|setSecret|begin_delete\w*|delete_resource_group|deleteResourceGroup|beginDelete\w*|purge_deleted_\w+|purgeDeleted\w+|regenerate_?[kK]ey\w*|regenerateKey\w*|rotate_?[sS]ecret\w*|rotateSecret|reset_?[cC]redential\w*|create_access_key|createAccessKey|put_secret_value|putSecretValue|delete_secret|deleteSecret)\s*\(/g;

// A deletion or process-launch function named without being called right
// there: imported under another name, destructured, looked up by string
// (`from shutil import rmtree as r`, `{rmSync: r}`, `fs['rmSync']`,
// `getattr(os, "system")`). Its later call cannot be followed.
const INDIRECT = new RegExp(
  String
    .raw`\b(rmtree|rmSync|rmdirSync|unlinkSync|removedirs|rm_rf|remove_tree|removeSync|emptyDirSync|execSync|spawnSync|execFileSync|check_output|check_call|Popen|shell_exec|passthru)\b(?!\s*\()|["'](system|popen|remove|unlink|rmdir|rmtree|rmSync|rmdirSync|unlinkSync|execSync|spawnSync|exec|spawn)["']\s*[\]),]|\b(system|popen|remove|unlink|rmdir|run|call|exec\w*|spawn\w*)\s+as\s+\w`,
  "g",
);
const EXEC_NAMES =
  /^(?:execSync|spawnSync|execFileSync|check_output|check_call|Popen|shell_exec|passthru|system|popen|run|call|exec\w*|spawn\w*)$/;

const HOME_EXPR =
  /expanduser|homedir\(|process\.env\.HOME|Path\.home\(|Deno\.env\.get\(\s*["']HOME|ENV\[["']HOME|\$ENV\{HOME\}|os\.environ\[["']HOME|getenv\(\s*["']HOME/;

function _unquote(m: RegExpExecArray, from: number): string | undefined {
  for (let i = from; i < from + 3; i++) if (m[i] !== undefined) return m[i];
  return undefined;
}

function _arrayWords(list: string): string[] | null {
  const words: string[] = [];
  const re = new RegExp(STR, "g");
  let rest = list;
  for (const m of list.matchAll(re)) {
    words.push(_unquote(m as RegExpExecArray, 1) ?? "");
    rest = rest.replace(m[0], "");
  }
  return /[A-Za-z_]/.test(rest) ? null : words;
}

function _quoteWord(w: string): string {
  return `'${w.replaceAll("'", `'\\''`)}'`;
}

/**
 * Find the effects of inline code.
 *
 * @param code The code (unresolved shell expansions appear as NUL characters).
 * @returns Every effect found.
 */
export function analyzeCode(code: string): CodeEffect[] {
  const out: CodeEffect[] = [];
  for (const m of code.matchAll(EXEC_STRING)) {
    const s = _unquote(m as RegExpExecArray, 1);
    if (s !== undefined) out.push({ kind: "exec", command: s });
  }
  for (const m of code.matchAll(EXEC_ARRAY)) {
    const words = _arrayWords(m[1]!);
    out.push(
      words
        ? { kind: "exec", command: words.map(_quoteWord).join(" ") }
        : { kind: "exec", command: "$UNRESOLVED" },
    );
  }
  for (const m of code.matchAll(EXEC_FILE_ARGS)) {
    const prog = _unquote(m as RegExpExecArray, 1) ?? "";
    const words = _arrayWords(m[4]!);
    out.push({
      kind: "exec",
      command: words
        ? [prog, ...words].map(_quoteWord).join(" ")
        : `${_quoteWord(prog)} $UNRESOLVED`,
    });
  }
  for (const m of code.matchAll(BACKTICKS)) {
    const s = m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? m[6];
    if (s && /\s/.test(s)) out.push({ kind: "exec", command: s });
  }
  for (const m of code.matchAll(DELETE_CALL)) {
    const arg = m[2]!.trim();
    const receiverLiteral = /Path\(\s*["'][^"']*["']\s*\)$/.test(code.slice(0, m.index));
    if (m[1]!.startsWith(".") && arg === "" && receiverLiteral) continue;
    const lit = new RegExp(`^${STR}$`).exec(arg);
    let target: string | null = null;
    if (HOME_EXPR.test(arg)) target = "~";
    else if (lit) target = _unquote(lit, 1) ?? null;
    else if (/^(?:Path|pathlib\.Path)\(\s*["']([^"']*)["']\s*\)$/.test(arg)) {
      target = /["']([^"']*)["']/.exec(arg)![1]!;
    }
    if (target?.includes("\u0000")) target = null;
    out.push({ kind: "delete", target, call: m[1]! });
  }
  // A call on a module expression: `require('fs/promises').rm('/', ...)`.
  for (const m of code.matchAll(/\)\s*\.(rm|rmdir|unlink|remove)\s*\(\s*([^,)]*)/g)) {
    const lit = new RegExp(`^${STR}$`).exec(m[2]!.trim());
    out.push({ kind: "delete", target: lit ? _unquote(lit, 1) ?? null : null, call: m[1]! });
  }
  // Perl without parentheses: `unlink "/etc/passwd"`, `rmtree '/'`.
  for (
    const m of code.matchAll(new RegExp(String.raw`\b(unlink|rmtree|remove_tree)\s+` + STR, "g"))
  ) {
    out.push({ kind: "delete", target: _unquote(m as RegExpExecArray, 2) ?? null, call: m[1]! });
  }
  // `Path("/").unlink()` style: the receiver holds the target.
  for (const m of code.matchAll(/Path\(\s*["']([^"']*)["']\s*\)\.(?:unlink|rmdir)\s*\(/g)) {
    out.push({ kind: "delete", target: m[1]!, call: "Path.unlink" });
  }
  for (const m of code.matchAll(ROTATE_CALL)) out.push({ kind: "rotate", call: m[1]! });
  for (const m of code.matchAll(PERL_LIST)) {
    const words = _arrayWords(m[1]!);
    if (words?.length) {
      out.push({
        kind: "exec",
        command: words.length === 1 ? words[0]! : words.map(_quoteWord).join(" "),
      });
    }
  }
  for (const m of code.matchAll(OS_EXEC_ARRAY)) {
    const words = _arrayWords(m[4]!);
    out.push({ kind: "exec", command: words ? words.map(_quoteWord).join(" ") : "\u0000" });
  }
  if (/\bpty\.spawn\b/.test(code)) {
    out.push({ kind: "family", check: "reverse-shell", what: "spawns a terminal (pty.spawn)" });
  }
  if (NETWORK.test(code) && PROCESS.test(code)) {
    out.push({
      kind: "family",
      check: "reverse-shell",
      what: "wires a network socket to a process",
    });
  }
  if (DYNAMIC_CODE.test(code)) {
    out.push({
      kind: "family",
      check: "encoded-payload",
      what: "runs code only known at run time (exec, eval, Function)",
    });
  }
  if (DYNAMIC_EXEC.test(code)) out.push({ kind: "exec", command: "\u0000" });
  // `require('child_process')[name](..)`, `cp['exec'+'Sync'](..)`: a computed process call.
  if (
    /child_process|\bDeno\.run\b/.test(code) &&
    /\[\s*(?!(["'`])[\w]*\1\s*\])[^\]]+\]\s*\(/.test(code)
  ) {
    out.push({ kind: "exec", command: "\u0000" });
  }
  if (HTTP_SEND.test(code)) {
    const secret = [...code.matchAll(ENV_READ)].map((m) => m[1]!).find(_secretName);
    if (ENV_DUMP.test(code) || secret) {
      out.push({
        kind: "family",
        check: "exfiltration",
        what: `sends ${secret ? secret : "the environment or a credential file"} over the network`,
      });
    }
  }
  // A socket wired to a shell's standard streams: a reverse shell.
  if (/\bsocket\b/.test(code) && /\bdup2\b|\bpty\.spawn\b|\bfsockopen\b/.test(code)) {
    out.push({ kind: "exec", command: "\u0000" });
  }
  for (const m of code.matchAll(INDIRECT)) {
    const name = (m[1] ?? m[2] ?? m[3])!;
    out.push(
      EXEC_NAMES.test(name)
        ? { kind: "exec", command: "\u0000" }
        : { kind: "delete", target: null, call: name },
    );
  }
  return out;
}

function _secretName(name: string): boolean {
  return /(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)/i.test(name);
}
