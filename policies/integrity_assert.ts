/**
 * Reading assertions for the integrity check: whether an assertion line is a
 * tautology, the literals it compares against, the actual values a failing
 * run printed, and assertion counts per test of a whole file.
 *
 * @module
 */

import { type LangRules, LITERAL } from "./integrity_rules.ts";

/**
 * Whether a line is code rather than a comment (a commented-out assertion
 * asserts nothing).
 *
 * @param text The line.
 * @returns True for code.
 */
export function isCode(text: string): boolean {
  const t = text.trim();
  return t !== "" && !/^(?:\/\/|\/\*|\*|<!--|--\s|#(?![[!]|pragma|nullable))/.test(t);
}

/**
 * Whether a line asserts, in a language.
 *
 * @param text The line.
 * @param lang The language's table.
 * @returns True when it is code and matches an assertion pattern.
 */
export function isAssertion(text: string, lang: LangRules): boolean {
  return isCode(text) && lang.assertion.some((re) => re.test(text));
}

/**
 * Split the arguments of a call whose `(` is at `open`, respecting nesting
 * and quotes.
 *
 * @param text The line.
 * @param open Index of the opening parenthesis.
 * @returns The trimmed arguments, or null when the call does not close on the line.
 */
export function callArgs(text: string, open: number): string[] | null {
  const args: string[] = [];
  let depth = 0;
  let quote = "";
  let start = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) {
      if (--depth === 0) {
        const last = text.slice(start, i).trim();
        if (last || args.length) args.push(last);
        return args;
      }
    } else if (c === "," && depth === 1) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  return null;
}

/**
 * Whether an expression is a literal (it says nothing about the code under test).
 *
 * @param expr The expression.
 * @returns True for booleans, numbers, strings, null and empty collections.
 */
export function isLiteral(expr: string): boolean {
  return LITERAL.test(expr.trim().replace(/^\(\s*(.*?)\s*\)$/, "$1"));
}

function _same(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const n = (s: string) => s.replace(/\s+/g, "");
  return n(a) !== "" && n(a) === n(b);
}

// `x == x`, `x === x`, `x is x`, `x.equals(x)`: a comparison with itself.
function _selfComparison(expr: string): boolean {
  const t = expr.trim();
  const eq = /^(.+?)\.equals\((.+)\)$/.exec(t) ?? /^(.+?)\s*(?:===?|\bis\b)\s*(.+)$/.exec(t);
  return !!eq && (_same(eq[1], eq[2]) || (isLiteral(eq[1]!) && isLiteral(eq[2]!)));
}

const FAILURE_REPORT = /(?:^|[.:])(?:Error|Errorf|Fatal|Fatalf|Fail|FailNow|fail|flunk|panic!)$/;
const CALLEE = /((?:[\w$]+(?:\(\))?\s*(?:\.|::)\s*)*[\w$]+!?)\s*\(/g;
// The last segment of an assertion's name (`assert.ok`, `t.is`, `Assert.True`, `assert_eq!`).
const ASSERT_NAME =
  /^(?:assert\w*!?|Assert\w*|debug_assert\w*!|expect\w*|ok|is|not|true|false|truthy|falsy|equal\w*|Equal\w*|same|deepEqual|strictEqual|notEqual|refute\w*|check\w*|should\w*|Should\w*|True|False|Null|NotNull|IsTrue|IsFalse|IsNull|AreEqual|AreSame|That)$/;

/**
 * Whether an added assertion line is a tautology: it compares literals, or an
 * expression with itself, or asserts a literal is truthy (`assert.ok(true)`,
 * `expect(true).toBe(true)`, `assert True`, `assert_eq!(1, 1)`,
 * `Assert.True(true)`, `if false {` in Go).
 *
 * @param text The line.
 * @param lang The language's table.
 * @returns A short description of the tautology, or null.
 */
export function tautologyOf(text: string, lang: LangRules): string | null {
  if (!isCode(text)) return null;
  const t = text.trim().replace(/;\s*$/, "");
  if (lang.lang === "go" && /^if\s+(?:false|true\s*==\s*false|1\s*==\s*2)\s*\{/.test(t)) {
    return "a branch that can never run";
  }
  if (lang.lang === "csharp" && /\bAssert\.Pass\s*\(/.test(t)) return "Assert.Pass()";
  if (!isAssertion(text, lang)) return null;
  // `x == y or True`, `assert.ok(x || true)`: true whatever x is.
  if (/\bor\s+(?:True|1)\b|\|\|\s*(?:true|1|!0)\b/.test(t)) return t;
  if (lang.lang === "python") {
    const m = /^assert\s+(.+?)(?:\s*,\s*(?:f?["'].*))?$/.exec(t);
    if (m && (isLiteral(m[1]!) || _selfComparison(m[1]!))) return `assert ${m[1]}`;
  }
  if (lang.lang === "ruby") {
    const m = /^(assert\w*|refute\w*)\s+([^(].*)$/.exec(t);
    if (m) {
      const args = m[2]!.split(/\s*,\s*/);
      const values = args.length > 2 ? args.slice(0, 2) : args;
      if (values.every(isLiteral) || _same(values[0], values[1])) return t;
    }
  }
  // expect(A)...(B), assertThat(A)...(B), expect(A).to eq(B)
  const ex = /\b(?:expect|assertThat|assert_that|expectThat)\s*\(/.exec(t);
  if (ex) {
    const subject = callArgs(t, ex.index + ex[0].length - 1);
    if (subject && subject.length >= 1) {
      const a = subject[0]!;
      const rest = t.slice(ex.index + ex[0].length);
      const after = rest.slice(rest.indexOf(a) + a.length);
      const matcher = /(?:\.\s*[\w.]+|\.to(?:_not)?\s+\w+)\s*\(/.exec(after);
      const b = matcher ? callArgs(after, matcher.index + matcher[0].length - 1)?.[0] : undefined;
      if (isLiteral(a) || _same(a, b)) return t;
    }
    return null;
  }
  for (const m of t.matchAll(CALLEE)) {
    const name = m[1]!.replace(/\s+/g, "");
    const last = name.split(/\.|::/).pop()!;
    if (FAILURE_REPORT.test(name) || !ASSERT_NAME.test(last)) continue;
    let args = callArgs(t, m.index! + m[0].length - 1);
    if (!args || args.length === 0) continue;
    // testify and friends take the test handle first.
    if (/^(?:t|s\.T\(\)|suite\.T\(\)|b|tb|self)$/.test(args[0]!)) args = args.slice(1);
    if (args.length === 0) continue;
    if (args.length === 1 && _selfComparison(args[0]!)) return t;
    if (args.every(isLiteral)) return t;
    if (args.length >= 2 && _same(args[0], args[1])) return t;
    return null;
  }
  return null;
}

const NUMBER = /(?<![\w.$])-?\d+(?:\.\d+)?(?![\w.])/g;
const STRING = /"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|`([^`$]*)`/g;

/**
 * The literal values on a line: numbers and the contents of strings.
 *
 * @param text The line.
 * @returns The values, as text.
 */
export function literalsOf(text: string): string[] {
  const out: string[] = [];
  const noStrings = text.replace(STRING, (_all, a, b, c) => {
    out.push((a ?? b ?? c) as string);
    return " ";
  });
  for (const m of noStrings.matchAll(NUMBER)) out.push(m[0]);
  for (const w of noStrings.matchAll(/\b(?:true|false|True|False|null|nil|None)\b/g)) {
    out.push(w[0].toLowerCase().replace("none", "null").replace("nil", "null"));
  }
  return out;
}

function _clean(v: string): string {
  let s = v.trim().replace(/^<(.*)>$/, "$1").replace(/^`(.*)`$/, "$1").replace(/,$/, "");
  const q = /^(["'])(.*)\1$/.exec(s);
  if (q) return q[2]!;
  s = s.replace(
    /^(true|false|True|False|None|nil|null)$/,
    (w) => w.toLowerCase().replace("none", "null").replace("nil", "null"),
  );
  return s;
}

// What each framework prints for the value the code produced.
const ACTUAL_PATTERNS: RegExp[] = [
  /^\s*(?:Received|Actual|But was|got|Got|actual)\s*:\s*(.+?)\s*$/gm,
  /^\s*\+\s+actual\s+-\s+expected\s*\n+\s*\+\s+(.+?)\s*$/gm,
  /^\s*(.+?)\s+!==?\s+(?:.+?)\s*$/gm,
  /\bexpected\s+(.+?)\s+to\s+(?:equal|deeply equal|strictly equal|be|eql|deep\.equal)\s+/g,
  /\bbut was:?\s*<?([^>\n]+?)>?\s*$/gm,
  /\bactual\s*<([^>\n]+)>/g,
  /^\s*left\s*:\s*`?(.+?)`?,?\s*$/gm,
  /\bgot:?\s+(.+?)[,;]\s*want\b/g,
  /\bassert\s+(.+?)\s+==\s+.+$/gm,
  /^(?:\w*Error:\s*)?(.+?)\s+!=\s+.+$/gm,
  /^\s*-\s{2,}(\S.*?)\s*$/gm,
];

/**
 * The actual values a failing run printed ("Received: 12", "expected 12 to
 * equal 10", "got 12, want 10", "left: 12", "but was: <12>" ...).
 *
 * @param texts Failure messages and excerpts.
 * @returns Distinct values, quotes removed.
 */
export function actualValues(texts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    for (const re of ACTUAL_PATTERNS) {
      for (const m of text.matchAll(re)) {
        const v = _clean(m[1]!);
        if (v && v.length <= 200 && !/^(?:\[|Diff\]|Actual|Expected|undefined$)/.test(v)) {
          out.add(v);
        }
      }
    }
  }
  return [...out];
}

/** A test's name and its assertion count in a whole file. */
export interface TestCount {
  /** The test's name (its title or function name). */
  name: string;
  /** Assertions in its body (up to the next test). */
  assertions: number;
}

const NAME =
  /(?:\bfn|\bdef|\bfunc|\bfun|\bvoid|\bTask)\s+(?:\([^)]*\)\s*)?(\w+)|["'`]((?:[^"'`\\]|\\.)+)["'`]/;

/**
 * Count assertions per test of a whole file: a test runs from its
 * declaration to the next one (a tautology is not an assertion).
 *
 * @param text The file.
 * @param lang The language's table.
 * @returns The tests in order.
 */
export function countPerTest(text: string, lang: LangRules): TestCount[] {
  const lines = text.split("\n");
  const out: TestCount[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (isCode(l) && lang.testDecl.some((re) => re.test(l))) {
      let name = "";
      for (let j = i; j < Math.min(lines.length, i + 4) && !name; j++) {
        const m = NAME.exec(lines[j]!.replace(/^\s*#\[[^\]]*\]/, ""));
        if (m) name = (m[1] ?? m[2])!;
      }
      out.push({ name: name || `#${out.length + 1}`, assertions: 0 });
    } else if (out.length && isAssertion(l, lang) && !tautologyOf(l, lang)) {
      out[out.length - 1]!.assertions++;
    }
  }
  return out;
}
