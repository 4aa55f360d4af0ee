/**
 * What the fixer shows a model of the repository: windows of the files and
 * lines the failures point at, and a compact map of the tree. Both fit a token
 * budget: windows narrow before files are dropped, the map lists the
 * directories of the failing files first.
 *
 * @module
 */

import type { Failure } from "../core/types.ts";
import { clipLine, type TokenCounter } from "./budget.ts";
import { importsOf, isBarrel, loadProjectHints } from "./imports.ts";

export { importsOf } from "./imports.ts";

/** A file and the lines in it that failures point at. */
export interface FocusPoint {
  /** Path relative to the repository root, with `/` separators. */
  file: string;
  /** 1-based lines (may be empty: the file matters, no line is known). */
  lines: number[];
}

const _IGNORED_DIRS =
  /(^|\/)(node_modules|\.git|dist|build|coverage|vendor|\.next|target|__pycache__|\.venv)\//;

/**
 * Make a reported path relative to the repository root with `/` separators.
 *
 * @param repoRoot Absolute repository root.
 * @param file A path as a tool reported it (absolute, `./`-prefixed, Windows separators).
 * @returns The relative path, or null when it points outside the repository.
 */
export function relativePath(repoRoot: string, file: string): string | null {
  let p = file.replaceAll("\\", "/").trim();
  const root = repoRoot.replaceAll("\\", "/").replace(/\/+$/, "");
  if (p.startsWith(root + "/")) p = p.slice(root.length + 1);
  else if (p.startsWith("/")) return null;
  p = p.replace(/^(\.\/)+/, "");
  if (!p || p.split("/").includes("..")) return null;
  return p;
}

// `path/to/file.ext:12`, `(/abs/path/file.ext:12:5)` or `file:///abs/x.js:3:5`
// as compilers and stack traces of JS/TS, Go, Rust, Ruby, C and others print them.
const _PATH_LINE =
  /(?:^|[\s("'`\[])((?:file:\/\/)?\/?(?:[\w.@+-]+\/)*[\w.@+-]+\.[A-Za-z0-9]{1,8}):(\d{1,6})(?::\d+)?/gm;
// Python: `File "/abs/pkg/mod.py", line 12, in f`.
const _PY_FRAME = /File "([^"\n]+)", line (\d{1,6})/g;
// Java/Kotlin/Scala: `at com.acme.Cls.method(Cls.java:42)`.
const _JVM_FRAME = /\bat ((?:[\w$]+\.)+)[\w$<>]+\(([\w$-]+\.(?:java|kt|scala|groovy)):(\d{1,6})\)/g;

/**
 * Resolve a path a tool printed to a file of the repository: relative to the
 * root, or (for absolute paths of another checkout, such as a CI runner's)
 * the longest known file it ends with.
 *
 * @param repoRoot Absolute repository root.
 * @param raw The printed path.
 * @param known The repository's files.
 * @returns The repository-relative path, or null.
 */
export function resolveMention(repoRoot: string, raw: string, known: Set<string>): string | null {
  const p = raw.replace(/^file:\/\//, "");
  const rel = relativePath(repoRoot, p);
  if (rel && known.has(rel)) return rel;
  const norm = p.replaceAll("\\", "/");
  const base = norm.slice(norm.lastIndexOf("/") + 1);
  // A bare file name (`go test` prints `calc_test.go:12`) names the file
  // when exactly one file of the repository has that name.
  if (!norm.includes("/")) {
    const same = _byBasename(known).get(base) ?? [];
    return same.length === 1 ? same[0]! : null;
  }
  let best: string | null = null;
  for (const f of _byBasename(known).get(norm.slice(norm.lastIndexOf("/") + 1)) ?? []) {
    if ((norm.endsWith("/" + f) || norm === f) && (!best || f.length > best.length)) best = f;
  }
  return best;
}

const _basenames = new WeakMap<Set<string>, Map<string, string[]>>();

// Index of the known files by base name, so resolving a mention does not scan them all.
function _byBasename(known: Set<string>): Map<string, string[]> {
  let index = _basenames.get(known);
  if (index) return index;
  index = new Map();
  for (const f of known) {
    const b = f.slice(f.lastIndexOf("/") + 1);
    const list = index.get(b);
    if (list) list.push(f);
    else index.set(b, [f]);
  }
  _basenames.set(known, index);
  return index;
}

/**
 * Find the files and lines the failures point at: their `file`/`line`
 * fields first, then stack frames of any language and `path:line` mentions
 * in their excerpts and the log that name a file of the repository.
 *
 * @param repoRoot Absolute repository root.
 * @param failures The failures.
 * @param logChunk The extracted log chunk, if any.
 * @param known The repository's files (relative paths), to accept mentions.
 * @returns Focus points, most pointed-at first.
 */
export function focusPoints(
  repoRoot: string,
  failures: Failure[],
  logChunk: string | undefined,
  known: Set<string>,
): FocusPoint[] {
  return _rank(_collect(repoRoot, failures, logChunk, known));
}

type _Weights = Map<string, { lines: Set<number>; weight: number; order: number }>;

function _add(byFile: _Weights, file: string, line: number | undefined, weight: number): void {
  let entry = byFile.get(file);
  if (!entry) {
    entry = { lines: new Set(), weight: 0, order: byFile.size };
    byFile.set(file, entry);
  }
  entry.weight += weight;
  if (line !== undefined && line > 0) entry.lines.add(line);
}

function _collect(
  repoRoot: string,
  failures: Failure[],
  logChunk: string | undefined,
  known: Set<string>,
): _Weights {
  const byFile: _Weights = new Map();
  for (const f of failures) {
    const file = f.file ? relativePath(repoRoot, f.file.replace(/^file:\/\//, "")) : null;
    if (file) _add(byFile, file, f.line, 10);
  }
  // Frames in the failures' own excerpts weigh more than the log's.
  const texts: [string, number][] = [
    ...failures.map((f): [string, number] => [f.excerpt + "\n" + f.message, 2]),
    [logChunk ?? "", 1],
  ];
  for (const [text, weight] of texts) {
    for (const m of text.matchAll(_PATH_LINE)) {
      const file = resolveMention(repoRoot, m[1]!, known);
      if (file) _add(byFile, file, Number(m[2]), weight);
    }
    for (const m of text.matchAll(_PY_FRAME)) {
      const file = resolveMention(repoRoot, m[1]!, known);
      if (file) _add(byFile, file, Number(m[2]), weight);
    }
    for (const m of text.matchAll(_JVM_FRAME)) {
      // The frame names the package and the file's base name: the file is
      // the known one under that package's directory (any source root).
      const pkgDir = m[1]!.split(".").slice(0, -2).join("/");
      const tail = `${pkgDir ? pkgDir + "/" : ""}${m[2]}`;
      const file = (_byBasename(known).get(m[2]!) ?? []).find((f) =>
        f === tail || f.endsWith("/" + tail)
      );
      if (file) _add(byFile, file, Number(m[3]), weight);
    }
  }
  return byFile;
}

function _rank(byFile: _Weights): FocusPoint[] {
  return [...byFile.entries()]
    .sort((a, b) => b[1].weight - a[1].weight || a[1].order - b[1].order)
    .map(([file, e]) => ({ file, lines: [...e.lines].sort((x, y) => x - y) }));
}

/** Options of {@link rankContext}. */
export interface RankOptions {
  /** Reads a repository file (null when missing). */
  readFile: (path: string) => Promise<string | null>;
  /** Files changed since the last green commit (the merge base), repository-relative. */
  changed?: string[];
  /** How many of the top files have their imports followed. @default 4 */
  follow?: number;
}

/**
 * Fault localisation: the files the failures name and the project frames of
 * their stack traces (see {@link focusPoints}), then the modules those files
 * import (JS/TS import graph, Python imports, Go packages, Rust `mod`/`use`),
 * then the files changed since the last green commit, ranked by weight.
 *
 * @param repoRoot Absolute repository root.
 * @param failures The failures.
 * @param logChunk The extracted log chunk.
 * @param known The repository's files.
 * @param options File access, changed files.
 * @returns Focus points, most relevant first.
 */
export async function rankContext(
  repoRoot: string,
  failures: Failure[],
  logChunk: string | undefined,
  known: Set<string>,
  options: RankOptions,
): Promise<FocusPoint[]> {
  const byFile = _collect(repoRoot, failures, logChunk, known);
  const top = _rank(byFile).slice(0, options.follow ?? 4).map((p) => p.file);
  const hints = await loadProjectHints(known, options.readFile);
  // Two hops: what the failing files import (weight 4: an imported module
  // holds the bug as often as the test does, so it ranks after the files the
  // failure names and before loose mentions in the log), then what those
  // import (weight 3 through an index/`__init__`/`mod.rs` that only passes
  // names on, else 1), bounded so a wide import graph cannot crowd the prompt.
  const seen = new Set(top);
  let frontier = top.map((f) => ({ file: f, barrel: false }));
  for (let hop = 0; hop < 2 && frontier.length; hop++) {
    const next: { file: string; barrel: boolean }[] = [];
    for (const { file, barrel } of frontier) {
      const text = await options.readFile(file);
      if (text === null) continue;
      for (const dep of importsOf(file, text, known, hints)) {
        if (dep === file) continue;
        _add(byFile, dep, undefined, hop === 0 ? 4 : barrel ? 3 : 1);
        if (!seen.has(dep) && next.length < 12) {
          seen.add(dep);
          next.push({ file: dep, barrel: isBarrel(dep) });
        }
      }
    }
    frontier = next;
  }
  for (const f of (options.changed ?? []).slice(0, 30)) {
    if (known.has(f)) _add(byFile, f, undefined, 2);
  }
  return _rank(byFile);
}

/** Options of {@link renderWindows}. */
export interface WindowOptions {
  /** Files with at most this many lines are shown whole. @default 80 */
  wholeFileLines?: number;
  /** Context radii tried, widest first. @default [30, 15, 8, 3] */
  radii?: number[];
}

/**
 * Render windows of the focused files within a token budget. Radii narrow
 * until everything fits; at the narrowest, files are added most-pointed-at
 * first while they fit.
 *
 * @param points The focus points.
 * @param readFile Reads a file relative to the repository root (null when missing).
 * @param maxTokens The budget.
 * @param count The token counter.
 * @param options Window sizes.
 * @returns The rendered section ("" when nothing fits or nothing is pointed at).
 */
export async function renderWindows(
  points: FocusPoint[],
  readFile: (path: string) => Promise<string | null>,
  maxTokens: number,
  count: TokenCounter,
  options: WindowOptions = {},
): Promise<string> {
  if (maxTokens <= 0 || points.length === 0) return "";
  const wholeFileLines = options.wholeFileLines ?? 80;
  const radii = options.radii ?? [30, 15, 8, 3];
  const contents = await Promise.all(points.slice(0, 12).map((p) => readFile(p.file)));
  const files = points.slice(0, 12).map((p, i) => ({ ...p, text: contents[i] ?? null }));
  let rendered: string[] = [];
  for (const radius of radii) {
    rendered = files.map((f) => _renderFile(f.file, f.text, f.lines, radius, wholeFileLines));
    const joined = rendered.join("\n\n");
    if (count(joined) <= maxTokens) return joined;
  }
  const kept: string[] = [];
  for (const block of rendered) {
    if (count([...kept, block].join("\n\n")) <= maxTokens) kept.push(block);
  }
  return kept.join("\n\n");
}

function _renderFile(
  file: string,
  text: string | null,
  lines: number[],
  radius: number,
  wholeFileLines: number,
): string {
  if (text === null) return `### ${file}\n(file not found in the repository)`;
  const all = text.replace(/\r\n/g, "\n").split("\n");
  if (all.length > 1 && all.at(-1) === "") all.pop();
  const total = all.length;
  const at = lines.length ? ` — failures at line ${lines.join(", ")}` : "";
  const lang = file.includes(".") ? file.slice(file.lastIndexOf(".") + 1) : "";
  const fence = all.some((l) => l.startsWith("```")) ? "~~~~" : "```";
  const block = (from: number, to: number) =>
    `${fence}${lang}\n${all.slice(from - 1, to).map((l) => clipLine(l)).join("\n")}\n${fence}`;
  if (total <= wholeFileLines || lines.length === 0) {
    const to = Math.min(total, Math.max(wholeFileLines, 2 * radius));
    const what = to === total ? "whole file" : `lines 1-${to}`;
    return `### ${file} (${what}, ${total} lines${at})\n${block(1, to)}`;
  }
  // Merge overlapping windows so no line is shown twice.
  const ranges: [number, number][] = [];
  for (const line of lines) {
    const from = Math.max(1, Math.min(line, total) - radius);
    const to = Math.min(total, line + radius);
    const last = ranges.at(-1);
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else ranges.push([from, to]);
  }
  const parts = ranges.map(([from, to]) => `lines ${from}-${to}:\n${block(from, to)}`);
  return `### ${file} (${total} lines${at})\n${parts.join("\n")}`;
}

/**
 * A compact map of the repository: one line per directory listing its files,
 * the directories of the focused files first, then shallow before deep,
 * within a token budget. Dependency and build folders are left out.
 *
 * @param files The repository's files (relative paths).
 * @param focus Files the failures point at (their directories come first).
 * @param maxTokens The budget.
 * @param count The token counter.
 * @returns The map ("" when nothing fits).
 */
export function renderRepoMap(
  files: string[],
  focus: string[],
  maxTokens: number,
  count: TokenCounter,
): string {
  if (maxTokens <= 0) return "";
  const dirs = new Map<string, string[]>();
  for (const raw of files) {
    const f = raw.replaceAll("\\", "/");
    if (_IGNORED_DIRS.test(f)) continue;
    const cut = f.lastIndexOf("/");
    const dir = cut < 0 ? "." : f.slice(0, cut);
    const list = dirs.get(dir) ?? [];
    list.push(f.slice(cut + 1));
    dirs.set(dir, list);
  }
  const focusDirs = new Set(
    focus.map((f) => (f.includes("/") ? f.slice(0, f.lastIndexOf("/")) : ".")),
  );
  const depth = (d: string) => (d === "." ? 0 : d.split("/").length);
  const order = [...dirs.keys()].sort((a, b) =>
    Number(focusDirs.has(b)) - Number(focusDirs.has(a)) || depth(a) - depth(b) || a.localeCompare(b)
  );
  const lines: string[] = [];
  let used = 0;
  let shown = 0;
  for (const dir of order) {
    const names = dirs.get(dir)!.sort();
    const listed = names.length > 30
      ? [...names.slice(0, 30), `(+${names.length - 30} more)`]
      : names;
    const line = `${dir === "." ? "./" : dir + "/"}: ${listed.join(" ")}`;
    const cost = count(line) + 1;
    if (used + cost > maxTokens - 12) continue;
    lines.push(line);
    used += cost;
    shown++;
  }
  if (shown < order.length) lines.push(`(… ${order.length - shown} more directories not shown)`);
  const out = lines.join("\n");
  return count(out) <= maxTokens ? out : "";
}
