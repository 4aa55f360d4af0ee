/**
 * Jest (`● Suite › test` blocks, "Test suite failed to run") and Vitest
 * (`FAIL file > suite > test` followed by the error and a `❯ file:line:col`).
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { excerptOf, type FailureParser, makeFailure } from "./_common.ts";

const JEST_HEAD = /^\s*● (.+)$/;
const VITEST_HEAD = /^\s*(?:FAIL|×)\s+(\S+\.[cm]?[jt]sx?) > (.+?)(?: \d+ms)?$/;
const LOC = /(?:\(|❯ |at )(?:file:\/\/)?([^\s()]+\.[cm]?[jt]sx?):(\d+):(\d+)\)?/;

function _location(lines: readonly string[], from: number, to: number, prefer?: string) {
  let first;
  for (let j = from; j <= to; j++) {
    const l = lines[j]!;
    if (/node_modules|node:internal/.test(l)) continue;
    const m = LOC.exec(l);
    if (!m) continue;
    const loc = { file: m[1]!, line: Number(m[2]), column: Number(m[3]) };
    if (!prefer || loc.file.endsWith(prefer) || prefer.endsWith(loc.file)) return loc;
    first ??= loc;
  }
  return first;
}

function _message(lines: readonly string[], from: number, to: number): string {
  for (let j = from; j <= to; j++) {
    const t = lines[j]!.trim();
    if (t && !t.startsWith("⎯") && !/^[❯>]|^at /.test(t)) return t;
  }
  return "";
}

/** Parser for Jest and Vitest output. */
export const jestParser: FailureParser = {
  family: "jest/vitest",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const out: Failure[] = [];
    const vitest = lines.some((l) => /\bvitest\b|⎯⎯|^\s*❯ /.test(l));
    let testFile: string | undefined;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      const fail = /^\s*FAIL\s+(\S+\.[cm]?[jt]sx?)\s*(?:\(|$)/.exec(l);
      if (fail) testFile = fail[1];
      const head = JEST_HEAD.exec(l) ?? VITEST_HEAD.exec(l);
      if (!head) continue;
      if (/^(?:Console|.*› .*\bskipped)$/.test(head[1]!)) continue;
      let end = i + 1;
      while (
        end < lines.length && end - i < 60 && !JEST_HEAD.test(lines[end]!) &&
        !VITEST_HEAD.test(lines[end]!) &&
        !/^(?:Test Suites|Tests|Test Files):|^\s*(?:PASS|FAIL)\s/.test(lines[end]!) &&
        !/^⎯{3,}/.test(lines[end]!)
      ) end++;
      end--;
      while (end > i && lines[end]!.trim() === "") end--;
      const name = head[2] ? `${head[1]} > ${head[2]}` : head[1]!;
      const file = head[2] ? head[1] : testFile;
      const message = _message(lines, i + 1, end);
      const code = /^(\w*Error)\b/.exec(message)?.[1] ??
        /^expect\(\w+\)\.(\w+)/.exec(message)?.[1];
      out.push(makeFailure(gate, vitest ? "vitest" : "jest", {
        ...(_location(lines, i + 1, end, file) ?? (file ? { file } : {})),
        code,
        message: `${name}: ${message}`,
        excerpt: excerptOf(lines, i, Math.min(end, i + 30)),
      }));
    }
    return out;
  },
};
