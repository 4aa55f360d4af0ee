/**
 * A tolerant unified-diff parser: git or plain headers, missing `a/` `b/`
 * prefixes, bare `@@ @@` headers, wrong counts, hunks without a header line,
 * CRLF, and junk lines between files.
 *
 * @module
 */

import { canonicalPath, cleanSeparators, decodeGitQuoted } from "./paths.ts";
import type { FilePatch, Hunk, HunkHeader, HunkLine } from "./types.ts";

const HEADER_RE = /^@@+\s*(?:-(\d+)(?:,(\d+))?\s+\+(\d+)(?:,(\d+))?)?\s*(?:@@+.*)?$/;

/**
 * Parse a hunk header line.
 *
 * @param line The `@@` line.
 * @returns The numbers, or null when the header carries none (`@@ @@`).
 */
export function _parseHunkHeader(line: string): HunkHeader | null {
  // The numbers sit at the start; the function context after the closing
  // @@ may be any length, so only a bounded prefix is matched (no
  // backtracking over a megabyte-long header line).
  const head = line.length > 256 ? line.slice(0, 256).replace(/@@+[^@]*$/, "@@") : line;
  const m = HEADER_RE.exec(head.trimEnd());
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
  // Most lines are ruled out by their first character, without a regex run.
  const c = line.charCodeAt(0);
  if (c !== 0x2e && c !== 0x2f && c !== 0x23 && c !== 0x2026) return false;
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
  if (p.startsWith('"') && p.endsWith('"') && p.length >= 2) p = decodeGitQuoted(p.slice(1, -1));
  else if (p.length <= 4096) {
    // Bounded: the optional timestamp of plain diff(1) output.
    p = p.replace(/\s+\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:\s*[+-]\d{4})?$/, "");
  }
  if (p === "/dev/null" || p === "") return null;
  return p;
}

/** Read a git-quoted token starting at `i` (a `"`); null when it is not closed. */
function quotedToken(s: string, i: number): { value: string; next: number } | null {
  let j = i + 1;
  for (; j < s.length && s[j] !== '"'; j++) if (s[j] === "\\") j++;
  if (j >= s.length) return null;
  return { value: decodeGitQuoted(s.slice(i + 1, j)), next: j + 1 };
}

/** The two paths of a `diff --git` line, quoted or not, with their prefixes. */
function gitLinePaths(line: string): [string | null, string | null] {
  const rest = line.slice("diff --git ".length).trim();
  if (rest.startsWith('"')) {
    const first = quotedToken(rest, 0);
    if (!first) return [null, null];
    const tail = rest.slice(first.next).trim();
    const second = tail.startsWith('"') ? quotedToken(tail, 0) : null;
    return [first.value, second ? second.value : tail || null];
  }
  if (rest.endsWith('"')) {
    const at = rest.lastIndexOf(' "');
    const second = at > 0 ? quotedToken(rest, at + 1) : null;
    if (second) return [rest.slice(0, at), second.value];
  }
  // "a/x y b/x y": prefer the " b/" split that leaves equal names.
  if (rest.startsWith("a/")) {
    let cut = -1;
    for (let k = rest.indexOf(" b/"); k > 0; k = rest.indexOf(" b/", k + 1)) {
      cut = k;
      if (rest.slice(2, k) === rest.slice(k + 3)) break;
    }
    if (cut > 0) return [rest.slice(0, cut), rest.slice(cut + 1)];
  }
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
  return {
    oldPath: null,
    newPath: null,
    kind: "modify",
    hunks: [],
    binary: false,
    rename: false,
    names: [],
    refused: null,
  };
}

/**
 * Close a file section: take paths from the git line when there were no
 * `---`/`+++` headers, canonicalise every name once, strip `a/` `b/` when
 * both sides carry them, and collect every spelling the section used.
 */
function finish(
  fp: FilePatch,
  sawHeaderPaths: boolean,
  gitPaths: [string | null, string | null],
  raw: readonly string[],
) {
  if (!sawHeaderPaths) {
    // A git diff with no ---/+++ (mode change, empty new or deleted file).
    if (fp.kind !== "create") fp.oldPath = gitPaths[0];
    if (fp.kind !== "delete") fp.newPath = gitPaths[1];
  }
  // Prefixes are decided on the paths as written (separators cleaned, no
  // `..` resolved), then each side is canonicalised once.
  fp.oldPath = fp.oldPath === null ? null : cleanSeparators(fp.oldPath);
  fp.newPath = fp.newPath === null ? null : cleanSeparators(fp.newPath);
  stripPrefixes(fp);
  const canon = (p: string | null): string | null => {
    if (p === null) return null;
    const c = canonicalPath(p);
    if (!c.ok) fp.refused ??= c.reason;
    return c.path;
  };
  fp.oldPath = canon(fp.oldPath);
  fp.newPath = canon(fp.newPath);
  if (fp.oldPath === null && fp.newPath !== null) fp.kind = "create";
  else if (fp.newPath === null && fp.oldPath !== null) fp.kind = "delete";
  const names = new Set<string>();
  const add = (p: string | null) => {
    if (p === null) return;
    const cleaned = cleanSeparators(p);
    // A leftover prefix may or may not be one: the applier tries both.
    const forms = /^[ab]\//.test(cleaned) ? [cleaned, cleaned.slice(2)] : [cleaned];
    for (const f of forms) {
      const c = canonicalPath(f);
      if (!c.ok) fp.refused ??= c.reason;
      else names.add(c.path);
    }
  };
  for (const p of [fp.newPath, fp.oldPath, ...gitPaths, ...raw]) add(p);
  fp.names = [...names];
}

/** What a {@link PatchParser} reports as it reads, in input order. */
export interface PatchSink {
  /** A file section starts (its paths are final only at its first hunk or its end). */
  file?(fp: FilePatch): void;
  /** A hunk starts; the file's paths, kind and names are final from here on. */
  hunk?(fp: FilePatch, hunk: Hunk): void;
  /** One body line of the current hunk, final (trailing separators are never reported). */
  line?(fp: FilePatch, hunk: Hunk, line: HunkLine): void;
  /** The file section is complete. */
  end?(fp: FilePatch): void;
  /**
   * Whether the current file's body lines are kept in `hunk.lines`
   * (default: yes). A streaming reader that does not need them says no:
   * a line stored into a hunk that lives long stays alive while the old
   * generation is being marked, even when the reader empties the hunk.
   */
  keepLines?(fp: FilePatch): boolean;
}

/**
 * The diff parser, fed one line at a time (lines as {@link _splitDiffLines}
 * makes them). It looks two lines ahead, so a diff of any size is parsed
 * holding only the current file's hunks; a sink that empties `hunk.lines`
 * (and `fp.hunks`) as it goes keeps nothing at all. {@link parsePatch} is
 * this parser fed a whole text.
 */
export class PatchParser {
  readonly #sink: PatchSink;
  #q: string[] = [];
  #pushed = 0;
  /** Raw lines consumed so far (for error positions). */
  #at = 0;
  #files = 0;
  #cur: FilePatch | null = null;
  #curHunks = 0;
  #finished = false;
  #sawPaths = false;
  #gitPaths: [string | null, string | null] = [null, null];
  #expectHunk = false;
  /** Every path the section's headers name, as written. */
  #raw: string[] = [];
  // The hunk being read (null: between hunks).
  #hunk: Hunk | null = null;
  #oldLeft = 0;
  #newLeft = 0;
  #lastKind: HunkLine["kind"] | undefined;
  /** Empty lines at the hunk's end so far: separators or context, decided when it ends. */
  #blank = 0;

  /**
   * Make a parser.
   *
   * @param sink Receives files, hunks and lines as they are read.
   */
  constructor(sink: PatchSink = {}) {
    this.#sink = sink;
  }

  /** How many file sections have started. */
  get files(): number {
    return this.#files;
  }

  /**
   * Read one line.
   *
   * @param line The line, without its line break.
   * @throws {SyntaxError} When a hunk appears before any file header.
   */
  push(line: string): void {
    // A new queue array now and then (see DiffLineFilter.push).
    if ((++this.#pushed & 1023) === 0) this.#q = this.#q.slice();
    this.#q.push(line);
    while (this.#q.length >= 3) this.#step();
  }

  /**
   * Finish: read what is left and close the last file.
   *
   * @throws {SyntaxError} When a hunk appears before any file header.
   */
  end(): void {
    while (this.#q.length > 0) this.#step();
    if (this.#hunk) this.#endHunk();
    this.#close();
  }

  #take(n: number): void {
    // shift, not splice: no array of removed lines is made per line.
    for (let i = 0; i < n; i++) this.#q.shift();
    this.#at += n;
  }

  #finish(): void {
    if (this.#cur && !this.#finished) {
      finish(this.#cur, this.#sawPaths, this.#gitPaths, this.#raw);
      this.#finished = true;
    }
  }

  #close(): void {
    if (this.#cur) {
      this.#finish();
      this.#sink.end?.(this.#cur);
    }
    this.#raw = [];
  }

  #open(): FilePatch {
    this.#close();
    const fp = newFile();
    this.#cur = fp;
    this.#curHunks = 0;
    this.#finished = false;
    this.#files++;
    this.#sink.file?.(fp);
    return fp;
  }

  #startHunk(headerLine: string, label?: string): void {
    const cur = this.#cur!;
    const header = _parseHunkHeader(headerLine);
    const hunk: Hunk = {
      header,
      headerLine: label ?? headerLine,
      lines: [],
      oldNoNewline: false,
      newNoNewline: false,
    };
    this.#finish();
    cur.hunks.push(hunk);
    this.#curHunks++;
    this.#hunk = hunk;
    this.#oldLeft = header ? header.oldLines ?? 1 : 0;
    this.#newLeft = header ? header.newLines ?? 1 : 0;
    this.#lastKind = undefined;
    this.#blank = 0;
    this.#sink.hunk?.(cur, hunk);
  }

  #emit(entry: HunkLine): void {
    const hunk = this.#hunk!;
    if (this.#sink.keepLines?.(this.#cur!) !== false) hunk.lines.push(entry);
    this.#lastKind = entry.kind;
    this.#sink.line?.(this.#cur!, hunk, entry);
  }

  #flushBlank(): void {
    for (; this.#blank > 0; this.#blank--) this.#emit({ kind: " ", text: "" });
  }

  #endHunk(): void {
    // Trailing empty lines are usually separators, not context: drop those the
    // counts do not ask for (all of them when there are no counts).
    while (this.#blank > 0) {
      if (this.#hunk!.header && this.#oldLeft >= 0 && this.#newLeft >= 0) break;
      this.#blank--;
      this.#oldLeft++;
      this.#newLeft++;
    }
    this.#flushBlank();
    this.#hunk = null;
  }

  /** One line of a hunk body; false when the line ends the hunk. */
  #hunkLine(line: string): boolean {
    if (line.startsWith("@@") || line.startsWith("diff --git ") || _isElision(line)) return false;
    if (!_isBodyLine(line)) return false;
    if (_isFileHeaderPair(this.#q, 0)) {
      // Inside the counts a `--- `/`+++ ` pair is body, unless a hunk header
      // follows at once: then it is the next file, whatever the counts say.
      const countsLeft = this.#oldLeft > 0 || this.#newLeft > 0;
      if (!countsLeft || (this.#q[2]?.startsWith("@@") ?? true)) return false;
    }
    if (line === "") {
      this.#blank++;
      this.#oldLeft--;
      this.#newLeft--;
      return true;
    }
    this.#flushBlank();
    if (line[0] === "\\") {
      const hunk = this.#hunk!;
      if (this.#lastKind !== "+") hunk.oldNoNewline = true;
      if (this.#lastKind !== "-") hunk.newNoNewline = true;
      return true;
    }
    // A line starting with a tab is a context line that lost its space.
    const kind = line[0] === "\t" ? " " : line[0] as HunkLine["kind"];
    this.#emit({ kind, text: line[0] === "\t" ? line : line.slice(1) });
    if (kind !== "+") this.#oldLeft--;
    if (kind !== "-") this.#newLeft--;
    return true;
  }

  #step(): void {
    const q = this.#q;
    const line = q[0]!;
    if (this.#hunk) {
      if (this.#hunkLine(line)) {
        this.#take(1);
        return;
      }
      this.#endHunk();
    }
    const cur = this.#cur;
    if (line.startsWith("diff --git ")) {
      this.#open();
      this.#sawPaths = false;
      this.#gitPaths = gitLinePaths(line);
      this.#expectHunk = false;
      this.#take(1);
      return;
    }
    if (_isFileHeaderPair(q, 0)) {
      let fp = cur;
      if (!fp || this.#sawPaths || this.#curHunks > 0) {
        fp = this.#open();
        this.#gitPaths = [null, null];
      }
      fp.oldPath = _parsePath(line.slice(4));
      fp.newPath = _parsePath(q[1]!.slice(4));
      for (const p of [fp.oldPath, fp.newPath]) if (p !== null) this.#raw.push(p);
      this.#sawPaths = true;
      this.#expectHunk = true;
      this.#take(2);
      return;
    }
    if (line.startsWith("@@")) {
      if (!cur) {
        throw new SyntaxError(
          `Hunk "${line.slice(0, 80)}" at line ${this.#at + 1} comes before any file header`,
        );
      }
      this.#take(1);
      this.#startHunk(line);
      this.#expectHunk = false;
      return;
    }
    if (cur && this.#curHunks > 0 && _isElision(line)) {
      // "..." between hunk lines: what follows is a hunk of its own.
      this.#take(1);
      this.#startHunk("@@ @@", `(hunk after "${line.trim()}")`);
      return;
    }
    if (cur && this.#expectHunk && /^[ +-]/.test(line)) {
      // Header straight into a body: a hunk with no @@ line at all.
      this.#startHunk("@@ @@", "(no @@ line)");
      this.#expectHunk = false;
      return;
    }
    if (cur && !this.#sawPaths && this.#curHunks === 0) {
      if (line.startsWith("new file mode")) cur.kind = "create";
      else if (line.startsWith("deleted file mode")) cur.kind = "delete";
      else if (/^(rename|copy) (from|to) /.test(line)) {
        cur.rename = true;
        const named = _parsePath(line.replace(/^(rename|copy) (from|to) /, ""));
        if (named !== null) this.#raw.push(named);
      }
    }
    if (cur && (line.startsWith("GIT binary patch") || /^Binary files .* differ$/.test(line))) {
      cur.binary = true;
    }
    this.#take(1);
  }
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
  const files: FilePatch[] = [];
  const parser = new PatchParser({ file: (fp) => files.push(fp) });
  for (const line of _splitDiffLines(diff)) parser.push(line);
  parser.end();
  return files;
}
