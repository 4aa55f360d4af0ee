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

interface _RuleState {
  rule: Rule;
  pre: RegExp | null;
  any: boolean;
  perLine: Array<{ flag: ContentFlag; picked: boolean }>;
  all: EncodedSecretStream | null;
  picked: EncodedSecretStream | null;
}

/** Streaming content checks of one file. */
export class ContentStream {
  readonly #states: _RuleState[];
  readonly #diff: boolean;
  #count = 0;

  /**
   * Make the checks of one file.
   *
   * @param rules The content rules that apply to the file, in policy order.
   * @param mode `diff`: only added lines come, a rule's pattern gates it and
   *   picks lines past 5000; `plain`: every line of a text, all read.
   */
  constructor(rules: readonly Rule[], mode: "diff" | "plain") {
    this.#diff = mode === "diff";
    this.#states = rules.map((rule) => {
      const pre = this.#diff && rule.match.pattern ? new RegExp(rule.match.pattern) : null;
      const encoded = rule.id === "secret.encoded";
      return {
        rule,
        pre,
        any: false,
        perLine: [],
        all: encoded ? new EncodedSecretStream() : null,
        picked: encoded && pre !== null ? new EncodedSecretStream() : null,
      };
    });
  }

  /**
   * Read the next line.
   *
   * @param l The line.
   */
  push(l: ContentLine): void {
    this.#count++;
    for (const s of this.#states) {
      const picked = s.pre === null || s.pre.test(l.text);
      if (picked) s.any = true;
      if (s.all) {
        s.all.push(l);
        if (picked) s.picked?.push(l);
        continue;
      }
      for (const flag of contentFlags(s.rule.id, [l])) s.perLine.push({ flag, picked });
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
