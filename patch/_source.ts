/**
 * A file being patched, held as its text and where each line starts and ends
 * in it: one pass with `indexOf` fills two typed arrays, so a large file costs
 * no object and no string per line. A line's text is sliced only when a hunk
 * looks at it, and untouched stretches are copied as single slices.
 *
 * @module
 */

/** A line of the file being patched, with its own line ending. */
export interface SourceLine {
  /** Text without line ending. */
  text: string;
  /** "\n", "\r\n" or "" (last line without newline). */
  eol: string;
}

/** A file's text split into lines by offsets (see the module doc). */
export class SourceFile {
  /** The whole text. */
  readonly source: string;
  /** Number of lines (a last line without newline counts). */
  readonly length: number;
  /** Lines ending in "\r\n". */
  readonly crlf: number;
  /** Lines ending in "\n" alone. */
  readonly lf: number;
  /** Start of line i; entry `length` is the text's length. */
  readonly #starts: Uint32Array;
  /** End of line i's text, before its line ending. */
  readonly #ends: Uint32Array;
  /** Every line's text, once asked for. */
  #texts: readonly string[] | undefined;

  /**
   * Split a text into lines: a line ends at "\n", and its ending is "\r\n"
   * when a "\r" of the line stands right before it (as /\r?\n/ splits).
   *
   * @param source The file's text.
   */
  constructor(source: string) {
    this.source = source;
    // A guess at the line count; doubled when short (one copy per doubling).
    let starts = new Uint32Array((source.length >> 4) + 16);
    let ends = new Uint32Array(starts.length);
    let n = 0;
    let crlf = 0;
    let last = 0;
    for (let nl = source.indexOf("\n"); nl >= 0; nl = source.indexOf("\n", last)) {
      // Room for this line, a last line without newline and the end mark.
      if (n + 3 > starts.length) [starts, ends] = [grow(starts), grow(ends)];
      starts[n] = last;
      if (nl > last && source.charCodeAt(nl - 1) === 13) {
        ends[n] = nl - 1;
        crlf++;
      } else ends[n] = nl;
      n++;
      last = nl + 1;
    }
    const lf = n - crlf;
    if (last < source.length) {
      starts[n] = last;
      ends[n] = source.length;
      n++;
    }
    starts[n] = source.length;
    this.length = n;
    this.crlf = crlf;
    this.lf = lf;
    this.#starts = starts;
    this.#ends = ends;
  }

  /**
   * The same lines as a file of line objects (a caller holding `_toLines`'s
   * shape); the lines' own texts and endings are kept as they are.
   *
   * @param lines Lines with their endings.
   * @returns The file.
   */
  static fromLines(lines: readonly SourceLine[]): SourceFile {
    return new SourceFile(lines.map((l) => l.text + l.eol).join(""));
  }

  /** Offset of line i's first character (i may be `length`: the text's end). */
  start(i: number): number {
    return this.#starts[i]!;
  }

  /** Offset just past line i's text, before its line ending. */
  end(i: number): number {
    return this.#ends[i]!;
  }

  /** Length of line i's text (no allocation). */
  textLength(i: number): number {
    return this.#ends[i]! - this.#starts[i]!;
  }

  /** Length of line i's ending: 2 for "\r\n", 1 for "\n", 0 for none. */
  eolLength(i: number): number {
    return this.#starts[i + 1]! - this.#ends[i]!;
  }

  /** Line i's text without its ending. */
  text(i: number): string {
    return this.source.slice(this.#starts[i]!, this.#ends[i]!);
  }

  /** Line i's ending: "\r\n", "\n" or "". */
  eol(i: number): string {
    const n = this.eolLength(i);
    return n === 2 ? "\r\n" : n === 1 ? "\n" : "";
  }

  /** Line i as a line object. */
  line(i: number): SourceLine {
    return { text: this.text(i), eol: this.eol(i) };
  }

  /** True when line i's text is exactly `s` (no allocation). */
  is(i: number, s: string): boolean {
    const from = this.#starts[i]!;
    return this.#ends[i]! - from === s.length && this.source.startsWith(s, from);
  }

  /**
   * The line that starts at an offset, or -1 when none does (a binary search
   * of the line starts).
   */
  lineStartingAt(offset: number): number {
    const starts = this.#starts;
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = starts[mid]!;
      if (at === offset) return mid;
      if (at < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * Every line whose text is exactly `s`, ascending. The text is searched
   * for with `indexOf` (native, no string made per line) and each hit kept
   * when it spans a whole line; a text found far more often than there are
   * lines is compared line by line instead.
   */
  linesEqualTo(s: string): number[] {
    const out: number[] = [];
    const src = this.source;
    if (s.length > 0) {
      let budget = this.length + 64;
      for (let p = src.indexOf(s); p >= 0; p = src.indexOf(s, p + 1)) {
        if (--budget < 0) return this.#scanFor(s);
        if (p > 0 && src.charCodeAt(p - 1) !== 10) continue;
        const i = this.lineStartingAt(p);
        if (i >= 0 && this.#ends[i]! === p + s.length) out.push(i);
      }
      return out;
    }
    return this.#scanFor(s);
  }

  #scanFor(s: string): number[] {
    const out: number[] = [];
    const starts = this.#starts;
    const ends = this.#ends;
    const n = s.length;
    for (let i = 0; i < this.length; i++) {
      if (ends[i]! - starts[i]! === n && this.source.startsWith(s, starts[i]!)) out.push(i);
    }
    return out;
  }

  /** Every line's text (for the searches that need them all), made once. */
  texts(): readonly string[] {
    if (this.#texts === undefined) {
      const out = new Array<string>(this.length);
      for (let i = 0; i < this.length; i++) out[i] = this.text(i);
      this.#texts = out;
    }
    return this.#texts;
  }

  /** The original text of lines `from` to `to` (exclusive), endings included. */
  slice(from: number, to: number): string {
    return this.source.slice(this.#starts[from]!, this.#starts[to]!);
  }
}

function grow(a: Uint32Array<ArrayBuffer>): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(a.length * 2);
  b.set(a);
  return b;
}
