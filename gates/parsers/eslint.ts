/**
 * ESLint, in the default "stylish" format (a file line, then indented
 * `line:col  error  message  rule`) and in `--format json`.
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { type FailureParser, makeFailure } from "./_common.ts";

const FILE =
  /^(?:\/|\.{0,2}\/|[A-Za-z]:\\|[\w@-])[^\s:]*\.[cm]?[jt]sx?$|^(?:\/|[A-Za-z]:\\)\S+\.(?:vue|svelte|astro|json|md)$/;
const ROW = /^\s+(\d+):(\d+)\s+(error|warning)\s+(.+?)(?:\s{2,}(@?[\w-]+(?:\/[\w-]+)*))?\s*$/;

interface _JsonMessage {
  ruleId?: string | null;
  severity?: number;
  message?: string;
  line?: number;
  column?: number;
}

function _fromJson(gate: string, lines: readonly string[]): Failure[] | undefined {
  const start = lines.findIndex((l) => /^\s*\[\s*\{\s*"filePath"/.test(l));
  if (start < 0) return undefined;
  let results: Array<{ filePath: string; messages: _JsonMessage[] }>;
  try {
    const text = lines.slice(start).join("\n");
    results = JSON.parse(text.slice(0, text.lastIndexOf("]") + 1));
  } catch {
    return undefined;
  }
  const out: Failure[] = [];
  for (const r of results) {
    for (const m of r.messages ?? []) {
      if (m.severity !== 2) continue;
      out.push(makeFailure(gate, "eslint", {
        file: r.filePath,
        line: m.line,
        column: m.column,
        code: m.ruleId ?? undefined,
        message: m.message ?? "",
        excerpt: `${r.filePath}:${m.line}:${m.column} ${m.message} (${m.ruleId ?? "parse"})`,
      }));
    }
  }
  return out;
}

/** Parser for ESLint stylish and JSON output. */
export const eslintParser: FailureParser = {
  family: "eslint",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const json = _fromJson(gate, lines);
    if (json) return json;
    const errors: Failure[] = [];
    const warnings: Failure[] = [];
    let file: string | undefined;
    for (const l of lines) {
      if (FILE.test(l)) {
        file = l.trim();
        continue;
      }
      const m = file ? ROW.exec(l) : null;
      if (!m) {
        if (l.trim() === "") file = undefined;
        continue;
      }
      const f = makeFailure(gate, "eslint", {
        file,
        line: Number(m[1]),
        column: Number(m[2]),
        code: m[5] ?? (m[4]!.startsWith("Parsing error") ? "parsing-error" : undefined),
        message: m[4]!,
        excerpt: `${file}\n${l}`,
      });
      (m[3] === "error" ? errors : warnings).push(f);
    }
    // Warnings only matter when they are what failed the gate (--max-warnings).
    if (errors.length > 0) return errors;
    return lines.some((l) => /too many warnings|max-warnings/i.test(l)) ? warnings : [];
  },
};
