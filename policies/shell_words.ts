/**
 * Evaluation of unbash words into the strings a shell would produce, as far
 * as that can be known without running anything: quotes removed, escapes
 * decoded, braces expanded, known variables substituted. Anything that
 * depends on run-time state (unknown variables, command substitutions) makes
 * the word unresolved; substitutions are kept so their scripts get judged.
 *
 * @module
 */

import { forEachChild } from "unbash";
import type { ParsedScript, SyntaxNode, Word, WordPart } from "unbash";
import { globMatch as coreGlobMatch } from "../core/glob.ts";

/** Values a variable may hold (several after a `for` loop), or null when unknown. */
export type VarValues = string[] | null;

/** Variables known while walking a script. */
export type VarScope = Map<string, VarValues>;

/** A word after evaluation. */
export interface EvalWord {
  /** Display text (expansions kept as written). */
  text: string;
  /** Every value the word may take (brace and loop alternatives), when resolved. */
  values: string[];
  /** False when some part depends on run-time state. */
  resolved: boolean;
  /** True when an unquoted glob character is present. */
  glob: boolean;
  /** True when any part was quoted (a literal, never a flag or glob to the shell). */
  quoted: boolean;
  /** Scripts of command and process substitutions inside the word. */
  subs: ParsedScript[];
  /** Raw source text of the word. */
  raw: string;
  /** True when brace expansion made several separate words. */
  braced: boolean;
  /** Scripts of output process substitutions `>(cmd)`: they read what the command writes there. */
  outSubs?: ParsedScript[];
}

const MAX_ALTERNATIVES = 64;

// Variables whose meaning matters for targets. HOME becomes "~" so that path
// classification treats `$HOME` and `~` alike.
const WELL_KNOWN: Record<string, string> = { HOME: "~", PWD: ".", TMPDIR: "/tmp" };

/**
 * Evaluate one word.
 *
 * @param word The unbash word.
 * @param vars Known variables.
 * @returns The evaluation.
 */
export function evalWord(word: Word, vars: VarScope, split = false): EvalWord {
  const out: EvalWord = {
    text: word.value,
    values: [""],
    resolved: true,
    glob: false,
    quoted: false,
    subs: [],
    raw: word.text,
    braced: false,
  };
  if (!word.parts) {
    out.values = [word.value];
    return out;
  }
  _parts(word.parts, vars, out, false, split ? _ifs(vars) : undefined);
  return out;
}

/** Separator of split fields inside `values` (see {@link splitFields}). */
const FIELD = "\u0001";

function _ifs(vars: VarScope): string | null {
  const v = vars.get("IFS");
  if (v === undefined) return " \t\n";
  return v && v.length === 1 ? v[0]! : null;
}

/**
 * Split a word evaluated with `split` into the fields the shell would pass:
 * unquoted expansions are split at IFS characters (`X='rm -rf /'; $X`).
 *
 * @param w The word.
 * @returns One word per field (the word itself when nothing splits).
 */
export function splitFields(w: EvalWord): EvalWord[] {
  if (!w.values.some((v) => v.includes(FIELD))) return [w];
  if (w.values.length > 1) {
    // Alternatives with different field counts: too many shapes to follow.
    return [{ ...w, resolved: false, values: w.values.map((v) => v.replaceAll(FIELD, " ")) }];
  }
  return w.values[0]!.split(FIELD).filter((f) => f !== "").map((f) => ({
    ...w,
    text: f,
    values: [f],
  }));
}

function _append(out: EvalWord, suffixes: string[]): void {
  const next: string[] = [];
  for (const v of out.values) {
    for (const s of suffixes) {
      if (next.length >= MAX_ALTERNATIVES) break;
      next.push(v + s);
    }
  }
  out.values = next;
}

function _variable(
  name: string,
  vars: VarScope,
  out: EvalWord,
  ifs: string | null | undefined,
): void {
  const known = vars.get(name);
  if (known) {
    if (ifs === undefined || !known.some((v) => _hasAny(v, ifs ?? ""))) _append(out, known);
    else if (ifs === null) {
      // IFS holds a value only known at run time: the fields cannot be known.
      out.resolved = false;
      _append(out, known);
    } else _append(out, known.map((v) => _mark(v, ifs)));
    return;
  }
  const wk = known === undefined ? WELL_KNOWN[name] : undefined;
  if (wk !== undefined) {
    _append(out, [wk]);
    return;
  }
  out.resolved = false;
  _append(out, ["\u0000"]);
}

function _hasAny(v: string, chars: string): boolean {
  for (const c of chars) if (v.includes(c)) return true;
  return chars === "" && v !== "";
}

function _mark(v: string, ifs: string): string {
  let r = "";
  for (const c of v) r += ifs.includes(c) ? FIELD : c;
  return r;
}

function _parts(
  parts: readonly WordPart[],
  vars: VarScope,
  out: EvalWord,
  inQuotes: boolean,
  ifs?: string | null,
) {
  const split = inQuotes ? undefined : ifs;
  for (const p of parts) {
    switch (p.type) {
      case "Literal":
        _append(out, [p.value]);
        break;
      case "SingleQuoted":
      case "AnsiCQuoted":
        out.quoted = true;
        _append(out, [p.value]);
        break;
      case "DoubleQuoted":
      case "LocaleString":
        out.quoted = true;
        _parts(p.parts as readonly WordPart[], vars, out, true, ifs);
        break;
      case "Glob":
      case "ExtendedGlob":
        if (!inQuotes) out.glob = true;
        _append(out, [p.text]);
        break;
      case "SimpleExpansion":
        _variable(p.text.slice(1), vars, out, split);
        break;
      case "ParameterExpansion":
        if (!p.operation && !p.prefix && !p.index) _variable(p.parameter, vars, out, split);
        else {
          _collectSubs(p, out);
          out.resolved = false;
          _append(out, ["\u0000"]);
        }
        break;
      case "CommandExpansion":
      case "ProcessSubstitution": {
        const sub = _checkedSub(p.text, p.pos, p.end, p.script);
        out.subs.push(sub);
        if (p.type === "ProcessSubstitution" && p.operator === ">") {
          (out.outSubs ??= []).push(sub);
        }
        out.resolved = false;
        _append(out, ["\u0000"]);
        break;
      }
      case "ArithmeticExpansion":
        _collectSubs(p, out);
        out.resolved = false;
        _append(out, ["\u0000"]);
        break;
      case "BraceExpansion":
        out.braced = true;
        _append(out, expandBraces(p.text));
        break;
    }
  }
}

function _collectSubs(node: SyntaxNode, out: EvalWord): void {
  // Operands of ${x:-$(cmd)}, ${x/p/$(cmd)}, $(( $(cmd) )) and array
  // subscripts run commands too; walk them with unbash's visitor.
  const visit = (n: SyntaxNode): void => {
    const script = (n as { script?: ParsedScript }).script;
    if (
      n.type === "CommandExpansion" || n.type === "ProcessSubstitution" ||
      n.type === "ArithmeticCommandExpansion"
    ) {
      out.subs.push(_checkedSub(n.text, n.pos, n.end, script));
      return;
    }
    forEachChild(n, visit);
  };
  forEachChild(node, visit);
}

/**
 * A substitution's script, or an unparsable placeholder when unbash cut the
 * substitution short (`${x/$(rm -rf /)/y}` is split at the `/`): judging the
 * fragment would miss the words after the cut.
 */
function _checkedSub(
  text: string,
  pos: number,
  end: number,
  script: ParsedScript | undefined,
): ParsedScript {
  const closed = text.startsWith("`") ? text.length > 1 && text.endsWith("`") : text.endsWith(")");
  if (script && closed) return script;
  return {
    type: "Script",
    pos,
    end,
    shebang: undefined,
    commands: [],
    errors: [{ message: `Unparsable substitution "${text}"`, pos }],
  };
}

/**
 * Collect the substitution scripts anywhere inside a syntax node (array
 * values, subscripts).
 *
 * @param node The node.
 * @returns The scripts of its command, process and arithmetic substitutions.
 */
export function subsOf(node: SyntaxNode): ParsedScript[] {
  const out: EvalWord = {
    text: "",
    values: [""],
    resolved: true,
    glob: false,
    quoted: false,
    subs: [],
    raw: "",
    braced: false,
  };
  _collectSubs(node, out);
  return out.subs;
}

/**
 * Expand one bash brace expression (`{a,b}`, `{1..3}`, nested) into its words.
 *
 * @param text The brace text including the braces.
 * @returns The alternatives (the text itself when it is not an expansion).
 */
export function expandBraces(text: string): string[] {
  const inner = text.slice(1, -1);
  const range = /^(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])$/.exec(inner);
  if (range) {
    const [a, b] = [range[1]!, range[2]!];
    const num = /\d/.test(a);
    const from = num ? Number(a) : a.charCodeAt(0);
    const to = num ? Number(b) : b.charCodeAt(0);
    const step = from <= to ? 1 : -1;
    const res: string[] = [];
    for (let i = from; res.length < MAX_ALTERNATIVES; i += step) {
      res.push(num ? String(i) : String.fromCharCode(i));
      if (i === to) break;
    }
    return res;
  }
  const items: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of inner) {
    if (ch === "{") depth++;
    if (ch === "}") depth--;
    if (ch === "," && depth === 0) {
      items.push(cur);
      cur = "";
    } else cur += ch;
  }
  items.push(cur);
  if (items.length < 2) return [text];
  return items.flatMap((it) => _expandNested(it)).slice(0, MAX_ALTERNATIVES);
}

function _expandNested(s: string): string[] {
  const open = s.indexOf("{");
  if (open < 0) return [s];
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    if (s[i] === "{") depth++;
    if (s[i] === "}" && --depth === 0) {
      const mids = expandBraces(s.slice(open, i + 1));
      const rests = _expandNested(s.slice(i + 1));
      return mids.flatMap((m) => rests.map((r) => s.slice(0, open) + m + r));
    }
  }
  return [s];
}

/**
 * Test a string against a glob (`*`, `?`, `**`, `[abc]`, `{a,b}`); `*` does
 * not cross `/` unless the glob has no slash at all. Kept for the policy
 * modules that import it from here; the matcher is {@linkcode coreGlobMatch}.
 *
 * @param glob The pattern.
 * @param s The string.
 * @returns Whether it matches.
 */
export function globMatch(glob: string, s: string): boolean {
  return coreGlobMatch(glob, s);
}
