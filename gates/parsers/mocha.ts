/**
 * Mocha's failure list: after `N failing`, blocks `  1) suite` / `test:` /
 * the error / the stack.
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { excerptOf, type FailureParser, makeFailure } from "./_common.ts";

const HEAD = /^ {2}(\d+)\) (.+?)(:?)$/;
const LOC =
  /\((?:file:\/\/)?([^\s()]+\.[cm]?[jt]sx?):(\d+):(\d+)\)|at (?:file:\/\/)?([^\s()]+\.[cm]?[jt]sx?):(\d+):(\d+)$/;

/** Parser for Mocha output. */
export const mochaParser: FailureParser = {
  family: "mocha",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const start = lines.findIndex((l) => /^\s*\d+ failing\s*$/.test(l));
    if (start < 0) return [];
    const out: Failure[] = [];
    for (let i = start + 1; i < lines.length; i++) {
      const head = HEAD.exec(lines[i]!);
      if (!head) continue;
      let end = i + 1;
      while (end < lines.length && !HEAD.test(lines[end]!) && end - i < 40) end++;
      end--;
      while (end > i && lines[end]!.trim() === "") end--;
      // The title runs over more-indented lines; its last line ends with ":".
      const title: string[] = [head[2]!.replace(/:$/, "")];
      let j = i + 1;
      if (!head[3]) {
        for (; j <= end && j - i <= 6 && lines[j]!.trim() !== ""; j++) {
          title.push(lines[j]!.trim().replace(/:$/, ""));
          if (lines[j]!.trimEnd().endsWith(":")) {
            j++;
            break;
          }
        }
      }
      while (j <= end && lines[j]!.trim() === "") j++;
      const message = (lines[j] ?? "").trim();
      let loc;
      for (let k = j; k <= end && !loc; k++) {
        if (/node_modules|node:internal/.test(lines[k]!)) continue;
        const m = LOC.exec(lines[k]!);
        if (m) {
          loc = { file: (m[1] ?? m[4])!, line: Number(m[2] ?? m[5]), column: Number(m[3] ?? m[6]) };
        }
      }
      out.push(makeFailure(gate, "mocha", {
        ...(loc ?? {}),
        code: /^(\w*Error)\b/.exec(message)?.[1],
        message: `${title.join(" ")}: ${message}`,
        excerpt: excerptOf(lines, i, Math.min(end, i + 25)),
      }));
      i = end;
    }
    return out;
  },
};
