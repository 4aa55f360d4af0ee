/**
 * TypeScript compiler errors, in both output styles:
 * `src/a.ts(3,7): error TS2322: …` and the pretty `src/a.ts:3:7 - error TS2322: …`.
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { blockEnd, excerptOf, type FailureParser, makeFailure } from "./_common.ts";

const PLAIN = /^(\S.*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const PRETTY = /^(\S.*?):(\d+):(\d+) - error (TS\d+): (.*)$/;

/** Parser for tsc output. */
export const tscParser: FailureParser = {
  family: "tsc",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const out: Failure[] = [];
    lines.forEach((l, i) => {
      const m = PLAIN.exec(l) ?? PRETTY.exec(l);
      if (!m || m[1]!.includes("[ERROR]")) return;
      const end = blockEnd(lines, i, 12);
      out.push(makeFailure(gate, "tsc", {
        file: m[1],
        line: Number(m[2]),
        column: Number(m[3]),
        code: m[4],
        message: m[5]!,
        excerpt: excerptOf(lines, i, end),
      }));
    });
    return out;
  },
};
