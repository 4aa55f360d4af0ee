/**
 * Python: tracebacks (the exception and the deepest frame in the project's
 * own code) and pytest (per-test sections with `E` lines and the
 * `file.py:12: AssertionError` location, collection errors).
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { excerptOf, type FailureParser, makeFailure } from "./_common.ts";

const FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+))?$/;
const EXC =
  /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Failure)|[A-Za-z_][\w.]*\.\w*[A-Z]\w*)(?:: (.*))?$/;
const SECTION = /^_{3,} (.+?) _{3,}$/;
const LOCATION = /^(\S+\.py):(\d+): (\w+)$/;

function _traceback(gate: string, lines: readonly string[], i: number): [Failure | null, number] {
  let j = i + 1;
  let frame: { file: string; line: number } | undefined;
  for (; j < lines.length && j - i < 400; j++) {
    const l = lines[j]!;
    const f = FRAME.exec(l);
    if (f) {
      // The deepest frame outside libraries is the one the fix goes into.
      if (!frame || !/site-packages|dist-packages|\/lib\/python\d|<frozen/.test(f[1]!)) {
        frame = { file: f[1]!, line: Number(f[2]) };
      }
      continue;
    }
    if (/^\s/.test(l) || l.trim() === "") continue;
    break;
  }
  const m = EXC.exec(lines[j] ?? "");
  if (!m) return [null, j];
  return [
    makeFailure(gate, "python", {
      ...(frame ?? {}),
      code: m[1]!.split(".").pop(),
      message: lines[j]!,
      excerpt: excerptOf(lines, i, j),
    }),
    j,
  ];
}

/** Parser for Python tracebacks and pytest output. */
export const pythonParser: FailureParser = {
  family: "python",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const out: Failure[] = [];
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (/^Traceback \(most recent call last\):/.test(l)) {
        const [f, j] = _traceback(gate, lines, i);
        if (f) out.push(f);
        i = j;
        continue;
      }
      const s = SECTION.exec(l);
      if (
        !s ||
        /^(?:FAILURES|ERRORS|warnings summary|short test summary info|coverage.*)$/i.test(s[1]!)
      ) continue;
      let end = i + 1;
      while (
        end < lines.length && !SECTION.test(lines[end]!) && !/^={3,}/.test(lines[end]!) &&
        end - i < 200
      ) end++;
      end--;
      const eLines = lines.slice(i + 1, end + 1).filter((x) => /^E\s/.test(x)).map((x) =>
        x.replace(/^E\s+/, "")
      );
      let loc;
      for (let k = end; k > i && !loc; k--) {
        const m = LOCATION.exec(lines[k]!);
        if (m) loc = { file: m[1]!, line: Number(m[2]), code: m[3]! };
      }
      const collecting = /^ERROR collecting (\S+)/.exec(s[1]!);
      if (eLines.length === 0 && !loc) continue;
      const firstE = eLines.find((x) => /\w+(?:Error|Exception)\b/.test(x)) ?? eLines[0] ??
        loc?.code ?? "";
      const eFrom = lines.findIndex((x, k) => k > i && /^E\s/.test(x));
      out.push(makeFailure(gate, "pytest", {
        ...(collecting ? { file: collecting[1] } : {}),
        ...(loc ? { file: loc.file, line: loc.line } : {}),
        code: loc?.code ?? /(\w+(?:Error|Exception))/.exec(firstE)?.[1],
        message: `${s[1]}: ${firstE}`,
        excerpt: excerptOf(
          lines,
          Math.max(i, (eFrom > 0 ? eFrom : i) - 6),
          Math.min(end, (eFrom > 0 ? eFrom : i) + 20),
        ),
      }));
      i = end;
    }
    return out;
  },
};
