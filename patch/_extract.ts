/**
 * Pulls the unified diff out of a model's reply: prose around it, fenced
 * blocks with or without a language, several blocks for several files, CRLF.
 *
 * @module
 */

import { _isBodyLine, _isElision, _isFileHeaderPair, _splitDiffLines } from "./parse.ts";

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
 * Keeps only the lines of a diff (headers, hunk headers, hunk bodies) from
 * a reply that mixes them with prose, one line at a time with two lines of
 * look-ahead; blank lines inside a hunk are kept only when more body
 * follows. {@link extractDiff} feeds it a whole reply; a streaming scan
 * feeds it a diff of any size.
 */
export class DiffLineFilter {
  readonly #out: (line: string) => void;
  #q: string[] = [];
  #pushed = 0;
  #state: "out" | "git" | "files" | "hunk" = "out";
  #pendingBlank = 0;
  /** Whether a kept line starts a hunk or a git file section. */
  sawMarker = false;

  /**
   * Make a filter.
   *
   * @param out Receives each kept line, in order.
   */
  constructor(out: (line: string) => void) {
    this.#out = out;
  }

  /**
   * Read one line (as {@link _splitDiffLines} makes them).
   *
   * @param line The line.
   */
  push(line: string): void {
    // A new queue array now and then: a long-lived one is marked with the
    // old generation, and every line stored into it meanwhile would
    // survive until the next full collection (a streamed scan pushes
    // millions of lines).
    if ((++this.#pushed & 1023) === 0) this.#q = this.#q.slice();
    this.#q.push(line);
    while (this.#q.length >= 3) this.#step();
  }

  /** Read what is left. */
  end(): void {
    while (this.#q.length > 0) this.#step();
  }

  #keep(l: string): void {
    if (l.startsWith("@@") || l.startsWith("diff --git ")) this.sawMarker = true;
    this.#out(l);
  }

  #step(): void {
    const q = this.#q;
    const l = q.shift()!;
    if (l.startsWith("diff --git ")) {
      this.#pendingBlank = 0;
      this.#keep(l);
      this.#state = "git";
      return;
    }
    if (this.#state === "git" && GIT_EXTENDED_RE.test(l)) {
      this.#keep(l);
      return;
    }
    const pair = l.startsWith("--- ") && (q[0]?.startsWith("+++ ") ?? false);
    if (pair && (this.#state !== "hunk" || q[1]?.startsWith("@@"))) {
      this.#pendingBlank = 0;
      this.#keep(l);
      this.#keep(q.shift()!);
      this.#state = "files";
      return;
    }
    if (l.startsWith("@@")) {
      this.#pendingBlank = 0;
      this.#keep(l);
      this.#state = "hunk";
      return;
    }
    if ((this.#state === "hunk" || this.#state === "files") && _isBodyLine(l)) {
      if (l === "") {
        this.#pendingBlank++;
        return;
      }
      if (this.#state === "files") this.#keep("@@ @@");
      for (; this.#pendingBlank > 0; this.#pendingBlank--) this.#keep("");
      this.#keep(l);
      this.#state = "hunk";
      return;
    }
    if (this.#state === "hunk" && _isElision(l)) {
      // "..." inside a hunk means lines were left out: a new hunk starts.
      this.#pendingBlank = 0;
      this.#keep("@@ @@");
      return;
    }
    this.#pendingBlank = 0;
    this.#state = "out";
  }
}

/**
 * Whether a reply is a diff from its first non-blank line: then fences
 * inside it belong to the files it changes (a README's code blocks), not
 * to prose.
 *
 * @param first The first line that is not blank ("" when none).
 * @param next The line after it.
 * @returns True for a bare diff.
 */
export function isBareDiffStart(first: string, next: string | undefined): boolean {
  return first.startsWith("diff --git ") ||
    (first.startsWith("--- ") && (next?.startsWith("+++ ") ?? false));
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
  const firstAt = lines.findIndex((l) => l.trim() !== "");
  const bare = isBareDiffStart(lines[firstAt] ?? "", lines[firstAt + 1]);
  const blocks = bare ? [] : fencedDiffs(lines);
  let source: string[] = lines;
  if (blocks.length > 0) {
    source = [];
    for (const b of blocks) for (const l of b) source.push(l);
  }
  const kept: string[] = [];
  const filter = new DiffLineFilter((l) => kept.push(l));
  for (const l of source) filter.push(l);
  filter.end();
  if (!filter.sawMarker) return null;
  return kept.join("\n") + "\n";
}
