// extractDiff as it was before its line filter became a push filter (patch/_extract.ts):
// frozen here so tests can prove the filter keeps the same lines.

/**
 * Pulls the unified diff out of a model's reply: prose around it, fenced
 * blocks with or without a language, several blocks for several files, CRLF.
 *
 * @module
 */

import { _isBodyLine, _isElision, _isFileHeaderPair, _splitDiffLines } from "./_parse_v1.ts";

const FENCE_RE = /^(\s{0,3})(`{3,}|~{3,})\s*([\w.+-]*)\s*$/;
const GIT_EXTENDED_RE =
  /^(index |old mode |new mode |new file mode |deleted file mode |similarity index |dissimilarity index |rename from |rename to |copy from |copy to |Binary files |GIT binary patch)/;

/** A fence line's parts; long lines are never fences (no backtracking over them). */
function fenceOf(line: string): RegExpExecArray | null {
  return line.length > 200 ? null : FENCE_RE.exec(line);
}

/** True when the lines contain something only a diff has. */
function looksLikeDiff(lines: readonly string[]): boolean {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith("@@") || l.startsWith("diff --git ") || _isFileHeaderPair(lines, i)) {
      return true;
    }
  }
  return false;
}

/** The contents of fenced blocks that look like diffs, in order. */
function fencedDiffs(lines: readonly string[]): string[][] {
  const blocks: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = fenceOf(lines[i]!);
    if (!open) continue;
    const indent = open[1]!;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      // A closing fence sits at the opening's indentation: a diff context
      // line " ```" (one space) must not close a fence opened at column 0.
      const close = fenceOf(l);
      if (
        close && close[1] === indent && close[3] === "" && close[2]![0] === fence[0] &&
        close[2]!.length >= fence.length
      ) break;
      body.push(indent && l.startsWith(indent) ? l.slice(indent.length) : l);
    }
    if (looksLikeDiff(body)) blocks.push(body);
    i = j;
  }
  return blocks;
}

/**
 * Keep only diff lines: git headers, file headers, hunk headers and hunk
 * bodies. Prose between files is dropped; a hunk ends at the first line that
 * cannot be a body line, and blank lines trailing a hunk are dropped.
 */
function diffLinesOnly(lines: readonly string[]): string[] {
  const out: string[] = [];
  let state: "out" | "git" | "files" | "hunk" = "out";
  let pendingBlank = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.startsWith("diff --git ")) {
      pendingBlank = 0;
      out.push(l);
      state = "git";
      continue;
    }
    if (state === "git" && GIT_EXTENDED_RE.test(l)) {
      out.push(l);
      continue;
    }
    if (_isFileHeaderPair(lines, i) && (state !== "hunk" || lines[i + 2]?.startsWith("@@"))) {
      pendingBlank = 0;
      out.push(l, lines[i + 1]!);
      i++;
      state = "files";
      continue;
    }
    if (l.startsWith("@@")) {
      pendingBlank = 0;
      out.push(l);
      state = "hunk";
      continue;
    }
    if ((state === "hunk" || state === "files") && _isBodyLine(l)) {
      if (l === "") {
        pendingBlank++;
        continue;
      }
      if (state === "files") out.push("@@ @@");
      for (; pendingBlank > 0; pendingBlank--) out.push("");
      out.push(l);
      state = "hunk";
      continue;
    }
    if (state === "hunk" && _isElision(l)) {
      // "..." inside a hunk means lines were left out: a new hunk starts.
      pendingBlank = 0;
      out.push("@@ @@");
      continue;
    }
    pendingBlank = 0;
    state = "out";
  }
  return out;
}

/**
 * Extract the unified diff from a noisy model reply.
 *
 * Handles prose before, between and after the diff; fenced blocks (``` or
 * ~~~, with `diff`, `patch` or any language or none), one block per file or
 * one for all; `diff --git` headers or plain `---`/`+++`; missing `a/` `b/`
 * prefixes; new and deleted files; bare `@@ @@` headers; CRLF line endings
 * (normalised to LF; the applier keeps each file's own endings).
 *
 * @example
 * ```ts
 * import { extractDiff } from "./_extract.ts";
 * const d = extractDiff("Here:\n```diff\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n```\nDone.");
 * console.assert(d === "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n");
 * ```
 *
 * @param reply The model's whole reply.
 * @returns The diff text (LF line endings, trailing newline), or null when none is found.
 */
export function extractDiff(reply: string): string | null {
  const lines = _splitDiffLines(reply);
  // A reply that is a diff from its first line is read as one: fences inside
  // it belong to the files it changes (a README's code blocks), not to prose.
  const first = lines.find((l) => l.trim() !== "") ?? "";
  const bare = first.startsWith("diff --git ") || _isFileHeaderPair(lines, lines.indexOf(first));
  const blocks = bare ? [] : fencedDiffs(lines);
  let source: string[] = lines;
  if (blocks.length > 0) {
    source = [];
    for (const b of blocks) for (const l of b) source.push(l);
  }
  const kept = diffLinesOnly(source);
  if (!kept.some((l) => l.startsWith("@@") || l.startsWith("diff --git "))) return null;
  return kept.join("\n") + "\n";
}
