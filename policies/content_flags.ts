/**
 * Content flags of a patch: text that reads differently to a reviewer than
 * to a compiler (bidi controls, zero-width characters, identifiers that mix
 * Latin with look-alike Cyrillic or Greek letters) and secrets written so
 * that a plain detector cannot see them (escaped, concatenated, joined,
 * reversed, base64 or hex). Encoded literals are decoded and handed to the
 * secret detectors of secrets.ts; a flag is raised only when a known token
 * format comes out.
 *
 * Each check is named by its rule id in the default policy (`content.bidi`,
 * `content.zero-width`, `content.homoglyph`, `secret.encoded`); the rule's
 * `pattern` is a cheap prefilter, the check here decides.
 *
 * @module
 */

import { DETECTOR_NAMES, findSecrets, isAllowlisted } from "./secrets.ts";

/** Rule ids whose decision this module makes (their `pattern` only preselects lines). */
export const CONTENT_RULES: ReadonlySet<string> = new Set([
  "content.bidi",
  "content.zero-width",
  "content.homoglyph",
  "secret.encoded",
]);

/** One line a content check reads. */
export interface ContentLine {
  /** 1-based line in the new file. */
  line: number;
  /** The text. */
  text: string;
}

/** One flag: the line and what was found (never the secret itself). */
export interface ContentFlag {
  /** 1-based line in the new file. */
  line: number;
  /** What was found. */
  detail: string;
}

const BIDI = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;
const LATIN = /\p{Script=Latin}/u;
const LOOKALIKE = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;
const WORD = /[\p{L}\p{M}\p{N}_$]+/gu;
const PICTO = /\p{Extended_Pictographic}/u;
const JOINING_SCRIPT =
  /[\p{Script=Arabic}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Malayalam}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Gujarati}\p{Script=Gurmukhi}\p{Script=Sinhala}\p{Script=Syriac}]/u;

const hex = (c: string) => "U+" + c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");

/** Longest line a check reads; longer lines are read up to this length. */
const MAX_LINE = 20_000;

/**
 * Bidi control characters (Trojan Source): they reorder what a reviewer sees.
 *
 * @param lines Added lines.
 * @returns One flag per line holding any.
 */
export function bidiFlags(lines: readonly ContentLine[]): ContentFlag[] {
  const out: ContentFlag[] = [];
  for (const l of lines) {
    const found = new Set<string>();
    for (const m of l.text.slice(0, MAX_LINE).matchAll(BIDI)) found.add(hex(m[0]));
    if (found.size) {
      out.push({ line: l.line, detail: `bidi control character ${[...found].join(", ")}` });
    }
  }
  return out;
}

/**
 * Zero-width characters inside identifiers or literals. Allowed: a byte
 * order mark at the very start of a file, a joiner inside an emoji
 * sequence, and joiners between letters of scripts that need them.
 *
 * @param lines Added lines.
 * @returns One flag per line holding one that is not allowed.
 */
export function zeroWidthFlags(lines: readonly ContentLine[]): ContentFlag[] {
  const out: ContentFlag[] = [];
  for (const l of lines) {
    const text = l.text.slice(0, MAX_LINE);
    const found = new Set<string>();
    for (const m of text.matchAll(ZERO_WIDTH)) {
      const at = m.index!;
      const c = m[0];
      if (c === "\uFEFF" && at === 0 && l.line === 1) continue;
      const before = String.fromCodePoint(text.codePointAt(Math.max(0, at - 1)) ?? 32);
      const prev = at > 0 ? _charBefore(text, at) : "";
      const next = String.fromCodePoint(text.codePointAt(at + 1) ?? 32);
      if (c === "\u200D" && (PICTO.test(prev) || PICTO.test(before)) && PICTO.test(next)) continue;
      if (
        (c === "\u200C" || c === "\u200D") && JOINING_SCRIPT.test(prev) && JOINING_SCRIPT.test(next)
      ) continue;
      found.add(hex(c));
    }
    if (found.size) {
      out.push({ line: l.line, detail: `zero-width character ${[...found].join(", ")}` });
    }
  }
  return out;
}

function _charBefore(text: string, at: number): string {
  const lo = text.charCodeAt(at - 1);
  if (at >= 2 && lo >= 0xdc00 && lo <= 0xdfff) return text.slice(at - 2, at);
  // Skip a variation selector (emoji presentation) to the pictograph before it.
  if (lo === 0xfe0f && at >= 2) return _charBefore(text.slice(0, at - 1), at - 1);
  return text[at - 1]!;
}

/**
 * Whether one word mixes Latin letters with Cyrillic or Greek ones (a
 * homoglyph: `pаypal` with a Cyrillic `а`).
 *
 * @param word An identifier or file name segment.
 * @returns True when it mixes the scripts.
 */
export function isMixedScript(word: string): boolean {
  return LATIN.test(word) && LOOKALIKE.test(word);
}

/**
 * Identifiers (and words in literals) that mix Latin with Cyrillic or Greek.
 *
 * @param lines Added lines.
 * @returns One flag per line with such a word.
 */
export function homoglyphFlags(lines: readonly ContentLine[]): ContentFlag[] {
  const out: ContentFlag[] = [];
  for (const l of lines) {
    const text = l.text.slice(0, MAX_LINE);
    if (!LOOKALIKE.test(text)) continue;
    for (const m of text.matchAll(WORD)) {
      if (isMixedScript(m[0])) {
        out.push({
          line: l.line,
          detail: `word ${JSON.stringify(m[0])} mixes Latin with Cyrillic or Greek letters`,
        });
        break;
      }
    }
  }
  return out;
}

/**
 * A path segment that mixes scripts (`src/cоnfig.ts` with a Cyrillic `о`).
 *
 * @param path A canonical path.
 * @returns The offending segment, or null.
 */
export function homoglyphPath(path: string): string | null {
  for (const seg of path.split("/")) {
    for (const m of seg.matchAll(WORD)) if (isMixedScript(m[0])) return seg;
  }
  return null;
}

// ---- Encoded secrets --------------------------------------------------------

/**
 * Detectors that recognise a token by its own format. Those that need the
 * words around a value (a secret-looking name, `curl -u`, `Bearer`, a URL or
 * connection string) are left out: joining unrelated literals makes such
 * words up.
 */
const CONTEXTUAL = new Set([
  "generic-assignment",
  "config-key-value",
  "basic-auth",
  "bearer-token",
  "url-password",
  "connection-string-password",
]);
// Frozen: findSecrets keeps the plan of a frozen list by identity.
const TOKEN_DETECTORS = Object.freeze(DETECTOR_NAMES.filter((n) => !CONTEXTUAL.has(n)));

const MAX_LITERAL = 4096;
const TOKENISH = /[A-Za-z0-9_+/=-]{16}|-----BEGIN/;
// Hoisted: a regex literal in a function makes a new object per call, and
// these run once per line. `match` with /g starts from 0 and leaves
// lastIndex at 0, so sharing them is safe.
const BLOB_RUN = /[A-Za-z0-9+/_=-]{24,}/g;
const TOKEN_RUN = /[A-Za-z0-9+/_=-]{16,}/g;

/** Decode the escapes of a literal body: \xHH, \uHHHH, \u{H..}, octal, named. */
export function decodeEscapes(body: string): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== "\\" || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[i + 1]!;
    let m: RegExpExecArray | null;
    const rest = body.slice(i + 2, i + 12);
    if (n === "x" && (m = /^[0-9a-fA-F]{2}/.exec(rest))) {
      out += String.fromCharCode(parseInt(m[0], 16));
      i += 3;
    } else if (n === "u" && (m = /^\{([0-9a-fA-F]{1,6})\}/.exec(rest))) {
      out += String.fromCodePoint(Math.min(parseInt(m[1]!, 16), 0x10ffff));
      i += 1 + m[0].length;
    } else if (n === "u" && (m = /^[0-9a-fA-F]{4}/.exec(rest))) {
      out += String.fromCharCode(parseInt(m[0], 16));
      i += 5;
    } else if (/[0-7]/.test(n)) {
      const o = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4))![0];
      out += String.fromCharCode(parseInt(o, 8) & 0xff);
      i += o.length;
    } else {
      out += ({ n: "\n", t: "\t", r: "\r", "0": "\0" } as Record<string, string>)[n] ?? n;
      i += 1;
    }
  }
  return out;
}

function _base64(s: string): string | null {
  const t = s.replace(/[-_]/g, (c) => (c === "-" ? "+" : "/")).replace(/=+$/, "");
  if (t.length < 16 || !/^[A-Za-z0-9+/]+$/.test(t) || t.length % 4 === 1) return null;
  try {
    const bin = atob(t + "=".repeat((4 - (t.length % 4)) % 4));
    // Only printable results can carry a token.
    return /^[\x20-\x7e\r\n\t]+$/.test(bin) ? bin : null;
  } catch {
    return null;
  }
}

function _hex(s: string): string | null {
  if (s.length < 16 || s.length % 2 || !/^[0-9a-fA-F]+$/.test(s)) return null;
  let out = "";
  for (let i = 0; i < s.length; i += 2) out += String.fromCharCode(parseInt(s.slice(i, i + 2), 16));
  return /^[\x20-\x7e]+$/.test(out) ? out : null;
}

const _SURROGATE = /[\uD800-\uDFFF]/;

/**
 * A string reversed by code points. ASCII is reversed in a byte buffer kept
 * for it and decoded once; other text without surrogates by UTF-16 units,
 * 8192 at a time; only text with surrogates goes through an array of
 * characters.
 */
export function reverse(s: string): string {
  if (_ASCII.test(s)) {
    // Past 1 MiB a buffer of its own, so the kept one stays small.
    const buf = s.length <= _REVERSED_ASCII.length
      ? _REVERSED_ASCII
      : s.length <= 1 << 20
      ? (_REVERSED_ASCII = new Uint8Array(Math.max(s.length, _REVERSED_ASCII.length * 2)))
      : new Uint8Array(s.length);
    for (let i = s.length - 1, j = 0; i >= 0; i--, j++) buf[j] = s.charCodeAt(i);
    return _ASCII_DECODER.decode(buf.subarray(0, s.length));
  }
  if (_SURROGATE.test(s)) return [...s].reverse().join("");
  let out = "";
  for (let end = s.length; end > 0; end -= 8192) {
    const start = Math.max(0, end - 8192);
    const codes = _REVERSED.subarray(0, end - start);
    for (let i = end - 1, j = 0; i >= start; i--, j++) codes[j] = s.charCodeAt(i);
    out += String.fromCharCode.apply(null, codes as unknown as number[]);
  }
  return out;
}
const _REVERSED = new Uint16Array(8192);
const _ASCII = /^[^\u0080-\uffff]*$/;
const _ASCII_DECODER = new TextDecoder();
let _REVERSED_ASCII = new Uint8Array(8192);

/** A text to hand to the token detectors, with the line it is reported on. */
interface _Cand {
  line: number;
  text: string;
  how: string;
  /**
   * Joined literals only: where each literal starts in `text` (`reversed`:
   * in the unreversed text) and its line; a hit must then span two literals
   * (a token inside one literal is the plain detectors' or the
   * single-literal forms' business), and is reported on its first literal.
   */
  parts?: { starts: number[]; lines: number[]; values: string[]; reversed: boolean };
}

/**
 * The candidates of the encoded-secret check, line by line: every string
 * literal decoded, alone and joined with the literals of its run of
 * consecutive lines, as it is, reversed, base64- or hex-decoded; bare
 * base64 and hex blobs. A run ends at a line gap or past 200 literals, so
 * what it holds is bounded.
 */
class _EncodedCandidates {
  readonly #emit: (c: _Cand) => void;
  /** The current run: each literal's decoded value and line (two arrays, no object per literal). */
  #values: string[] = [];
  #lines: number[] = [];
  #prevLine = -2;

  constructor(emit: (c: _Cand) => void) {
    this.#emit = emit;
  }

  /** Whether literals of earlier lines wait in the current run. */
  get runOpen(): boolean {
    return this.#values.length > 0;
  }

  /** The line of the current run's first literal (Infinity when the run is empty). */
  get runFirstLine(): number {
    return this.#lines[0] ?? Infinity;
  }

  /** Read one line; returns whether it holds string literals (it then joins the run). */
  push(line: number, full: string): boolean {
    if (line !== this.#prevLine + 1) this.flushRun();
    this.#prevLine = line;
    const text = full.length > MAX_LINE ? full.slice(0, MAX_LINE) : full;
    // String literals ('...', "...", `...`), left to right; each joins the run.
    let found = 0;
    for (let i = 0; i < text.length; i++) {
      const q = text[i]!;
      if (q !== '"' && q !== "'" && q !== "`") continue;
      let j = i + 1;
      for (; j < text.length && text[j] !== q; j++) if (text[j] === "\\") j++;
      if (j >= text.length) break;
      const body = text.slice(i + 1, j);
      if (body.length <= MAX_LITERAL) {
        // Without a backslash there is nothing to decode (and no string to build).
        const escaped = body.includes("\\");
        const value = escaped ? decodeEscapes(body) : body;
        // A literal without escapes reads the same to the plain detectors.
        this.#addForms(line, value, "string literal", !escaped || value === body);
        this.#values.push(value);
        this.#lines.push(line);
        found++;
      }
      i = j;
    }
    // Bare base64 or hex blobs outside quotes (YAML values, .env files).
    for (const tok of text.match(BLOB_RUN) ?? []) {
      const b = _base64(tok);
      if (b) this.#emit({ line: line, text: b, how: "base64 text" });
      const h = _hex(tok);
      if (h) this.#emit({ line: line, text: h, how: "hex text" });
    }
    if (this.#values.length > 200) this.flushRun();
    return found > 0;
  }

  flushRun(): void {
    if (this.#values.length > 1) {
      this.#addJoined(this.#values, this.#lines, "joined string literals");
    }
    // New arrays: a joined candidate keeps the old ones.
    this.#values = [];
    this.#lines = [];
  }

  #addForms(line: number, value: string, how: string, plainSeen: boolean): void {
    // Every token format has a long run of token characters or a key
    // header: anything else cannot decode to one.
    if (value.length < 8 || !TOKENISH.test(value)) return;
    if (!plainSeen) this.#emit({ line, text: value, how });
    this.#emit({ line, text: reverse(value), how: `reversed ${how}` });
    for (const tok of value.match(TOKEN_RUN) ?? []) {
      const b = _base64(tok);
      if (b) this.#emit({ line, text: b, how: `base64 ${how}` });
      const h = _hex(tok);
      if (h) this.#emit({ line, text: h, how: `hex ${how}` });
    }
  }

  #addJoined(values: string[], lines: number[], how: string): void {
    const value = values.join("");
    if (value.length < 8 || !TOKENISH.test(value)) return;
    const starts: number[] = [];
    let at = 0;
    for (const v of values) {
      starts.push(at);
      at += v.length;
    }
    this.#emit({
      line: lines[0]!,
      text: value,
      how,
      parts: { starts, lines, values, reversed: false },
    });
    this.#emit({
      line: lines[0]!,
      text: reverse(value),
      how: `reversed ${how}`,
      parts: { starts, lines, values, reversed: true },
    });
    for (const m of value.matchAll(/[A-Za-z0-9+/_=-]{16,}/g)) {
      const first = lineIndexAt(starts, m.index!);
      if (first === lineIndexAt(starts, m.index! + m[0].length - 1)) continue;
      const b = _base64(m[0]);
      if (b) this.#emit({ line: lines[first]!, text: b, how: `base64 ${how}` });
      const h = _hex(m[0]);
      if (h) this.#emit({ line: lines[first]!, text: h, how: `hex ${how}` });
    }
  }
}

/**
 * Run the token detectors over candidates (one pass over all of them
 * joined, not one per candidate) and note, per line, the first candidate
 * that decodes to a token.
 */
function _hits(candidates: readonly _Cand[], hitLines: Map<number, string>): void {
  if (candidates.length === 0) return;
  const starts: number[] = [];
  let len = 0;
  for (const c of candidates) {
    starts.push(len);
    len += c.text.length + 1;
  }
  const joined = candidates.map((c) => c.text.replaceAll("\n", " ")).join("\n");
  for (const h of findSecrets(joined, TOKEN_DETECTORS)) {
    const k = lineIndexAt(starts, h.start);
    const c = candidates[k]!;
    let line = c.line;
    if (c.parts) {
      let a = h.start - starts[k]!;
      let b = h.end - 1 - starts[k]!;
      if (c.parts.reversed) [a, b] = [c.text.length - 1 - b, c.text.length - 1 - a];
      const first = lineIndexAt(c.parts.starts, a);
      const last = lineIndexAt(c.parts.starts, b);
      if (first === last) continue;
      // A published example or placeholder stays one when its neighbours are glued on.
      if (c.parts.values.slice(first, last + 1).some((v) => v.length >= 16 && isAllowlisted(v))) {
        continue;
      }
      line = c.parts.lines[first]!;
    }
    if (!hitLines.has(line)) hitLines.set(line, `${h.detector} in ${c.how}`);
  }
}

/** Whether the plain detectors already see a token in the line (the flag is theirs then). */
const _plainShows = (text: string) =>
  findSecrets(text.slice(0, MAX_LINE), TOKEN_DETECTORS).length > 0;

/**
 * Secrets written so a plain detector misses them: escapes
 * (`"\x67\x68\x70_..."`), concatenation (`"ghp_" + "..."`), arrays joined
 * (`["gh", "p_..."].join("")`), reversed strings, base64 or hex blobs. Every
 * string literal of a run of added lines is decoded; single literals, all of
 * a line's literals joined and all of the run's joined are tried as they
 * are, reversed, and base64- or hex-decoded; then the token detectors of
 * secrets.ts look at what came out. A line whose plain text already shows
 * the secret is left to the plain detectors.
 *
 * @param lines Added lines of one file, in order.
 * @returns One flag per line where a decoded token starts.
 */
export function encodedSecretFlags(lines: readonly ContentLine[]): ContentFlag[] {
  const candidates: _Cand[] = [];
  const gen = new _EncodedCandidates((c) => candidates.push(c));
  for (const l of lines) gen.push(l.line, l.text);
  gen.flushRun();
  const hitLines = new Map<number, string>();
  _hits(candidates, hitLines);
  if (hitLines.size === 0) return [];
  const flagged = new Map<number, string>();
  for (const l of lines) {
    const detail = hitLines.get(l.line);
    if (detail !== undefined && !_plainShows(l.text)) flagged.set(l.line, detail);
  }
  return [...flagged].map(([line, detail]) => ({ line, detail }));
}

/**
 * {@link encodedSecretFlags} over lines that arrive one at a time, holding
 * only the current run of literal lines and the candidates not yet
 * checked. Line numbers must rise strictly (as they do in a text or in a
 * diff whose hunks are in order); when they do not, `ordered` turns false
 * and the caller must read the lines whole instead.
 */
export class EncodedSecretStream {
  /** False once a line number did not rise: the flags are then not to be used. */
  ordered = true;
  #prev = -Infinity;
  #batch: _Cand[] = [];
  /** Lines that may still be flagged: literal lines of the open run, lines since the last check. */
  #waiting: Array<ContentLine & { literal: boolean }> = [];
  readonly #hitLines = new Map<number, string>();
  readonly #flags: ContentFlag[] = [];
  readonly #gen = new _EncodedCandidates((c) => this.#batch.push(c));

  /**
   * Read the next line.
   *
   * @param line Its number.
   * @param full Its text (read up to 20,000 characters).
   */
  push(line: number, full: string): void {
    if (!this.ordered) return;
    if (line <= this.#prev) {
      this.ordered = false;
      this.#batch = [];
      this.#waiting = [];
      return;
    }
    this.#prev = line;
    const before = this.#batch.length;
    const literal = this.#gen.push(line, full);
    if (literal || this.#batch.length > before) {
      const text = full.length > MAX_LINE ? full.slice(0, MAX_LINE) : full;
      this.#waiting.push({ line, text, literal });
    }
    if (!this.#gen.runOpen || this.#batch.length >= 512) this.#settle(this.#gen.runOpen);
  }

  /**
   * Finish and return the flags.
   *
   * @returns What {@link encodedSecretFlags} returns for the same lines.
   */
  end(): ContentFlag[] {
    if (this.ordered) {
      this.#gen.flushRun();
      this.#settle(false);
    }
    // Lines settle out of order (a run's lines last); each line is flagged once.
    return this.#flags.sort((a, b) => a.line - b.line);
  }

  /** Check the waiting candidates; flag the lines that nothing later can reach. */
  #settle(runOpen: boolean): void {
    if (this.#batch.length === 0 && this.#waiting.length === 0) return;
    _hits(this.#batch, this.#hitLines);
    this.#batch.length = 0;
    // With the run still open, its literal lines may get hits from its joined forms later.
    const keepFrom = runOpen ? this.#gen.runFirstLine : Infinity;
    const still: Array<ContentLine & { literal: boolean }> = [];
    for (const l of this.#waiting) {
      if (l.literal && l.line >= keepFrom) {
        still.push(l);
        continue;
      }
      const detail = this.#hitLines.get(l.line);
      if (detail !== undefined) {
        this.#hitLines.delete(l.line);
        if (!_plainShows(l.text)) this.#flags.push({ line: l.line, detail });
      }
    }
    this.#waiting = still;
  }
}

/**
 * The index of the line holding `offset`, given each line's start offset.
 *
 * @param starts Start offsets of the lines, ascending.
 * @param offset An offset into the text.
 * @returns The 0-based line index.
 */
export function lineIndexAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Run one content check by its rule id.
 *
 * @param id A rule id of {@link CONTENT_RULES}.
 * @param lines Added lines of one file, in order.
 * @returns Its flags.
 */
export function contentFlags(id: string, lines: readonly ContentLine[]): ContentFlag[] {
  switch (id) {
    case "content.bidi":
      return bidiFlags(lines);
    case "content.zero-width":
      return zeroWidthFlags(lines);
    case "content.homoglyph":
      return homoglyphFlags(lines);
    case "secret.encoded":
      return encodedSecretFlags(lines);
    default:
      return [];
  }
}
