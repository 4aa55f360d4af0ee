/**
 * A reader of unified diffs built for scanning large patches: `indexDiff`
 * makes one allocation-free pass that records files and hunk boundaries
 * (offsets into the text), so detectors can run over the raw text and only
 * the few places they hit are turned into lines. `fileLines` materialises
 * the new side of one file when a check needs it (SQL, commands). Written by
 * hand because jsdiff's parsePatch builds objects for every line of a 50 MB
 * diff, and scanning only needs the new side.
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

/** One hunk: where its body lies in the diff text. */
export interface DiffHunk {
  /** Offset of the first body line. */
  start: number;
  /** Offset just past the last body line (its newline included). */
  end: number;
  /** New-file line of the first body line. */
  newStart: number;
}

/** One file of a diff. */
export interface DiffFile {
  /** Old path (null for a new file). */
  oldPath: string | null;
  /** New path (null for a deleted file). */
  newPath: string | null;
  /** Hunks in order. */
  hunks: DiffHunk[];
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

/** Where the added lines of a diff are (parallel arrays), filled by {@link indexDiff}. */
export interface AddedLines {
  /** Offset of each line's text (after the `+`). */
  starts: number[];
  /** Offset just past each line's text. */
  ends: number[];
  /** New-file line number of each. */
  lines: number[];
  /** Index of each line's file in the result of indexDiff. */
  files: number[];
}

/**
 * Index a unified diff: files, paths and hunk boundaries.
 *
 * @param text The diff.
 * @param added When given, receives where every added line is.
 * @returns Its files.
 */
export function indexDiff(text: string, added?: AddedLines): DiffFile[] {
  const files: DiffFile[] = [];
  let newLine = 0;
  let cur: DiffFile | null = null;
  let hunk: DiffHunk | null = null;
  let oldRem = 0;
  let newRem = 0;
  let pos = 0;
  const n = text.length;
  const start = (oldPath: string | null, newPath: string | null): DiffFile => {
    const f: DiffFile = { oldPath, newPath, hunks: [], firstLine: 0, hunkContexts: [] };
    files.push(f);
    return f;
  };
  while (pos < n) {
    let end = text.indexOf("\n", pos);
    if (end < 0) end = n;
    const c = text.charCodeAt(pos);
    if (hunk) {
      // Trust the hunk counts while they last (a removed "-- x" line looks
      // like a header); past them, accept only unambiguous hunk lines, as
      // model-written diffs often miscount.
      const counted = oldRem > 0 || newRem > 0;
      const isHeader = (c === 43 || c === 45) && text.startsWith(c === 43 ? "+++ " : "--- ", pos);
      if (c === 43 /* + */ && (counted || !isHeader)) {
        newRem--;
        if (added) {
          added.starts.push(pos + 1);
          added.ends.push(text.charCodeAt(end - 1) === 13 ? end - 1 : end);
          added.lines.push(newLine);
          added.files.push(files.length - 1);
        }
        newLine++;
      } else if (c === 32 /* space */ || (end === pos && counted)) {
        oldRem--;
        newRem--;
        newLine++;
      } else if (c === 45 /* - */ && (counted || !isHeader)) oldRem--;
      else if (c !== 92 /* \ */) hunk = null;
      if (hunk) {
        hunk.end = end + 1;
        pos = end + 1;
        continue;
      }
    }
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(pos, end - 1) : text.slice(pos, end);
    pos = end + 1;
    if (line.startsWith("diff --git ")) {
      const m = /^diff --git (?:"?a\/)?(.+?)"? (?:"?b\/)(.+?)"?$/.exec(line);
      cur = start(m ? m[1]! : null, m ? m[2]! : null);
    } else if (line.startsWith("--- ")) {
      const old = _path(line.slice(4));
      if (!cur || cur.hunks.length > 0) cur = start(old, null);
      else cur.oldPath = old;
    } else if (line.startsWith("+++ ") && cur) {
      cur.newPath = _path(line.slice(4));
    } else if (line.startsWith("rename to ") && cur) {
      cur.newPath = line.slice(10);
    } else if (line.startsWith("rename from ") && cur) {
      cur.oldPath = line.slice(12);
    } else if (line.startsWith("deleted file") && cur) {
      cur.newPath = null;
    } else if (line.startsWith("new file") && cur) {
      cur.oldPath = null;
    } else if (line.startsWith("@@") && cur) {
      const m = HUNK.exec(line);
      if (m) {
        oldRem = m[1] === undefined ? 1 : Number(m[1]);
        newRem = m[3] === undefined ? 1 : Number(m[3]);
        hunk = { start: pos, end: pos, newStart: Number(m[2]) };
        newLine = hunk.newStart;
        if (cur.hunks.length === 0) cur.firstLine = Math.max(hunk.newStart, 1);
        cur.hunks.push(hunk);
        cur.hunkContexts.push(m[4]!.trim());
      }
    }
  }
  for (const f of files) if (f.firstLine === 0) f.firstLine = 1;
  return files;
}

/**
 * The new-side lines (context and added) of one file's hunks.
 *
 * @param text The diff text the file was indexed from.
 * @param file The file.
 * @returns Its lines with new-file line numbers.
 */
export function fileLines(text: string, file: DiffFile): DiffLine[] {
  const out: DiffLine[] = [];
  for (const h of file.hunks) {
    let line = h.newStart;
    for (let pos = h.start; pos < h.end;) {
      let end = text.indexOf("\n", pos);
      if (end < 0 || end > h.end) end = Math.min(h.end, text.length);
      const c = text.charCodeAt(pos);
      const cr = text.charCodeAt(end - 1) === 13 ? 1 : 0;
      if (c === 43) out.push({ line: line++, text: text.slice(pos + 1, end - cr), added: true });
      else if (c === 32 || end === pos) {
        out.push({ line: line++, text: text.slice(pos + 1, end - cr), added: false });
      }
      pos = end + 1;
    }
  }
  return out;
}

/**
 * Parse a unified diff into files with their new-side lines.
 *
 * @param text The diff.
 * @returns Files and their lines.
 */
export function parseDiff(text: string): Array<DiffFile & { lines: DiffLine[] }> {
  return indexDiff(text).map((f) => ({ ...f, lines: fileLines(text, f) }));
}
