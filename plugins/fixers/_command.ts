/**
 * Finds where a gate's command line invokes a given tool (directly, through
 * a package runner such as `npx`, or inside a package.json script reached
 * with `npm run`) and rewrites that one simple command, word by word, so the
 * recipe can run the tool's writer with the gate's own arguments.
 *
 * Command lines are parsed with `unbash` (a real bash parser), never split
 * by regular expressions, so quoting and globs survive as the user wrote them.
 *
 * @module
 */

import { forEachChild, parse, type SyntaxNode } from "unbash";
import { join } from "node:path";
import { shellQuote } from "../../core/exec.ts";

/** One word of a simple command, with its place in the command's text. */
export interface CommandWord {
  /** The word after quote removal. */
  value: string;
  /** Start offset in {@link ToolInvocation.text}. */
  pos: number;
  /** End offset (exclusive) in {@link ToolInvocation.text}. */
  end: number;
}

/** Where a tool is invoked. */
export interface ToolInvocation {
  /** The command line (or package.json script) the invocation was found in. */
  text: string;
  /** Start offset of the simple command in `text`. */
  pos: number;
  /** End offset (exclusive) of the simple command in `text`. */
  end: number;
  /** The command name and its arguments (assignments and redirections excluded). */
  words: CommandWord[];
  /** Index in `words` of the first argument after the tool word(s). */
  argStart: number;
  /** The package.json script name when the tool was reached through one. */
  script?: string;
}

/**
 * Tells whether argv invokes the tool: returns the index of the tool's first
 * argument, or -1.
 */
export type ToolMatcher = (argv: readonly string[]) => number;

const _RUNNERS = new Set(["npx", "pnpx", "bunx"]);
const _PM = new Set(["pnpm", "yarn", "bun"]);

/** The last path segment, without a Windows-style extension. */
function _base(word: string | undefined): string {
  if (word === undefined) return "";
  return word.slice(word.lastIndexOf("/") + 1).replace(/\.(cmd|exe|js|mjs|cjs)$/, "");
}

/**
 * Build a matcher for a tool known by its executable names, optionally with
 * a required subcommand (`deno fmt`) or as a Python module (`python -m black`).
 *
 * @param names Executable names (`prettier`, `eslint`).
 * @param options `subcommand` that must follow the tool word; `pythonModule` to
 *   accept `python -m <module>`.
 * @returns The matcher.
 */
export function toolMatcher(
  names: readonly string[],
  options: { subcommand?: string; pythonModule?: string } = {},
): ToolMatcher {
  const wanted = new Set(names);
  return (argv) => {
    let i = 0;
    const first = _base(argv[0]);
    if (_RUNNERS.has(first)) {
      i = 1;
      while (argv[i]?.startsWith("-")) i++;
    } else if (first === "npm" && (argv[1] === "exec" || argv[1] === "x")) {
      i = 2;
      while (argv[i]?.startsWith("-")) i++;
    } else if (_PM.has(first) && ["exec", "dlx", "x"].includes(argv[1] ?? "")) {
      i = 2;
    } else if (_PM.has(first) && argv[1] !== "run") {
      i = 1;
    } else if (
      options.pythonModule !== undefined && /^python[0-9.]*$/.test(first) &&
      argv[1] === "-m" && argv[2] === options.pythonModule
    ) {
      return 3;
    }
    if (!wanted.has(_base(argv[i]))) return -1;
    if (options.subcommand === undefined) return i + 1;
    return argv[i + 1] === options.subcommand ? i + 2 : -1;
  };
}

/**
 * The package.json script that argv runs, if it runs one.
 *
 * @param argv A simple command's words.
 * @returns The script name (`npm run lint` -> "lint", `npm test` -> "test"), else undefined.
 */
export function scriptName(argv: readonly string[]): string | undefined {
  const pm = _base(argv[0]);
  if (pm !== "npm" && !_PM.has(pm)) return undefined;
  const sub = argv[1];
  if (sub === "run" || sub === "run-script" || sub === "rum" || sub === "urn") {
    const name = argv.slice(2).find((w) => !w.startsWith("-"));
    return name;
  }
  if (sub === "test" || sub === "t" || sub === "tst") return "test";
  if (sub === "start") return "start";
  // `yarn lint` and `pnpm lint` run a script of that name.
  if (pm !== "npm" && sub !== undefined && !sub.startsWith("-")) return sub;
  return undefined;
}

/** Every simple command of a parsed script, outside command substitutions. */
function _simpleCommands(text: string): { pos: number; end: number; words: CommandWord[] }[] {
  const out: { pos: number; end: number; words: CommandWord[] }[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.type === "Command") {
      const words: CommandWord[] = [];
      if (node.name) words.push({ value: node.name.value, pos: node.name.pos, end: node.name.end });
      for (const a of node.args) {
        if (a.type === "Word") words.push({ value: a.value, pos: a.pos, end: a.end });
      }
      out.push({ pos: node.pos, end: node.end, words });
      return; // do not look inside $(…) of the words
    }
    forEachChild(node, visit);
  };
  const ast = parse(text);
  if (ast.errors && ast.errors.length > 0) return [];
  visit(ast);
  return out;
}

/** Reads the `scripts` of `dir/package.json`; empty when absent or unreadable. */
async function _scripts(dir: string): Promise<Record<string, string>> {
  try {
    const pkg = JSON.parse(await Deno.readTextFile(join(dir, "package.json")));
    const scripts = pkg?.scripts;
    if (scripts === null || typeof scripts !== "object") return {};
    return Object.fromEntries(
      Object.entries(scripts).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
  } catch {
    return {};
  }
}

/**
 * Find the first simple command in `commandLine` that invokes the tool,
 * following `npm run <script>` (and `yarn`/`pnpm`) into `dir/package.json`
 * up to three levels deep.
 *
 * @param commandLine The gate's command line.
 * @param matcher Recognises the tool (see {@link toolMatcher}).
 * @param dir Directory holding package.json; scripts are not followed when omitted.
 * @returns The invocation, or null when the tool is not invoked (or the line does not parse).
 */
export async function findTool(
  commandLine: string,
  matcher: ToolMatcher,
  dir?: string,
): Promise<ToolInvocation | null> {
  const scripts = dir === undefined ? {} : await _scripts(dir);
  const search = (text: string, depth: number, script?: string): ToolInvocation | null => {
    for (const cmd of _simpleCommands(text)) {
      const argv = cmd.words.map((w) => w.value);
      const argStart = matcher(argv);
      if (argStart >= 0) {
        return { text, ...cmd, argStart, ...(script === undefined ? {} : { script }) };
      }
      const name = depth < 3 ? scriptName(argv) : undefined;
      const body = name === undefined ? undefined : scripts[name];
      if (name !== undefined && body !== undefined) {
        const found = search(body, depth + 1, name);
        if (found) return found;
      }
    }
    return null;
  };
  return search(commandLine, 0);
}

/**
 * Find the tool in a command line without reading any file (for the
 * synchronous `applies` check).
 *
 * @param commandLine The gate's command line.
 * @param matcher Recognises the tool.
 * @returns The invocation, or null.
 */
export function findToolSync(commandLine: string, matcher: ToolMatcher): ToolInvocation | null {
  for (const cmd of _simpleCommands(commandLine)) {
    const argStart = matcher(cmd.words.map((w) => w.value));
    if (argStart >= 0) return { text: commandLine, ...cmd, argStart };
  }
  return null;
}

/**
 * Rewrite the invocation's simple command: drop some argument words (and the
 * value that follows a dropped option when asked), insert new words right
 * after the tool word(s). Everything else (assignments, quoting, redirections)
 * stays as written.
 *
 * @param inv The invocation.
 * @param edit `drop(value)` returns true for a word to remove, or "with-value"
 *   to remove it and the next word; `insert` words are shell-quoted.
 * @returns The rewritten simple command as a command line.
 */
export function rewriteTool(
  inv: ToolInvocation,
  edit: { drop?: (value: string) => boolean | "with-value"; insert?: readonly string[] },
): string {
  const cuts: { pos: number; end: number }[] = [];
  for (let i = inv.argStart; i < inv.words.length; i++) {
    const verdict = edit.drop?.(inv.words[i]!.value) ?? false;
    if (verdict === false) continue;
    // Remove the word with the blank before it, so no double spaces remain.
    const prevEnd = inv.words[i - 1]!.end;
    let end = inv.words[i]!.end;
    if (verdict === "with-value" && i + 1 < inv.words.length) end = inv.words[++i]!.end;
    cuts.push({ pos: prevEnd, end });
  }
  const anchor = inv.words[inv.argStart - 1]!.end;
  const inserted = (edit.insert ?? []).map((w) => " " + shellQuote(w)).join("");
  let out = "";
  let at = inv.pos;
  for (const cut of cuts) {
    if (cut.pos < anchor) continue;
    if (at <= anchor && anchor <= cut.pos) {
      out += inv.text.slice(at, anchor) + inserted;
      at = anchor;
    }
    out += inv.text.slice(at, cut.pos);
    at = cut.end;
  }
  if (at <= anchor) {
    out += inv.text.slice(at, anchor) + inserted;
    at = anchor;
  }
  return out + inv.text.slice(at, inv.end);
}
