/**
 * Git operations, all through the shell executor (so the policy judges them):
 * find the repository, mark the starting point with a backup branch, work in a
 * worktree on a work branch, commit with author and committer from the
 * environment, and clean up what killed runs left behind. Never a force push,
 * never a history rewrite, never a touch of the user's working tree or index.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";
import type { ShellExecutor } from "./exec.ts";
import { GitError, UsageError } from "./errors.ts";

/**
 * A first-come first-served async lock: `run` calls execute one at a time, in
 * the order they were made.
 */
export class AsyncMutex {
  #tail: Promise<void> = Promise.resolve();

  /**
   * Run `work` once every earlier call has settled.
   *
   * @param work The critical section.
   * @returns What `work` returns (its rejection too).
   */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    // The next caller waits for this one to settle, whether it failed or not.
    this.#tail = result.then(() => {}, () => {});
    return result;
  }
}

// git writes `.git/worktrees/<name>` and locks `.git/config` while adding or
// pruning: two concurrent `worktree add` calls for candidates raced (about one
// run in eight with three candidates failed). Every worktree add, remove and
// prune in the process goes through this one lock.
const worktreeMutex = new AsyncMutex();

// Callers and tests know GitError from here; it lives in errors.ts with the others.
export { GitError };

/** Identity used for commits when the environment names none. */
export const DEFAULT_IDENTITY = { name: "fleet-orch", email: "fleet-orch@users.noreply.invalid" };

/** One entry of `git status --porcelain=v1 -z`. */
export interface StatusEntry {
  /** The two status letters (`??` untracked, ` M` modified, `R ` renamed...). */
  code: string;
  /** The path (the new path of a rename). */
  path: string;
  /** The source of a rename or copy. */
  from?: string;
}

/**
 * Git in one repository, through the executor.
 */
export class Git {
  readonly #exec: ShellExecutor;
  /** The directory git runs in (a worktree or the main checkout). */
  readonly cwd: string;
  readonly #env: Record<string, string>;

  /**
   * Make a Git for one directory.
   *
   * @param exec The executor.
   * @param cwd Directory to run git in.
   * @param env Environment lookup for the commit identity.
   */
  constructor(
    exec: ShellExecutor,
    cwd: string,
    env: (n: string) => string | undefined = (n) => Deno.env.get(n),
  ) {
    this.#exec = exec;
    this.cwd = cwd;
    const name = env("GIT_AUTHOR_NAME") ?? DEFAULT_IDENTITY.name;
    const email = env("GIT_AUTHOR_EMAIL") ?? DEFAULT_IDENTITY.email;
    this.#env = {
      GIT_AUTHOR_NAME: name,
      GIT_AUTHOR_EMAIL: email,
      GIT_COMMITTER_NAME: env("GIT_COMMITTER_NAME") ?? name,
      GIT_COMMITTER_EMAIL: env("GIT_COMMITTER_EMAIL") ?? email,
      GIT_TERMINAL_PROMPT: "0",
      LC_ALL: "C",
    };
  }

  /**
   * Run git and return its output; throws on a non-zero exit.
   *
   * @param args Arguments after `git`.
   * @param options Input for stdin; allowFail returns the result instead of throwing.
   * @returns Trimmed stdout+stderr.
   * @throws {GitError} When git fails and allowFail is not set.
   */
  async run(
    args: readonly string[],
    options: { stdin?: string; allowFail?: boolean } = {},
  ): Promise<string> {
    const r = await this.#exec.runArgv(["git", ...args], {
      cwd: this.cwd,
      env: this.#env,
      timeoutMs: 120_000,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      headBytes: 4 * 1024 * 1024,
      tailBytes: 1024 * 1024,
      // git's output is data (diffs, file contents, commit ids) that is
      // applied or compared byte for byte; whatever of it is shown passes
      // the logger's redaction.
      rawOutput: true,
    });
    if (r.code !== 0 && !options.allowFail) throw new GitError(args, r);
    return r.output.replace(/\n+$/, "");
  }

  /** Same as {@link Git.run} but returns the exit code too. */
  async tryRun(args: readonly string[]): Promise<{ code: number; output: string }> {
    const r = await this.#exec.runArgv(["git", ...args], {
      cwd: this.cwd,
      env: this.#env,
      timeoutMs: 120_000,
      rawOutput: true,
    });
    return { code: r.code, output: r.output.replace(/\n+$/, "") };
  }

  /** A Git for another directory with the same executor and identity. */
  at(cwd: string): Git {
    return new Git(this.#exec, cwd, (n) => this.#env[n]);
  }

  /**
   * The repository root around `cwd`.
   *
   * @returns Absolute path of the top-level directory.
   * @throws {UsageError} When `cwd` is not inside a git repository.
   */
  async root(): Promise<string> {
    const r = await this.tryRun(["rev-parse", "--show-toplevel"]);
    if (r.code !== 0) throw this.#notARepository(r.output);
    return r.output.trim();
  }

  /**
   * The repository root around `cwd` and the common git directory, from one
   * git call ({@link Git.root} and {@link Git.commonDir} take one each).
   *
   * @returns Absolute paths of the top-level directory and the common git directory.
   * @throws {UsageError} When `cwd` is not inside a git repository.
   */
  async locate(): Promise<{ root: string; commonDir: string }> {
    // A query that starts nothing and ends at once: run without the shells
    // of the supervisor, judged by the policy all the same.
    const r = await this.#exec.runDirect([
      "git",
      "rev-parse",
      "--show-toplevel",
      "--git-common-dir",
    ], {
      cwd: this.cwd,
      env: this.#env,
      timeoutMs: 120_000,
      rawOutput: true,
    });
    if (r.code !== 0) throw this.#notARepository(r.output);
    const lines = r.output.replace(/\n+$/, "").split("\n");
    if (lines.length !== 2) {
      // A path with a line break in it (or a warning on stderr): the lines
      // cannot be told apart, so ask one question at a time.
      const root = await this.root();
      return { root, commonDir: await this.at(root).commonDir() };
    }
    const root = lines[0]!.trim();
    const common = lines[1]!.trim();
    // A relative common directory is relative to where git ran; git reports
    // the root with symlinks resolved, so resolve from the real cwd as
    // commonDir() at the root would.
    return {
      root,
      commonDir: isAbsolute(common) ? common : resolve(await Deno.realPath(this.cwd), common),
    };
  }

  #notARepository(gitSaid: string): UsageError {
    // A bare repository, or a folder inside .git: a repository, but no
    // working tree to run gates in.
    if (/must be run in a work tree/.test(gitSaid)) {
      return new UsageError(
        `"${this.cwd}" is a bare repository or inside a .git folder (no working tree); ` +
          "run fleet-orch in a checkout (git clone it, or git worktree add), or pass --repo DIR",
      );
    }
    return new UsageError(
      `"${this.cwd}" is not inside a git repository; run fleet-orch from your project, or pass --repo DIR`,
    );
  }

  /** Absolute path of the common git directory (shared by worktrees). */
  async commonDir(): Promise<string> {
    const out = await this.run(["rev-parse", "--git-common-dir"]);
    return resolve(this.cwd, out.trim());
  }

  /** Current HEAD commit, or null in a repository with no commits. */
  async head(): Promise<string | null> {
    const r = await this.tryRun(["rev-parse", "--verify", "-q", "HEAD"]);
    return r.code === 0 ? r.output.trim() : null;
  }

  /** Current branch name, or null when detached. */
  async branch(): Promise<string | null> {
    const r = await this.tryRun(["symbolic-ref", "--short", "-q", "HEAD"]);
    return r.code === 0 ? r.output.trim() : null;
  }

  /** `git status --porcelain` lines (empty when clean). */
  async status(): Promise<string[]> {
    const out = await this.run([
      "--no-optional-locks",
      "status",
      "--porcelain=v1",
      "--untracked-files=all",
    ]);
    return out ? out.split("\n") : [];
  }

  /**
   * The worktree's real changes, read with `git status --porcelain=v1 -z
   * -uall` (NUL-separated, so no name is quoted or split; renames keep
   * their source). Untracked files are listed one by one.
   *
   * @returns One entry per changed path, in git's order.
   */
  async statusEntries(): Promise<StatusEntry[]> {
    const out = await this.run([
      "-c",
      "core.quotePath=false",
      "--no-optional-locks",
      "status",
      "--porcelain=v1",
      "-z",
      "--untracked-files=all",
      "--ignored=no",
    ]);
    const parts = out.split("\0");
    const entries: StatusEntry[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.length < 4) continue;
      const code = p.slice(0, 2);
      const entry: StatusEntry = { code, path: p.slice(3) };
      // A rename or copy is followed by its source as the next field.
      if (code.includes("R") || code.includes("C")) entry.from = parts[++i] ?? "";
      entries.push(entry);
    }
    return entries;
  }

  /**
   * Create the backup branch `backup/pre-orchestration-YYYYMMDD_HHMMSS` at HEAD.
   *
   * @param now The clock, for tests.
   * @returns The branch name.
   */
  async createBackupBranch(now: Date = new Date()): Promise<string> {
    const base = `backup/pre-orchestration-${timestamp(now)}`;
    let name = base;
    for (
      let i = 2;
      (await this.tryRun(["rev-parse", "--verify", "-q", `refs/heads/${name}`])).code === 0;
      i++
    ) {
      name = `${base}-${i}`;
    }
    await this.run(["branch", name, "HEAD"]);
    return name;
  }

  /**
   * Add a worktree at `path` on a new branch starting at `startPoint`.
   *
   * @param path Where the worktree goes.
   * @param branch New branch name.
   * @param startPoint Commit to start from.
   */
  async addWorktree(path: string, branch: string, startPoint: string): Promise<void> {
    await worktreeMutex.run(() =>
      this.run(["worktree", "add", "-q", "-b", branch, path, startPoint])
    );
  }

  /**
   * Add a worktree at `path` with a detached HEAD at `commit` (candidates).
   *
   * @param path Where the worktree goes.
   * @param commit Commit to check out. @default "HEAD"
   */
  async addDetachedWorktree(path: string, commit = "HEAD"): Promise<void> {
    await worktreeMutex.run(() => this.run(["worktree", "add", "-q", "--detach", path, commit]));
  }

  /** Remove a worktree (its files, not its branch). */
  async removeWorktree(path: string): Promise<void> {
    await worktreeMutex.run(async () => {
      await this.run(["worktree", "remove", "--force", path], { allowFail: true });
      // `worktree remove` usually deleted it already; what is left is pruned next.
      await Deno.remove(path, { recursive: true }).catch(() => {});
      await this.run(["worktree", "prune"], { allowFail: true });
    });
  }

  /**
   * Remove worktrees under `dir` that no live run owns (left by killed runs),
   * and prune git's records of them.
   *
   * @param dir fleet-orch's worktree folder.
   * @returns The paths removed.
   */
  async removeStaleWorktrees(dir: string): Promise<string[]> {
    const removed: string[] = [];
    try {
      for await (const e of Deno.readDir(dir)) {
        if (!e.isDirectory) continue;
        const path = join(dir, e.name);
        await this.removeWorktree(path);
        removed.push(path);
      }
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await worktreeMutex.run(() => this.run(["worktree", "prune"], { allowFail: true }));
    return removed;
  }

  /**
   * Stage the given paths (everything when none are given) and commit.
   *
   * @param message Commit message.
   * @param paths Paths to stage, relative to the worktree.
   * @returns The new commit id, or null when there was nothing to commit.
   */
  async commitAll(message: string, paths?: readonly string[]): Promise<string | null> {
    // With paths, only those are staged: build output a gate left in the
    // worktree (dist/, caches) must never ride along with a fix.
    await this.run(paths ? ["add", "-A", "--", ...paths] : ["add", "-A"]);
    const staged = await this.tryRun(["diff", "--cached", "--quiet"]);
    if (staged.code === 0) return null;
    await this.run(["commit", "-q", "--no-verify", "-F", "-"], { stdin: message });
    return (await this.head())!;
  }

  /** Whether a local branch exists. */
  async hasBranch(name: string): Promise<boolean> {
    return (await this.tryRun(["rev-parse", "--verify", "-q", `refs/heads/${name}`])).code === 0;
  }

  /** Delete a local branch that fleet-orch created (never the user's). */
  async deleteBranch(name: string): Promise<void> {
    await this.run(["branch", "-D", name], { allowFail: true });
  }
}

/**
 * `YYYYMMDD_HHMMSS` in UTC.
 *
 * @param d The time.
 * @returns The stamp.
 */
export function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}${
    p(d.getUTCMinutes())
  }${p(d.getUTCSeconds())}`;
}
