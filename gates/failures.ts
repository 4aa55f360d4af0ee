/**
 * Failure extraction for a gate: every tool parser reads the output, and
 * when none recognises anything the generic chunk extractor takes over.
 *
 * @module
 */

import type { Failure } from "../core/types.ts";
import { type Chunk, extractChunks, extractChunksFromFile } from "./extract.ts";
import { cleanLine, scoreLine } from "./extract_rules.ts";
import { fingerprintOf } from "./fingerprint.ts";
import { cleanPath, type FailureParser } from "./parsers/_common.ts";
import { bicepParser } from "./parsers/bicep.ts";
import { bundlerParser } from "./parsers/bundler.ts";
import { denoParser } from "./parsers/deno.ts";
import { dockerParser } from "./parsers/docker.ts";
import { eslintParser } from "./parsers/eslint.ts";
import { jestParser } from "./parsers/jest.ts";
import { kubectlParser } from "./parsers/kubectl.ts";
import { mochaParser } from "./parsers/mocha.ts";
import { nodeTestParser } from "./parsers/node_test.ts";
import { npmParser } from "./parsers/npm.ts";
import { oomParser } from "./parsers/oom.ts";
import { pythonParser } from "./parsers/python.ts";
import { terraformParser } from "./parsers/terraform.ts";
import { tscParser } from "./parsers/tsc.ts";

/** Every tool parser, in the order their failures are listed. */
export const PARSERS: readonly FailureParser[] = [
  oomParser,
  tscParser,
  denoParser,
  eslintParser,
  bundlerParser,
  jestParser,
  nodeTestParser,
  mochaParser,
  pythonParser,
  npmParser,
  dockerParser,
  kubectlParser,
  terraformParser,
  bicepParser,
];

const MAX_FAILURES = 50;

/**
 * Turn a gate's output into precise failures.
 *
 * @param gate The gate (step) id.
 * @param output The gate's output (ANSI colours and CI prefixes allowed).
 * @returns Failures, deduplicated by fingerprint; generic chunks when no
 * parser recognised the output; empty when the output shows no failure.
 * @example
 * ```ts
 * import { extractFailures } from "./failures.ts";
 * const [f] = extractFailures("typecheck", "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n");
 * console.assert(f!.tool === "tsc" && f!.code === "TS2322" && f!.line === 3);
 * ```
 */
export function extractFailures(gate: string, output: string): Failure[] {
  const lines = output.split("\n").map((l) => cleanLine(l).text);
  const seen = new Set<string>();
  const out: Failure[] = [];
  for (const parser of PARSERS) {
    for (const f of parser.parse(gate, lines)) {
      if (seen.has(f.fingerprint) || out.length >= MAX_FAILURES) continue;
      seen.add(f.fingerprint);
      out.push(f);
    }
  }
  if (out.length > 0) return out;
  return extractChunks(output).map((c) => chunkToFailure(gate, c));
}

/**
 * Generic failures from a full log on disk (streaming, bounded memory).
 *
 * @param gate The gate id.
 * @param path The log file.
 * @returns One failure per chunk, best first.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 */
export async function extractFailuresFromFile(gate: string, path: string): Promise<Failure[]> {
  return (await extractChunksFromFile(path)).map((c) => chunkToFailure(gate, c));
}

/**
 * A generic failure from an extracted chunk: its strongest line is the
 * message.
 *
 * @param gate The gate id.
 * @param chunk The chunk.
 * @returns The failure.
 */
export function chunkToFailure(gate: string, chunk: Chunk): Failure {
  let message = "";
  let best = -1;
  for (const l of chunk.text.split("\n")) {
    const s = scoreLine(l).score;
    if (s > best) [best, message] = [s, l.trim()];
  }
  const out: Failure = {
    gate,
    tool: "generic",
    message,
    excerpt: chunk.text,
    fingerprint: fingerprintOf("generic", chunk.kind, message),
  };
  // A location in the message ("src/a.c:12:5: error", "[ERROR] X.java:[64,31]")
  // is what a fixer needs most.
  const at =
    /(?:^|[\s(\[])(\/?(?:[\w@.-]+\/)*[\w@.-]+\.[A-Za-z]{1,6})(?::\[?|\()(\d+)(?:[:,](\d+))?/.exec(
      message,
    );
  if (at) {
    out.file = cleanPath(at[1]!);
    out.line = Number(at[2]);
    if (at[3] !== undefined) out.column = Number(at[3]);
  }
  return out;
}
