/**
 * Fuzzy alignment of a hunk's old side onto a file: a semi-global edit
 * distance where a context line may be altered or absent from the file and a
 * file line may be absent from the hunk, while removed lines must match.
 * Every co-optimal alignment is returned, so the caller can refuse when they
 * disagree instead of silently picking one.
 *
 * @module
 */

import type { HunkLine } from "./types.ts";

/** Cost of one altered, missing or extra line; whitespace-only differences cost 1. */
export const UNIT = 1000;

/** For each old-side line, the file index it matched, or -1. */
export type Align = number[];

/**
 * Whitespace-insensitive key of a line.
 *
 * @param s The line.
 * @returns The line without any whitespace.
 */
export function _norm(s: string): string {
  return s.replace(/\s+/g, "");
}

const MAX_PATHS = 32;

/**
 * All co-optimal alignments of the hunk's old side ending anywhere in the file whose cost
 * is at most `budget` units.
 *
 * @param hunk The hunk's lines.
 * @param file The file's lines.
 * @param budget Largest number of altered, missing or extra lines.
 * @returns Alignments with their costs (in 1/UNIT units for whitespace).
 */
export function fuzzyAlign(
  hunk: readonly HunkLine[],
  file: readonly string[],
  budget: number,
): { cost: number; align: Align }[] {
  const old = hunk.filter((l) => l.kind !== "+");
  // joined[i]: old lines i-1 and i are removals next to each other in the
  // hunk, one removed block that must stay contiguous in the file.
  const joined: boolean[] = [false];
  for (let h = 1, i = 0; h < hunk.length; h++) {
    if (hunk[h - 1]!.kind !== "+") i++;
    if (hunk[h]!.kind !== "+") joined[i] = hunk[h]!.kind === "-" && hunk[h - 1]!.kind === "-";
  }
  const m = old.length;
  const n = file.length;
  const keys = old.map((l) => _norm(l.text));
  const fileKeys = file.map(_norm);
  const INF = 1 << 30;
  const W = n + 1;
  const D = new Float64Array((m + 1) * W).fill(INF);
  for (let j = 0; j <= n; j++) D[j] = 0;
  const matchCost = (i: number, j: number): number =>
    old[i]!.text === file[j] ? 0 : keys[i] === fileKeys[j] ? 1 : -1;
  // A file line may be skipped between two hunk lines, but not inside a
  // removed block.
  const canSkip = (i: number) => i < m && !joined[i];
  for (let i = 1; i <= m; i++) {
    const ctx = old[i - 1]!.kind === " ";
    const skip = canSkip(i);
    const row = i * W;
    const prev = (i - 1) * W;
    for (let j = 0; j <= n; j++) {
      let best = INF;
      if (j > 0) {
        const c = matchCost(i - 1, j - 1);
        if (c >= 0) best = D[prev + j - 1]! + c;
        else if (ctx) best = D[prev + j - 1]! + UNIT;
      }
      if (ctx) best = Math.min(best, D[prev + j]! + UNIT);
      if (skip && j > 0) best = Math.min(best, D[row + j - 1]! + UNIT);
      D[row + j] = Math.min(best, INF);
    }
  }
  const limit = (budget + 1) * UNIT;
  const out: { cost: number; align: Align }[] = [];
  for (let j = 1; j <= n; j++) {
    const total = D[m * W + j]!;
    if (total >= limit) continue;
    const paths: Align[] = [];
    const walk = (i: number, jj: number, align: Align) => {
      if (paths.length >= MAX_PATHS) return;
      if (i === 0) {
        if (align.some((k) => k >= 0)) paths.push([...align]);
        return;
      }
      const here = D[i * W + jj]!;
      const ctx = old[i - 1]!.kind === " ";
      if (jj > 0) {
        const c = matchCost(i - 1, jj - 1);
        const p = D[(i - 1) * W + jj - 1]!;
        if (c >= 0 && p + c === here) {
          align[i - 1] = jj - 1;
          walk(i - 1, jj - 1, align);
          align[i - 1] = -1;
        } else if (c < 0 && ctx && p + UNIT === here) {
          walk(i - 1, jj - 1, align); // altered context line: the file's version stays
        }
      }
      if (ctx && D[(i - 1) * W + jj]! + UNIT === here) walk(i - 1, jj, align); // not in the file
      if (canSkip(i) && jj > 0 && D[i * W + jj - 1]! + UNIT === here) walk(i, jj - 1, align); // left out
    };
    walk(m, j, new Array(m).fill(-1));
    for (const align of paths) out.push({ cost: total, align });
  }
  return out;
}
