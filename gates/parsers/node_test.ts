/**
 * `node --test` (node:test): the spec reporter (`✖ name (1.2ms)` followed by
 * the indented error) and the TAP reporter (`not ok N - name` with a YAML
 * diagnostic block).
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { blockEnd, excerptOf, type FailureParser, makeFailure } from "./_common.ts";

const SPEC = /^(\s*)✖ (.+?)(?: \(\d+(?:\.\d+)?m?s\))?$/;
const TAP = /^(\s*)not ok \d+ - (.+?)(?: # .*)?$/;
const FRAME = /\(?(?:file:\/\/)?(\/?[^\s():'"]+\.[cm]?[jt]sx?):(\d+):(\d+)\)?\s*$/;

function _frame(lines: readonly string[], from: number, to: number) {
  for (let j = from; j <= to; j++) {
    const l = lines[j]!;
    if (!/^\s*at |location:/.test(l) || /node:internal|node_modules/.test(l)) continue;
    const m = FRAME.exec(l.replace(/'$/, ""));
    if (m) return { file: m[1]!, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

// The first non-empty lines of an indented block, joined: a heading that
// ends with ":" is followed by the line that says what differed.
function _blockMessage(lines: readonly string[], from: number, to: number): string {
  const indent = /^\s*/.exec(lines[from] ?? "")![0].length;
  const parts: string[] = [];
  for (let j = from; j <= to && parts.length < 2; j++) {
    const l = lines[j]!;
    if (l.trim() && /^\s*/.exec(l)![0].length < indent) break;
    const t = l.trim();
    if (!t) continue;
    parts.push(t);
    if (!t.endsWith(":")) break;
  }
  return parts.join(" ");
}

/** Parser for node:test output. */
export const nodeTestParser: FailureParser = {
  family: "node:test",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const out: Failure[] = [];
    let inSummary = false;
    lines.forEach((l, i) => {
      if (/^✖ failing tests:/.test(l)) inSummary = true;
      if (inSummary) return;
      const spec = SPEC.exec(l);
      const tap = spec ? null : TAP.exec(l);
      const m = spec ?? tap;
      if (!m) return;
      const end = blockEnd(lines, i, 40);
      // A suite whose children failed carries no error of its own.
      if (end === i || (spec && SPEC.test(lines[i + 1] ?? ""))) return;
      let message = "";
      let code: string | undefined;
      for (let j = i + 1; j <= end; j++) {
        const t = lines[j]!.trim();
        const c = /^code: '?([\w]+)'?$/.exec(t);
        if (c) code ??= c[1];
        if (tap && !message && /^error:\s*[|>][-+]?$/.test(t)) {
          // A YAML block scalar (`error: |-`): the message is its first
          // lines, up to the assertion's values ("40 !== 2.5").
          message = _blockMessage(lines, j + 1, end);
          continue;
        }
        const err = /^error: ['"]?\s*(.*?)['"]?$/.exec(t);
        if (tap && err && !message) message = err[1]!;
        if (spec && !message && t && !/^\.\.\.|^---/.test(t)) message = t;
      }
      if (tap && !message) return;
      const name = /^(\w+Error)(?: \[(\w+)\])?/.exec(message);
      code ??= name?.[2] ?? name?.[1];
      out.push(makeFailure(gate, "node:test", {
        ...(_frame(lines, i + 1, end) ?? {}),
        code,
        message: `${m[2]}: ${message}`,
        excerpt: excerptOf(lines, i, Math.min(end, i + 25)),
      }));
    });
    return out;
  },
};
