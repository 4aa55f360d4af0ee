/**
 * npm errors: ERESOLVE (peer dependency conflicts), E404 (unknown package),
 * missing scripts, `npm ci` with a lockfile out of sync (EUSAGE) and engine
 * mismatches (EBADENGINE / notsup). Both the `npm ERR!` (npm <= 9) and the
 * `npm error` (npm >= 10) prefixes.
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { type FailureParser, makeFailure } from "./_common.ts";

const PREFIX = /^npm (?:ERR!|error) ?/;
// Consequences, not causes: the script's own output says what failed.
const CONSEQUENCES = new Set(["ELIFECYCLE", "1", "2"]);

function _block(lines: readonly string[], start: number): string[] {
  const out: string[] = [];
  for (let j = start; j < lines.length && PREFIX.test(lines[j]!); j++) {
    const body = lines[j]!.replace(PREFIX, "");
    if (j > start && /^code \w+$/.test(body)) break;
    if (/A complete log of this run|^\s*$/.test(body) && out.length > 3) continue;
    out.push(body);
  }
  return out;
}

function _summary(code: string, body: string[]): string {
  const text = body.join("\n");
  const pick = (re: RegExp) => re.exec(text)?.[0];
  switch (code) {
    case "ERESOLVE":
      return pick(/Could not resolve dependency:\n.*|Conflicting peer dependency: .*/)?.replace(
        /\n/,
        " ",
      ) ??
        "Unable to resolve dependency tree";
    case "E404":
      return pick(/404 Not Found - \w+ \S+|'[^']+' is not in this registry/) ?? "Package not found";
    case "EUSAGE":
      if (/can only install packages when your package\.json and package-lock\.json/.test(text)) {
        const missing = text.match(
          /Missing: \S+(?: from lock file)?|Invalid: lock file's \S+ does not satisfy \S+/g,
        );
        return `Lockfile out of sync with package.json${missing ? `: ${missing.join("; ")}` : ""}`;
      }
      return body[1] ?? "Usage error";
    case "EBADENGINE":
    case "ENOTSUP": {
      const req = /Required: (.*)/.exec(text)?.[1];
      const act = /Actual: +(.*)/.exec(text)?.[1];
      return `Unsupported engine${req ? `: required ${req}` : ""}${act ? `, actual ${act}` : ""}`;
    }
    default:
      return body.find((b) => /^E[A-Z]+: |\berror\b/i.test(b)) ??
        body.find((b) => b && !/^(?:code|errno|syscall|path|dest) /.test(b)) ?? code;
  }
}

function _codeOf(lines: readonly string[], i: number, body: string): string | undefined {
  const c = /^code (\w+)$/.exec(body);
  if (c) return c[1];
  // Without a "code" line of its own (npm 7+ prints none for these): only
  // the first line of a block that has no code line above it.
  for (let j = i - 1; j >= 0 && PREFIX.test(lines[j]!); j--) {
    if (/^npm (?:ERR!|error) (?:code |notsup |engine )/.test(lines[j]!)) return undefined;
  }
  if (/^Missing script: /.test(body)) return "missing-script";
  if (/^(?:notsup |engine Unsupported engine)/.test(body)) return "EBADENGINE";
  return undefined;
}

/** Parser for npm errors. */
export const npmParser: FailureParser = {
  family: "npm",
  parse(gate: string, lines: readonly string[]): Failure[] {
    const out: Failure[] = [];
    lines.forEach((l, i) => {
      if (!PREFIX.test(l)) return;
      const body = l.replace(PREFIX, "");
      const code = _codeOf(lines, i, body);
      if (!code || CONSEQUENCES.has(code)) return;
      const block = /^code /.test(body) ? _block(lines, i + 1) : _block(lines, i);
      const message = code === "missing-script" ? body : _summary(code, block);
      const pkg = code === "E404"
        ? /registry\.[^/]+\/(\S+?)(?: |$)/.exec(block.join(" "))?.[1]
        : undefined;
      out.push(makeFailure(gate, "npm", {
        code,
        message,
        ...(pkg ? { file: "package.json" } : {}),
        excerpt: [l, ...block.map((b) => `npm ERR! ${b}`)].slice(0, 25).join("\n"),
      }));
    });
    return out;
  },
};
