/**
 * Out-of-memory deaths: V8's heap limit, the kernel OOM killer ("Killed",
 * OOMKilled), Java's OutOfMemoryError, Python's MemoryError, Go's runtime,
 * ENOMEM. Each run of a gate should produce one OOM failure, so the
 * fingerprint ignores sizes and addresses.
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { excerptOf, type FailureParser, makeFailure } from "./_common.ts";

const RULES: Array<[RegExp, string, string]> = [
  [
    /JavaScript heap out of memory|Reached heap limit|Ineffective mark-compacts near heap limit/,
    "js-heap",
    "JavaScript heap out of memory",
  ],
  [/java\.lang\.OutOfMemoryError/, "java-heap", "Java OutOfMemoryError"],
  [/^MemoryError\b/, "python-memory", "Python MemoryError"],
  [/fatal error: runtime: out of memory/, "go-runtime", "Go runtime out of memory"],
  [/memory allocation of \d+ bytes failed/, "rust-alloc", "Memory allocation failed"],
  [/\bOOMKilled\b/, "oom-killed", "Container OOMKilled"],
  [/\bENOMEM\b|Cannot allocate memory/, "ENOMEM", "Cannot allocate memory (ENOMEM)"],
  [
    /^(?:.*:\s+)?(?:\d+\s+)?Killed(?:\s+.*)?$|signal: killed$|Killed process \d+/,
    "SIGKILL",
    "Killed (likely by the out-of-memory killer)",
  ],
];

/** Parser for out-of-memory deaths. */
export const oomParser: FailureParser = {
  family: "oom",
  parse(gate: string, lines: readonly string[]): Failure[] {
    for (const [re, code, what] of RULES) {
      const i = lines.findIndex((l) => re.test(l));
      if (i < 0) continue;
      return [makeFailure(gate, "oom", {
        code,
        message: what,
        excerpt: excerptOf(lines, Math.max(0, i - 5), i + 8),
      })];
    }
    return [];
  },
};
