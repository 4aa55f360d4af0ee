/**
 * Classification of the paths a destructive command would hit: the root, the
 * home directory, system folders, somewhere outside the workspace, the
 * workspace itself, or something only known at run time.
 *
 * @module
 */

import type { EvalWord } from "./shell_words.ts";
import type { TargetClass } from "./types.ts";

const SYSTEM_DIRS = new Set([
  "bin",
  "boot",
  "dev",
  "etc",
  "lib",
  "lib32",
  "lib64",
  "libx32",
  "opt",
  "proc",
  "root",
  "run",
  "sbin",
  "srv",
  "sys",
  "usr",
  "var",
  "home",
  "Users",
  "System",
  "Library",
  "Applications",
  "mnt",
  "media",
  "snap",
  "private",
  "Volumes",
  "nix",
  "efi",
]); // deno-fmt-ignore

const HARMLESS_DEVICES = new Set([
  "/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty", "/dev/zero",
  "/dev/random", "/dev/urandom",
]); // deno-fmt-ignore

/**
 * Normalise a POSIX path: collapse `//`, `.` and `..` segments.
 *
 * @param path The path (absolute, `~`-based or relative).
 * @returns The normalised path; relative paths keep leading `..`.
 */
export function normalizePath(path: string): string {
  const abs = path.startsWith("/");
  const home = !abs && (path === "~" || path.startsWith("~/"));
  const body = home ? path.slice(1) : path;
  const out: string[] = [];
  for (const seg of body.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!abs && !home) out.push("..");
      else if (home) return "/";
    } else out.push(seg);
  }
  if (abs) return "/" + out.join("/");
  if (home) return out.length ? "~/" + out.join("/") : "~";
  return out.length ? out.join("/") : ".";
}

/**
 * Join a working directory and a path operand.
 *
 * @param cwd The working directory (`.` is the workspace, null is unknown).
 * @param p The operand.
 * @returns The joined path, or null when it depends on an unknown cwd.
 */
export function joinCwd(cwd: string | null, p: string): string | null {
  // `~+` is $PWD: the working directory itself.
  if (p === "~+" || p.startsWith("~+/")) return joinCwd(cwd, "." + p.slice(2));
  if (p.startsWith("/") || p === "~" || p.startsWith("~/") || /^~[A-Za-z_]/.test(p)) return p;
  if (cwd === null) return null;
  return cwd === "." ? p : `${cwd}/${p}`;
}

/**
 * Classify one resolved path.
 *
 * @param path The path as the command would see it.
 * @param workspaces Absolute workspace roots.
 * @returns Its class.
 */
export function classifyPath(path: string, workspaces: readonly string[] = []): TargetClass {
  // `~-` ($OLDPWD) and `~N` (the directory stack) are only known at run time.
  if (/^~[-+]?[0-9]*(?:\/|$)/.test(path) && path !== "~" && !path.startsWith("~/")) {
    return "unresolved";
  }
  if (/^~[A-Za-z_]/.test(path)) {
    return path.includes("/") && !/\/[*?]*$/.test(path) ? "outside" : "home";
  }
  const n = normalizePath(path);
  if (n.startsWith("/")) {
    if (n === "/") return "root";
    const segs = n.slice(1).split("/");
    const first = segs[0]!;
    if (/[*?[]/.test(first)) return "root";
    for (const ws of workspaces) {
      if (n === ws) return "workspace-root";
      if (n.startsWith(ws.endsWith("/") ? ws : ws + "/")) return "workspace";
    }
    if (
      (first === "tmp" || (first === "var" && segs[1] === "tmp")) &&
      segs.length > (first === "tmp" ? 1 : 2)
    ) {
      return "temp";
    }
    if (HARMLESS_DEVICES.has(n) || n.startsWith("/dev/fd/") || n.startsWith("/proc/self/fd/")) {
      return "temp";
    }
    if (SYSTEM_DIRS.has(first) || first === "tmp") return "system";
    return "outside";
  }
  if (n === "~") return "home";
  if (n.startsWith("~/")) {
    const rest = n.slice(2);
    return /^[*?.]*$/.test(rest) || rest === ".*" ? "home" : "outside";
  }
  if (n === ".." || n.startsWith("../")) return "outside";
  if (n === "." || /^\.?\*$/.test(n) || n === ".*") return "workspace-root";
  return "workspace";
}

/**
 * Classify every value an evaluated word may take.
 *
 * @param w The word.
 * @param cwd The known working directory, null when unknown.
 * @param workspaces Absolute workspace roots.
 * @returns The classes (one or more).
 */
export function classifyWord(
  w: EvalWord,
  cwd: string | null,
  workspaces: readonly string[],
): TargetClass[] {
  if (!w.resolved) return ["unresolved"];
  const out: TargetClass[] = [];
  for (const v of w.values) {
    const joined = joinCwd(cwd, v);
    if (joined !== null) out.push(classifyPath(joined, workspaces));
    else {
      // After `cd "$(git rev-parse --show-toplevel)"` the directory is
      // unknown: a plain subpath (`dist`) stays harmless, but `.`, `*` and
      // `..` could be anything.
      const c = classifyPath(v, workspaces);
      out.push(c === "workspace" ? "workspace" : "unresolved");
    }
  }
  return out;
}
