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
  let goModule: string | null | undefined;
  for (const file of top) {
    const text = await options.readFile(file);
    if (text === null) continue;
    if (file.endsWith(".go") && goModule === undefined) {
      goModule = (await options.readFile("go.mod"))?.match(/^module\s+(\S+)/m)?.[1] ?? null;
    }
    for (const dep of importsOf(file, text, known, goModule ?? null)) {
      // An imported module holds the bug as often as the test does: ranked
      // after the files the failure names, before loose mentions in the log.
      if (dep !== file) _add(byFile, dep, undefined, 4);
    }
  }
  for (const f of (options.changed ?? []).slice(0, 30)) {
    if (known.has(f)) _add(byFile, f, undefined, 2);
  }
  return _rank(byFile);
}

const _JS_EXT = /\.(?:[cm]?[jt]sx?)$/;
const _JS_IMPORT =
  /(?:\bimport|\bexport)\s+(?:type\s+)?(?:[^'"`;]*?\s+from\s+)?["']([^"'\n]+)["']|\brequire\(\s*["']([^"'\n]+)["']\s*\)|\bimport\(\s*["']([^"'\n]+)["']\s*\)/g;

/**
 * The repository files a source file imports, for the languages where that
 * is cheap to tell from the text: JS/TS (relative specifiers, `.js` written
 * for `.ts`, index files), Python (absolute and relative imports, `src/`
 * layouts), Go (packages of the module in go.mod), Rust (`mod x;`,
 * `use crate::a::b`).
 *
 * @param file The importing file, repository-relative.
 * @param text Its content.
 * @param known The repository's files.
 * @param goModule The Go module path from go.mod, when known.
 * @returns Imported repository files.
 */
export function importsOf(
  file: string,
  text: string,
  known: Set<string>,
  goModule: string | null = null,
): string[] {
  const dir = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
  const out = new Set<string>();
  const first = (cands: string[]) => {
    const hit = cands.map(_normalize).find((c) => c !== null && known.has(c));
    if (hit) out.add(hit);
  };
  if (_JS_EXT.test(file) || /\.(?:vue|svelte)$/.test(file)) {
    for (const m of text.matchAll(_JS_IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3]!;
      if (!spec.startsWith(".")) continue;
      const base = _join(dir, spec);
      const stem = base.replace(/\.(?:[cm]?js|jsx)$/, "");
      const exts = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
      first([
        base,
        ...exts.map((e) => stem + e),
        ...exts.map((e) => `${base}/index${e}`),
      ]);
    }
  } else if (file.endsWith(".py")) {
    for (const m of text.matchAll(/^\s*from\s+(\.*)([\w.]*)\s+import\s+\(?([\w, ]+)/gm)) {
      const dots = m[1]!.length;
      const mod = m[2]!.replaceAll(".", "/");
      const names = m[3]!.split(",").map((n) => n.trim().split(/\s+/)[0]!).filter(Boolean);
      const roots = dots > 0
        ? [_join(dir, "../".repeat(dots - 1) || ".")]
        : ["", "src", dir.split("/")[0] ?? ""];
      for (const r of roots) {
        const base = mod ? _join(r, mod) : r;
        first([`${base}.py`, `${base}/__init__.py`]);
        for (const n of names) first([_join(base, `${n}.py`)]);
      }
    }
    for (const m of text.matchAll(/^\s*import\s+([\w.]+(?:\s*,\s*[\w.]+)*)/gm)) {
      for (const mod of m[1]!.split(",").map((x) => x.trim().replaceAll(".", "/"))) {
        for (const r of ["", "src"]) first([_join(r, `${mod}.py`), _join(r, `${mod}/__init__.py`)]);
      }
    }
  } else if (file.endsWith(".go") && goModule) {
    for (const m of text.matchAll(/"([^"\n]+)"/g)) {
      const spec = m[1]!;
      if (!spec.startsWith(goModule + "/")) continue;
      const pkg = spec.slice(goModule.length + 1);
      const files = [...known].filter((f) =>
        f.startsWith(pkg + "/") && f.endsWith(".go") && !f.endsWith("_test.go") &&
        !f.slice(pkg.length + 1).includes("/")
      ).sort().slice(0, 4);
      for (const f of files) out.add(f);
    }
  } else if (file.endsWith(".rs")) {
    const own = /(?:^|\/)(?:lib|main|mod)\.rs$/.test(file) ? dir : file.replace(/\.rs$/, "");
    for (const m of text.matchAll(/^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;/gm)) {
      first([_join(own, `${m[1]}.rs`), _join(own, `${m[1]}/mod.rs`)]);
    }
    const crateRoot = file.startsWith("src/") || !file.includes("/src/")
      ? "src"
      : file.slice(0, file.indexOf("/src/") + 4);
    for (const m of text.matchAll(/\buse\s+crate::([\w:]+)/g)) {
      const parts = m[1]!.split("::");
      for (let n = parts.length; n >= 1; n--) {
        const p = parts.slice(0, n).join("/");
        const before = out.size;
        first([_join(crateRoot, `${p}.rs`), _join(crateRoot, `${p}/mod.rs`)]);
        if (out.size > before) break;
      }
    }
  }
  return [...out];
}

function _join(dir: string, rel: string): string {
  return dir ? `${dir}/${rel}` : rel;
}

// Resolve `.` and `..` segments; null when the path leaves the repository.
function _normalize(p: string): string | null {
  const out: string[] = [];
  for (const seg of p.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(seg);
  }
  return out.join("/") || null;
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
