/**
 * Deno's own tools: `deno check` (TS errors with an `at file:///…` line),
 * `deno lint` (both the `error[rule]: … --> file:line:col` and the older
 * `(rule) … at file:line:col` formats) and `deno test` (the ERRORS section).
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { excerptOf, type FailureParser, makeFailure } from "./_common.ts";

const CHECK = /^(?:error: )?(TS\d+) \[ERROR\]: (.*)$/;
const AT = /^\s*(?:at|-->)\s+(\S+?):(\d+):(\d+)\s*$/;
const LINT_NEW = /^error\[([a-z][a-z0-9-]*)\]: (.*)$/;
const LINT_OLD = /^\(([a-z][a-z0-9-]*)\) (.*)$/;
const TEST_HEAD = /^(.+?) => (\S+?):(\d+):(\d+)$/;

function _location(lines: readonly string[], from: number, span: number) {
  for (let j = from; j < Math.min(lines.length, from + span); j++) {
    const m = AT.exec(lines[j]!);
    if (m) return { file: m[1]!, line: Number(m[2]), column: Number(m[3]), at: j };
  }
  return undefined;
}

/** Parser for deno check, deno lint and deno test output. */
export const denoParser: FailureParser = {
  family: "deno",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const out: Failure[] = [];
    let inErrors = false;
    lines.forEach((l, i) => {
      let m = CHECK.exec(l);
      if (m) {
        const loc = _location(lines, i + 1, 12);
        out.push(makeFailure(gate, "deno-check", {
          ...(loc ?? {}),
          code: m[1],
          message: m[2]!,
          excerpt: excerptOf(lines, i, loc?.at ?? i + 3),
        }));
        return;
      }
      m = LINT_NEW.exec(l) ?? LINT_OLD.exec(l);
      if (m) {
        const loc = _location(lines, i + 1, 3);
        if (!loc) return;
        out.push(makeFailure(gate, "deno-lint", {
          ...loc,
          code: m[1],
          message: m[2]!,
          excerpt: excerptOf(lines, i, loc.at + 4),
        }));
        return;
      }
      if (/^\s*ERRORS\s*$/.test(l)) inErrors = true;
      if (/^\s*FAILURES\s*$/.test(l)) inErrors = false;
      m = inErrors ? TEST_HEAD.exec(l) : null;
      if (m) {
        let j = i + 1;
        while (j < lines.length && !/^error: /.test(lines[j]!) && j < i + 4) j++;
        const message = (lines[j] ?? "").replace(/^error: /, "") || m[1]!;
        let end = j;
        // The assertion's detail ("1000 !== 10", the diff of values) follows a
        // blank line: keep it, up to the stack trace, the next test or FAILURES.
        while (
          end + 1 < lines.length && end < j + 20 && !/^\s+at\s/.test(lines[end + 1]!) &&
          !TEST_HEAD.test(lines[end + 1]!) && !/^\s*FAILURES\s*$/.test(lines[end + 1]!)
        ) end++;
        const name = /^(\w*Error)/.exec(message);
        out.push(makeFailure(gate, "deno-test", {
          file: m[2],
          line: Number(m[3]),
          column: Number(m[4]),
          code: name?.[1],
          message: `${m[1]}: ${message}`,
          excerpt: excerptOf(lines, i, end),
        }));
      }
    });
    return out;
  },
};
