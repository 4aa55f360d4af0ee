/**
 * Repository-relative paths at the source: tools print absolute paths of the
 * worktree a gate ran in (`/…/.git/fleet-orch/worktrees/<id>/test/x.js`,
 * `file:///…/src/a.js:3:5`). Everything a person or a model reads later
 * (prompts, console, reports, annotations, PR bodies) comes from the gate's
 * output and failures, so the worktree root is stripped once, where they are
 * made.
 *
 * @module
 */

import type { Failure } from "../core/types.ts";

/**
 * Remove the repository root from every path in a text: `file://ROOT/x`
 * and `ROOT/x` become `x`.
 *
 * @param text Tool output or a message.
 * @param root Absolute repository (worktree) root.
 * @returns The text with repository-relative paths.
 * @example
 * ```ts
 * import { repoRelativeText } from "./paths.ts";
 * const t = repoRelativeText("at f (file:///w/t/src/a.js:3:5)", "/w/t");
 * console.assert(t === "at f (src/a.js:3:5)");
 * ```
 */
export function repoRelativeText(text: string, root: string): string {
  let out = text;
  for (const r of _rootsOf(root)) {
    if (out.includes(r)) out = out.replaceAll(`file://${r}/`, "").replaceAll(`${r}/`, "");
  }
  return out;
}

const _roots = new Map<string, string[]>();

// The root as given and as resolved (tools print real paths: a symlinked
// temp directory differs from the path the run was given).
function _rootsOf(root: string): string[] {
  let roots = _roots.get(root);
  if (roots) return roots;
  const norm = (p: string) => p.replaceAll("\\", "/").replace(/\/+$/, "");
  const given = norm(root);
  let real = given;
  try {
    real = norm(Deno.realPathSync(root));
  } catch { /* a root that does not exist (yet): the given form only */ }
  // A root of "" or "/" or a relative one would strip every slash: never used.
  roots = [...new Set([given, real])].filter((r) => r.length >= 2 && r.startsWith("/"));
  // Longest first, so a root that contains the other is stripped whole.
  roots.sort((a, b) => b.length - a.length);
  if (_roots.size > 256) _roots.clear();
  _roots.set(root, roots);
  return roots;
}

/**
 * {@link repoRelativeText} over a failure's file, message and excerpt.
 *
 * @param f The failure.
 * @param root Absolute repository root.
 * @returns The failure with repository-relative paths.
 */
export function repoRelativeFailure(f: Failure, root: string): Failure {
  const out: Failure = {
    ...f,
    message: repoRelativeText(f.message, root),
    excerpt: repoRelativeText(f.excerpt, root),
  };
  if (f.file) out.file = repoRelativeText(f.file.replace(/^file:\/\//, ""), root);
  return out;
}
