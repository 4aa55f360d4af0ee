/**
 * Glob matching for policies and configuration: one place, backed by
 * `picomatch` (the matcher of chokidar, micromatch and fast-glob), with the conventions fleet-orch's
 * policy files were written for.
 *
 * - `*` matches any run of characters except `/`, `?` one character except
 *   `/`, `**` as a whole path segment any number of segments, `[abc]` one of
 *   a class, `{a,b}` either alternative. Every other character is literal:
 *   `.`, `+`, `(`, `|`, `^`, `$` are never regular-expression operators.
 * - A glob without `/` names a word, not a path: its `*` and `?` cross `/`
 *   too, so `*.sslverify=false` matches `http.https://x/.sslverify=false` and
 *   `azure-pipelines*.yml` matches whatever follows the prefix.
 * - Dot files match `*` like any other name, `!` at the start and `#` are
 *   literal (no negation, no comments), extended globs (`+(a|b)`) are off.
 * - `caseInsensitive: true` ignores case (environment values, Windows-style
 *   names).
 *
 * @module
 */

// @ts-types="@types/picomatch"
import picomatch from "picomatch";

/** Options of {@linkcode globMatch} and {@linkcode globMatcher}. */
export interface GlobOptions {
  /** Ignore case. @default false */
  caseInsensitive?: boolean;
}

// Stands in for "/" in the subject when the glob has no slash, so picomatch's
// `*` and `?` (which never cross "/") match across it. NUL cannot occur in a
// glob of a policy file, nor in a path or an argument.
const SLASH_STAND_IN = "\u0000";

const _cache = new Map<string, RegExp>();

// picomatch passes "(", ")" and "|" through as regular-expression groups even
// with extended globs off, so `file(1).txt` would not match itself: escape
// them (unless already escaped) to keep them literal.
function _literalGroups(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "\\") {
      out += glob.slice(i, i + 2);
      i++;
    } else out += "()|".includes(c) ? `\\${c}` : c;
  }
  return out;
}

/**
 * Compile a glob once into a test function (compilations are cached, so
 * calling this per test is cheap too).
 *
 * @param glob The pattern (see the module doc for the syntax).
 * @param options Case sensitivity.
 * @returns A function telling whether a whole string matches.
 *
 * @example
 * ```ts
 * import { globMatcher } from "./glob.ts";
 * const isYaml = globMatcher("*.{yml,yaml}");
 * console.assert(isYaml("ci/build.yaml") && !isYaml("build.json"));
 * ```
 */
export function globMatcher(glob: string, options: GlobOptions = {}): (text: string) => boolean {
  const nocase = options.caseInsensitive ?? false;
  const key = `${nocase ? "i" : "c"}${glob}`;
  let compiled = _cache.get(key);
  if (compiled === undefined) {
    // windows: false keeps "\\" an escape character on every platform.
    compiled = picomatch.makeRe(_literalGroups(glob), {
      dot: true,
      nonegate: true,
      noextglob: true,
      nocase,
      windows: false,
    });
    _cache.set(key, compiled);
  }
  const matcher = compiled;
  const wordGlob = !glob.includes("/");
  return (text) => matcher.test(wordGlob ? text.replaceAll("/", SLASH_STAND_IN) : text);
}

/**
 * Test a string against a glob.
 *
 * @param glob The pattern (see the module doc for the syntax).
 * @param text The string: a path, a program name, an argument, a value.
 * @param options Case sensitivity.
 * @returns Whether the whole string matches (an empty string matches no glob
 *   but the empty one).
 *
 * @example
 * ```ts
 * import { globMatch } from "./glob.ts";
 * console.assert(globMatch("src/**\/*.ts", "src/a/b.ts"));
 * console.assert(!globMatch("src/*.ts", "src/a/b.ts"));
 * console.assert(globMatch("a?c", "a+c") && !globMatch("a?c", "a+(c)"));
 * console.assert(globMatch("Release*", "release-1", { caseInsensitive: true }));
 * ```
 */
export function globMatch(glob: string, text: string, options: GlobOptions = {}): boolean {
  return globMatcher(glob, options)(text);
}
