/**
 * Terraform, OpenTofu and tflint diagnostics for the generic extractor. A
 * diagnostic is an "Error: summary" headline followed by a body ("on FILE
 * line N", numbered source lines, values, prose detail), drawn in a box
 * ("╷" … "│" … "╵") or plain (no colour, tflint's default format). Its body
 * lines look like nothing on their own, so the extractor asks the
 * {@link DiagTracker} whether a line belongs to the diagnostic of the chunk
 * being built.
 *
 * @module
 */

import { CAUSE } from "./extract_rules.ts";

/** What the tracker reads of a line; the extractor's lines carry more. */
export interface DiagLine {
  /** The clean line. */
  text: string;
  /** Its score (see `scoreLine`). */
  score: number;
  /** Its failure family; a tflint headline is turned into "lint". */
  kind: string;
}

// Terraform and OpenTofu draw a diagnostic as a box: "╷" opens it, every
// line inside starts with "│", "╵" closes it. A log that went through an
// ASCII-only filter shows "|" for the rule; one decoded as Windows-1252 shows
// the UTF-8 bytes as "â•·", "â”‚", "â•µ".
const BOX_RULE = /^(?:│|â”‚|\|)(?: |$)/;
const BOX_OPEN = /^(?:╷|â•·)\s*$/;
const BOX_CLOSE = /^(?:╵|â•µ)\s*$/;

/**
 * Where a clean line sits in a Terraform diagnostic box.
 *
 * @param line A clean line.
 * @returns 1 for the opening "╷", 2 for a "│" line inside, 3 for the closing "╵", 0 otherwise.
 */
export function boxMark(line: string): 0 | 1 | 2 | 3 {
  const c = line.charCodeAt(0);
  // "│" U+2502, "╷" U+2577, "╵" U+2575, "|", and "â" of the mojibake.
  if (c !== 0x2502 && c !== 0x2577 && c !== 0x2575 && c !== 124 && c !== 0xe2) return 0;
  if (BOX_RULE.test(line)) return 2;
  if (BOX_OPEN.test(line)) return 1;
  return BOX_CLOSE.test(line) ? 3 : 0;
}

// The body of a Terraform or tflint diagnostic under its "Error: summary"
// line, boxed or plain: "  with ADDR,", "  on FILE line N, in X:", the
// numbered source lines, the "├──" / "│ var.x is …" values, tflint's
// "Reference: URL".
const DIAG_LOCATION =
  /^\s*(?:with \S+,|on \S+ line \d+(?:, in .*)?:|\(source code not available\))$/;
const DIAG_BODY = /^\s+(?:\d+: |[├│] ?)|^Reference: \S+$/;
// A headline of a plain (no-colour) Terraform or tflint diagnostic.
const DIAG_HEAD = /^(?:Error|Warning|Notice): \S/;

/**
 * What part of a plain Terraform or tflint diagnostic a clean line can be.
 *
 * @param line A clean line, without any box rule.
 * @returns "head" for "Error: …" / "Warning: …", "location" for the "on FILE
 *   line N" and "with ADDR," lines, "body" for source and value lines, "" otherwise.
 */
export function diagPart(line: string): "head" | "location" | "body" | "" {
  if (DIAG_HEAD.test(line)) return "head";
  if (DIAG_LOCATION.test(line)) return "location";
  return DIAG_BODY.test(line) ? "body" : "";
}

/**
 * Where the chunk being built is in a Terraform or tflint diagnostic. One
 * tracker serves one extractor; {@link start} resets it for each chunk.
 */
export class DiagTracker<L extends DiagLine> {
  // Inside a Terraform diagnostic box ("╷" … "╵") of the open chunk: its
  // lines belong to the chunk whatever they say.
  #box = false;
  // Where the open chunk is in a plain Terraform/tflint diagnostic: 0 none,
  // 1 after the "Error:" headline, 2 in its source lines, 3 in its detail,
  // 4 after it (shell trace or tool output that continues nothing).
  #diag: 0 | 1 | 2 | 3 | 4 = 0;
  #head: L | null = null;

  /**
   * A chunk opens at `line`: reset, and say which lines above it belong to
   * the same diagnostic.
   *
   * @param line The cause that opens the chunk.
   * @param ring The lines just above it, oldest first.
   * @returns The lines of `ring` that belong with it (the "╷" of its box,
   *   the diagnostics listed before a plain headline), or null when `line`
   *   opens no diagnostic and the usual rules pick them.
   */
  start(line: L, ring: L[]): L[] | null {
    const mark = boxMark(line.text);
    const head = mark === 0 && diagPart(line.text) === "head";
    this.#box = mark === 2;
    this.#diag = head ? 1 : 0;
    this.#head = head ? line : null;
    return mark === 2 ? _boxAbove(ring) : head ? _diagAbove(ring) : null;
  }

  /**
   * Whether a line is part of the diagnostic the open chunk is in ("in": it
   * joins the chunk however plain it looks), ends it ("out": it is a gap
   * line, never a continuation) or neither ("": usual rules). A cause with
   * a diagnostic headline begins a new diagnostic in the chunk.
   *
   * @param line The next line while a chunk is open.
   * @returns "in", "out" or "".
   */
  place(line: L): "in" | "out" | "" {
    const where = this.#place(line);
    if (where === "" && line.score >= CAUSE && diagPart(line.text) === "head") {
      this.#diag = 1;
      this.#head = line;
    }
    return where;
  }

  #place(line: L): "in" | "out" | "" {
    const mark = boxMark(line.text);
    if (mark !== 0) {
      // A box opening right after a closed one continues the listing.
      if (mark === 1) {
        this.#box = true;
        return "in";
      }
      if (!this.#box) return "";
      if (mark === 3) this.#box = false;
      return "in";
    }
    this.#box = false;
    if (this.#diag === 0) return "";
    if (this.#diag === 4) {
      if (line.score < 3) return "out";
      this.#diag = 0;
      return "";
    }
    const text = line.text;
    const blank = text.trim() === "";
    const part = diagPart(text);
    if (part === "head") {
      // A warning or notice after the error is another report.
      if (line.score < CAUSE) this.#diag = 0;
      return "";
    }
    if (part === "location" || (part === "body" && this.#diag >= 2)) {
      if (this.#diag === 1 && this.#head !== null) {
        // The body proves the headline is a Terraform or tflint
        // diagnostic; tflint names its rule at the end of it.
        if (/ \([a-z][a-z0-9_]+\)$/.test(this.#head.text)) this.#head.kind = "lint";
        this.#head = null;
      }
      this.#diag = 2;
      return "in";
    }
    if (this.#diag === 2 && blank) {
      this.#diag = 3;
      return "";
    }
    if (this.#diag === 3 && !blank && line.score === 0) {
      if (!_notProse(text)) return "in";
      // Shell trace or tool output after the detail ("+ '[' 1 -eq 2 ']'"):
      // not diff lines continuing it.
      this.#diag = 4;
      return "out";
    }
    if (!blank && this.#diag !== 1) this.#diag = 0;
    return "";
  }
}

/** The "╷" that opens the box of a boxed error line. */
function _boxAbove<L extends DiagLine>(ring: L[]): L[] {
  const p = ring[ring.length - 1];
  return p !== undefined && boxMark(p.text) === 1 ? [p] : [];
}

/**
 * What belongs above a plain "Error:" headline: the diagnostics of the same
 * listing printed before it (tflint lists warnings and errors together) and
 * a failure line such as "Planning failed.", up to the ring's length.
 */
function _diagAbove<L extends DiagLine>(ring: L[]): L[] {
  let first = ring.length;
  for (let i = ring.length - 1; i >= 0; i--) {
    const p = ring[i]!;
    const part = diagPart(p.text);
    if (p.text.trim() !== "" && part === "" && p.score === 0) break;
    if (p.kind === "exit") break;
    if (part === "head" || p.score > 0) first = i;
  }
  return ring.slice(first);
}

/** A line that closes the prose detail of a plain diagnostic: shell or CI output. */
function _notProse(text: string): boolean {
  return /^(?:[+$>#] |\[command\]|\[?\d|\S+: (?:Reading|Refreshing|Creating|Modifying|Destroying)\b)/
    .test(
      text,
    );
}
