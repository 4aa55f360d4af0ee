/**
 * Commands hidden in patched files: shell scripts, package.json scripts,
 * Makefile recipes, Dockerfile RUN lines and CI YAML `run:`/`script:` steps.
 * Each yields command snippets with the file line they start on, ready to be
 * judged by the command rules; only snippets starting on added lines count.
 *
 * @module
 */

import { parse } from "unbash";
import type { DiffLine } from "../patch/patch.ts";

/** A command found in a file. */
export interface FileCommand {
  /** 1-based line in the (new) file. */
  line: number;
  /** The command line. */
  text: string;
  /**
   * True for a statement the patch did not touch: not judged alone, but its
   * meaning may change after statements the patch added (a script written
   * by an added line and run by an existing one).
   */
  context?: boolean;
}

/** Which extractor applies to a file. */
export type FileKind = "shell" | "make" | "docker" | "package-json" | "ci-yaml" | null;

/**
 * Decide which command extractor applies to a path.
 *
 * @param path The file path.
 * @param firstLine The file's first line when known (shebang).
 * @returns The kind, or null when the file holds no commands.
 */
export function fileKind(path: string, firstLine?: string): FileKind {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (/\.(?:sh|bash|zsh|ksh)$/.test(base) || /^#!.*\b(?:ba|z|k|da)?sh\b/.test(firstLine ?? "")) {
    return "shell";
  }
  if (/^(?:GNUmakefile|makefile|Makefile)$/.test(base) || base.endsWith(".mk")) return "make";
  if (
    /^(?:Dockerfile|Containerfile)(?:\..*)?$/.test(base) ||
    base.toLowerCase().endsWith(".dockerfile")
  ) {
    return "docker";
  }
  if (base === "package.json") return "package-json";
  if (
    /(?:^|\/)\.github\/(?:workflows|actions)\/.*\.ya?ml$/.test(path) ||
    /(?:^|\/)\.gitlab-ci\.ya?ml$/.test(path) ||
    /(?:^|\/)azure-pipelines[^/]*\.ya?ml$/.test(path) ||
    /(?:^|\/)\.circleci\/.*\.ya?ml$/.test(path) ||
    /(?:^|\/)(?:bitbucket-pipelines|\.travis|action)\.ya?ml$/.test(path) ||
    /(?:^|\/)\.(?:gitlab|azure-pipelines|azuredevops)\/.*\.ya?ml$/.test(path)
  ) return "ci-yaml";
  return null;
}

function _runs(lines: readonly DiffLine[]): DiffLine[][] {
  const runs: DiffLine[][] = [];
  for (const l of lines) {
    const last = runs[runs.length - 1];
    if (last && last[last.length - 1]!.line + 1 === l.line) last.push(l);
    else runs.push([l]);
  }
  return runs;
}

const COMPLETIONS = [
  "",
  "\nfi",
  "\ndone",
  "\n}",
  "\nesac",
  "\nfi\ndone",
  "\ndone\nfi",
  "\n;;\nesac",
];
const OPENERS = [
  "",
  "if true; then\n",
  "while true; do\n",
  "{\n",
  "case x in\n",
  "if true; then\nif true; then\n",
];

function _parses(text: string): boolean {
  const s = parse(text);
  return !s.errors?.length;
}

/**
 * Split shell text (lines of one file region) into top-level statements
 * with their first line; fragments that do not parse alone are completed
 * with closing keywords where that makes them parse, else skipped.
 *
 * @param region New-side lines of one contiguous region.
 * @returns Every statement; those the patch did not touch are marked `context`.
 */
export function shellStatements(region: readonly DiffLine[]): FileCommand[] {
  const text = region.map((l) => l.text).join("\n");
  const out: FileCommand[] = [];
  const script = parse(text);
  if (!script.errors?.length) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
    for (const [k, st] of script.commands.entries()) {
      let idx = 0;
      while (idx + 1 < starts.length && starts[idx + 1]! <= st.pos) idx++;
      // A statement reaches to the next one: here-document bodies come
      // after the parser's end of the statement, and they are its input.
      const next = script.commands[k + 1]?.pos ?? text.length;
      const end = Math.max(st.end, st.pos + text.slice(st.pos, next).trimEnd().length);
      const endIdx = starts.findLastIndex((s) => s <= Math.max(st.pos, end - 1));
      const touched = region.slice(idx, endIdx + 1).some((l) => l.added);
      const cmd: FileCommand = { line: region[idx]!.line, text: text.slice(st.pos, end) };
      if (!touched) cmd.context = true;
      out.push(cmd);
    }
    return out;
  }
  for (const l of region) {
    if (!l.added || l.text.trim() === "" || l.text.trim().startsWith("#")) continue;
    const stripped = l.text.replace(/^\s*(?:then|do|else|elif|\{|\}|;;|fi|done|esac)\s*;?\s*/, "");
    let done = false;
    for (const open of OPENERS) {
      for (const close of COMPLETIONS) {
        const cand = open + stripped + close;
        if (_parses(cand)) {
          out.push({ line: l.line, text: cand });
          done = true;
          break;
        }
      }
      if (done) break;
    }
  }
  return out;
}

function _joinContinuations(lines: readonly DiffLine[]): DiffLine[] {
  const out: DiffLine[] = [];
  let cur: DiffLine | null = null;
  for (const l of lines) {
    if (cur) {
      cur = {
        line: cur.line,
        text: cur.text.replace(/\\$/, " ") + l.text,
        added: cur.added || l.added,
      };
    } else cur = { ...l };
    if (!/\\$/.test(cur.text)) {
      out.push(cur);
      cur = null;
    }
  }
  if (cur) out.push(cur);
  return out;
}

// Make variables in recipes: well-known tool variables become the tool,
// HOME becomes ~, anything else an unresolved shell variable (its value is
// only known when make runs).
const MAKE_TOOLS = new Set([
  "MAKE",
  "CC",
  "CXX",
  "LD",
  "AR",
  "NPM",
  "NODE",
  "PYTHON",
  "PIP",
  "GO",
  "CARGO",
  "DOCKER",
  "KUBECTL",
  "RM",
  "MKDIR",
  "CP",
  "MV",
]);

function _makeVar(name: string): string {
  if (name.startsWith("shell ")) return `$(${name.slice(6)})`;
  if (name === "HOME") return "~";
  if (name === "RM") return "rm -f";
  if (MAKE_TOOLS.has(name)) return name.toLowerCase();
  return `$MAKEVAR_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

function _make(lines: readonly DiffLine[]): FileCommand[] {
  const out: FileCommand[] = [];
  for (const run of _runs(lines)) {
    for (const l of _joinContinuations(run)) {
      if (!l.text.startsWith("\t")) continue;
      const cmd = l.text.slice(1).replace(/^[@+-]+/, "").replace(/\$\$/g, "\u0001")
        .replace(/\$[({]([^)}]*)[)}]/g, (_m, v: string) => _makeVar(v))
        .replace(/\$([A-Za-z@<^*?])/g, (_m, v: string) => _makeVar(v)).replaceAll("\u0001", "$");
      out.push(...shellStatements([{ ...l, text: cmd }]));
    }
  }
  return out;
}

function _docker(lines: readonly DiffLine[]): FileCommand[] {
  const out: FileCommand[] = [];
  for (const run of _runs(lines)) {
    for (const l of _joinContinuations(run)) {
      const m = /^\s*RUN\s+(.*)$/i.exec(l.text);
      if (!m) continue;
      let cmd = m[1]!.replace(/^(?:--[a-z-]+=\S+\s+)+/, "");
      if (cmd.startsWith("[")) {
        try {
          cmd = (JSON.parse(cmd) as string[]).map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(
            " ",
          );
        } catch { /* shell form after all */ }
      }
      out.push(...shellStatements([{ ...l, text: cmd }]));
    }
  }
  return out;
}

// A dependency value: a version range, tag, alias or source, never a command.
const _VERSION_SPEC =
  /^(?:[~^<>=v*]|\d|x$|latest$|next$|beta$|canary$|workspace:|npm:|file:|link:|portal:|git(?:\+|:)|github:|https?:\/\/)/;

// Top-level fields that describe the package; outside a visible "scripts"
// object they are taken for what they usually are.
const _METADATA = new Set([
  "name",
  "version",
  "description",
  "main",
  "module",
  "types",
  "typings",
  "license",
  "author",
  "homepage",
  "type",
  "packageManager",
  "url",
  "email",
  "directory",
]);

function _packageJson(lines: readonly DiffLine[], contexts: readonly string[]): FileCommand[] {
  // Where each line sits is known only when the hunk shows the key that
  // opened its object; otherwise every added string value that is not a
  // version is judged as a command (a script edit without the "scripts"
  // line in the hunk is still a script edit).
  type Where = "scripts" | "other" | "unknown";
  let where: Where = contexts.some((c) => c.includes('"scripts"')) ? "scripts" : "unknown";
  const out: FileCommand[] = [];
  for (const l of lines) {
    const open = /^\s*"([^"]*)"\s*:\s*\{\s*(\}\s*,?)?\s*$/.exec(l.text);
    if (open) {
      if (!open[2]) where = open[1] === "scripts" ? "scripts" : "other";
      continue;
    }
    if (/^\s*\}/.test(l.text)) {
      where = "unknown";
      continue;
    }
    const m = /^\s*"([^"]+)"\s*:\s*"((?:[^"\\]|\\.)*)"\s*,?\s*$/.exec(l.text);
    if (!m || !l.added || where === "other") continue;
    let cmd: string;
    try {
      cmd = JSON.parse(`"${m[2]}"`) as string;
    } catch {
      continue;
    }
    if (where === "unknown" && (_VERSION_SPEC.test(cmd.trim()) || _METADATA.has(m[1]!))) continue;
    out.push(...shellStatements([{ ...l, text: cmd }]));
  }
  return out;
}

/**
 * The scripts of package.json that a change adds or alters, read from the
 * resulting file parsed as JSON (whatever the hunk shows), each split into
 * statements for the command judge.
 *
 * @param before The original text ("" or null for a new file).
 * @param after The resulting text.
 * @returns The commands, or null when the result is not valid JSON.
 */
export function packageJsonScripts(before: string | null, after: string): FileCommand[] | null {
  const scriptsOf = (text: string | null): Record<string, unknown> | null => {
    if (!text) return {};
    try {
      const j = JSON.parse(text) as { scripts?: unknown };
      return j && typeof j.scripts === "object" && j.scripts !== null
        ? j.scripts as Record<string, unknown>
        : {};
    } catch {
      return null;
    }
  };
  const now = scriptsOf(after);
  if (now === null) return null;
  const was = scriptsOf(before) ?? {};
  const lines = after.split(/\r?\n/);
  const scriptsAt = lines.findIndex((t) => /"scripts"\s*:/.test(t));
  const out: FileCommand[] = [];
  for (const [name, value] of Object.entries(now)) {
    if (typeof value !== "string" || was[name] === value) continue;
    const key = JSON.stringify(name);
    let at = lines.findIndex((t, i) => i >= scriptsAt && t.includes(key));
    if (at < 0) at = Math.max(scriptsAt, 0);
    out.push(...shellStatements([{ line: at + 1, text: value, added: true }]));
  }
  return out;
}

function _ciYaml(lines: readonly DiffLine[]): FileCommand[] {
  const out: FileCommand[] = [];
  const key =
    /^(\s*)(?:-\s+)?(run|script|bash|sh|command|before_script|after_script|inlineScript)\s*:\s*(.*)$/;
  for (const run of _runs(lines)) {
    for (let i = 0; i < run.length; i++) {
      const m = key.exec(run[i]!.text);
      if (!m) continue;
      const indent = m[1]!.length;
      const value = m[3]!.trim();
      const expr = (s: string) => s.replace(/\$\{\{[^}]*\}\}/g, "ci_expr");
      if (value && !/^[|>][-+0-9]*$/.test(value)) {
        if (run[i]!.added) {
          const v = value.replace(/^(["'])(.*)\1$/, "$2");
          out.push(...shellStatements([{ ...run[i]!, text: expr(v) }]));
        }
        continue;
      }
      const body: DiffLine[] = [];
      let k = i + 1;
      for (; k < run.length; k++) {
        const t = run[k]!.text;
        if (t.trim() === "") continue;
        const ind = t.length - t.trimStart().length;
        if (ind <= indent && !(value === "" && /^\s*-\s/.test(t) && ind >= indent)) break;
        const item = value === ""
          ? t.trim().replace(/^-\s+/, "").replace(/^(["'])(.*)\1$/, "$2")
          : t.slice(Math.min(ind, indent + 2));
        body.push({ ...run[k]!, text: expr(item) });
      }
      if (value === "") { for (const b of body) out.push(...shellStatements([b])); }
      else out.push(...shellStatements(body));
      i = k - 1;
    }
  }
  return out;
}

/**
 * Extract the commands a patch adds to one file.
 *
 * @param kind The file kind.
 * @param lines New-side lines (all added for plain text).
 * @param contexts Hunk header contexts (function names), for package.json.
 * @returns Commands starting on added lines.
 */
export function fileCommands(
  kind: FileKind,
  lines: readonly DiffLine[],
  contexts: readonly string[] = [],
): FileCommand[] {
  switch (kind) {
    case "shell":
      return _runs(lines).flatMap((r) => shellStatements(r.filter((l) => !/^#!/.test(l.text))));
    case "make":
      return _make(lines);
    case "docker":
      return _docker(lines);
    case "package-json":
      return _packageJson(lines, contexts);
    case "ci-yaml":
      return _ciYaml(lines);
    default:
      return [];
  }
}
