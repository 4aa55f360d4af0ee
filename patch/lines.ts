/**
 * Line views of a parsed diff for readers that judge content (the policy
 * scan): the new side of each file with its line numbers, which lines the
 * patch adds, and the file as it will be once the patch is applied.
 *
 * @module
 */

import { _applyFileText } from "./_apply.ts";
import type { FilePatch } from "./types.ts";

/** One new-side line of a file patch. */
export interface DiffLine {
  /** 1-based line in the new file. */
  line: number;
  /** The text without the leading marker. */
  text: string;
  /** True when the patch adds it. */
  added: boolean;
}

/**
 * Whether a text is a unified diff (looks at its first 64 KiB only).
 *
 * @param text The text.
 * @returns True when it has a file header and a hunk header or a `diff --git` line.
 */
export function looksLikeDiff(text: string): boolean {
  const head = text.slice(0, 65536);
  return /^diff --git /m.test(head) ||
    (/^--- \S.*\n\+\+\+ \S/m.test(head) && /^@@/m.test(head));
}

/**
 * The new-side lines (context and added) of a file patch's hunks, numbered
 * from each hunk header (1 when a hunk has none).
 *
 * @param fp A file patch.
 * @returns Its lines in order.
 */
export function newSideLines(fp: FilePatch): DiffLine[] {
  const out: DiffLine[] = [];
  for (const h of fp.hunks) {
    let line = Math.max(h.header?.newStart ?? 1, 1);
    for (const l of h.lines) {
      if (l.kind === "-") continue;
      out.push({ line: line++, text: l.text, added: l.kind === "+" });
    }
  }
  return out;
}

/**
 * The text after the closing `@@` of each hunk header (git's function context).
 *
 * @param fp A file patch.
 * @returns One entry per hunk.
 */
export function hunkContexts(fp: FilePatch): string[] {
  return fp.hunks.map((h) => {
    const m = /^@@+[^@]*@@+(.*)$/.exec(h.headerLine.slice(0, 512));
    return m ? m[1]!.trim() : "";
  });
}

/**
 * The file as the patch leaves it, from its current text.
 *
 * @param original The current text (null when missing; "" for a new file).
 * @param fp The file patch.
 * @returns The new text, null for a deletion, or undefined when the patch
 *   does not apply to this text.
 */
export function resultingText(original: string | null, fp: FilePatch): string | null | undefined {
  try {
    return _applyFileText(fp.kind === "create" ? null : original, fp).text;
  } catch {
    return undefined;
  }
}

/**
 * Mark the lines of a resulting file that the patch added: a line counts as
 * unchanged while the original still has an unmatched copy of it.
 *
 * @param before The original text ("" for a new file).
 * @param after The resulting text.
 * @returns Every line of the resulting file.
 */
export function markAdded(before: string, after: string): DiffLine[] {
  const count = new Map<string, number>();
  for (const t of before.split(/\r?\n/)) count.set(t, (count.get(t) ?? 0) + 1);
  const out: DiffLine[] = [];
  const lines = after.split(/\r?\n/);
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  for (const [i, t] of lines.entries()) {
    const n = count.get(t) ?? 0;
    if (n > 0) count.set(t, n - 1);
    out.push({ line: i + 1, text: t, added: n === 0 });
  }
  return out;
}
