/**
 * The import checker: builds the module graph of fleet-orch's product code and
 * fails on every import cycle and every import that points up the layering.
 *
 * Run it with `deno run --allow-read tools/check_imports.ts [DIR]` (DIR defaults
 * to the repository this file sits in); `deno task ok` and `.ci/run` run it
 * before the tests. Exit 0 clean, 1 on any violation, 2 on a usage error.
 *
 * Product code is every `.ts`, `.tsx`, `.js` and `.mjs` file under DIR except
 * `tests/`, `bench/`, `examples/app/` (the demo application the gates run on),
 * `dist/`, `node_modules/` and hidden folders. The graph is read statically: a
 * small lexer skips comments, strings, template literals and regular
 * expressions, then collects `import … from "x"`, `import "x"`,
 * `export … from "x"` and `import("x")` with a literal specifier. Type-only
 * imports count too: a type reaching up a layer ties the layers together as
 * much as a value does, and `deno check` follows it. Bare, `npm:`, `node:`,
 * `jsr:` and URL specifiers are outside the graph; `deno.json` import-map
 * entries that point at local files are followed.
 *
 * The layering (DESIGN.md, "The house"): a file may import files of its own
 * folder, of a layer below its own, and, where the table says so, of its own
 * layer's sibling folders. A file in no layer of the table is a violation too,
 * so a new folder is placed in the table on purpose.
 *
 * | rank | folders                              | may also import sideways             |
 * | ---- | ------------------------------------ | ------------------------------------ |
 * | 0    | main.ts, mod.ts, plugin.ts, tools/,  | each other (entry points; examples   |
 * |      | examples/                            | import the ./plugin entry)           |
 * | 1    | cli/                                 |                                      |
 * | 2    | orchestrator/                        |                                      |
 * | 3    | agents/                              |                                      |
 * | 4    | plugins/, gates/, report/, stats/    | each other (one level of services)   |
 * | 5    | policies/                            |                                      |
 * | 6    | patch/                               |                                      |
 * | 7    | core/                                | nothing: core imports nothing above  |
 *
 * `patch/` sits above `core/` because the diff model uses core's errors and
 * types, and `core/` must import nothing of the project above it.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { messageOf } from "../core/errors.ts";

/** One layer of the house. */
export interface Layer {
  /** Position from the top: lower ranks may import higher ranks, never the reverse. */
  rank: number;
  /** Top-level folders (`cli/`) or root files (`main.ts`) in this layer. */
  members: readonly string[];
  /** Whether files may import the layer's other members (not only their own folder). */
  sideways: boolean;
}

/** The layering table, top to bottom (see the module doc). */
export const LAYERS: readonly Layer[] = [
  { rank: 0, members: ["main.ts", "mod.ts", "plugin.ts", "tools/", "examples/"], sideways: true },
  { rank: 1, members: ["cli/"], sideways: false },
  { rank: 2, members: ["orchestrator/"], sideways: false },
  { rank: 3, members: ["agents/"], sideways: false },
  { rank: 4, members: ["plugins/", "gates/", "report/", "stats/"], sideways: true },
  { rank: 5, members: ["policies/"], sideways: false },
  { rank: 6, members: ["patch/"], sideways: false },
  { rank: 7, members: ["core/"], sideways: false },
];

/** Folders (relative to the root, with a trailing slash) that are not product code. */
export const EXCLUDED: readonly string[] = [
  "tests/",
  "bench/",
  "examples/app/",
  "dist/",
  "node_modules/",
];

/** How a module refers to another. */
export type ImportKind = "static" | "type" | "dynamic";

/** One import specifier found in a source file. */
export interface ImportRef {
  /** The specifier as written. */
  specifier: string;
  /** 1-based line of the specifier. */
  line: number;
  /** `type` for `import type` / `export type` / `typeof import()`, `dynamic` for `import()`. */
  kind: ImportKind;
}

/** One resolved edge of the module graph. */
export interface ImportEdge {
  /** Importing file, relative to the root, `/`-separated. */
  from: string;
  /** Imported file, relative to the root, `/`-separated. */
  to: string;
  /** Line of the import in `from`. */
  line: number;
  /** How it is imported. */
  kind: ImportKind;
}

/** What the checker found. */
export interface ImportReport {
  /** Product files read. */
  files: string[];
  /** Edges between product files. */
  edges: ImportEdge[];
  /** Each cycle as the files in import order (the first file is not repeated at the end). */
  cycles: string[][];
  /** Imports that point up the layering, or touch a file in no layer. */
  layering: { edge: ImportEdge; message: string }[];
}

// ---------------------------------------------------------------------------
// Lexer: just enough of JavaScript's lexical grammar to find import specifiers
// without being fooled by comments, strings, templates and regex literals.

interface Token {
  type: "word" | "string" | "punct" | "other";
  value: string;
  line: number;
}

// After these words an expression starts, so a `/` begins a regex literal.
const EXPRESSION_KEYWORDS = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);

function isIdentStart(ch: string): boolean {
  return /[A-Za-z_$\u0080-\uffff]/.test(ch);
}

function isIdentPart(ch: string): boolean {
  return /[A-Za-z0-9_$\u0080-\uffff]/.test(ch);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  // Brace depth at which each open template `${` resumes its template.
  const templateStack: number[] = [];
  let braceDepth = 0;
  let line = 1;
  let i = 0;
  const n = source.length;

  const countLines = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (source[k] === "\n") line++;
  };

  // Reads template characters from i (just after "`" or "}") to the closing
  // "`" (pushes nothing) or a "${" (enters an expression).
  const scanTemplate = (): void => {
    const start = i;
    let text = "";
    while (i < n) {
      const ch = source[i]!;
      if (ch === "\\") {
        text += source.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (ch === "`") {
        i++;
        countLines(start, i);
        tokens.push({ type: "string", value: text, line });
        return;
      }
      if (ch === "$" && source[i + 1] === "{") {
        i += 2;
        countLines(start, i);
        templateStack.push(braceDepth);
        braceDepth++;
        tokens.push({ type: "other", value: "`", line });
        return;
      }
      text += ch;
      i++;
    }
    countLines(start, i);
  };

  const regexAllowed = (): boolean => {
    const prev = tokens[tokens.length - 1];
    if (prev === undefined) return true;
    if (prev.type === "word") return EXPRESSION_KEYWORDS.has(prev.value);
    if (prev.type === "string" || prev.type === "other") return false;
    return prev.value !== ")" && prev.value !== "]";
  };

  // Tries to read a regex literal at i; returns false (and consumes nothing)
  // when the line ends first, so a division mistaken for a regex start costs
  // nothing.
  const tryRegex = (): boolean => {
    let k = i + 1;
    let inClass = false;
    while (k < n) {
      const ch = source[k]!;
      if (ch === "\n" || ch === "\r") return false;
      if (ch === "\\") {
        k += 2;
        continue;
      }
      if (ch === "[") inClass = true;
      else if (ch === "]") inClass = false;
      else if (ch === "/" && !inClass) {
        k++;
        while (k < n && isIdentPart(source[k]!)) k++;
        tokens.push({ type: "other", value: "/re/", line });
        i = k;
        return true;
      }
      k++;
    }
    return false;
  };

  while (i < n) {
    const ch = source[i]!;
    if (ch === "\n") {
      line++;
      i++;
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\r" || ch === "\f" || ch === "\v") {
      i++;
      continue;
    }
    if (ch === "/" && source[i + 1] === "/") {
      while (i < n && source[i] !== "\n") i++;
      continue;
    }
    if (ch === "/" && source[i + 1] === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      countLines(i, stop);
      i = stop;
      continue;
    }
    if (ch === "'" || ch === '"') {
      const startLine = line;
      let k = i + 1;
      let text = "";
      while (k < n && source[k] !== ch && source[k] !== "\n") {
        if (source[k] === "\\") {
          text += source.slice(k, k + 2);
          k += 2;
          continue;
        }
        text += source[k];
        k++;
      }
      i = k + 1;
      tokens.push({ type: "string", value: text, line: startLine });
      continue;
    }
    if (ch === "`") {
      i++;
      scanTemplate();
      continue;
    }
    if (ch === "{") {
      braceDepth++;
      tokens.push({ type: "punct", value: ch, line });
      i++;
      continue;
    }
    if (ch === "}") {
      braceDepth--;
      i++;
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === braceDepth) {
        templateStack.pop();
        scanTemplate();
      } else {
        tokens.push({ type: "punct", value: ch, line });
      }
      continue;
    }
    if (ch === "/" && regexAllowed() && tryRegex()) continue;
    if (isIdentStart(ch)) {
      let k = i + 1;
      while (k < n && isIdentPart(source[k]!)) k++;
      tokens.push({ type: "word", value: source.slice(i, k), line });
      i = k;
      continue;
    }
    if (/[0-9]/.test(ch)) {
      let k = i + 1;
      while (k < n && /[0-9A-Za-z_.]/.test(source[k]!)) k++;
      tokens.push({ type: "other", value: source.slice(i, k), line });
      i = k;
      continue;
    }
    tokens.push({ type: "punct", value: ch, line });
    i++;
  }
  return tokens;
}

/**
 * Finds the import specifiers of one JavaScript or TypeScript source.
 *
 * @param source The module's text.
 * @returns Every static, type-only and literal dynamic import, in source order.
 *
 * @example
 * ```ts
 * import { importSpecifiers } from "./check_imports.ts";
 * const refs = importSpecifiers('// import "./no.ts"\nimport type { A } from "./a.ts";');
 * console.assert(refs.length === 1 && refs[0]!.kind === "type" && refs[0]!.line === 2);
 * ```
 */
export function importSpecifiers(source: string): ImportRef[] {
  const tokens = tokenize(source);
  const refs: ImportRef[] = [];
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (token.type !== "word" || (token.value !== "import" && token.value !== "export")) continue;
    const prev = tokens[t - 1];
    // `x.import` / `x?.export` are property names, not declarations.
    if (prev?.type === "punct" && prev.value === ".") continue;
    const next = tokens[t + 1];
    if (next === undefined) continue;
    if (token.value === "import" && next.type === "punct" && next.value === "(") {
      const arg = tokens[t + 2];
      const after = tokens[t + 3];
      if (
        arg?.type === "string" && after?.type === "punct" &&
        (after.value === ")" || after.value === ",")
      ) {
        const kind = prev?.type === "word" && prev.value === "typeof" ? "type" : "dynamic";
        refs.push({ specifier: arg.value, line: arg.line, kind });
      }
      continue;
    }
    if (token.value === "import" && next.type === "string") {
      refs.push({ specifier: next.value, line: next.line, kind: "static" });
      continue;
    }
    if (token.value === "export" && !(next.type === "punct" && /^[{*]$/.test(next.value))) {
      if (!(next.type === "word" && next.value === "type")) continue;
    }
    if (token.value === "import" && next.type === "punct" && next.value === ".") continue;
    // A declaration `import … from "x"` / `export … from "x"`: the clause holds
    // only names, braces, commas, `*`, `as`, `type`; anything else ends it.
    const typeOnly = next.type === "word" && next.value === "type" &&
      !(tokens[t + 2]?.type === "word" && tokens[t + 2]!.value === "from");
    for (let k = t + 1; k < tokens.length; k++) {
      const c = tokens[k]!;
      if (c.type === "word" && c.value === "from" && tokens[k + 1]?.type === "string") {
        const spec = tokens[k + 1]!;
        refs.push({ specifier: spec.value, line: spec.line, kind: typeOnly ? "type" : "static" });
        break;
      }
      if (c.type === "word" || (c.type === "punct" && /^[{},*]$/.test(c.value))) continue;
      break;
    }
  }
  return refs;
}

// ---------------------------------------------------------------------------
// Graph

const SOURCE_EXTENSIONS = [".ts", ".tsx", ".js", ".mjs", ".mts"];

function toPosix(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

async function productFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.startsWith(".")) continue;
      const full = join(dir, entry.name);
      const rel = toPosix(relative(root, full));
      if (entry.isDirectory) {
        if (EXCLUDED.includes(`${rel}/`)) continue;
        await walk(full);
      } else if (entry.isFile && SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
        files.push(rel);
      }
    }
  };
  await walk(root);
  return files.sort();
}

async function readImportMap(root: string): Promise<Record<string, string>> {
  for (const name of ["deno.json", "deno.jsonc"]) {
    let text: string;
    try {
      text = await Deno.readTextFile(join(root, name));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    const parsed = JSON.parse(text) as { imports?: Record<string, string> };
    return parsed.imports ?? {};
  }
  return {};
}

// Resolves a specifier to a root-relative path, or null when it leaves the
// project (npm:, node:, jsr:, URLs, bare names mapped to packages).
function resolveSpecifier(
  root: string,
  fromFile: string,
  specifier: string,
  importMap: Record<string, string>,
): string | null {
  let target: string | null = null;
  if (specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/")) {
    target = resolve(dirname(join(root, fromFile)), specifier);
  } else if (specifier.startsWith("file:")) {
    target = fileURLToPath(specifier);
  } else {
    for (const [key, value] of Object.entries(importMap)) {
      const local = value.startsWith("./") || value.startsWith("../");
      if (!local) continue;
      if (key === specifier) target = resolve(root, value);
      else if (key.endsWith("/") && specifier.startsWith(key)) {
        target = resolve(root, value + specifier.slice(key.length));
      }
      if (target !== null) break;
    }
  }
  if (target === null) return null;
  const rel = toPosix(relative(root, target));
  return rel.startsWith("../") ? null : rel;
}

/**
 * Finds the layer of a root-relative, `/`-separated path.
 *
 * @param path A product file, e.g. `cli/run.ts`.
 * @returns Its layer and the member (folder or root file) it belongs to, or undefined.
 */
export function layerOf(path: string): { layer: Layer; member: string } | undefined {
  for (const layer of LAYERS) {
    for (const member of layer.members) {
      if (member.endsWith("/") ? path.startsWith(member) : path === member) {
        return { layer, member };
      }
    }
  }
  return undefined;
}

function layeringProblem(edge: ImportEdge): string | null {
  const from = layerOf(edge.from);
  const to = layerOf(edge.to);
  if (from === undefined) return `${edge.from} is in no layer of tools/check_imports.ts`;
  if (to === undefined) return `${edge.to} is in no layer of tools/check_imports.ts`;
  if (from.member === to.member && from.member.endsWith("/")) return null;
  if (to.layer.rank > from.layer.rank) return null;
  if (to.layer.rank === from.layer.rank && from.layer.sideways) return null;
  const where = to.layer.rank === from.layer.rank ? "sideways" : "up";
  return `${from.member} (rank ${from.layer.rank}) imports ${where} into ${to.member} (rank ${to.layer.rank})`;
}

// Tarjan's strongly connected components; every component of more than one
// file (or a file importing itself) holds at least one cycle.
function stronglyConnected(nodes: string[], next: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return components;
}

// Shortest path from `start` to `goal` inside `allowed` (breadth first).
function shortestPath(
  start: string,
  goal: string,
  next: Map<string, string[]>,
  allowed: Set<string>,
): string[] | null {
  const parent = new Map<string, string | null>([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    if (v === goal) {
      const path: string[] = [];
      for (let p: string | null = v; p !== null; p = parent.get(p)!) path.unshift(p);
      return path;
    }
    for (const w of next.get(v) ?? []) {
      if (allowed.has(w) && !parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return null;
}

/**
 * Lists the import cycles of a graph: for every import that lies on a cycle,
 * the shortest cycle through it, each cycle once (rotated to start at its
 * smallest file name).
 *
 * @param files The nodes.
 * @param edges The imports between them.
 * @returns Each cycle as the files in import order.
 */
export function findCycles(files: readonly string[], edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const edge of edges) {
    const list = next.get(edge.from) ?? [];
    if (!list.includes(edge.to)) list.push(edge.to);
    next.set(edge.from, list);
  }
  for (const list of next.values()) list.sort();
  const seen = new Set<string>();
  const cycles: string[][] = [];
  for (const component of stronglyConnected([...files].sort(), next)) {
    const members = new Set(component);
    for (const from of [...component].sort()) {
      for (const to of next.get(from) ?? []) {
        if (!members.has(to)) continue;
        const path = from === to ? [from] : shortestPath(to, from, next, members);
        if (path === null) continue;
        const smallest = path.indexOf([...path].sort()[0]!);
        const rotated = [...path.slice(smallest), ...path.slice(0, smallest)];
        const key = rotated.join(" -> ");
        if (seen.has(key)) continue;
        seen.add(key);
        cycles.push(rotated);
      }
    }
  }
  return cycles;
}

/**
 * Reads the product code under `root` and checks its imports.
 *
 * @param root The repository root.
 * @returns The files, edges, cycles and layering violations.
 */
export async function checkImports(root: string): Promise<ImportReport> {
  const files = await productFiles(root);
  const fileSet = new Set(files);
  const importMap = await readImportMap(root);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const source = await Deno.readTextFile(join(root, file));
    for (const ref of importSpecifiers(source)) {
      const to = resolveSpecifier(root, file, ref.specifier, importMap);
      // Imports of excluded folders (a product file importing tests/) would be
      // odd, but they are not edges of the product graph.
      if (to === null || !fileSet.has(to)) continue;
      edges.push({ from: file, to, line: ref.line, kind: ref.kind });
    }
  }
  const layering: ImportReport["layering"] = [];
  for (const edge of edges) {
    const message = layeringProblem(edge);
    if (message !== null) layering.push({ edge, message });
  }
  return { files, edges, cycles: findCycles(files, edges), layering };
}

/**
 * Formats a report as the lines the command prints.
 *
 * @param report What {@linkcode checkImports} found.
 * @returns One line per problem (cycles first), then a summary line. In a cycle,
 *   `a -> b` is an import that loads code, `a -(type)-> b` a type-only one.
 */
export function formatReport(report: ImportReport): string[] {
  const lines: string[] = [];
  const edgeKind = (from: string, to: string): string => {
    const kinds = new Set(
      report.edges.filter((e) => e.from === from && e.to === to).map((e) => e.kind),
    );
    return kinds.has("static") ? " -> " : kinds.has("dynamic") ? " -(dynamic)-> " : " -(type)-> ";
  };
  for (const cycle of report.cycles) {
    let text = cycle[0]!;
    cycle.forEach((file, k) => {
      const to = cycle[(k + 1) % cycle.length]!;
      text += `${edgeKind(file, to)}${to}`;
    });
    lines.push(`cycle: ${text}`);
  }
  for (const { edge, message } of report.layering) {
    const kind = edge.kind === "static" ? "" : ` (${edge.kind})`;
    lines.push(`layering: ${edge.from}:${edge.line} imports ${edge.to}${kind}: ${message}`);
  }
  lines.push(
    `${report.files.length} files, ${report.edges.length} imports: ` +
      `${report.cycles.length} cycle(s), ${report.layering.length} layering violation(s)`,
  );
  return lines;
}

/**
 * The command: `check_imports.ts [--quiet] [DIR]`.
 *
 * @param args Command-line arguments.
 * @returns The exit code: 0 clean, 1 violations, 2 usage error.
 */
export async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { quiet: { type: "boolean", default: false }, help: { type: "boolean" } },
      allowPositionals: true,
    });
  } catch (e) {
    console.error(messageOf(e));
    return 2;
  }
  if (parsed.values.help) {
    console.log("Usage: deno run --allow-read tools/check_imports.ts [--quiet] [DIR]");
    return 0;
  }
  if (parsed.positionals.length > 1) {
    console.error("Expected at most one directory");
    return 2;
  }
  const root = resolve(
    parsed.positionals[0] ?? join(dirname(fileURLToPath(import.meta.url)), ".."),
  );
  const report = await checkImports(root);
  const lines = formatReport(report);
  const failed = report.cycles.length > 0 || report.layering.length > 0;
  if (failed) console.error(lines.join("\n"));
  else if (!parsed.values.quiet) console.log(lines[lines.length - 1]);
  return failed ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
