/**
 * The text checks a scan runs over every added line joined with `\n`
 * (secrets, user patterns, query calls), run on a window that slides over
 * the lines as they arrive instead of on one string of all of them.
 *
 * Why the findings match the whole-text scan's:
 * - Secret detection and the query-call search are line-local (every
 *   detector reads one line), so any split at line boundaries gives the
 *   same hits; each line is read once, in the window's committed part.
 * - A user pattern is searched from where its previous match ended (as
 *   `matchAll` does), and a match is accepted only when it starts before
 *   the commit point, with at least `marginChars` of text after that point
 *   and `marginChars` kept before it. A pattern that cannot match a line
 *   break finds exactly what it finds in the whole text; one that can
 *   (`\s*` across lines) does whenever its match, and what it looks at
 *   around it, fits in the margin (16 KiB by default).
 * - Whether a query call's first argument is a plain string can depend on
 *   the lines after it (blank lines, the string, then `,` or `)`); the
 *   answer waits until two more non-blank lines (or the end) are in the
 *   window, which is all that check can read.
 *
 * @module
 */

import { CONTENT_RULES, lineIndexAt } from "./content_flags.ts";
import { _inFiles, _Out, type ScanHost } from "./scan.ts";
import { findSecrets } from "./secrets.ts";
import { queryCalls, startsWithPlainString } from "./sql.ts";
import type { Rule } from "./types.ts";

/** One added line, with where it came from. */
export interface JoinedLine {
  /** The text. */
  text: string;
  /** The file it is reported in. */
  file: string;
  /** 1-based line in that file. */
  line: number;
  /** Index of the file section it belongs to (0 for a plain text). */
  owner: number;
}

/** What a slot of a line that left the window holds. */
const _GONE: JoinedLine = { text: "", file: "", line: 0, owner: 0 };

/** Options of {@link JoinedScanner}. */
export interface JoinedOptions {
  /** Run the user patterns (a plain text and a diff both do). */
  patterns: boolean;
  /** Report query calls whose first argument is not a plain string (diffs). */
  onQueryCall?: (line: JoinedLine) => void;
  /** Told the line of every finding, with its text (for SARIF fingerprints). */
  onFindingLine?: (line: JoinedLine) => void;
  /** Characters committed per step. @default 65536 */
  chunkChars?: number;
  /** Characters kept after and before the commit point. @default 16384 */
  marginChars?: number;
}

/** Secrets, user patterns and query calls over a stream of added lines. */
export class JoinedScanner {
  /** Secret findings, in text order. */
  readonly secrets = new _Out();
  /** Findings of each user pattern rule, in rule order. */
  readonly patterns: _Out[];
  readonly #host: ScanHost;
  readonly #byDetector: Map<string, Rule>;
  /** The detectors to run, frozen (findSecrets then reuses its plan). */
  readonly #detectors: readonly string[];
  readonly #patternRules: Array<{ rule: Rule; re: RegExp; resume: number }>;
  readonly #onQuery: ((line: JoinedLine) => void) | undefined;
  readonly #onFindingLine: ((line: JoinedLine) => void) | undefined;
  readonly #chunk: number;
  readonly #margin: number;
  /**
   * The window is `#win[#head..]`: lines leave by moving `#head` (their
   * slots are cleared), and the array is compacted only now and then, so
   * a step makes no new array of lines.
   */
  #win: JoinedLine[] = [];
  #head = 0;
  /** Reused per step: line starts of the window (length set, never emptied). */
  #starts: number[] = [];
  #committed = 0;
  #pendingChars = 0;
  /** Query calls whose argument check needs more lines: offsets in the window text. */
  #pending: Array<{ at: number; line: number }> = [];
  #owners = 0;
  readonly #messages = new Map<string, string>();

  /**
   * Make a scanner.
   *
   * @param host The engine.
   * @param options See {@link JoinedOptions}.
   */
  constructor(host: ScanHost, options: JoinedOptions) {
    this.#host = host;
    const rules = host.policy.rules;
    this.#byDetector = new Map(
      rules.filter((r) => r.match.secret).map((r) => [r.match.secret!, r]),
    );
    this.#detectors = Object.freeze([...this.#byDetector.keys()]);
    this.#patternRules = options.patterns
      ? rules.filter((x) => x.match.pattern && !CONTENT_RULES.has(x.id)).map((rule) => ({
        rule,
        re: new RegExp(rule.match.pattern!, "gm"),
        resume: 0,
      }))
      : [];
    this.patterns = this.#patternRules.map(() => new _Out());
    this.#onQuery = options.onQueryCall;
    this.#onFindingLine = options.onFindingLine;
    this.#chunk = options.chunkChars ?? 1 << 13;
    this.#margin = options.marginChars ?? 1 << 11;
  }

  /**
   * The lowest file section index whose lines are not all read yet (or
   * whose query calls wait for later lines); Infinity when none.
   */
  get horizon(): number {
    let h = Infinity;
    const first = this.#win[this.#head + this.#committed];
    if (first) h = first.owner;
    for (const p of this.#pending) h = Math.min(h, this.#win[this.#head + p.line]!.owner);
    return h;
  }

  /** How many lines were added so far. */
  get lines(): number {
    return this.#owners;
  }

  /**
   * Add the next added line.
   *
   * @param l The line.
   */
  push(l: JoinedLine): void {
    this.#win.push(l);
    this.#owners++;
    this.#pendingChars += l.text.length + 1;
    if (this.#pendingChars >= this.#chunk + this.#margin) this.#step(false);
  }

  /** Read what is left: every finding is in after this. */
  end(): void {
    if (this.#win.length > this.#head) this.#step(true);
    this.#win = [];
    this.#head = 0;
    this.#committed = 0;
  }

  #step(final: boolean): void {
    const all = this.#win;
    const head = this.#head;
    const n = all.length - head;
    // Index i of the window is all[head + i].
    const win = { length: n, at: (i: number) => all[head + i]! };
    const starts = this.#starts;
    // A fresh array of texts each step: texts stored into a long-lived
    // array while the old generation is being marked stay alive until the
    // next full collection (and count as surviving young objects).
    const parts: string[] = new Array(final ? n : n + 1);
    starts.length = n;
    // The trailing "\n" comes from an empty last part: appending it to the
    // joined string would make a second string the first regex run copies.
    let len = 0;
    for (let i = 0; i < n; i++) {
      const t = all[head + i]!.text;
      starts[i] = len;
      parts[i] = t;
      len += t.length + 1;
    }
    if (!final) parts[n] = "";
    const text = parts.join("\n");
    // Commit up to the last line start with a margin of text after it.
    let ce = win.length;
    if (!final) {
      while (ce > this.#committed && text.length - starts[ce - 1]! < this.#margin) ce--;
      ce--;
      if (ce <= this.#committed) return;
    }
    const commitEnd = final ? Infinity : starts[ce]!;
    const regionStart = starts[this.#committed]!;
    const regionEnd = ce < win.length ? starts[ce]! - 1 : text.length;
    const region = text.slice(regionStart, regionEnd);
    const at = (offset: number) => win.at(lineIndexAt(starts, offset));

    for (const h of findSecrets(region, this.#detectors)) {
      const r = this.#byDetector.get(h.detector)!;
      const c = at(regionStart + h.start);
      if (_inFiles(r, c.file)) {
        this.secrets.add(r, c.file, c.line, this.#secretMessage(r, h.detector));
        this.#onFindingLine?.(c);
      }
    }
    this.#patternRules.forEach((p, k) => {
      let pos = p.resume;
      const re = p.re;
      for (;;) {
        re.lastIndex = pos;
        const m = pos <= text.length ? re.exec(text) : null;
        if (!m || m.index >= commitEnd) {
          pos = Math.max(pos, commitEnd);
          break;
        }
        const c = at(m.index);
        if (_inFiles(p.rule, c.file)) {
          this.patterns[k]!.add(p.rule, c.file, c.line, p.rule.message);
          this.#onFindingLine?.(c);
        }
        pos = m.index + m[0].length + (m[0] === "" ? 1 : 0);
      }
      p.resume = pos;
    });
    if (this.#onQuery) {
      const waiting = this.#pending;
      this.#pending = [];
      for (const pos of queryCalls(region)) {
        const off = regionStart + pos;
        waiting.push({ at: off, line: lineIndexAt(starts, off) });
      }
      for (const w of waiting) {
        if (!final && !this.#argumentInWindow(text, starts, w.at, w.line)) {
          this.#pending.push(w);
        } else if (!startsWithPlainString(text, w.at + 1)) this.#onQuery(win.at(w.line));
      }
    }

    // Keep the margin before the commit point (look-behind) and every
    // line a waiting query call may still read.
    let keep = ce;
    if (!final) { while (keep > 0 && starts[ce]! - starts[keep]! < this.#margin) keep--; }
    for (const w of this.#pending) keep = Math.min(keep, w.line);
    if (final) keep = win.length;
    const shift = keep < win.length ? starts[keep]! : len;
    for (const p of this.#patternRules) p.resume = Math.max(0, p.resume - shift);
    for (const w of this.#pending) {
      w.at -= shift;
      w.line -= keep;
    }
    // Drop the first `keep` lines: clear their slots (nothing they hold
    // stays reachable), compact the array once the dropped part dominates.
    for (let i = head; i < head + keep; i++) all[i] = _GONE;
    this.#head = head + keep;
    if (this.#head >= 1024) {
      // A new array now and then: one that lives long is marked with the
      // old generation, and what is stored into it meanwhile survives
      // until the next full collection.
      this.#win = all.slice(this.#head);
      this.#head = 0;
    }
    this.#committed = Math.max(0, ce - keep);
    this.#pendingChars = 0;
    const now = this.#win;
    for (let i = this.#head + this.#committed; i < now.length; i++) {
      this.#pendingChars += now[i]!.text.length + 1;
    }
  }

  /** One message string per rule and detector, shared by all its findings. */
  #secretMessage(r: Rule, detector: string): string {
    const key = `${r.id}\u0000${detector}`;
    let m = this.#messages.get(key);
    if (m === undefined) this.#messages.set(key, m = `${r.message} (${detector})`);
    return m;
  }

  /**
   * Whether the window holds all a plain-string argument check from `at`
   * can read: the rest of the call's line and the lines after it up to the
   * second one that is not blank.
   */
  #argumentInWindow(text: string, starts: readonly number[], at: number, line: number): boolean {
    const all = this.#win;
    const n = all.length - this.#head;
    const lineEnd = line + 1 < n ? starts[line + 1]! - 1 : text.length;
    let seen = /\S/.test(text.slice(at + 1, lineEnd)) ? 1 : 0;
    for (let j = line + 1; j < n && seen < 2; j++) {
      if (/\S/.test(all[this.#head + j]!.text)) seen++;
    }
    return seen >= 2;
  }
}
