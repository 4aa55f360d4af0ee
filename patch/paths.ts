/**
 * One spelling per file: every path a diff names is canonicalised here, once,
 * before the applier writes it or the policy judges it. Two readers that
 * spell a path differently (`./.github//workflows/ci.yml` against
 * `.github/workflows/ci.yml`) are how a protected file slips past a check, so
 * both the applier and the policy scan take their names from this module.
 *
 * @module
 */

/** A canonical path, or why the path is refused. */
export type PathCheck =
  | { ok: true; path: string }
  | { ok: false; path: string; reason: string };

/** Named git escapes inside a C-quoted path (`"a/tab\there"`). */
const ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  "\\": 92,
};

/**
 * Decode the inside of a git C-quoted name: `\303\244` (octal UTF-8 bytes),
 * `\t`, `\"`, `\\`. A lone or unknown escape keeps the character after it.
 * Linear in the length (no regular expression over the whole name).
 *
 * @param s The text between the quotes.
 * @returns The decoded name.
 */
export function decodeGitQuoted(s: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  const isOct = (c: string | undefined) => c !== undefined && c >= "0" && c <= "7";
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== "\\" || i + 1 >= s.length) {
      for (const b of enc.encode(c)) bytes.push(b);
      continue;
    }
    if (isOct(s[i + 1]) && isOct(s[i + 2]) && isOct(s[i + 3])) {
      bytes.push(parseInt(s.slice(i + 1, i + 4), 8) & 0xff);
      i += 3;
      continue;
    }
    const n = s[i + 1]!;
    const code = ESCAPES[n];
    if (code !== undefined) bytes.push(code);
    else for (const b of enc.encode(n)) bytes.push(b);
    i += 1;
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/**
 * Whether one path segment names a git directory, in any spelling a file
 * system may fold to `.git`: any case, trailing dots or spaces (Windows),
 * the 8.3 short name `GIT~1`.
 *
 * @param segment One path segment.
 * @returns True for `.git`, `.GIT`, `.git.`, `git~1`...
 */
export function isGitSegment(segment: string): boolean {
  return /^\.git[. ]*$/i.test(segment) || /^git~\d+$/i.test(segment);
}

/**
 * Canonicalise a repository-relative path as a diff names it: decode a
 * git-quoted name, take `\` as a separator, drop `./` and empty segments,
 * resolve `.` and `..`, and normalise Unicode to NFC. Refused: empty and
 * absolute paths, drive letters, paths that leave the repository, control
 * characters, and `.git` as any segment.
 *
 * The `a/` `b/` prefixes are not stripped here: whether `a/x` is a prefix or
 * a directory depends on the other side of the header (see parse.ts).
 *
 * @example
 * ```ts
 * import { canonicalPath } from "./paths.ts";
 * const c = canonicalPath("./.github//workflows/./ci.yml");
 * console.assert(c.ok && c.path === ".github/workflows/ci.yml");
 * console.assert(!canonicalPath("src/../../etc/passwd").ok);
 * ```
 *
 * @param raw The path as written (already unquoted, or still in quotes).
 * @returns The canonical path, or the reason it is refused.
 */
export function canonicalPath(raw: string): PathCheck {
  let p = raw;
  if (p.length >= 2 && p.startsWith('"') && p.endsWith('"')) p = decodeGitQuoted(p.slice(1, -1));
  p = p.normalize("NFC");
  const refuse = (reason: string): PathCheck => ({ ok: false, path: p, reason });
  if (p === "") return refuse("empty path");
  for (let i = 0; i < p.length; i++) {
    const c = p.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) {
      return refuse(`path ${JSON.stringify(p)} contains a control character`);
    }
  }
  const slashed = p.replaceAll("\\", "/");
  if (slashed.startsWith("/") || /^[A-Za-z]:/.test(slashed)) {
    return refuse(`absolute path ${JSON.stringify(p)} is not allowed`);
  }
  const out: string[] = [];
  for (const seg of slashed.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length === 0) {
        return refuse(`path ${JSON.stringify(p)} leaves the repository`);
      }
      out.pop();
      continue;
    }
    if (isGitSegment(seg)) {
      return refuse(`path ${JSON.stringify(p)} is inside a .git directory`);
    }
    out.push(seg);
  }
  if (out.length === 0) return refuse(`path ${JSON.stringify(p)} names the repository root`);
  return { ok: true, path: out.join("/") };
}

/**
 * Clean a path's separators without resolving anything: `\` to `/`,
 * repeated slashes collapsed, leading `./` dropped. Used before deciding
 * whether `a/` or `b/` is a prefix, so `"a/../x"` keeps its `..` (git reads
 * it as `../x`, outside the repository).
 *
 * @param raw The path as written.
 * @returns The cleaned path.
 */
export function cleanSeparators(raw: string): string {
  let p = raw.replaceAll("\\", "/").replace(/\/{2,}/g, "/");
  while (p.startsWith("./")) p = p.slice(2);
  return p;
}

/**
 * Canonicalise and case-fold a path for comparing against protected globs,
 * which match case-insensitively (a case-insensitive file system or a
 * checkout on one makes `.GitHub/Workflows/ci.yml` the CI definition).
 *
 * @param path A canonical path.
 * @returns Its lower-case form.
 */
export function foldPath(path: string): string {
  return path.toLowerCase();
}
