/**
 * Captures what a recipe changed in a worktree as a unified diff, then puts
 * the worktree back exactly as it was.
 *
 * The orchestrator applies a recipe's diff itself after review, so a recipe
 * must leave no trace. The states before and after are recorded as git trees
 * through throw-away index files outside the repository: the real index is
 * never touched, files that were already modified or untracked before the
 * recipe ran are part of the "before" state (so the diff holds only what the
 * recipe did), and restoring copies the "before" content back from that
 * throw-away index.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import type { ShellExecutor } from "../../core/exec.ts";
import { PluginError } from "../../core/errors.ts";

/** What a recipe changed. */
export interface ChangeSet {
  /** Unified diff (git format, `a/` and `b/` prefixes) relative to the repository root. */
  diff: string;
  /** Paths relative to the repository root that changed, in git's order. */
  files: string[];
}

/** Runs git in `top` with an optional private index; throws on a non-zero exit. */
async function _git(
  exec: ShellExecutor,
  top: string,
  args: string[],
  env: Record<string, string> = {},
  stdin?: string,
): Promise<string> {
  // git runs the repository's clean filters (.gitattributes) on `add`:
  // repository-controlled code, so it gets the allowlisted environment.
  const r = await exec.runArgv(
    ["git", "-C", top, "-c", "core.quotePath=false", ...args],
    // Diffs and trees are data applied byte for byte: raw, not redacted.
    stdin === undefined
      ? { env, rawOutput: true, untrusted: {} }
      : { env, stdin, rawOutput: true, untrusted: {} },
  );
  if (r.code !== 0) {
    throw new PluginError(
      "fixers",
      `Command "git ${args.join(" ")}" failed with exit code ${r.code}: ${r.output.trim()}`,
    );
  }
  return r.output;
}

/**
 * The repository root around `cwd`.
 *
 * @param exec The executor.
 * @param cwd Any directory inside the worktree.
 * @returns The absolute top-level directory of the worktree.
 * @throws {PluginError} When `cwd` is not inside a git worktree.
 */
export async function repoTop(exec: ShellExecutor, cwd: string): Promise<string> {
  const r = await exec.runArgv(["git", "-C", cwd, "rev-parse", "--show-toplevel"], {
    untrusted: {},
  });
  const top = r.output.trim().split("\n").pop() ?? "";
  if (r.code !== 0 || top === "") {
    throw new PluginError("fixers", `Directory "${cwd}" is not inside a git worktree`);
  }
  return top;
}

/** Records the worktree's content as a tree through the private index `index`. */
async function _snapshotTree(
  exec: ShellExecutor,
  top: string,
  index: string,
): Promise<string> {
  const env = { GIT_INDEX_FILE: index };
  await _git(exec, top, ["add", "-A"], env);
  return (await _git(exec, top, ["write-tree"], env)).trim();
}

/** Copies the real index so `git add -A` only rehashes files whose stat changed. */
async function _seedIndex(exec: ShellExecutor, top: string, target: string): Promise<void> {
  const raw = (await _git(exec, top, ["rev-parse", "--git-path", "index"])).trim();
  const real = isAbsolute(raw) ? raw : join(top, raw);
  try {
    await Deno.copyFile(real, target);
  } catch (e) {
    // A repository without commits may have no index yet: start empty.
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/** Removes `dir` and its parents below `top` while they are empty. */
async function _pruneEmptyDirs(top: string, dir: string): Promise<void> {
  let current = dir;
  while (current.length > top.length && current.startsWith(top + "/")) {
    try {
      await Deno.remove(current);
    } catch {
      return; // not empty (or already gone): stop climbing
    }
    current = current.slice(0, current.lastIndexOf("/"));
  }
}

/**
 * Run `mutate` (which edits files in the worktree), return the unified diff
 * of everything it changed (new, modified and deleted files; ignored files
 * are not part of it), and restore the worktree to its state before `mutate`,
 * even when `mutate` throws.
 *
 * @param exec The executor (git runs through it).
 * @param cwd A directory inside the worktree.
 * @param mutate The edit; its result is ignored.
 * @returns The diff and the changed paths; an empty diff when nothing changed.
 * @throws {PluginError} When git fails (not a worktree, broken repository).
 */
export async function captureChanges(
  exec: ShellExecutor,
  cwd: string,
  mutate: () => Promise<unknown>,
): Promise<ChangeSet> {
  const top = await repoTop(exec, cwd);
  const tmp = await Deno.makeTempDir({ prefix: "fleet-orch-fixer-" });
  try {
    const before = join(tmp, "before.idx");
    const after = join(tmp, "after.idx");
    await _seedIndex(exec, top, before);
    const beforeTree = await _snapshotTree(exec, top, before);
    let failure: unknown = undefined;
    try {
      await mutate();
    } catch (e) {
      failure = e;
    }
    await Deno.copyFile(before, after);
    const afterTree = await _snapshotTree(exec, top, after);
    const statusFile = join(tmp, "status");
    await _git(exec, top, [
      "diff",
      "--no-renames",
      "--name-status",
      "-z",
      `--output=${statusFile}`,
      beforeTree,
      afterTree,
    ]);
    const fields = (await Deno.readTextFile(statusFile)).split("\0");
    const added: string[] = [];
    const restored: string[] = [];
    const files: string[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const status = fields[i]!;
      const path = fields[i + 1]!;
      files.push(path);
      (status.startsWith("A") ? added : restored).push(path);
    }
    let diff = "";
    if (files.length > 0) {
      const diffFile = join(tmp, "diff");
      await _git(exec, top, [
        "diff",
        "--binary",
        "--no-renames",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        `--output=${diffFile}`,
        beforeTree,
        afterTree,
      ]);
      diff = await Deno.readTextFile(diffFile);
    }
    await _restore(exec, top, before, added, restored);
    if (failure !== undefined) throw failure;
    return { diff, files };
  } finally {
    // Cleanup of our own temp dir must not hide the recipe's own error.
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/** Removes files the edit added and checks out the "before" content of the rest. */
async function _restore(
  exec: ShellExecutor,
  top: string,
  beforeIndex: string,
  added: string[],
  restored: string[],
): Promise<void> {
  for (const path of added) {
    const abs = join(top, path);
    // The edit may have removed the file it added again; absent is the goal.
    await Deno.remove(abs).catch(() => {});
    await _pruneEmptyDirs(top, abs.slice(0, abs.lastIndexOf("/")));
  }
  if (restored.length === 0) return;
  await _git(
    exec,
    top,
    ["checkout-index", "-f", "-z", "--stdin"],
    { GIT_INDEX_FILE: beforeIndex },
    restored.join("\0") + "\0",
  );
}
