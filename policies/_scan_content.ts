/**
 * The content checks of one file (or of a plain text) over lines that
 * arrive one at a time: bidi, zero-width and homoglyph flags are per line;
 * the encoded-secret check keeps only its current run of literals
 * (content_flags.ts, {@link EncodedSecretStream}).
 *
 * In a diff, a file with more than 5000 added lines has its content checks
 * read only the lines its rule's pattern picks; how many lines a file adds
 * is known at its end, so both readings are kept until then (the per-line
 * flags remember whether the pattern picked their line; the encoded check
 * runs twice).
 *
 * @module
 */

import {
  type ContentFlag,
  contentFlags,
  type ContentLine,
  EncodedSecretStream,
} from "./content_flags.ts";
import { CONTENT_FULL_LINES } from "./scan.ts";
import type { Rule } from "./types.ts";

/**
 * Characters without which a per-line check flags nothing: lines without
 * any skip the check (and the arrays and matches it would allocate).
 */
const _QUICK: Record<string, RegExp> = {
  "content.bidi": /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/,
  "content.zero-width": /[\u200B-\u200D\u2060\uFEFF]/,
  "content.homoglyph": /[\p{Script=Cyrillic}\p{Script=Greek}]/u,
};

// One compiled pattern per rule (no flags: `test` keeps no state), not one
// per file section.
const _pres = new WeakMap<Rule, RegExp>();
function _preOf(rule: Rule): RegExp {
  let re = _pres.get(rule);
  if (!re) _pres.set(rule, re = new RegExp(rule.match.pattern!));
  return re;
}

interface _RuleState {
  rule: Rule;
  pre: RegExp | null;
  any: boolean;
  quick: RegExp | null;
  perLine: Array<{ flag: ContentFlag; picked: boolean }>;
  all: EncodedSecretStream | null;
  picked: EncodedSecretStream | null;
}

/** Streaming content checks of one file. */
export class ContentStream {
  readonly #states: _RuleState[];
  readonly #diff: boolean;
  #replay: (() => readonly ContentLine[]) | null;
  #count = 0;

  /**
   * Make the checks of one file.
   *
   * @param rules The content rules that apply to the file, in policy order.
   * @param mode `diff`: only added lines come, a rule's pattern gates it and
   *   picks lines past 5000; `plain`: every line of a text, all read.
   * @param replay The added lines so far, while the caller still holds
   *   them: the picked-lines reading of the encoded check then starts only
   *   when a file passes 5000 lines or {@link ContentStream.detach} is
   *   called (most files never do). Without it, both readings run from the
   *   start.
   */
  constructor(
    rules: readonly Rule[],
    mode: "diff" | "plain",
    replay?: () => readonly ContentLine[],
  ) {
    this.#diff = mode === "diff";
    this.#replay = this.#diff ? replay ?? null : null;
    this.#states = rules.map((rule) => {
      const pre = this.#diff && rule.match.pattern ? _preOf(rule) : null;
      const encoded = rule.id === "secret.encoded";
      return {
        rule,
        pre,
        any: false,
        quick: _QUICK[rule.id] ?? null,
        perLine: [],
        all: encoded ? new EncodedSecretStream() : null,
        picked: encoded && pre !== null && this.#replay === null ? new EncodedSecretStream() : null,
      };
    });
  }

  /**
   * Start the picked-lines readings now, from the lines held so far: the
   * caller is about to drop them.
   */
  detach(): void {
    const replay = this.#replay;
    if (replay === null) return;
    this.#replay = null;
    const lines = replay().slice(0, this.#count);
    for (const s of this.#states) {
      if (!s.all || s.pre === null) continue;
      s.picked = new EncodedSecretStream();
      for (const l of lines) if (s.pre.test(l.text)) s.picked.push(l.line, l.text);
    }
  }

  /**
   * Read the next line.
   *
   * @param line Its number.
   * @param text Its text.
   */
  push(line: number, text: string): void {
    if (this.#count === CONTENT_FULL_LINES) this.detach();
    this.#count++;
    for (const s of this.#states) {
      if (!s.any && (s.pre === null || s.pre.test(text))) s.any = true;
      if (s.all) {
        // Past 5000 lines only the picked reading is used (see end()).
        if (!this.#diff || s.pre === null || this.#count <= CONTENT_FULL_LINES) {
          s.all.push(line, text);
        }
        if (s.picked && s.pre!.test(text)) s.picked.push(line, text);
        continue;
      }
      if (s.quick !== null && !s.quick.test(text)) continue;
      for (const flag of contentFlags(s.rule.id, [{ line, text }])) {
        s.perLine.push({ flag, picked: s.pre === null || s.pre.test(text) });
      }
    }
  }

  /**
   * Finish.
   *
   * @returns Each rule's flags, in rule order, as the whole-file checks
   *   give them; null when line numbers fell back (hunks out of order) and
   *   the file must be read whole.
   */
  end(): Array<{ rule: Rule; flags: ContentFlag[] }> | null {
    const out: Array<{ rule: Rule; flags: ContentFlag[] }> = [];
    for (const s of this.#states) {
      if (this.#diff && s.pre !== null && !s.any) continue;
      const whole = !this.#diff || this.#count <= CONTENT_FULL_LINES || s.pre === null;
      if (s.all) {
        const stream = whole ? s.all : s.picked!;
        const flags = stream.end();
        if (!stream.ordered) return null;
        out.push({ rule: s.rule, flags });
      } else {
        out.push({
          rule: s.rule,
          flags: s.perLine.filter((p) => whole || p.picked).map((p) => p.flag),
        });
      }
    }
    return out;
  }
}
