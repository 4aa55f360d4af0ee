/**
 * "Did you mean" for every name a user types: flags, commands, config keys,
 * plugin and provider names, environments, enum values. One rule everywhere,
 * so a slip is caught the same way whatever was mistyped.
 *
 * @module
 */

/**
 * Edit distance between two strings (insertions, deletions, substitutions).
 *
 * @param a One string.
 * @param b The other.
 * @returns The Levenshtein distance.
 * @example
 * ```ts
 * import { editDistance } from "./suggest.ts";
 * console.assert(editDistance("comand", "command") === 1);
 * ```
 */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/**
 * The known name closest to a mistyped one, when it is close enough to be
 * what the user meant: at most a third of the typed name's length in edits
 * (at least 1, at most 3). Dashes and underscores dropped or swapped
 * (`dryrun`, `max_cost_usd`), a different case, and a known name that begins
 * with the typed one, four characters or more (`eslint` for `eslint-fix`,
 * `prod` for `production`), count as closest of all.
 *
 * @param given The name as typed.
 * @param known The valid names.
 * @returns The suggestion, or null when nothing is near.
 * @example
 * ```ts
 * import { closestName } from "./suggest.ts";
 * console.assert(closestName("opneai", ["openai", "azure"]) === "openai");
 * console.assert(closestName("verbose", ["json", "jobs"]) === null);
 * ```
 */
export function closestName(given: string, known: Iterable<string>): string | null {
  const fold = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  let best: string | null = null;
  let bestD = Infinity;
  for (const k of known) {
    const d = k === given
      ? 0
      : fold(k) === fold(given)
      ? 0.5
      : given.length >= 4 && k.toLowerCase().startsWith(given.toLowerCase())
      ? 0.75
      : _alignmentDistance(given.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  const limit = Math.min(3, Math.max(1, Math.floor(given.length / 3)));
  return best !== null && bestD <= limit ? best : null;
}

// Edit distance where swapping two neighbours counts as one edit (optimal
// string alignment): "gihtub" is one slip away from "github", not two.
function _alignmentDistance(a: string, b: string): number {
  const d = Array.from(
    { length: a.length + 1 },
    (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * `; did you mean "x"?` for a message, or nothing when no name is near.
 *
 * @param given The name as typed.
 * @param known The valid names.
 * @param quote How the suggestion is written. @default the name in double quotes
 * @returns The clause, or an empty string.
 */
export function didYouMeanClause(
  given: string,
  known: Iterable<string>,
  quote: (name: string) => string = (n) => `"${n}"`,
): string {
  const near = closestName(given, known);
  return near === null ? "" : `; did you mean ${quote(near)}?`;
}
