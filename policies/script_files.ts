/**
 * Scripts written and run in the same command line: `curl -o i.sh URL &&
 * bash i.sh`, `wget URL; sh install.sh`, `echo 'rm -rf /' > x.sh; bash
 * x.sh`. Files a line writes are remembered with what they hold (a
 * download, a known text, or output only known at run time); running one
 * later in the line is judged by that content.
 *
 * @module
 */

import type { Command, Redirection } from "unbash";
import { producerOf } from "./command_producer.ts";
import type { Scope, Stdin, WrittenContent } from "./types.ts";
import { joinCwd, normalizePath } from "./paths.ts";
import type { EvalWord } from "./shell_words.ts";

export type { WrittenContent };

/**
 * The key a path is remembered under (null when the working directory is unknown).
 *
 * @param scope The walk scope.
 * @param path The path as written.
 * @returns The normalised path.
 */
export function fileKey(scope: Scope, path: string): string | null {
  const joined = joinCwd(scope.cwd, path);
  return joined === null ? null : normalizePath(joined);
}

/**
 * What a script path refers to, when the line wrote it.
 *
 * @param scope The walk scope.
 * @param path The script path.
 * @returns Its content, or undefined when the line did not write it.
 */
export function writtenFile(scope: Scope, path: string): WrittenContent | undefined {
  const key = fileKey(scope, path);
  return key === null ? undefined : scope.files?.get(key);
}

function _remember(scope: Scope, path: string, content: WrittenContent): void {
  const key = fileKey(scope, path);
  if (key === null) return;
  scope.files ??= new Map();
  scope.files.set(key, content);
}

function _urlBase(url: string): string {
  const noQuery = url.replace(/[?#].*$/, "").replace(/\/+$/, "");
  const base = noQuery.slice(noQuery.lastIndexOf("/") + 1);
  return base === "" || base.includes(":") ? "index.html" : base;
}

/**
 * Remember the files one simple command writes: downloads (`curl -o`,
 * `curl -O`, `wget`, `wget -O`) and output redirections.
 *
 * @param node The command.
 * @param words Its evaluated words (program first).
 * @param scope The walk scope.
 * @param stdin Where its standard input comes from.
 * @param target Evaluates a redirection target.
 */
export function recordWrites(
  node: Command,
  words: readonly EvalWord[],
  scope: Scope,
  stdin: Stdin,
  target: (r: Redirection) => EvalWord | null,
): void {
  const name0 = words[0]?.values[0] ?? "";
  const name = name0.slice(name0.lastIndexOf("/") + 1);
  const args = words.slice(1);
  const vals = args.map((a) => a.values[0] ?? "");
  const remote = { kind: "remote" } as const;
  if (name === "curl") {
    const urls = vals.filter((v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v));
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i]!;
      if (v === "-o" || v === "--output") {
        if (vals[i + 1] !== undefined) _remember(scope, vals[++i]!, remote);
      } else if (v.startsWith("--output=")) _remember(scope, v.slice(9), remote);
      else if (/^-[a-zA-Z]*o.+/.test(v) && !v.startsWith("--")) {
        _remember(scope, v.slice(v.indexOf("o") + 1), remote);
      } else if (/^-[a-zA-Z]*O[a-zA-Z]*$/.test(v) || v === "--remote-name") {
        for (const u of urls) _remember(scope, _urlBase(u), remote);
      }
    }
  } else if (name === "wget") {
    let named = false;
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i]!;
      if (v === "-O" || v === "--output-document" || /^-[a-zA-Z]+O$/.test(v)) {
        named = true;
        if (vals[i + 1] !== undefined && vals[i + 1] !== "-") _remember(scope, vals[++i]!, remote);
      } else if (v.startsWith("--output-document=")) {
        named = true;
        _remember(scope, v.slice(18), remote);
      } else if (/^-[a-zA-Z]*O.+/.test(v) && !v.startsWith("--")) {
        named = true;
        const file = v.slice(v.indexOf("O") + 1);
        if (file !== "-") _remember(scope, file, remote);
      }
    }
    if (!named) {
      for (const v of vals) if (/^[a-z]+:\/\//i.test(v)) _remember(scope, _urlBase(v), remote);
    }
  }
  if (name === "cp" || name === "mv" || name === "install" || name === "ln") {
    // A copy of a downloaded or written file holds the same thing.
    const ops = vals.filter((v) => !v.startsWith("-"));
    const src = ops.length === 2 ? writtenFile(scope, ops[0]!) : undefined;
    if (src) _remember(scope, ops[1]!, src);
  }
  for (const r of node.redirects) {
    if (r.type !== "Redirect" || !/>/.test(r.operator) || r.operator === ">&") continue;
    const t = target(r);
    if (!t || !t.resolved) continue;
    _remember(scope, t.values[0] ?? "", _contentOf(node, name, scope, stdin, r.operator));
  }
  if (name === "tee") {
    const content = _contentOf(node, name, scope, stdin, ">");
    for (const v of vals) if (!v.startsWith("-")) _remember(scope, v, content);
  }
}

function _contentOf(
  node: Command,
  name: string,
  scope: Scope,
  stdin: Stdin,
  operator: string,
): WrittenContent {
  if (operator.includes(">>")) return { kind: "unknown" };
  const p = producerOf(node, scope);
  if (p.kind === "remote") return { kind: "remote" };
  if (p.kind === "literal") return { kind: "text", text: p.text };
  if (p.kind === "pass" || name === "cat" || name === "tee") {
    if (stdin.kind === "heredoc") return { kind: "text", text: stdin.text };
    if (stdin.kind === "herestring" && stdin.word.resolved) {
      return { kind: "text", text: stdin.word.values[0] ?? "" };
    }
    if (stdin.kind === "pipe") {
      for (let k = stdin.index - 1; k >= 0; k--) {
        const q = producerOf(stdin.stages[k]!, stdin.scope);
        if (q.kind === "pass") continue;
        if (q.kind === "remote") return { kind: "remote" };
        if (q.kind === "literal") return { kind: "text", text: q.text };
        break;
      }
    }
  }
  return { kind: "unknown" };
}
