// Frozen copy of patch/_apply.ts before files were held as offsets into their
// text (no line objects): the oracle of tests/patch/apply_offsets_test.ts, with
// the locator of that time frozen beside it (_locate_v2.ts). Do not edit.
/**
 * Applying one file's hunks to its text in memory: every hunk is located in
 * the original, then all are spliced in at once. Line endings are the file's
 * own (a CRLF file stays CRLF), and the final-newline state is kept unless
 * the patch says otherwise with `\ No newline at end of file`.
 *
 * @module
 */

import { _norm, indexLines, type Located, locateHunk, type SourceLine } from "./_locate_v2.ts";
import { type FilePatch, type HunkPlacement, PatchError } from "../../patch/types.ts";

/**
 * Split text into lines that keep their own line endings.
 *
 * @param text File text.
 * @returns The lines; the last has eol "" when the text lacks a final newline.
 */
export function _toLines(text: string): SourceLine[] {
  const out: SourceLine[] = [];
  let last = 0;
  for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", last)) {
    const crlf = nl > last && text.charCodeAt(nl - 1) === 13;
    out.push({ text: text.slice(last, crlf ? nl - 1 : nl), eol: crlf ? "\r\n" : "\n" });
    last = nl + 1;
  }
  if (last < text.length) out.push({ text: text.slice(last), eol: "" });
  return out;
}

/**
 * The line ending most lines use.
 *
 * @param lines The file's lines.
 * @returns "\r\n" or "\n" ("\n" when there are none).
 */
export function _dominantEol(lines: readonly SourceLine[]): string {
  let crlf = 0;
  let lf = 0;
  for (const l of lines) {
    if (l.eol === "\r\n") crlf++;
    else if (l.eol === "\n") lf++;
  }
  return crlf > lf ? "\r\n" : "\n";
}

/** The result of applying one file patch in memory. */
export interface TextApplied {
  /** The new text, or null when the file is deleted. */
  text: string | null;
  /** Where each hunk went. */
  hunks: HunkPlacement[];
}

function createText(fp: FilePatch): TextApplied {
  const lines: string[] = [];
  for (const [i, h] of fp.hunks.entries()) {
    const stray = h.lines.find((l) => l.kind !== "+");
    if (stray) {
      throw new PatchError(
        `hunk ${i + 1} of a new file has a line that is not an addition: ${
          JSON.stringify(stray.kind + stray.text)
        }`,
        i + 1,
      );
    }
    for (const l of h.lines) lines.push(l.text);
  }
  const noEol = fp.hunks[fp.hunks.length - 1]?.newNoNewline ?? false;
  const text = lines.length === 0 ? "" : lines.join("\n") + (noEol ? "" : "\n");
  return { text, hunks: fp.hunks.map((_, i) => ({ index: i + 1, strategy: "exact", line: 1 })) };
}

function deleteText(original: string, fp: FilePatch): TextApplied {
  const file = _toLines(original);
  if (fp.hunks.length > 0) {
    const old = fp.hunks.flatMap((h) => h.lines.filter((l) => l.kind !== "+"));
    const added = fp.hunks.flatMap((h) => h.lines.filter((l) => l.kind === "+"));
    if (added.length > 0) {
      throw new PatchError(`the patch deletes the file but also adds ${added.length} line(s)`);
    }
    for (let i = 0; i < Math.max(old.length, file.length); i++) {
      const a = old[i];
      const b = file[i];
      if (a === undefined || b === undefined || _norm(a.text) !== _norm(b.text)) {
        throw new PatchError(
          `the patch deletes the file, but the file differs from the patch's content at line ${
            i + 1
          } (file ${JSON.stringify(b?.text ?? "<end>")}, patch ${
            JSON.stringify(a?.text ?? "<end>")
          })`,
        );
      }
    }
  }
  return {
    text: null,
    hunks: fp.hunks.map((_, i) => ({ index: i + 1, strategy: "exact", line: 1 })),
  };
}

/**
 * Apply one file patch to the file's text (null when the file does not exist).
 *
 * @param original The current text, or null for a missing file.
 * @param fp The file patch.
 * @returns The new text (null for a deletion) and hunk placements.
 * @throws {PatchError} When a hunk cannot be placed safely or the file's existence is wrong.
 */
export function _applyFileText(original: string | null, fp: FilePatch): TextApplied {
  if (fp.binary) throw new PatchError("binary patches are not supported");
  if (fp.rename) throw new PatchError("renames and copies are not supported");
  const createsFromNothing = fp.hunks.length > 0 &&
    fp.hunks.every((h) => h.lines.every((l) => l.kind === "+"));
  if (fp.kind === "create" || (original === null && createsFromNothing)) {
    if (original !== null && original !== "") {
      throw new PatchError("the patch creates the file, but it already exists");
    }
    return createText(fp);
  }
  if (original === null) throw new PatchError("the file does not exist");
  if (fp.kind === "delete") return deleteText(original, fp);

  const file = _toLines(original);
  const eol = _dominantEol(file);
  // One index for all hunks: each is then found in the time its lines take.
  const wanted = new Set<string>();
  for (const h of fp.hunks) for (const l of h.lines) if (l.kind !== "+") wanted.add(l.text);
  const index = indexLines(file, wanted);
  const located: { loc: Located; index: number }[] = [];
  const taken: Located[] = [];
  let prevEnd = 0;
  for (const [i, hunk] of fp.hunks.entries()) {
    const loc = locateHunk(hunk, i + 1, file, prevEnd, taken, index);
    located.push({ loc, index: i + 1 });
    taken.push(loc);
    prevEnd = loc.end;
  }
  const sorted = [...located].sort((a, b) => a.loc.start - b.loc.start || a.index - b.index);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (b.loc.start < a.loc.end) {
      throw new PatchError(
        `hunk ${b.index} overlaps hunk ${a.index} (both cover line ${b.loc.start + 1})`,
        b.index,
      );
    }
  }
  // Final newline: kept as it was, unless the hunk reaching the end says so.
  let finalNoEol = file.length > 0 && file[file.length - 1]!.eol === "";
  const tail = sorted.find((s) => s.loc.end === file.length && s.loc.start <= file.length);
  if (tail) {
    const h = fp.hunks[tail.index - 1]!;
    if (h.newNoNewline) finalNoEol = true;
    else if (h.oldNoNewline) finalNoEol = false;
  }
  // Where each line starts in the original: an untouched stretch is copied as
  // one slice with its own line endings, so a small patch to a large file
  // costs its hunks, not a copy per line.
  const offsets = new Array<number>(file.length + 1);
  offsets[0] = 0;
  for (let i = 0; i < file.length; i++) {
    const l = file[i]!;
    offsets[i + 1] = offsets[i]! + l.text.length + l.eol.length;
  }
  const parts: string[] = [];
  // The length of the last line ending written: a final newline the result
  // must not have is taken off it (the last line's own text is kept whole).
  let lastEnd = 0;
  let f = 0;
  const copy = (from: number, to: number) => {
    if (from >= to) return;
    parts.push(original.slice(offsets[from], offsets[to]));
    lastEnd = file[to - 1]!.eol.length;
  };
  for (const { loc } of sorted) {
    copy(f, loc.start);
    for (const l of loc.lines) {
      const end = l.eol === null || l.eol === "" ? eol : l.eol;
      parts.push(l.text, end);
      lastEnd = end.length;
    }
    f = loc.end;
  }
  copy(f, file.length);
  let text = parts.join("");
  if (finalNoEol && lastEnd > 0) text = text.slice(0, text.length - lastEnd);
  const hunks = located.map(({ loc, index }) => ({
    index,
    strategy: loc.strategy,
    line: loc.start + 1,
  }));
  return { text, hunks };
}
