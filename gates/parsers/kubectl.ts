/**
 * kubectl errors: API errors (`Error from server (NotFound): …`),
 * validation and unknown kinds, invalid objects, failed rollouts and
 * unreachable clusters.
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { excerptOf, type FailureParser, makeFailure } from "./_common.ts";

const RULES: Array<[RegExp, (m: RegExpExecArray) => { code: string; file?: string }]> = [
  [/^Error from server \((\w+)\): (.*)$/, (m) => ({ code: m[1]! })],
  [/^error: error validating "([^"]+)": (.*)$/, (m) => ({ code: "ValidationError", file: m[1]! })],
  [/^error: unable to recognize "([^"]+)": (.*)$/, (m) => ({ code: "UnknownKind", file: m[1]! })],
  [/^(?:The \w+ "[^"]+" is invalid: )(.*)$/, () => ({ code: "Invalid" })],
  [
    /^error: (?:deployment|daemon set|statefulset) "[^"]+" exceeded its progress deadline$/,
    () => ({ code: "ProgressDeadlineExceeded" }),
  ],
  [/^error: timed out waiting for the condition(?: on .*)?$/, () => ({ code: "Timeout" })],
  [/^Unable to connect to the server: (.*)$/, () => ({ code: "Unreachable" })],
  [
    /^error: the server doesn't have a resource type "([^"]+)"$/,
    () => ({ code: "UnknownResource" }),
  ],
];

/** Parser for kubectl output. */
export const kubectlParser: FailureParser = {
  family: "kubectl",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const out: Failure[] = [];
    lines.forEach((l, i) => {
      for (const [re, info] of RULES) {
        const m = re.exec(l);
        if (!m) continue;
        const { code, file } = info(m);
        out.push(makeFailure(gate, "kubectl", {
          ...(file ? { file } : {}),
          code,
          message: l.replace(/^error: /, ""),
          excerpt: excerptOf(lines, Math.max(0, i - 2), i + 2),
        }));
        return;
      }
    });
    return out;
  },
};
