/**
 * Unsafe SQL in JavaScript/TypeScript (and Python where cheap): a query call
 * whose SQL text is built from non-constant values by concatenation, `+=`,
 * `concat`, `util.format`, `%`/`.format`/f-strings or template
 * interpolation, directly or through a variable. Placeholders with
 * parameters, query-config objects, builders and tagged templates pass.
 * A small tokenizer finds argument boundaries; no full JS parse is needed
 * for these call shapes.
 *
 * @module
 */

/** One unsafe query. */
export interface SqlFinding {
  /** Offset in the source of the call (or of the unsafe definition). */
  offset: number;
  /** Why it is unsafe. */
  reason: string;
}

const CALL =
  /(?<![\w$])(\$queryRawUnsafe|\$executeRawUnsafe|unsafe|raw|whereRaw|orWhereRaw|havingRaw|orHavingRaw|orderByRaw|joinRaw|selectRaw|fromRaw|groupByRaw|query|execute|executemany|executescript|exec|prepare|text)\s*\(/g;
const STRONG = /^(?:\$queryRawUnsafe|\$executeRawUnsafe|unsafe|raw|\w+Raw)$/;
const REQUEST_DATA = /^(?:req|request|ctx|params|query|body|input|event|args)\b/;
const SQL_WORD =
  /\b(?:select|insert|update|delete|from|where|create|drop|alter|truncate|merge|values|join|order\s+by|group\s+by|limit)\b/i;

/**
 * Read one expression from `start` up to a top-level `,` `)` `;` or newline
 * (newline only when `stopAtNewline`).
 *
 * @param src The source.
 * @param start Where the expression starts.
 * @param stopAtNewline Stop at a top-level newline (statement end in Python).
 * @returns The expression text and where it ends.
 */
export function readExpression(
  src: string,
  start: number,
  stopAtNewline = false,
): { text: string; end: number } {
  let depth = 0;
  let i = start;
  for (; i < src.length; i++) {
    const c = src[i]!;
    if (c === '"' || c === "'" || c === "`") {
      i = _skipString(src, i);
      continue;
    }
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && (c === "," || c === ";" || (stopAtNewline && c === "\n"))) break;
  }
  return { text: src.slice(start, i).trim(), end: i };
}

function _skipString(src: string, i: number): number {
  const q = src[i]!;
  for (let k = i + 1; k < src.length; k++) {
    const c = src[k]!;
    if (c === "\\") k++;
    else if (q === "`" && c === "$" && src[k + 1] === "{") {
      let d = 0;
      for (k++; k < src.length; k++) {
        if (src[k] === "{") d++;
        else if (src[k] === "}" && --d === 0) break;
      }
    } else if (c === q) return k;
    else if (c === "\n" && q !== "`") return k;
  }
  return src.length;
}

function _splitTop(expr: string, ops: RegExp): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i]!;
    if (c === '"' || c === "'" || c === "`") {
      i = _skipString(expr, i);
      continue;
    }
    if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (
      depth === 0 && ops.test(c) && expr[i + 1] !== "=" && expr[i - 1] !== c && expr[i + 1] !== c
    ) {
      parts.push(expr.slice(last, i).trim());
      last = i + 1;
    }
  }
  parts.push(expr.slice(last).trim());
  return parts.filter((p) => p !== "");
}

type Verdict = { unsafe: false; literal: boolean; text: string } | {
  unsafe: true;
  reason: string;
  offset?: number;
};

const LITERAL =
  /^(?:[rRbBuU]{0,2}"(?:[^"\\\n]|\\.)*"|[rRbBuU]{0,2}'(?:[^'\\\n]|\\.)*'|`[^`$]*`|\d+(?:\.\d+)?|[A-Z][A-Z0-9_]*)$/;

class _Analyzer {
  readonly #src: string;
  constructor(src: string) {
    this.#src = src;
  }

  classify(expr: string, depth: number): Verdict {
    const e = expr.trim().replace(/^\(+|\)+$/g, (m) => m); // keep parens; handled by split
    if (e === "") return { unsafe: false, literal: true, text: "" };
    if (/^[\w$.]+\s*`/.test(e)) return { unsafe: false, literal: false, text: "" }; // tagged template
    const plus = _splitTop(e, /\+/);
    if (plus.length > 1) {
      const vs = plus.map((p) => this.classify(p, depth));
      const bad = vs.find((v) => v.unsafe);
      if (bad) return bad;
      if (vs.every((v) => !v.unsafe && v.literal)) {
        return {
          unsafe: false,
          literal: true,
          text: vs.map((v) => v.unsafe ? "" : v.text).join(""),
        };
      }
      return { unsafe: true, reason: "SQL built by concatenation with a non-constant value" };
    }
    const pct = _splitTop(e, /%/);
    if (pct.length > 1 && LITERAL.test(pct[0]!) && SQL_WORD.test(pct[0]!)) {
      return { unsafe: true, reason: "SQL built with % formatting" };
    }
    if (/^[rRbBuU]?[fF][rRbB]?["']/.test(e) && /\{[^}]+\}/.test(e)) {
      return { unsafe: true, reason: "SQL built with an f-string" };
    }
    if (e.startsWith("`")) {
      if (e.includes("${")) {
        return { unsafe: true, reason: "SQL built with template interpolation" };
      }
      return { unsafe: false, literal: true, text: e };
    }
    if (/^["'][^]*["']\s*\.\s*format\s*\(/.test(e)) {
      return { unsafe: true, reason: "SQL built with .format()" };
    }
    if (/\.concat\s*\(/.test(e) && !/\.concat\s*\(\s*(?:["'][^"']*["']\s*,?\s*)*\)\s*$/.test(e)) {
      return { unsafe: true, reason: "SQL built with concat()" };
    }
    if (/^(?:util\.)?format\s*\(/.test(e) && /,/.test(e)) {
      return { unsafe: true, reason: "SQL built with util.format()" };
    }
    if (LITERAL.test(e)) return { unsafe: false, literal: true, text: e };
    if (/^\{/.test(e)) {
      const m = /(?:^|[{,\s])(?:text|sql|query)\s*:\s*/.exec(e);
      if (!m) return { unsafe: false, literal: false, text: "" };
      return this.classify(readExpression(e, m.index + m[0].length).text, depth);
    }
    if (/^[A-Za-z_$][\w$]*$/.test(e) && depth < 4) return this.#variable(e, depth);
    return { unsafe: false, literal: false, text: "" };
  }

  /** Source text of every definition of a variable. */
  definitions(name: string): string {
    let out = "";
    for (const m of this.#src.matchAll(this.#defs(name))) {
      out += readExpression(this.#src, m.index! + m[0].length, true).text + "\n";
    }
    return out;
  }

  #defs(name: string): RegExp {
    const esc = name.replace(/\$/g, "\\$");
    return new RegExp(
      `(?:(?:const|let|var)\\s+${esc}(?:\\s*:\\s*[\\w<>\\[\\]]+)?\\s*=(?!=)|^[ \\t]*${esc}\\s*=(?!=)|(?<![\\w$.])${esc}\\s*\\+=)`,
      "gm",
    );
  }

  #variable(name: string, depth: number): Verdict {
    const defs = this.#defs(name);
    let literal = true;
    let text = "";
    let found = false;
    for (const m of this.#src.matchAll(defs)) {
      found = true;
      const rhs = readExpression(this.#src, m.index! + m[0].length, true).text;
      const v = this.classify(rhs, depth + 1);
      const appended = m[0].includes("+=");
      if (v.unsafe) return { ...v, offset: m.index! };
      if (appended && !v.literal) {
        return {
          unsafe: true,
          reason: `SQL in "${name}" extended with += of a non-constant value`,
          offset: m.index!,
        };
      }
      literal &&= v.literal;
      text += v.text;
    }
    return { unsafe: false, literal: found && literal, text };
  }
}

const QUICK = /(?:query|execute|exec|raw|Raw|unsafe|Unsafe|prepare|text|many|script)\s*\(/;

const PLAIN_ARG = /\s*(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\s*[,)]/y;
const CALL_TAIL = /(?:query|execute|exec|raw|Raw|unsafe|Unsafe|prepare|text|many|script)\s*$/;
// Last letters of the call names above: most parentheses fail this test
// without running a regex.
const LAST = new Set([..."yectwfe"].map((c) => c.charCodeAt(0)));

/**
 * Offsets of the `(` of every call the SQL check cares about (a superset);
 * fast on large texts because it visits parentheses, not every position.
 *
 * @param text The text.
 * @returns Offsets of opening parentheses.
 */
export function queryCalls(text: string): number[] {
  const out: number[] = [];
  for (let i = text.indexOf("("); i >= 0; i = text.indexOf("(", i + 1)) {
    if (_callParen(text, i)) out.push(i);
  }
  return out;
}

/**
 * Whether {@link queryCalls} finds any call in a text (without an array).
 * A call's name and `(` sit on one line (only spaces and tabs between), so
 * for a line of a text joined with `\n` it answers what `queryCalls` of
 * the joined text finds on that line.
 *
 * @param text The text.
 * @returns Whether some `(` is a query call's.
 */
export function hasQueryCall(text: string): boolean {
  for (let i = text.indexOf("("); i >= 0; i = text.indexOf("(", i + 1)) {
    if (_callParen(text, i)) return true;
  }
  return false;
}

function _callParen(text: string, i: number): boolean {
  let k = i - 1;
  while (k >= 0 && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k--;
  if (k < 0 || !LAST.has(text.charCodeAt(k))) return false;
  return CALL_TAIL.test(text.slice(Math.max(0, k - 15), i));
}

/**
 * Whether the argument at `pos` is a plain string literal followed by `,` or `)`.
 *
 * @param src The source.
 * @param pos Offset just after the call's `(`.
 * @returns True when the argument is a constant string.
 */
export function startsWithPlainString(src: string, pos: number): boolean {
  PLAIN_ARG.lastIndex = pos;
  return PLAIN_ARG.test(src);
}

const CALL_ONE = new RegExp(CALL.source, "g");
const CALL_AT_END = new RegExp(CALL.source.replace(/\\s\*\\\($/, "\\s*$"));
const OPENS_CALL = /^\s*\(/;
const BLANK = /^\s*$/;

/**
 * Watches lines go by for a query call anywhere in their text joined with
 * `\n` (the name and its `(` may sit on different lines): without one,
 * {@link findUnsafeSql} has nothing to read.
 */
export class QueryCallWatch {
  /** Whether a query call was seen. */
  seen = false;
  #armed = false;

  /**
   * Read the next line.
   *
   * @param line The line.
   */
  push(line: string): void {
    if (this.seen) return;
    if (this.#armed && OPENS_CALL.test(line)) {
      this.seen = true;
      return;
    }
    CALL_ONE.lastIndex = 0;
    if (CALL_ONE.test(line)) {
      this.seen = true;
      return;
    }
    // A name at the end of a line waits for its `(` across blank lines.
    if (!(this.#armed && BLANK.test(line))) this.#armed = CALL_AT_END.test(line);
  }
}

function _callsIn(
  src: string,
  from: number,
  to: number,
): Array<{ index: number; 0: string; 1: string }> {
  const line = src.slice(from, to);
  if (!line.includes("(") || !QUICK.test(line)) return [];
  const out: Array<{ index: number; 0: string; 1: string }> = [];
  CALL_ONE.lastIndex = 0;
  for (const m of line.matchAll(CALL_ONE)) out.push({ index: from + m.index!, 0: m[0], 1: m[1]! });
  return out;
}

/**
 * Find unsafe queries in a source text.
 *
 * @param src JavaScript, TypeScript or Python source (or a fragment of it).
 * @param ranges Offsets `[start, end)` of the lines whose calls count (all when absent).
 * @returns Unsafe calls with their offsets.
 */
export function findUnsafeSql(
  src: string,
  ranges?: ReadonlyArray<readonly [number, number]>,
): SqlFinding[] {
  if (!/query|execute|exec|raw|Raw|unsafe|prepare|text/.test(src)) return [];
  const a = new _Analyzer(src);
  const out: SqlFinding[] = [];
  // With ranges (the added lines of a patch), only calls starting there are
  // read; the rest of the source still resolves variables.
  const calls = ranges
    ? ranges.flatMap(([a, b]) => _callsIn(src, a, b))
    : [...src.matchAll(CALL)].map((m) => ({ index: m.index!, 0: m[0], 1: m[1]! }));
  for (const m of calls) {
    const fn = m[1]!;
    const argStart = m.index! + m[0].length;
    // Fast path: a plain string literal as the whole first argument is safe.
    PLAIN_ARG.lastIndex = argStart;
    if (PLAIN_ARG.test(src)) continue;
    const arg = readExpression(src, argStart).text;
    let v = a.classify(arg, 0);
    if (!v.unsafe && STRONG.test(fn)) {
      // Raw fragments of request data, and Prisma.raw() of anything non-constant.
      const before = src.slice(Math.max(0, m.index! - 10), m.index!);
      const prismaRaw = fn === "raw" && /Prisma\.\s*$/.test(before);
      if ((prismaRaw && !v.literal) || REQUEST_DATA.test(arg)) {
        v = { unsafe: true, reason: "Raw SQL fragment from non-constant data" };
      }
    }
    if (!v.unsafe) continue;
    if (!STRONG.test(fn)) {
      // Weak call names (query, execute, exec, prepare, text) need SQL text to count.
      const defs = /^[A-Za-z_$][\w$]*$/.test(arg) ? a.definitions(arg) : "";
      if (!SQL_WORD.test(arg) && !SQL_WORD.test(defs)) continue;
    }
    out.push({ offset: m.index!, reason: `${v.reason} passed to ${fn}()` });
    if (v.offset !== undefined && v.offset !== m.index) {
      out.push({ offset: v.offset, reason: `${v.reason} (later passed to ${fn}())` });
    }
  }
  return out;
}
