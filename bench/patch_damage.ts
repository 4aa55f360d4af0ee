/**
 * Deterministic (seeded) damage of clean single-hunk diffs, the way models
 * get diffs wrong: line numbers, counts, bare headers, dropped context,
 * whitespace drift, prose and fences, missing prefixes, CRLF.
 *
 * @module
 */

/** A clean diff of one hunk (or one created / deleted file). */
export interface CleanCase {
  /** Stable id: package, versions, file, hunk. */
  id: string;
  /** File path relative to the package root. */
  path: string;
  /** "modify", "create" or "delete" (one hunk), or "multi" (every hunk of a file). */
  kind: "modify" | "create" | "delete" | "multi";
  /** Header numbers of the hunk. */
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** Body lines with their prefix (" ", "-", "+", "\\"). */
  lines: string[];
  /** The file before (null when created). */
  before: string | null;
  /** The expected file after (null when deleted). */
  after: string | null;
}

/** The damage kinds, in report order. */
export const DAMAGE_KINDS = [
  "clean",
  "wrong_line_numbers",
  "wrong_counts",
  "bare_headers",
  "dropped_context",
  "whitespace_drift",
  "fences_prose",
  "no_prefixes",
  "crlf_reply",
  "crlf_file",
  "combined",
  "multi_hunk",
] as const;

/** One damage kind. */
export type DamageKind = typeof DAMAGE_KINDS[number];

/** A damaged case: the reply text and the files before and after. */
export interface DamagedCase {
  /** Case id with the damage kind. */
  id: string;
  /** The damage kind. */
  damage: DamageKind;
  /** Path of the target file. */
  path: string;
  /** The reply text fed to each tool. */
  reply: string;
  /** File content before (null when the file does not exist). */
  before: string | null;
  /** Expected content after (null when deleted). */
  after: string | null;
  /**
   * True when a dropped context line sat in a gap where lines are added, so
   * the reply no longer says whether they go before or after it.
   */
  lossy: boolean;
}

/**
 * A seeded random generator (mulberry32): small, fast, deterministic.
 *
 * @param seed The seed.
 * @returns A function giving numbers in [0, 1).
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * FNV-1a hash of a string, for per-case seeds.
 *
 * @param s The string.
 * @returns An unsigned 32-bit hash.
 */
export function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface Render {
  header: string | null;
  gitLine: boolean;
  prefixes: boolean;
  lines: string[];
}

function range(start: number, count: number): string {
  return count === 1 ? `${start}` : `${start},${count}`;
}

function render(c: CleanCase, r: Render): string {
  const a = r.prefixes ? "a/" : "";
  const b = r.prefixes ? "b/" : "";
  const oldName = c.kind === "create" ? "/dev/null" : a + c.path;
  // (multi cases modify an existing file like "modify" ones)
  const newName = c.kind === "delete" ? "/dev/null" : b + c.path;
  const out: string[] = [];
  if (r.gitLine) {
    out.push(`diff --git ${a}${c.path} ${b}${c.path}`);
    if (c.kind === "create") out.push("new file mode 100644");
    if (c.kind === "delete") out.push("deleted file mode 100644");
  }
  out.push(`--- ${oldName}`, `+++ ${newName}`);
  if (r.header !== null) out.push(r.header);
  out.push(...r.lines);
  return out.join("\n") + "\n";
}

function cleanHeader(c: CleanCase): string {
  return `@@ -${range(c.oldStart, c.oldLines)} +${range(c.newStart, c.newLines)} @@`;
}

const toCrlf = (s: string) => s.replace(/\r?\n/g, "\r\n");

const PROSE_BEFORE = [
  "The failing test comes from an off-by-one in this function. Here is the fix:",
  "I looked at the error and updated the file accordingly.\n\nChanges:",
  "Sure! Below is a patch that should make the build pass.",
  "Root cause: the option is not handled. Apply this diff:",
];
const PROSE_AFTER = [
  "This keeps the public API unchanged.",
  "Let me know if the tests still fail.",
  "- keeps behaviour for existing callers\n- adds the missing case",
  "After applying it, run the test suite again.",
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** Whether a dropped line shares its gap (between kept old-side lines) with added lines. */
function lossyDrop(lines: readonly string[], drop: ReadonlySet<number>): boolean {
  for (const d of drop) {
    let added = false;
    let i = d - 1;
    for (; i >= 0 && (lines[i]![0] === "+" || drop.has(i)); i--) added ||= lines[i]![0] === "+";
    const bounded = i >= 0;
    let j = d + 1;
    for (; j < lines.length && (lines[j]![0] === "+" || drop.has(j)); j++) {
      added ||= lines[j]![0] === "+";
    }
    if (added && bounded && j < lines.length) return true;
  }
  return false;
}

function dropContext(
  lines: string[],
  r: () => number,
): { lines: string[]; lossy: boolean } | null {
  const ctx = lines.map((l, i) => (l[0] === " " ? i : -1)).filter((i) => i >= 0);
  if (ctx.length < 2) return null;
  const n = ctx.length >= 6 && r() < 0.33 ? 2 : 1;
  const drop = new Set<number>();
  while (drop.size < n) drop.add(pick(r, ctx));
  return { lines: lines.filter((_, i) => !drop.has(i)), lossy: lossyDrop(lines, drop) };
}

function driftWhitespace(lines: string[], r: () => number): string[] | null {
  const ctx = lines.map((l, i) => (l[0] === " " ? i : -1)).filter((i) => i >= 0);
  if (ctx.length === 0) return null;
  const out = [...lines];
  const n = 1 + Math.floor(r() * Math.min(3, ctx.length));
  const chosen = new Set<number>();
  while (chosen.size < n) chosen.add(pick(r, ctx));
  for (const i of chosen) {
    const text = out[i]!.slice(1);
    const how = Math.floor(r() * 5);
    let t: string;
    if (text.trim() === "") t = "";
    else if (how === 0) t = text + "  ";
    else if (how === 1) t = text.replace(/^\t/, "  ").replace(/^ {2}/, "\t");
    else if (how === 2) t = "  " + text;
    else if (how === 3) t = text.trimStart();
    else t = text.replace(/ /, "  ");
    // A blank context line whose leading space an editor stripped.
    out[i] = text.trim() === "" ? "" : " " + t;
  }
  return out;
}

function shiftNumbers(c: CleanCase, r: () => number): string {
  let d = (1 + Math.floor(r() * 60)) * (r() < 0.5 ? -1 : 1);
  if (c.oldStart + d < 1) d = -d;
  return `@@ -${range(c.oldStart + d, c.oldLines)} +${range(c.newStart + d, c.newLines)} @@`;
}

function wrongCounts(c: CleanCase, r: () => number): string {
  const bump = (n: number) => {
    let d = (1 + Math.floor(r() * 3)) * (r() < 0.5 ? -1 : 1);
    if (n + d < 0) d = -d;
    return n + d;
  };
  return `@@ -${c.oldStart},${bump(c.oldLines)} +${c.newStart},${bump(c.newLines)} @@`;
}

function fence(body: string, r: () => number): string {
  const lang = pick(r, ["diff", "patch", "", "diff"]);
  return `${pick(r, PROSE_BEFORE)}\n\n\`\`\`${lang}\n${body}\`\`\`\n\n${pick(r, PROSE_AFTER)}\n`;
}

/**
 * Produce one damaged case, or null when the damage does not apply to it
 * (no context lines to drop, no line numbers to shift for a new file).
 *
 * @param c The clean case.
 * @param damage The damage kind.
 * @param seed The corpus seed.
 * @returns The damaged case or null.
 */
export function damage(c: CleanCase, damage: DamageKind, seed: number): DamagedCase | null {
  const r = rng(hash(`${seed}:${c.id}:${damage}`));
  const base: Render = { header: cleanHeader(c), gitLine: true, prefixes: true, lines: c.lines };
  const whole = c.kind !== "modify";
  // Multi-hunk cases get one damage of their own: every header bare, no
  // prefixes, fenced in prose, the way models write whole-file changes.
  if ((c.kind === "multi") !== (damage === "multi_hunk")) return null;
  let reply: string;
  let before = c.before;
  let after = c.after;
  let lossy = false;
  switch (damage) {
    case "clean":
      reply = render(c, base);
      break;
    case "wrong_line_numbers":
      if (whole) return null;
      reply = render(c, { ...base, header: shiftNumbers(c, r) });
      break;
    case "wrong_counts":
      reply = render(c, { ...base, header: wrongCounts(c, r) });
      break;
    case "bare_headers":
      reply = render(c, { ...base, header: pick(r, ["@@ @@", "@@"]) });
      break;
    case "dropped_context": {
      const dropped = whole ? null : dropContext(c.lines, r);
      if (!dropped) return null;
      lossy = dropped.lossy;
      reply = render(c, { ...base, lines: dropped.lines });
      break;
    }
    case "whitespace_drift": {
      const lines = whole ? null : driftWhitespace(c.lines, r);
      if (!lines) return null;
      reply = render(c, { ...base, lines });
      break;
    }
    case "fences_prose":
      reply = fence(render(c, { ...base, gitLine: r() < 0.5 }), r);
      break;
    case "no_prefixes":
      reply = render(c, { ...base, gitLine: false, prefixes: false });
      break;
    case "crlf_reply":
      reply = toCrlf(render(c, base));
      break;
    case "crlf_file":
      reply = render(c, base);
      before = before === null ? null : toCrlf(before);
      after = after === null || c.kind === "create" ? after : toCrlf(after);
      break;
    case "multi_hunk": {
      const lines = c.lines.map((l) => (l.startsWith("@@") ? "@@ @@" : l));
      reply = fence(render(c, { header: "@@ @@", gitLine: false, prefixes: false, lines }), r);
      break;
    }
    case "combined": {
      if (whole) return null;
      const dropped = r() < 0.5 ? dropContext(c.lines, r) : null;
      lossy = dropped?.lossy ?? false;
      const lines = dropped?.lines ?? c.lines;
      const drifted = (r() < 0.5 ? driftWhitespace(lines, r) : null) ?? lines;
      const header = pick(r, ["@@ @@", shiftNumbers(c, r), wrongCounts(c, r)]);
      reply = fence(render(c, { header, gitLine: false, prefixes: r() < 0.5, lines: drifted }), r);
      break;
    }
  }
  return { id: `${c.id}#${damage}`, damage, path: c.path, reply, before, after, lossy };
}
