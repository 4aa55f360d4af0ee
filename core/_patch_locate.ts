/**
 * Locating one hunk in a file: exactly at the header's line, then anywhere
 * (recounting from the body), then whitespace-insensitively, then fuzzily
 * (an alignment tolerating a missing or altered context line). Every step
 * accepts only an unambiguous answer; a tie is a refusal that names the
 * candidate lines.
 *
 * @module
 */

import { type Hunk, type HunkPlacement, PatchError } from "./_patch_types.ts";

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

type Align = number[];

/** Whitespace-insensitive key of a line. */
export function _norm(s: string): string {
  return s.replace(/\s+/g, "");
}

/** Quote up to the first two old-side lines of a hunk for messages. */
export function _describeHunk(hunk: Hunk, index: number): string {
  const first = hunk.lines.slice(0, 2).map((l) => JSON.stringify(l.kind + l.text)).join(", ");
  return `hunk ${index} (${hunk.headerLine}${first ? `, starting ${first}` : ""})`;
}

/**
 * Build the replacement for an alignment of the hunk's old side onto the file.
 * Returns a string naming the file line when inserted lines could go on
 * either side of a file line the hunk does not mention.
 */
function build(hunk: Hunk, align: Align, file: readonly SourceLine[]): Located | string {
  const matched = align.filter((k) => k >= 0);
  const start = matched[0]!;
  const end = matched[matched.length - 1]! + 1;
  const out: Located["lines"] = [];
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
        let after = idx;
        while (after < lines.length && lines[after]!.kind === "+") after++;
        const prevRemoved = idx > 0 && lines[idx - 1]!.kind === "-";
        const next = nextMatched(oi);
        if (!prevRemoved && next > f) {
          if (lines[after]?.kind === "-") copyTo(next);
          else {
            return `the hunk leaves out file line ${f + 1} (${
              JSON.stringify(file[f]!.text)
            }) next to the lines it adds, so they could go before or after it`;
          }
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
  return { start, end, lines: out, strategy: "exact" };
}

function oldSide(hunk: Hunk): Hunk["lines"] {
  return hunk.lines.filter((l) => l.kind !== "+");
}

function contiguousMatches(
  old: readonly string[],
  file: readonly string[],
): number[] {
  const found: number[] = [];
  const first = old[0]!;
  for (let p = 0; p + old.length <= file.length; p++) {
    if (file[p] !== first) continue;
    let ok = true;
    for (let i = 1; i < old.length && ok; i++) ok = file[p + i] === old[i];
    if (ok) found.push(p);
  }
  return found;
}

/**
 * Semi-global alignment of the old side onto the file. Context lines may be
 * altered (substituted) or absent from the file, and a file line may be
 * missing from the hunk's context; removed lines must match. Returns every
 * best alignment within the budget.
 */
function fuzzyAlign(
  old: Hunk["lines"],
  fileKeys: readonly string[],
  budget: number,
): { cost: number; aligns: Align[] } {
  const m = old.length;
  const n = fileKeys.length;
  const keys = old.map((l) => _norm(l.text));
  const INF = 1 << 20;
  const W = n + 1;
  const D = new Int32Array((m + 1) * W).fill(INF);
  for (let j = 0; j <= n; j++) D[j] = 0;
  for (let i = 1; i <= m; i++) {
    const ctx = old[i - 1]!.kind === " ";
    // A file line may be skipped between two hunk lines, but not inside a run
    // of removed lines (they must stay contiguous).
    const canSkip = i < m && !(old[i - 1]!.kind === "-" && old[i]!.kind === "-");
    const row = i * W;
    const prev = (i - 1) * W;
    for (let j = 0; j <= n; j++) {
      let best = INF;
      if (j > 0) {
        const same = keys[i - 1] === fileKeys[j - 1];
        if (same) best = D[prev + j - 1]!;
        else if (ctx) best = D[prev + j - 1]! + 1;
      }
      if (ctx && D[prev + j]! + 1 < best) best = D[prev + j]! + 1;
      if (canSkip && j > 0 && D[row + j - 1]! + 1 < best) best = D[row + j - 1]! + 1;
      D[row + j] = best > INF ? INF : best;
    }
  }
  let cost = INF;
  for (let j = 1; j <= n; j++) cost = Math.min(cost, D[m * W + j]!);
  if (cost > budget) return { cost, aligns: [] };
  const aligns: Align[] = [];
  for (let j = 1; j <= n; j++) {
    if (D[m * W + j] !== cost) continue;
    const align: Align = new Array(m).fill(-1);
    let i = m;
    let jj = j;
    while (i > 0) {
      const ctx = old[i - 1]!.kind === " ";
      const here = D[i * W + jj]!;
      const canSkip = i < m && !(old[i - 1]!.kind === "-" && old[i]!.kind === "-");
      if (jj > 0 && keys[i - 1] === fileKeys[jj - 1] && D[(i - 1) * W + jj - 1] === here) {
        align[i - 1] = jj - 1;
        i--;
        jj--;
      } else if (jj > 0 && ctx && D[(i - 1) * W + jj - 1]! + 1 === here) {
        i--; // altered context line: keep the file's version
        jj--;
      } else if (ctx && D[(i - 1) * W + jj]! + 1 === here) {
        i--; // context line the file does not have
      } else if (canSkip && jj > 0 && D[i * W + jj - 1]! + 1 === here) {
        jj--; // file line the hunk left out
      } else break;
    }
    if (align.some((k) => k >= 0)) aligns.push(align);
  }
  return { cost, aligns };
}

/** Render the full result of one candidate, to tell real ties from equivalent ones. */
function resultKey(file: readonly SourceLine[], loc: Located): string {
  const parts: string[] = [];
  for (let i = 0; i < loc.start; i++) parts.push(file[i]!.text);
  for (const l of loc.lines) parts.push(l.text);
  for (let i = loc.end; i < file.length; i++) parts.push(file[i]!.text);
  return parts.join("\n");
}

/** Keep candidates after the previous hunk; fall back to any that do not overlap. */
function ordered(cands: Located[], prevEnd: number, taken: readonly Located[]): Located[] {
  const after = cands.filter((c) => c.start >= prevEnd);
  if (after.length > 0) return after;
  return cands.filter((c) => taken.every((t) => c.end <= t.start || c.start >= t.end));
}

function choose(
  cands: Located[],
  file: readonly SourceLine[],
  what: string,
  expected: number | null,
): Located | string | null {
  if (cands.length === 0) return null;
  if (expected !== null) {
    const at = cands.find((c) => c.start === expected);
    if (at) return at;
  }
  if (cands.length === 1) return cands[0]!;
  const keys = new Set(cands.map((c) => resultKey(file, c)));
  if (keys.size === 1) return cands[0]!;
  const where = cands.slice(0, 6).map((c) => c.start + 1).join(", ");
  return `its context matches ${what} at ${cands.length} places (lines ${where}${
    cands.length > 6 ? ", …" : ""
  }); add context lines that tell them apart`;
}

/**
 * Locate one hunk in the original file.
 *
 * @param hunk The hunk.
 * @param index 1-based hunk number (for messages).
 * @param file The original file's lines.
 * @param prevEnd End of the previous hunk of this file (hunks come in order).
 * @param taken Spans already claimed by earlier hunks.
 * @returns The placement.
 * @throws {PatchError} When the hunk is not found or is ambiguous.
 */
export function locateHunk(
  hunk: Hunk,
  index: number,
  file: readonly SourceLine[],
  prevEnd: number,
  taken: readonly Located[],
): Located {
  const fail: (why: string) => never = (why) => {
    throw new PatchError(`${_describeHunk(hunk, index)}: ${why}`, index);
  };
  const old = oldSide(hunk);
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
  const make = (align: Align) => build(hunk, align, file);
  const contiguous = (p: number): Align => old.map((_, i) => p + i);

  const tryMode = (keyOf: (s: string) => string, what: string) => {
    const keys = file.map((l) => keyOf(l.text));
    const built = contiguousMatches(old.map((l) => keyOf(l.text)), keys)
      .map((p) => make(contiguous(p)))
      .filter((c): c is Located => typeof c !== "string");
    return choose(ordered(built, prevEnd, taken), file, what, expected);
  };

  const exact = tryMode((s) => s, "exactly");
  if (typeof exact === "string") fail(exact);
  if (exact) {
    exact.strategy = exact.start === expected && countsOk ? "exact" : "offset";
    return exact;
  }
  const ws = tryMode(_norm, "when whitespace is ignored");
  if (typeof ws === "string") fail(ws);
  if (ws) return { ...ws, strategy: "whitespace" };

  const ctx = old.filter((l) => l.kind === " ").length;
  // One off line per two context lines, at most two: enough for a dropped or
  // altered line, not enough to make unrelated code look alike.
  const budget = Math.min(2, Math.max(1, Math.floor(ctx / 2)));
  const { cost, aligns } = fuzzyAlign(old, file.map((l) => _norm(l.text)), budget);
  const matchedEnough = (a: Align) => {
    const hits = a.filter((k) => k >= 0).length;
    return hits >= 2 && hits * 2 >= old.length && hits >= cost * 2;
  };
  const builds = aligns.filter(matchedEnough).map(make);
  const good = builds.filter((c): c is Located => typeof c !== "string");
  const bad = builds.filter((c): c is string => typeof c === "string");
  const fz = choose(ordered(good, prevEnd, taken), file, "with one line off", null);
  if (typeof fz === "string") fail(fz);
  if (fz && bad.length === 0) return { ...fz, strategy: "fuzzy" };
  if (bad.length > 0) fail(bad[0]!);
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
