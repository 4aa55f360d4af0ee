/**
 * Failure fingerprints: equal across runs for the same failure, different
 * when the failure changes. Everything that varies between two runs of the
 * same failure is normalised away first: timestamps, temporary paths,
 * durations, hex ids, ports, line and column numbers (code above the error
 * moves it, the error stays the same).
 *
 * @module
 */

const RULES: Array<[RegExp, string]> = [
  // ISO and clock timestamps
  [/\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?/g, "<ts>"],
  [/\b\d\d:\d\d:\d\d(?:\.\d+)?\b/g, "<ts>"],
  // temporary directories of Linux, macOS, Windows, pytest, Deno, mktemp
  [/(?:\/private)?\/var\/folders\/[\w+-]+\/[\w+-]+\/T\/[^\s'":)]*/g, "<tmp>"],
  [/\/tmp\/[^\s'":)]*/g, "<tmp>"],
  [/[A-Za-z]:\\Users\\[^\\]+\\AppData\\Local\\Temp\\[^\s'":)]*/gi, "<tmp>"],
  [/\/home\/runner\/work\/[^/\s]+\/[^/\s]+\//g, ""],
  [/\/builds\/[^/\s]+\/[^/\s]+\//g, ""],
  [/\b[A-Za-z]:\\a\\\d+\\s\\/g, ""],
  // uuids and hex ids (commit shas, container ids, addresses)
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<id>"],
  [/\b0x[0-9a-f]+\b/gi, "<hex>"],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, "<hex>"],
  // durations and sizes that vary run to run
  [/\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds|m|min|minutes|µs|us|ns)\b/g, "<dur>"],
  [/\(\d+(?:\.\d+)?\s?(?:ms|s)\)/g, "(<dur>)"],
  // line:column positions and "line N"
  [/([\w\]).>-]):\d+(?::\d+)?\b/g, "$1:<n>"],
  [/\((\d+),(\d+)\)/g, "(<n>)"],
  [/\[\d+,\d+\]/g, "[<n>]"],
  [/\bline \d+\b/gi, "line <n>"],
  // ports and pids
  [/\b(?:localhost|127\.0\.0\.1|0\.0\.0\.0):\d+/g, "<host>"],
  [/\bpid[ =:]?\d+\b/gi, "pid <n>"],
  [/\s+/g, " "],
];

/**
 * Normalise a text so that run-to-run noise does not change it.
 *
 * @param text A message, file path or excerpt.
 * @returns The normalised text.
 * @example
 * ```ts
 * import { normalizeForFingerprint } from "./fingerprint.ts";
 * const a = normalizeForFingerprint("/tmp/tmp.X1/a.ts:12:3 failed after 1.2s");
 * const b = normalizeForFingerprint("/tmp/tmp.Y7/a.ts:14:3 failed after 3.9s");
 * console.assert(a === b);
 * ```
 */
export function normalizeForFingerprint(text: string): string {
  let out = text;
  for (const [re, to] of RULES) out = out.replace(re, to);
  return out.trim();
}

/**
 * A stable fingerprint of a failure from its identifying parts.
 *
 * @param tool The tool ("tsc", "jest", …).
 * @param parts Identifying parts: code, file, message (normalised here).
 * @returns `<tool>:<16 hex digits>`.
 */
export function fingerprintOf(tool: string, ...parts: Array<string | undefined>): string {
  const text = [tool, ...parts.map((p) => normalizeForFingerprint(p ?? ""))].join("\u0000");
  return `${tool}:${_fnv64(text)}`;
}

/** FNV-1a, 64 bits as two 32-bit halves (sync, no crypto needed: not a secret). */
function _fnv64(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c ^ (h1 >>> 13), 0x01000193) >>> 0;
  }
  return h1.toString(16).padStart(8, "0") + h2.toString(16).padStart(8, "0");
}
