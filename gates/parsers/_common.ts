/**
 * What every failure parser shares: the parser shape and a constructor for
 * {@link Failure} values that computes the fingerprint.
 *
 * @module
 */

import type { Failure } from "../../core/types.ts";
import { fingerprintOf } from "../fingerprint.ts";

/** Reads one tool family's failures from clean output lines. */
export interface FailureParser {
  /** Tool family name, for documentation. */
  family: string;
  /**
   * Parse clean lines (no ANSI, no timestamps) of a gate's output.
   *
   * @param gate The gate id.
   * @param lines The output, one clean line each.
   * @returns The failures found, in output order; empty when none.
   */
  parse(gate: string, lines: readonly string[]): Failure[];
}

/** Fields of a failure before its fingerprint is computed. */
export interface FailureFields {
  /** File the failure points at. */
  file?: string | undefined;
  /** 1-based line. */
  line?: number | undefined;
  /** 1-based column. */
  column?: number | undefined;
  /** Tool-specific code. */
  code?: string | undefined;
  /** One-line message. */
  message: string;
  /** Lines that show the failure. */
  excerpt: string;
}

/**
 * Make a failure; the fingerprint covers tool, code, file and message, never
 * the line or column (code above the error moves it).
 *
 * @param gate The gate id.
 * @param tool The tool.
 * @param f The fields.
 * @returns The failure.
 */
export function makeFailure(gate: string, tool: string, f: FailureFields): Failure {
  const out: Failure = {
    gate,
    tool,
    message: f.message.trim(),
    excerpt: f.excerpt,
    fingerprint: fingerprintOf(tool, f.code, f.file ? cleanPath(f.file) : undefined, f.message),
  };
  if (f.file) out.file = cleanPath(f.file);
  if (f.line !== undefined && Number.isFinite(f.line)) out.line = f.line;
  if (f.column !== undefined && Number.isFinite(f.column)) out.column = f.column;
  if (f.code) out.code = f.code;
  return out;
}

/**
 * A file path as a user would write it: no `file://`, no `./`, no CI
 * workspace prefix.
 *
 * @param path The path as printed by a tool.
 * @returns The cleaned path.
 */
export function cleanPath(path: string): string {
  return path
    .replace(/^file:\/\//, "")
    .replace(/^\/home\/runner\/work\/[^/]+\/[^/]+\//, "")
    .replace(/^\/builds\/[^/]+\/[^/]+\//, "")
    .replace(/^\.\//, "");
}

/**
 * Join lines `from`..`to` (inclusive, clamped) into an excerpt.
 *
 * @param lines All lines.
 * @param from First index.
 * @param to Last index.
 * @returns The excerpt, trailing blank lines removed.
 */
export function excerptOf(lines: readonly string[], from: number, to: number): string {
  return lines.slice(Math.max(0, from), Math.min(lines.length, to + 1)).join("\n").trimEnd();
}

/**
 * Index of the last line of an indented block that starts at `start`: the
 * block goes on while lines are indented (or blank followed by indented).
 *
 * @param lines All lines.
 * @param start Index of the block's first line.
 * @param max Most lines.
 * @returns Index of the block's last line.
 */
export function blockEnd(lines: readonly string[], start: number, max = 20): number {
  let end = start;
  for (let i = start + 1; i < lines.length && i - start <= max; i++) {
    const l = lines[i]!;
    if (/^\s+\S/.test(l)) end = i;
    else if (l.trim() === "" && /^\s+\S/.test(lines[i + 1] ?? "")) continue;
    else break;
  }
  return end;
}
