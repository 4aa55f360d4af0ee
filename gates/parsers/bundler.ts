/**
 * Bundler build errors: webpack (`ERROR in ./src/x.ts 3:0-27` + the reason),
 * Vite / Rollup (`[vite]: Rollup failed to resolve import …`,
 * `[vite:esbuild] Transform failed`) and esbuild (`✘ [ERROR] …` with the
 * location on a following line, or `file:line:col: ERROR: …`).
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { excerptOf, type FailureParser, makeFailure } from "./_common.ts";

const WEBPACK = /^ERROR in (\S+?)(?::(\d+):(\d+)| (\d+):(\d+)(?:-\d+)?)?\s*$/;
const ESBUILD = /^\s*(?:✘|X) \[ERROR\] (.*)$/;
const ESBUILD_LOC = /^\s+(\S+?):(\d+):(\d+):\s*$/;
const SHORT = /^(\S+?):(\d+):(\d+): ERROR: (.*)$/;
const VITE = /^\[vite(?::([\w-]+))?\]:? (.*)$/;

/** Parser for webpack, Vite and esbuild output. */
export const bundlerParser: FailureParser = {
  family: "webpack/vite/esbuild",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const out: Failure[] = [];
    lines.forEach((l, i) => {
      let m = WEBPACK.exec(l);
      if (m) {
        let end = i + 1;
        while (
          end < lines.length && lines[end]!.trim() !== "" && !WEBPACK.test(lines[end]!) &&
          end - i < 15
        ) end++;
        const message = lines.slice(i + 1, end).find((t) => t.trim()) ?? "Build error";
        const code = /^(TS\d+):/.exec(message)?.[1] ??
          /^(Module not found|Module build failed|Module parse failed)/.exec(message)?.[1];
        out.push(makeFailure(gate, "webpack", {
          file: m[1],
          line: Number(m[2] ?? m[4]),
          // "ERROR in ./x.ts 14:0-58" counts columns from 0
          column: m[3] !== undefined ? Number(m[3]) : Number(m[5]) + 1,
          code,
          message: message.trim(),
          excerpt: excerptOf(lines, i, end - 1),
        }));
        return;
      }
      m = ESBUILD.exec(l);
      if (m) {
        let loc;
        let at = i;
        for (let j = i + 1; j < Math.min(lines.length, i + 4) && !loc; j++) {
          const x = ESBUILD_LOC.exec(lines[j]!);
          if (x) [loc, at] = [{ file: x[1]!, line: Number(x[2]), column: Number(x[3]) }, j];
        }
        out.push(makeFailure(gate, "esbuild", {
          ...(loc ?? {}),
          message: m[1]!,
          excerpt: excerptOf(lines, i, at + 4),
        }));
        return;
      }
      m = SHORT.exec(l);
      if (m) {
        out.push(makeFailure(gate, "esbuild", {
          file: m[1],
          line: Number(m[2]),
          column: Number(m[3]),
          message: m[4]!,
          excerpt: excerptOf(lines, Math.max(0, i - 1), i + 3),
        }));
        return;
      }
      m = VITE.exec(l);
      if (m && /fail|error|could not|cannot/i.test(m[2]!)) {
        if (/Transform failed with \d+ error/.test(m[2]!) && SHORT.test(lines[i + 1] ?? "")) return;
        const from = /from "([^"]+)"/.exec(m[2]!)?.[1];
        out.push(makeFailure(gate, "vite", {
          ...(from ? { file: from } : {}),
          code: m[1] ? `vite:${m[1]}` : "vite",
          message: m[2]!,
          excerpt: excerptOf(lines, i, i + 4),
        }));
      }
    });
    return out;
  },
};
