/**
 * Text helpers every layer needs: HTML escaping for the reports and the
 * dashboard, removal of terminal escape sequences from tool output, and the
 * edit distance behind "did you mean" hints.
 *
 * @module
 */

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escape text for HTML element content and quoted attribute values.
 *
 * @param text Any text.
 * @returns The text with `& < > " '` replaced by entities.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./text.ts";
 * console.assert(escapeHtml(`<a title="x">`) === "&lt;a title=&quot;x&quot;&gt;");
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]!);
}

// ECMA-48's grammar, in order: CSI in its 7-bit (ESC [) and 8-bit (0x9B)
// form with parameter bytes 0x30-0x3F (digits, ";", ":", "<=>?"),
// intermediate bytes and a final byte; OSC (window titles, hyperlinks) ended
// by BEL or ST; DCS, SOS, PM and APC strings ended by ST; any other escape
// (charset switches, cursor save/restore). Strings end at the line at the
// latest, so a cut-off sequence cannot swallow the rest of a log.
const ESCAPES =
  // deno-lint-ignore no-control-regex
  /(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)?|\x1b[PX^_][^\x1b\n]*(?:\x1b\\)?|\x1b[ -/]*[0-~]/g;

/**
 * Remove terminal escape sequences (colours, cursor moves, line erases,
 * window titles and hyperlinks, character-set switches) from tool output.
 *
 * Node's `stripVTControlCharacters` was checked and not taken: it leaves
 * colon-separated colours (`ESC[38:5:1m`) and private parameters
 * (`ESC[>4;1m`) behind and eats the letter after `ESC 7` (save cursor).
 *
 * @param text Output of a command.
 * @returns The text without escape sequences (the same string when it has none).
 *
 * @example
 * ```ts
 * import { stripAnsi } from "./text.ts";
 * console.assert(stripAnsi("\x1b[31mFAIL\x1b[0m src/a.test.ts") === "FAIL src/a.test.ts");
 * ```
 */
export function stripAnsi(text: string): string {
  // Most lines carry no escape at all; skip the expression for them.
  if (!text.includes("\x1b") && !text.includes("\x9b")) return text;
  return text.replace(ESCAPES, "");
}
