/**
 * A streaming reader of unified diffs for scanning: for each file, its old
 * and new paths and the new-side lines of its hunks (context and added),
 * with new-file line numbers. Written by hand because scanning must handle
 * 50 MB diffs with bounded allocations, and it only needs the new side.
 *
 * @module
 */

/** One new-side line of a hunk. */
export interface DiffLine {
  /** 1-based line in the new file. */
  line: number;
  /** The text without the leading marker. */
  text: string;
  /** True when the patch adds it. */
  added: boolean;
}

/** One file of a diff. */
export interface DiffFile {
  /** Old path (null for a new file). */
  oldPath: string | null;
  /** New path (null for a deleted file). */
  newPath: string | null;
  /** New-side lines of every hunk, in order. */
  lines: DiffLine[];
  /** First new-file line of the first hunk (1 when none). */
  firstLine: number;
  /** Text after the `@@ ... @@` markers of each hunk (function context). */
  hunkContexts: string[];
}

const HUNK = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

/**
 * Whether a text is a unified diff.
 *
 * @param text The text.
 * @returns True when it has file headers and a hunk header.
 */
export function looksLikeDiff(text: string): boolean {
  const head = text.slice(0, 65536);
  return (/^diff --git /m.test(head) || /^--- \S.*\n\+\+\+ \S/m.test(head)) &&
    /^@@ -\d+(?:,\d+)? \+\d+/m.test(head);
}

function _path(raw: string): string | null {
  let p = raw.replace(/\t.*$/, "").trim();
  if (p.startsWith('"') && p.endsWith('"')) p = p.slice(1, -1);
  if (p === "/dev/null") return null;
  return p.replace(/^[ab]\//, "");
}

/**
 * Parse a unified diff.
 *
 * @param text The diff.
 * @returns Its files.
 */
export function parseDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let cur: DiffFile | null = null;
  let newLine = 0;
  let inHunk = false;
  let oldRem = 0;
  let newRem = 0;
  let pos = 0;
  const n = text.length;
  const start = (oldPath: string | null, newPath: string | null) => {
    cur = { oldPath, newPath, lines: [], firstLine: 0, hunkContexts: [] };
    files.push(cur);
    inHunk = false;
  };
  while (pos < n) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = n;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(pos, end - 1) : text.slice(pos, end);
    pos = end + 1;
    const c = line.charCodeAt(0);
    if (inHunk && cur) {
      const f: DiffFile = cur;
      // Trust the hunk counts while they last (a removed "-- x" line looks
      // like a header); past them, accept only unambiguous hunk lines, as
      // model-written diffs often miscount.
      const counted = oldRem > 0 || newRem > 0;
      if (c === 43 /* + */ && (counted || !line.startsWith("+++ "))) {
        f.lines.push({ line: newLine++, text: line.slice(1), added: true });
        newRem--;
        continue;
      }
      if (c === 32 /* space */ || (line === "" && counted)) {
        f.lines.push({ line: newLine++, text: line.slice(1), added: false });
        oldRem--;
        newRem--;
        continue;
      }
      if (c === 45 /* - */ && (counted || !line.startsWith("--- "))) {
        oldRem--;
        continue;
      }
      if (c === 92 /* \ */) continue;
      inHunk = false;
    }
    if (line.startsWith("diff --git ")) {
      const m = /^diff --git (?:"?a\/)?(.+?)"? (?:"?b\/)(.+?)"?$/.exec(line);
      start(m ? m[1]! : null, m ? m[2]! : null);
    } else if (line.startsWith("--- ")) {
      const old = _path(line.slice(4));
      if (!cur || (cur as DiffFile).lines.length > 0 || (cur as DiffFile).hunkContexts.length > 0) {
        start(old, null);
      } else (cur as DiffFile).oldPath = old;
    } else if (line.startsWith("+++ ") && cur) {
      (cur as DiffFile).newPath = _path(line.slice(4));
    } else if (line.startsWith("rename to ") && cur) {
      (cur as DiffFile).newPath = line.slice(10);
    } else if (line.startsWith("rename from ") && cur) {
      (cur as DiffFile).oldPath = line.slice(12);
    } else if (line.startsWith("deleted file") && cur) {
      (cur as DiffFile).newPath = null;
    } else if (line.startsWith("new file") && cur) {
      (cur as DiffFile).oldPath = null;
    } else if (c === 64 /* @ */ && cur) {
      const m = HUNK.exec(line);
      if (m) {
        oldRem = m[1] === undefined ? 1 : Number(m[1]);
        newLine = Number(m[2]);
        newRem = m[3] === undefined ? 1 : Number(m[3]);
        const f: DiffFile = cur;
        if (f.hunkContexts.length === 0) f.firstLine = Math.max(newLine, 1);
        f.hunkContexts.push(m[4]!.trim());
        inHunk = true;
      }
    }
  }
  for (const f of files) if (f.firstLine === 0) f.firstLine = 1;
  return files;
}
