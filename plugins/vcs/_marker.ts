/**
 * The hidden marker that tells fleet-orch's own pull-request comments apart:
 * an HTML comment `<!-- fleet-orch:KEY -->`, invisible in rendered Markdown.
 * A comment body carrying one replaces fleet-orch's earlier comment with the
 * same marker instead of adding another.
 *
 * @module
 */

/**
 * The marker for a kind of comment.
 *
 * @param key What the comment is, e.g. "run-summary".
 * @returns `<!-- fleet-orch:KEY -->`.
 * @throws {RangeError} For a key that is not letters, digits, `.`, `_` or `-`.
 */
export function commentMarker(key: string): string {
  if (!/^[\w.-]+$/.test(key)) throw new RangeError(`Comment marker key "${key}" is not valid`);
  return `<!-- fleet-orch:${key} -->`;
}

/**
 * The marker in a comment body, if it has one.
 *
 * @param body The comment's Markdown.
 * @returns The marker, or null.
 */
export function commentMarkerOf(body: string): string | null {
  return /<!-- fleet-orch:[\w.-]+ -->/.exec(body)?.[0] ?? null;
}
