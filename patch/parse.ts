/**
 * A tolerant unified-diff parser: git or plain headers, missing `a/` `b/`
 * prefixes, bare `@@ @@` headers, wrong counts, hunks without a header line,
 * CRLF, and junk lines between files.
 *
 * @module
 */

import type { FilePatch, Hunk, HunkHeader, HunkLine } from "./types.ts";

const HEADER_RE = /^@@+\s*(?:-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?)?\s*(?:@@+.*)?$/;

/**
 * Parse a hunk header line.
 *
 * @param line The `@@` line.
 * @returns The numbers, or null when the header carries none (`@@ @@`).
 */
export function _parseHunkHeader(line: string): HunkHeader | null {
  const m = HEADER_RE.exec(line.trimEnd());
  if (!m || m[1] === undefined || m[3] === undefined) return null;
  return {
    oldStart: Number(m[1]),
    oldLines: m[2] === undefined ? null : Number(m[2]),
    newStart: Number(m[3]),
    newLines: m[4] === undefined ? null : Number(m[4]),
  };
}

/**
 * Split text into lines, dropping CR before LF and the empty tail after a final LF.
 *
 * @param text Diff or reply text.
 * @returns The lines.
 */
export function _splitDiffLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/**
 * True when `lines[i]` and `lines[i + 1]` form a `--- ` / `+++ ` file header pair.
 *
 * @param lines All lines.
 * @param i Index of the candidate `--- ` line.
 * @returns Whether the pair is there.
 */
export function _isFileHeaderPair(lines: readonly string[], i: number): boolean {
  return (lines[i]?.startsWith("--- ") ?? false) && (lines[i + 1]?.startsWith("+++ ") ?? false);
}

/**
 * True for a line that can sit inside a hunk body.
 *
 * @param line One raw line.
 * @returns Whether it is a context, removed, added, marker or blank line.
 */
export function _isBodyLine(line: string): boolean {
  return line === "" || line[0] === " " || line[0] === "+" || line[0] === "-" ||
    line[0] === "\\" || line[0] === "\t";
}

/**
 * True for an elision line ("...", "…", "// ...") that models put inside
 * hunks. Only at column 0: " ..." is a context line (a Python stub body).
 *
 * @param line One raw line.
 * @returns Whether it marks left-out lines.
 */
export function _isElision(line: string): boolean {
  return /^(?:(?:\/\/|#)\s*)?(?:\.{3,}|…)\s*$/.test(line);
}

/**
 * Read a path from a `---`/`+++` line: unquote, drop timestamps.
 *
 * @param raw The text after `--- ` or `+++ `.
 * @returns The path, or null for /dev/null.
 */
export function _parsePath(raw: string): string | null {
  let p = raw;
  const tab = p.indexOf("\t");
  if (tab >= 0) p = p.slice(0, tab);
  p = p.trim();
  if (p.startsWith('"') && p.endsWith('"') && p.length >= 2) p = unquote(p.slice(1, -1));
  else p = p.replace(/\s+\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:\s*[+-]\d{4})?$/, "");
  if (p === "/dev/null" || p === "") return null;
  return p;
}

function unquote(s: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const map: Record<string, number> = { n: 10, t: 9, r: 13, '"': 34, "\\": 92, a: 7, b: 8, f: 12 };
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\" || i + 1 >= s.length) {
      bytes.push(...enc.encode(c));
      continue;
    }
    const n = s[i + 1]!;
    const oct = /^[0-7]{3}/.exec(s.slice(i + 1));
    if (oct) {
      bytes.push(parseInt(oct[0], 8));
      i += 3;
    } else {
      bytes.push(map[n] ?? n.charCodeAt(0));
      i += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

function gitLinePaths(line: string): [string | null, string | null] {
  const rest = line.slice("diff --git ".length).trim();
  const quoted = /^"((?:[^"\\]|\\.)*)"\s+"((?:[^"\\]|\\.)*)"$/.exec(rest);
  if (quoted) return [unquote(quoted[1]!), unquote(quoted[2]!)];
  const m = /^(a\/.*) (b\/.*)$/.exec(rest);
  if (m) return [m[1]!, m[2]!];
  const parts = rest.split(" ");
  if (parts.length === 2) return [parts[0]!, parts[1]!];
  return [null, null];
}

function stripPrefixes(fp: FilePatch): void {
  const o = fp.oldPath;
  const n = fp.newPath;
  const okOld = o === null || o.startsWith("a/");
  const okNew = n === null || n.startsWith("b/");
  if (okOld && okNew && (o !== null || n !== null)) {
    fp.oldPath = o === null ? null : o.slice(2);
    fp.newPath = n === null ? null : n.slice(2);
  }
}

function newFile(): FilePatch {
  return { oldPath: null, newPath: null, kind: "modify", hunks: [], binary: false, rename: false };
}

function finish(fp: FilePatch, sawHeaderPaths: boolean, gitPaths: [string | null, string | null]) {
  if (!sawHeaderPaths) {
    // A git diff with no ---/+++ (mode change, empty new or deleted file).
    if (fp.kind !== "create") fp.oldPath = gitPaths[0];
    if (fp.kind !== "delete") fp.newPath = gitPaths[1];
  }
  stripPrefixes(fp);
  if (fp.oldPath === null && fp.newPath !== null) fp.kind = "create";
  else if (fp.newPath === null && fp.oldPath !== null) fp.kind = "delete";
}

/**
 * Read one hunk body starting at `start` (the line after the header).
 * Returns the hunk and the index of the first line after it.
 */
function readHunk(
  lines: readonly string[],
  start: number,
  headerLine: string,
): { hunk: Hunk; next: number } {
  const header = _parseHunkHeader(headerLine);
  const hunk: Hunk = { header, headerLine, lines: [], oldNoNewline: false, newNoNewline: false };
  let oldLeft = header ? header.oldLines ?? 1 : 0;
  let newLeft = header ? header.newLines ?? 1 : 0;
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith("@@") || line.startsWith("diff --git ") || _isElision(line)) break;
    if (!_isBodyLine(line)) break;
    if (_isFileHeaderPair(lines, i)) {
      // Inside the counts a `--- `/`+++ ` pair is body, unless a hunk header
      // follows at once: then it is the next file, whatever the counts say.
      const countsLeft = oldLeft > 0 || newLeft > 0;
      if (!countsLeft || (lines[i + 2]?.startsWith("@@") ?? true)) break;
    }
    if (line[0] === "\\") {
      const prev = hunk.lines[hunk.lines.length - 1];
      if (prev?.kind !== "+") hunk.oldNoNewline = true;
      if (prev?.kind !== "-") hunk.newNoNewline = true;
      continue;
    }
    // An empty line is an empty context line whose space an editor stripped;
    // a line starting with a tab is a context line that lost its space.
    const kind = line === "" || line[0] === "\t" ? " " : line[0] as HunkLine["kind"];
    const entry: HunkLine = { kind, text: line[0] === "\t" ? line : line.slice(1) };
    hunk.lines.push(entry);
    if (kind !== "+") oldLeft--;
    if (kind !== "-") newLeft--;
  }
  // Trailing empty lines are usually separators, not context: drop those the
  // counts do not ask for (all of them when there are no counts).
  while (hunk.lines.length > 0) {
    const last = hunk.lines[hunk.lines.length - 1]!;
    if (last.kind !== " " || last.text !== "" || lines[i - 1] !== "") break;
    if (header && oldLeft >= 0 && newLeft >= 0) break;
    hunk.lines.pop();
    oldLeft++;
    newLeft++;
    i--;
  }
  return { hunk, next: i };
}

/**
 * Parse a unified diff into per-file patches, tolerating what models get
 * wrong: bare or number-less `@@` headers, wrong counts, missing `a/` `b/`
 * prefixes, CRLF, a missing `@@` line after the file header, and junk
 * between files. Lines outside any file or hunk are ignored.
 *
 * @param diff The diff text (see {@link extractDiff} for noisy replies).
 * @returns One entry per file section, in order.
 * @throws {SyntaxError} When a hunk appears before any file header.
 */
export function parsePatch(diff: string): FilePatch[] {
  const lines = _splitDiffLines(diff);
  const files: FilePatch[] = [];
  let cur: FilePatch | null = null;
  let sawPaths = false;
  let gitPaths: [string | null, string | null] = [null, null];
  let expectHunk = false;
  const close = () => {
    if (cur) finish(cur, sawPaths, gitPaths);
  };
  for (let i = 0; i < lines.length;) {
    const line = lines[i]!;
    if (line.startsWith("diff --git ")) {
      close();
      cur = newFile();
      files.push(cur);
      sawPaths = false;
      gitPaths = gitLinePaths(line);
      expectHunk = false;
      i++;
      continue;
    }
    if (_isFileHeaderPair(lines, i)) {
      if (!cur || sawPaths || cur.hunks.length > 0) {
        close();
        cur = newFile();
        files.push(cur);
        gitPaths = [null, null];
      }
      cur.oldPath = _parsePath(line.slice(4));
      cur.newPath = _parsePath(lines[i + 1]!.slice(4));
      sawPaths = true;
      expectHunk = true;
      i += 2;
      continue;
    }
    if (line.startsWith("@@")) {
      if (!cur) {
        throw new SyntaxError(`Hunk "${line}" at line ${i + 1} comes before any file header`);
      }
      const { hunk, next } = readHunk(lines, i + 1, line);
      cur.hunks.push(hunk);
      expectHunk = false;
      i = next;
      continue;
    }
    if (cur && cur.hunks.length > 0 && _isElision(line)) {
      // "..." between hunk lines: what follows is a hunk of its own.
      const { hunk, next } = readHunk(lines, i + 1, "@@ @@");
      hunk.headerLine = `(hunk after "${line.trim()}")`;
      cur.hunks.push(hunk);
      i = next;
      continue;
    }
    if (cur && expectHunk && /^[ +-]/.test(line)) {
      // Header straight into a body: a hunk with no @@ line at all.
      const { hunk, next } = readHunk(lines, i, "@@ @@");
      hunk.headerLine = "(no @@ line)";
      cur.hunks.push(hunk);
      expectHunk = false;
      i = next;
      continue;
    }
    if (cur && !sawPaths && cur.hunks.length === 0) {
      if (line.startsWith("new file mode")) cur.kind = "create";
      else if (line.startsWith("deleted file mode")) cur.kind = "delete";
      else if (/^(rename|copy) (from|to) /.test(line)) cur.rename = true;
    }
    if (cur && (line.startsWith("GIT binary patch") || /^Binary files .* differ$/.test(line))) {
      cur.binary = true;
    }
    i++;
  }
  close();
  return files;
}
