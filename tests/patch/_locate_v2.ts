// Frozen copy of patch/_locate.ts before files were held as offsets into their
// text: the locator of the oracle _apply_v2.ts. Do not edit.
/**
 * Locating one hunk in a file: exactly at the header's line, then anywhere
 * (recounting from the body), then whitespace-insensitively, then fuzzily
 * (an alignment tolerating a missing or altered context line). Every step
 * accepts only an unambiguous answer; a tie is a refusal that names the
 * candidate lines.
 *
 * @module
 */

import { _norm, type Align, fuzzyAlign, UNIT } from "../../patch/_fuzzy.ts";
import { type Hunk, type HunkPlacement, PatchError } from "../../patch/types.ts";

/** A line of the file being patched, with its own line ending. */
export interface SourceLine {
  /** Text without line ending. */
  text: string;
  /** "\n", "\r\n" or "" (last line without newline). */
  eol: string;
}

/** Where a hunk goes and what replaces the span it covers. */
export interface Located {
  /** First file index covered (0-based). */
  start: number;
  /** One past the last file index covered. */
  end: number;
  /** Replacement lines; `eol` null for lines the patch adds. */
  lines: { text: string; eol: string | null }[];
  /** Strategy that found it. */
  strategy: HunkPlacement["strategy"];
}

/** A candidate placement: its cost, and why it is unsafe when it is. */
interface Candidate extends Located {
  cost: number;
  problem?: string;
}

export { _norm };

/**
 * Name a hunk for messages: number, header and its first two lines.
 *
 * @param hunk The hunk.
 * @param index Its 1-based number.
 * @returns For example `hunk 2 (@@ -3,4 +3,5 @@, starting " a", "-b")`.
 */
export function _describeHunk(hunk: Hunk, index: number): string {
  const first = hunk.lines.slice(0, 2).map((l) => JSON.stringify(l.kind + l.text)).join(", ");
  return `hunk ${index} (${hunk.headerLine}${first ? `, starting ${first}` : ""})`;
}

/**
 * Build the replacement for an alignment of the hunk's old side onto the file.
 * Sets `problem` when added lines could go on either side of a file line the
 * hunk does not mention.
 */
function build(hunk: Hunk, align: Align, file: readonly SourceLine[], cost: number): Candidate {
  const matched = align.filter((k) => k >= 0);
  const start = matched[0]!;
  const end = matched[matched.length - 1]! + 1;
  const out: Located["lines"] = [];
  let problem: string | undefined;
  let f = start;
  let oi = 0;
  const copyTo = (k: number) => {
    for (; f < k; f++) out.push(file[f]!);
  };
  const nextMatched = (from: number): number => {
    for (let o = from; o < align.length; o++) if (align[o]! >= 0) return align[o]!;
    return -1;
  };
  const lines = hunk.lines;
  for (let idx = 0; idx < lines.length; idx++) {
    const line = lines[idx]!;
    if (line.kind === "+") {
      if (idx === 0 || lines[idx - 1]!.kind !== "+") {
        // A file line the hunk left out, in the gap where lines are added,
        // makes their place unknowable: before it, after it, or in between.
        const next = nextMatched(oi);
        if (next > f) {
          problem ??= `the hunk leaves out file line ${f + 1} (${
            JSON.stringify(file[f]!.text)
          }) next to the lines it adds, so they could go before or after it`;
        }
      }
      out.push({ text: line.text, eol: null });
      continue;
    }
    const k = align[oi++]!;
    if (k < 0) continue;
    copyTo(k);
    if (line.kind === " ") out.push(file[k]!);
    f = k + 1;
  }
  copyTo(end);
  const cand: Candidate = { start, end, lines: out, strategy: "exact", cost };
  if (problem !== undefined) cand.problem = problem;
  return cand;
}

/**
 * Positions of each exact line text in a file, ascending: built once per file
 * so that finding a hunk costs what its lines occur, not the file's length.
 */
export type LineIndex = ReadonlyMap<string, readonly number[]>;

/**
 * Index a file's lines by their exact text.
 *
 * @param file The file's lines.
 * @param only When given, index only these texts (the lines the hunks look
 *   for): a small patch to a large file then allocates next to nothing.
 * @returns Each text's positions, ascending.
 */
export function indexLines(file: readonly SourceLine[], only?: ReadonlySet<string>): LineIndex {
  const index = new Map<string, number[]>();
  // With a set of wanted texts, a numeric key (length and three characters)
  // turns most lines away before their text is hashed: a small patch to a
  // large file then costs a comparison per line, not a string lookup.
  const keys = only === undefined ? undefined : new Set([...only].map(_lineKey));
  for (let i = 0; i < file.length; i++) {
    const text = file[i]!.text;
    if (keys !== undefined && (!keys.has(_lineKey(text)) || !only!.has(text))) continue;
    const at = index.get(text);
    if (at) at.push(i);
    else index.set(text, [i]);
  }
  return index;
}

/** A cheap numeric digest of a line: equal texts always have equal keys. */
function _lineKey(text: string): number {
  const n = text.length;
  if (n === 0) return 0;
  let h = Math.imul(n, 65599) + text.charCodeAt(0);
  h = Math.imul(h, 65599) + text.charCodeAt(n >> 1);
  h = Math.imul(h, 65599) + text.charCodeAt(n - 1);
  return h & 0x3fffffff; // a small integer: no number is allocated per line
}

/**
 * Every position where the old side occurs exactly, ascending. Anchored on
 * its rarest line, so a hunk whose first line is `}` does not visit every
 * brace in the file; the result is the same set a scan of the file finds.
 */
function contiguousMatches(
  old: readonly string[],
  file: readonly SourceLine[],
  index: LineIndex,
): number[] {
  let anchor = 0;
  let at: readonly number[] = index.get(old[0]!) ?? [];
  for (let i = 1; i < old.length && at.length > 1; i++) {
    const here = index.get(old[i]!) ?? [];
    if (here.length < at.length) [anchor, at] = [i, here];
  }
  const found: number[] = [];
  for (const q of at) {
    const p = q - anchor;
    if (p < 0 || p + old.length > file.length) continue;
    let ok = true;
    for (let i = 0; i < old.length && ok; i++) ok = i === anchor || file[p + i]!.text === old[i];
    if (ok) found.push(p);
  }
  return found;
}

/**
 * Render what one candidate makes of the lines from `lo` to `hi`. Candidates
 * that all lie within that span leave everything outside it alike, so equal
 * renderings mean equal files, without rendering the whole file per tie.
 */
function resultKey(file: readonly SourceLine[], loc: Located, lo: number, hi: number): string {
  const parts: string[] = [];
  for (let i = lo; i < loc.start; i++) parts.push(file[i]!.text);
  for (const l of loc.lines) parts.push(l.text);
  for (let i = loc.end; i < hi; i++) parts.push(file[i]!.text);
  return parts.join("\n");
}

/** True when every candidate gives the same file; stops at the first difference. */
function allSame(file: readonly SourceLine[], cands: readonly Located[]): boolean {
  if (cands.length <= 1) return true;
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of cands) {
    lo = Math.min(lo, c.start);
    hi = Math.max(hi, c.end);
  }
  const first = resultKey(file, cands[0]!, lo, hi);
  return cands.every((c, i) => i === 0 || resultKey(file, c, lo, hi) === first);
}

/** Keep candidates after the previous hunk; fall back to any that do not overlap. */
function ordered(cands: Candidate[], prevEnd: number, taken: readonly Located[]): Candidate[] {
  const after = cands.filter((c) => c.start >= prevEnd);
  if (after.length > 0) return after;
  return cands.filter((c) => taken.every((t) => c.end <= t.start || c.start >= t.end));
}

const lineList = (cs: readonly { start: number }[]) =>
  cs.slice(0, 6).map((c) => c.start + 1).join(", ") + (cs.length > 6 ? ", …" : "");

/**
 * Pick the one safe candidate. Candidates whose spans overlap are one place.
 * A place the header points at wins; otherwise there must be only one place.
 * Within the chosen place, the best alignments must agree.
 */
function choose(
  all: Candidate[],
  file: readonly SourceLine[],
  what: string,
  preferred: (c: Candidate) => boolean,
): Candidate | string | null {
  if (all.length === 0) return null;
  const sorted = [...all].sort((a, b) => a.start - b.start || a.end - b.end);
  const places: Candidate[][] = [];
  let reach = -1;
  for (const c of sorted) {
    if (places.length > 0 && c.start < reach) places[places.length - 1]!.push(c);
    else places.push([c]);
    reach = Math.max(reach, c.end);
  }
  const bests = places.map((p) => {
    const min = p.reduce((m, c) => Math.min(m, c.cost), Infinity);
    return p.filter((c) => c.cost === min);
  });
  const pointed = bests.filter((b) => b.some(preferred));
  let best: Candidate[];
  if (pointed.length === 1) best = pointed[0]!;
  else if (allSame(file, bests.map((b) => b[0]!))) best = bests[0]!;
  else {
    return `its context matches ${what} at ${places.length} places (lines ${
      lineList(bests.map((b) => b[0]!))
    }); add context lines that tell them apart`;
  }
  const problem = best.find((c) => c.problem)?.problem;
  if (problem) return problem;
  if (!allSame(file, best)) {
    return `its lines can be matched ${what} in ${best.length} different ways near line ${
      best[0]!.start + 1
    }; add context lines around the change`;
  }
  return best[0]!;
}

const plain = (c: Candidate, strategy: Located["strategy"]): Located => ({
  start: c.start,
  end: c.end,
  lines: c.lines,
  strategy,
});

/** Number of context lines before the first change and after the last one. */
function contextEdges(hunk: Hunk): { lead: number; trail: number; changes: boolean } {
  const kinds = hunk.lines.map((l) => l.kind);
  const first = kinds.findIndex((k) => k !== " ");
  if (first < 0) return { lead: kinds.length, trail: 0, changes: false };
  let last = kinds.length - 1;
  while (kinds[last] === " ") last--;
  return { lead: first, trail: kinds.length - 1 - last, changes: true };
}

/** Largest hunk (old side) searched fuzzily; the path walk recurses once per line. */
const MAX_FUZZY_LINES = 2000;

/**
 * Locate one hunk in the original file.
 *
 * @param hunk The hunk.
 * @param index 1-based hunk number (for messages).
 * @param file The original file's lines.
 * @param prevEnd End of the previous hunk of this file (hunks come in order).
 * @param taken Spans already claimed by earlier hunks.
 * @param lineIndex The file's {@link indexLines}; built here when not given, so
 *   callers placing many hunks in one file should build it once.
 * @returns The placement.
 * @throws {PatchError} When the hunk is not found or is ambiguous.
 */
export function locateHunk(
  hunk: Hunk,
  index: number,
  file: readonly SourceLine[],
  prevEnd: number,
  taken: readonly Located[],
  lineIndex: LineIndex = indexLines(file),
): Located {
  const fail: (why: string) => never = (why) => {
    throw new PatchError(`${_describeHunk(hunk, index)}: ${why}`, index);
  };
  const old = hunk.lines.filter((l) => l.kind !== "+");
  const h = hunk.header;
  if (old.length === 0) {
    const added = hunk.lines.map((l) => ({ text: l.text, eol: null }));
    if (file.length === 0) return { start: 0, end: 0, lines: added, strategy: "exact" };
    if (!h) fail("it has no context lines and no line numbers, so nothing says where it goes");
    const at = Math.min(h!.oldStart, file.length);
    return { start: at, end: at, lines: added, strategy: "exact" };
  }
  const countsOk = h !== null && (h.oldLines ?? 1) === old.length &&
    (h.newLines ?? 1) === hunk.lines.length - hunk.lines.filter((l) => l.kind === "-").length;
  const expected = h === null ? null : Math.max(0, h.oldStart - 1);
  const atHeader = (c: Candidate) => countsOk && c.start === expected;
  // As in git: a hunk with context before its changes and none after ends at
  // the end of the file (and the mirror for the start), unless its header
  // and counts put it exactly where it matches.
  const edges = contextEdges(hunk);
  const endAnchored = edges.changes && edges.trail === 0 && edges.lead > 0;
  const startAnchored = edges.changes && edges.lead === 0 && edges.trail > 0;
  let anchorMiss: Candidate | null = null;
  const admissible = (cs: Candidate[]) =>
    cs.filter((c) => {
      const ok = atHeader(c) || ((!endAnchored || c.end === file.length) &&
        (!startAnchored || c.start === 0));
      if (!ok) anchorMiss ??= c;
      return ok;
    });

  // When the counts say lines are missing from the body, an exact match of
  // what is left is no proof: it joins the fuzzy pool below.
  const countsShort = h !== null && h.oldLines !== null && h.oldLines > old.length;
  if (!countsShort) {
    const cands = contiguousMatches(old.map((l) => l.text), file, lineIndex)
      .map((p) => build(hunk, old.map((_, i) => p + i), file, 0));
    const exact = choose(admissible(ordered(cands, prevEnd, taken)), file, "exactly", atHeader);
    if (typeof exact === "string") fail(exact);
    if (exact) return plain(exact, atHeader(exact) ? "exact" : "offset");
  }

  // Whitespace-only matches and matches with a line off compete in one pool:
  // a whitespace match is not trusted while a near-copy elsewhere is as good.
  const ctx = old.filter((l) => l.kind === " ").length;
  // One off line per two context lines, at most two: enough for a dropped or
  // altered line, not enough to make unrelated code look alike.
  const budget = Math.min(2, Math.max(1, Math.floor(ctx / 2)));
  // The alignment's table and its path walk grow with both sides: past
  // these sizes an exact match is the only safe answer.
  if (old.length * file.length > 20_000_000 || old.length > MAX_FUZZY_LINES) {
    fail(
      `its context is not found as written, and the file (${file.length} lines) is too large to search fuzzily`,
    );
  }
  const found = fuzzyAlign(hunk.lines, file.map((l) => l.text), budget).filter(
    ({ cost, align }) => {
      const units = Math.floor(cost / UNIT);
      const hits = align.filter((k) => k >= 0).length;
      return units === 0 || (hits >= 2 && hits * 2 >= old.length && hits >= 2 * units);
    },
  ).map((f) => build(hunk, f.align, file, f.cost));
  // The header's line (when there is one) breaks a tie between near-copies;
  // one line of slack covers a dropped first context line.
  const nearHeader = (c: Candidate) => expected !== null && Math.abs(c.start - expected) <= 1;
  const fz = choose(
    admissible(ordered(found, prevEnd, taken)),
    file,
    "ignoring whitespace or with a line off",
    nearHeader,
  );
  if (typeof fz === "string") fail(fz);
  if (fz) {
    return plain(fz, fz.cost === 0 ? "offset" : fz.cost < UNIT ? "whitespace" : "fuzzy");
  }
  if (anchorMiss !== null) {
    const c: Candidate = anchorMiss;
    fail(
      endAnchored
        ? `it has no context after its changes, which means the end of the file, but it matches at line ${
          c.start + 1
        } and the file goes on for ${file.length - c.end} more line(s); add the lines that follow`
        : `it has no context before its changes, which means the start of the file, but it matches at line ${
          c.start + 1
        }; add the lines that come before`,
    );
  }
  const keys = new Set(file.map((l) => _norm(l.text)));
  const missing = old.find((l) => !keys.has(_norm(l.text)) && l.text.trim() !== "");
  if (missing) {
    fail(
      `its ${missing.kind === "-" ? "removed" : "context"} line ${
        JSON.stringify(missing.text)
      } is not in the file`,
    );
  }
  return fail("its lines are in the file but not together in this order");
}
