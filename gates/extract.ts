/**
 * Generic failure-chunk extraction from any build log, streaming: lines are
 * read one at a time with bounded state (a short ring of recent lines, the
 * chunk being built and the best few chunks), so a 1 GB log costs the same
 * memory as a 1 KB one. It finds the block a human would point at (the
 * compiler error, the traceback, the failing test), not the final
 * "exit code 1", and ranks chunks best first.
 *
 * @module
 */

import { DiagTracker } from "./_extract_diag.ts";
import { indexOrInf, lastLines, readLineBatches } from "./_extract_lines.ts";
import {
  candidates,
  CAUSE,
  cleanLine,
  continuation,
  passedLine,
  scoreLine,
  stepEndOf,
  stepMark,
  SYMBOLS,
} from "./extract_rules.ts";

/** One block of a log that explains a failure. */
export interface Chunk {
  /** First line, 1-based. */
  start: number;
  /** Last line, 1-based, inclusive. */
  end: number;
  /**
   * The lines, cleaned (no ANSI, timestamps or fold markers); a run of three
   * or more identical lines is shown once with a count.
   */
  text: string;
  /** Failure family of the strongest line: "compile", "test", "npm", … */
  kind: string;
  /** Ranking score; higher is better. */
  score: number;
}

/** Options of the extractor. */
export interface ExtractOptions {
  /** Most chunks returned. @default 3 */
  maxChunks?: number;
  /** Most lines in one chunk. @default 60 */
  maxLines?: number;
}

interface _Line {
  n: number;
  text: string;
  score: number;
  kind: string;
  /** Extended the chunk it is in (as opposed to a gap line). */
  attached?: boolean;
}

const GAP = 3;
const PRE = 3;
// Most lines between a cause and the location line above its code frame.
const FRAME = 6;
const RING = 12;
const MAX_CONTINUATION_RUN = 25;
const KEEP = 8;
const SEEN_CAP = 5000;
const SHAPE_CACHE = 4096;
// Most lines of the block that ends where a failing step ended, used when
// the step printed nothing error-shaped.
const TAIL = 8;
// Chunk score from which a chunk outside the failed step is taken over that
// step's last block: a cause line of weight 5 with a location, or one of 7.
const CLEAR_CAUSE = 30;

/** A kept chunk and the CI step it was printed in. */
interface _Kept {
  chunk: Chunk;
  step: number;
}

/**
 * Incremental extractor: feed raw lines in order with {@link push}, then
 * call {@link finish}. Memory is bounded by the options, not by the log.
 */
export class ChunkExtractor {
  readonly #maxChunks: number;
  readonly #maxLines: number;
  #n = 0;
  #ring: _Line[] = [];
  #open: _Line[] | null = null;
  #gap = 0;
  #contRun = 0;
  // The Terraform/tflint diagnostic the open chunk is in: its body lines
  // join the chunk however plain they look.
  readonly #diag = new DiagTracker<_Line>();
  #best: _Kept[] = [];
  // CI steps (GitHub/Azure/GitLab/Travis job logs): the step being read,
  // where it started, GitLab's last script section, and the step that
  // failed first with its chunks and its last block.
  #step = 0;
  #stepStart = 0;
  #markAt = -1;
  #script: { step: number; tail: _Line[] } | null = null;
  #failed: { chunks: Chunk[]; tail: _Line[] } | null = null;
  // The last-resort chunk's lines and score; made into a chunk only at the
  // end (a log can hold a million weak lines, and only the last one counts).
  #fallback: { lines: _Line[]; score: number; rank: number } | null = null;
  #seen = new Set<string>();
  #announced = false;
  readonly #find = candidates();
  // Where the line being examined sits, so that skipped lines above it can
  // be read back when a chunk needs them as context.
  #source = "";
  #at = 0;
  #tail: string[] = [];
  #ringStale = false;
  readonly #shapes = new Map<string, { score: number; kind: string }>();

  /**
   * @param options Chunk count and size limits.
   */
  constructor(options: ExtractOptions = {}) {
    this.#maxChunks = options.maxChunks ?? 3;
    this.#maxLines = options.maxLines ?? 60;
  }

  /**
   * Feed the next raw line (without its newline).
   *
   * @param raw The line as it is in the log.
   */
  push(raw: string): void {
    const n = ++this.#n;
    const { text, marked } = cleanLine(raw);
    const mark = stepMark(raw);
    const end = stepEndOf(text, marked);
    if (mark !== 0 || end !== 0) {
      // A CI step boundary or the runner's verdict on a step: it belongs to
      // no tool's output, so it ends the open chunk and joins none.
      if (this.#open) this.#close();
      this.#stepBoundary(mark, end);
      if (mark === 1) {
        this.#step++;
        this.#stepStart = n;
      }
      this.#markAt = n;
      const line: _Line = { n, text, score: 0, kind: "" };
      this.#ring.push(line);
      if (this.#ring.length > RING) this.#ring.shift();
      return;
    }
    // The shell's echo of the step's command (`+ make` under Jenkins's
    // `[Pipeline] sh`) is the command, not its output.
    const echo = n === this.#markAt + 1 && text.startsWith("+ ");
    const { score, kind } = echo ? { score: 0, kind: "" } : this.#score(text, marked);
    const line: _Line = { n, text, score, kind };
    if (this.#open) this.#extend(line);
    else if (score >= CAUSE) this.#start(line);
    else if (score > 0) this.#noteWeak(line);
    this.#ring.push(line);
    if (this.#ring.length > RING) this.#ring.shift();
  }

  // Logs repeat line shapes that differ only in numbers (request ids,
  // durations, counters): the score of a shape is computed once. Digits 1-9
  // fold to "1" and 0 stays, so lengths and the zero counts the noise rules
  // look at ("0 errors") are kept. Bounded: cleared when full.
  #score(text: string, marked: boolean): { score: number; kind: string } {
    if (text.length > 240) return scoreLine(text, marked);
    const key = (marked ? "\u0001" : "") + text.replace(/[1-9]/g, "1");
    const hit = this.#shapes.get(key);
    if (hit) return hit;
    const scored = scoreLine(text, marked);
    if (this.#shapes.size >= SHAPE_CACHE) this.#shapes.clear();
    this.#shapes.set(key, scored);
    return scored;
  }

  /**
   * Feed complete lines: `text` holds lines that each end with "\n". Lines
   * that cannot matter (no candidate word or shape, no chunk open) are
   * counted but never cleaned or scored, which is what makes large logs fast.
   *
   * @param text Zero or more complete lines.
   */
  pushLines(text: string): void {
    const { keywords, shapeAt } = this.#find;
    keywords.lastIndex = 0;
    let kw = keywords.exec(text)?.index ?? Infinity;
    const sym = SYMBOLS.map((c) => indexOrInf(text, c, 0));
    let symNext = Math.min(...sym);
    this.#source = text;
    let at = 0;
    while (at < text.length) {
      const nl = text.indexOf("\n", at);
      if (
        this.#open !== null ||
        ((kw < nl || symNext < nl || shapeAt(text, at)) && !passedLine(text, at, nl))
      ) {
        this.#at = at;
        this.push(text.slice(at, nl));
      } else this.#n++;
      at = nl + 1;
      if (kw < at) {
        keywords.lastIndex = at;
        kw = keywords.exec(text)?.index ?? Infinity;
      }
      if (symNext < at) {
        for (let i = 0; i < sym.length; i++) {
          if (sym[i]! < at) sym[i] = indexOrInf(text, SYMBOLS[i]!, at);
        }
        symNext = Math.min(...sym);
      }
    }
    this.#tail = lastLines(text, text.length, RING, this.#tail);
    this.#source = "";
  }

  /** The RING lines above the current one, rebuilt if some were skipped. */
  #context(): _Line[] {
    const last = this.#ring[this.#ring.length - 1];
    if (!this.#ringStale && (last === undefined ? this.#n === 1 : last.n === this.#n - 1)) {
      return this.#ring;
    }
    this.#ringStale = false;
    const raw = lastLines(this.#source, this.#at, RING, this.#tail);
    const first = this.#n - raw.length;
    this.#ring = raw.map((r, i) => {
      const { text, marked } = cleanLine(r);
      return { n: first + i, text, ...scoreLine(text, marked) };
    });
    return this.#ring;
  }

  /**
   * End of input: close the open chunk and rank.
   *
   * @returns Chunks, best first.
   */
  finish(): Chunk[] {
    if (this.#open) this.#close();
    const failed = this.#failed;
    const ranked = _rank(this.#best.map((k) => k.chunk), this.#maxChunks);
    if (failed) {
      // The runner said which step failed: its chunks are the answer. When
      // it printed nothing error-shaped, the block it ended with is, unless
      // another step holds a clear cause (a verdict printed after later
      // steps, or a step that failed quietly after a loud one).
      const own = _rank(failed.chunks, this.#maxChunks);
      if (own.length > 0) return own;
      if (failed.tail.length > 0 && (ranked[0]?.score ?? 0) < CLEAR_CAUSE) {
        return [{ ..._toChunk(failed.tail), kind: "exit" }];
      }
    }
    if (ranked.length > 0) return ranked;
    const f = this.#fallback;
    return f ? [{ ..._toChunk(f.lines), score: f.score, kind: "exit" }] : [];
  }

  // A step boundary (mark 1 start, 2 end, 3 GitLab script end or Jenkins
  // post section start) or a failure verdict (end 1 for this step, 2 for
  // GitLab's last script, 3 for Jenkins's: the step before the post
  // section, else the current one).
  #stepBoundary(mark: 0 | 1 | 2 | 3, end: 0 | 1 | 2 | 3): void {
    if (mark === 3) this.#script = { step: this.#step, tail: this.#stepTail() };
    if (end === 0 || this.#failed) return;
    const failed = end === 2
      ? this.#script
      : end === 3 && this.#script
      ? this.#script
      : { step: this.#step, tail: this.#stepTail() };
    if (!failed) return;
    this.#failed = {
      chunks: this.#best.filter((k) => k.step === failed.step).map((k) => k.chunk),
      tail: failed.tail,
    };
  }

  /**
   * The RING lines right above the current one, every one of them: read
   * back from the text when lines were skipped (the ring holds only the
   * lines that were looked at). Called at chunk starts and step ends only.
   */
  #above(): _Line[] {
    if (this.#source === "") return this.#ring.filter((l) => l.n < this.#n);
    const raw = lastLines(this.#source, this.#at, RING, this.#tail);
    const first = this.#n - raw.length;
    return raw.map((r, i) => {
      const { text, marked } = cleanLine(r);
      return { n: first + i, text, ...scoreLine(text, marked) };
    });
  }

  /** The last block of the current step: its last lines up to a blank line or its start. */
  #stepTail(): _Line[] {
    const ring = this.#above();
    const out: _Line[] = [];
    for (let i = ring.length - 1; i >= 0 && out.length < TAIL; i--) {
      const l = ring[i]!;
      if (l.n <= this.#stepStart || l.n >= this.#n) {
        if (l.n >= this.#n) continue;
        break;
      }
      const t = l.text.trim();
      if (t === "") {
        if (out.length > 0) break;
        continue;
      }
      if (/^(?:\$ |\[command\]|Run |Starting: |=+ Starting Command Output)/.test(t)) break;
      out.unshift(l);
    }
    return out;
  }

  /** Lines seen so far. */
  get lines(): number {
    return this.#n;
  }

  #start(line: _Line): void {
    const ring = this.#context();
    const diag = this.#diag.start(line, ring);
    const pre = _frameAbove(this.#above(), line.n, line.text) ?? diag ??
      _linesAbove(ring, line.text);
    line.attached = true;
    this.#open = [...pre, line];
    this.#announced = _announces(line.text);
    this.#gap = 0;
    this.#contRun = 0;
  }

  #extend(line: _Line): void {
    const open = this.#open!;
    const diag = this.#diag.place(line);
    if (diag === "in") {
      if (open.length >= this.#maxLines) {
        this.#close();
        return;
      }
      this.#gap = 0;
      line.attached = true;
      open.push(line);
      return;
    }
    const strong = line.score >= 3;
    const kind = strong || diag === "out" ? 0 : continuation(line.text);
    // A shallow plain line continues an announced body, or the error line
    // right above it (tsc's second message line).
    const prev = open[open.length - 1]!;
    const cont = kind === 2 ||
      (kind === 1 && (this.#announced || (prev.attached === true && prev.score >= CAUSE)));
    if (line.text !== "" && kind === 0) this.#announced = _announces(line.text);
    if (open.length >= this.#maxLines) {
      this.#close();
      if (line.score >= CAUSE) this.#start(line);
      return;
    }
    if (strong || (cont && this.#contRun < MAX_CONTINUATION_RUN)) {
      this.#contRun = strong ? 0 : this.#contRun + 1;
      this.#gap = 0;
      line.attached = true;
      open.push(line);
      return;
    }
    // Blank lines separate parts of one report (pytest, rustc, Spring) more
    // often than they separate reports, so they count half.
    this.#gap += line.text.trim() === "" ? 0.5 : 1;
    if (this.#gap >= GAP) {
      this.#close();
      return;
    }
    open.push(line);
  }

  #close(): void {
    const open = this.#open!;
    this.#open = null;
    // Trailing lines that did not extend the chunk are not part of it.
    while (open.length > 1) {
      const last = open[open.length - 1]!;
      if (last.attached) break;
      open.pop();
    }
    const chunk = _toChunk(open);
    // Tools repeat their errors in a final summary (Maven, node:test,
    // BuildKit, CI annotations): a chunk whose strong lines were all seen in
    // an earlier chunk is the echo, not the report.
    let strong = 0;
    let repeats = 0;
    const keys: string[] = [];
    for (const l of open) {
      const key = _key(l.text);
      if (key === "") continue;
      keys.push(key);
      if (l.score < CAUSE) continue;
      strong++;
      if (this.#seen.has(key)) repeats++;
    }
    for (const k of keys) if (this.#seen.size < SEEN_CAP) this.#seen.add(k);
    if (strong > 0 && repeats * 2 >= strong) chunk.score *= 0.4;
    this.#keep(chunk);
  }

  #keep(chunk: Chunk): void {
    const kept = { chunk, step: this.#step };
    if (this.#best.length < KEEP) {
      this.#best.push(kept);
      return;
    }
    let worst = 0;
    for (let i = 1; i < this.#best.length; i++) {
      if (this.#best[i]!.chunk.score < this.#best[worst]!.chunk.score) worst = i;
    }
    // Ties keep the earlier chunk: the first error of a cascade is the cause.
    if (chunk.score > this.#best[worst]!.chunk.score) this.#best[worst] = kept;
  }

  #noteWeak(line: _Line): void {
    // A summary line ("exit code 1", "BUILD FAILED") is the last resort:
    // the lines just above it are what the tool printed before giving up.
    // A context line (a path, "In function") says where, not that anything
    // failed: it is a last resort only when no summary line exists.
    const rank = line.kind === "context" ? 0.5 : line.score;
    if (this.#fallback && this.#fallback.rank > rank) {
      // Lines above were skipped and the ring was not brought up to date:
      // rebuild it when next needed (only happens under pushLines).
      const last = this.#ring[this.#ring.length - 1];
      if (last !== undefined && last.n !== this.#n - 1) this.#ringStale = true;
      return;
    }
    const before = this.#context().slice(-8).filter((l) => l.text.trim() !== "");
    this.#fallback = { lines: [...before, line], score: line.score, rank };
  }
}

/** Chunks best first, cut to `max` and to those at least half as good as the best. */
function _rank(chunks: Chunk[], max: number): Chunk[] {
  if (chunks.length === 0) return [];
  const ranked = [...chunks].sort((a, b) => b.score - a.score || a.start - b.start);
  const top = ranked[0]!.score;
  // Near-ties go to the earliest chunk: the first error of a cascade is
  // the cause, later ones are often its consequences or its echo.
  const first = ranked.filter((c) => c.score >= top * 0.9).sort((a, b) => a.start - b.start)[0]!;
  ranked.splice(ranked.indexOf(first), 1);
  ranked.unshift(first);
  return ranked.filter((c) => c.score >= top * 0.5).slice(0, max);
}

/**
 * A location line a few lines above a cause with only a code frame between
 * (Python's `File "x", line 3` over the source line, its caret and the
 * SyntaxError; gfortran's `x.f90:8:26:` over its frame and "Error:"): the
 * location and the frame belong to the cause. Null when there is none.
 */
function _frameAbove(ring: _Line[], n: number, opener: string): _Line[] | null {
  let want = n - 1;
  // A cause that is a caret line (ShellCheck's "^-- SC2086 …") points into
  // the source line right above it, however plain that line looks.
  const caret = /^\s*\^/.test(opener);
  for (let i = ring.length - 1; i >= 0 && n - want <= FRAME; i--, want--) {
    const p = ring[i]!;
    if (p.n !== want) return null;
    if (p.kind === "context" && p.score >= 3) return ring.slice(i);
    if (caret && want === n - 1) continue;
    if (p.text.trim() !== "" && continuation(p.text) === 0) return null;
  }
  return null;
}

/** The few lines just above a cause that belong to it (PRE at most). */
function _linesAbove(ring: _Line[], opener: string): _Line[] {
  // A header such as "src/x.c: In function 'main':", the code frame above a
  // pytest "E", the opening of a JSON diagnostics array.
  const pre: _Line[] = [];
  for (let i = ring.length - 1; i >= 0 && pre.length < PRE; i--) {
    const p = ring[i]!;
    if (p.text.trim() === "") break;
    if (p.score === 0 && !_frameLike(p.text, opener) && !_jsonOpener(p.text)) break;
    if (p.kind === "exit") break;
    pre.unshift(p);
  }
  return pre;
}

/** A line that opens a JSON object or a named JSON array ("diagnostics": [). */
function _jsonOpener(text: string): boolean {
  return /^\s*(?:"[\w-]+":\s*)?[[{]\s*$/.test(text);
}

/** A head line that announces an indented body ("CMake Error at x:14 (find_package):"). */
function _announces(text: string): boolean {
  // "For more information:" (ShellCheck, Maven) announces a list of links.
  return /:\s*$/.test(text) && !/^(?:\[\w+\] )?For more information\b/.test(text);
}

function _key(text: string): string {
  return text.replace(/^(?:\s+|\[ERROR\]|[\d.]+ (?=\S))+/, "").trim();
}

function _frameLike(above: string, opener: string): boolean {
  // Code lines above a pytest "E" line, or the frame above an "^" marker.
  return /^\s*E\s/.test(opener) && /^(?:>|\s{4,})/.test(above);
}

/** The lines' text, a run of 3+ identical non-blank lines shown once with its count. */
function _collapse(lines: _Line[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    const text = lines[i]!.text;
    let j = i + 1;
    while (j < lines.length && lines[j]!.text === text) j++;
    if (j - i >= 3 && text.trim() !== "") {
      out.push(text, `… (the line above repeated ${j - i - 1} more times)`);
    } else for (let k = i; k < j; k++) out.push(text);
    i = j;
  }
  return out.join("\n");
}

function _toChunk(lines: _Line[]): Chunk {
  let max = 0;
  let sum = 0;
  let kind = "generic";
  let located = false;
  for (const l of lines) {
    if (l.score > max) {
      max = l.score;
      kind = l.kind;
    }
    if (l.score >= CAUSE) sum += Math.min(l.score, 10);
    if (!located && /\S+\.[A-Za-z]{1,6}(?:[:(]\d+|:? line \d+)/.test(l.text)) located = true;
  }
  const score = max * 4 + Math.min(sum, 40) + (located ? 6 : 0) + Math.min(lines.length, 10) / 2;
  return {
    start: lines[0]!.n,
    end: lines[lines.length - 1]!.n,
    text: _collapse(lines),
    kind,
    score,
  };
}

/**
 * Extract failure chunks from a log held in memory.
 *
 * @param text The whole log.
 * @param options Limits.
 * @returns Chunks, best first; empty when nothing looks like a failure.
 * @example
 * ```ts
 * import { extractChunks } from "./extract.ts";
 * const [c] = extractChunks("building\nsrc/a.ts(3,7): error TS2322: Type 'string' is not assignable\nexit 1\n");
 * console.assert(c!.start === 2 && c!.kind === "compile");
 * ```
 */
export function extractChunks(text: string, options: ExtractOptions = {}): Chunk[] {
  const x = new ChunkExtractor(options);
  x.pushLines(text.endsWith("\n") ? text : text + "\n");
  return x.finish();
}

/**
 * Extract failure chunks from a byte stream, line by line.
 *
 * @param stream The log (a file, stdin, a response body).
 * @param options Limits.
 * @returns Chunks, best first, and the number of lines read.
 */
export async function extractChunksFromStream(
  stream: ReadableStream<Uint8Array>,
  options: ExtractOptions = {},
): Promise<{ chunks: Chunk[]; lines: number }> {
  const x = new ChunkExtractor(options);
  await readLineBatches(stream, (text) => x.pushLines(text));
  return { chunks: x.finish(), lines: x.lines };
}

/**
 * Extract failure chunks from a log file, streaming.
 *
 * @param path The file.
 * @param options Limits.
 * @returns Chunks, best first.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 */
export async function extractChunksFromFile(
  path: string,
  options: ExtractOptions = {},
): Promise<Chunk[]> {
  const file = await Deno.open(path, { read: true });
  return (await extractChunksFromStream(file.readable, options)).chunks;
}
