/**
 * Test helpers for the fix recipes: temporary git repositories, a plugin
 * context on a real executor, fake tool executables that really rewrite
 * files, and `git apply` of a proposal.
 *
 * @module
 */

import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { ShellExecutor } from "../../core/exec.ts";
import { silentLogger } from "../../core/log.ts";
import type { FixerPlugin, PluginContext, PluginDefinition } from "../../core/plugin.ts";
import { parseOptions } from "../../core/registry.ts";
import type { Failure, GateResult } from "../../core/types.ts";

/** A temporary repository with an executor and plugin context. */
export interface TestRepo {
  /** Repository root. */
  dir: string;
  /** Directory on PATH (first) holding fake tools. */
  bin: string;
  /** The executor (allows everything). */
  exec: ShellExecutor;
  /** Plugin context rooted at `dir`. */
  context: PluginContext;
  /** Run git in the repository; throws on failure. */
  git(...args: string[]): Promise<string>;
  /** Remove the repository. */
  [Symbol.asyncDispose](): Promise<void>;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.invalid",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.invalid",
};

/** Write files (paths relative to `dir`), creating folders. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, path)), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
}

/**
 * A git repository in a temp folder with `files` committed on `main`, and
 * executable `tools` (name -> bash script) in a bin folder first on PATH.
 */
export async function tempRepo(
  files: Record<string, string>,
  tools: Record<string, string> = {},
): Promise<TestRepo> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fixers-test-" }));
  const bin = await Deno.makeTempDir({ prefix: "fixers-bin-" });
  for (const [name, script] of Object.entries(tools)) {
    await Deno.writeTextFile(join(bin, name), script, { mode: 0o755 });
  }
  const path = `${bin}:${Deno.env.get("PATH") ?? ""}`;
  const exec = new ShellExecutor({
    judge: () => ({ allowed: true, rule: null, message: "" }),
    env: { ...IDENTITY, PATH: path, npm_config_update_notifier: "false" },
  });
  const git = async (...args: string[]) => {
    const r = await exec.runArgv(["git", "-C", dir, ...args]);
    if (r.code !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.output}`);
    return r.output;
  };
  await git("init", "-q", "-b", "main");
  await writeFiles(dir, files);
  await git("add", "-A");
  await git("commit", "-q", "--allow-empty", "-m", "initial");
  const context: PluginContext = {
    repoRoot: dir,
    exec,
    log: silentLogger(),
    env: (n) => (n === "PATH" ? path : Deno.env.get(n)),
    fetch,
    dryRun: false,
  };
  return {
    dir,
    bin,
    exec,
    context,
    git,
    async [Symbol.asyncDispose]() {
      // Cleanup must not replace a failing test's own error.
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      await Deno.remove(bin, { recursive: true }).catch(() => {});
    },
  };
}

/** Every file under `dir` except `.git`, path -> content. */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(join(dir, rel))) {
      const p = rel === "" ? e.name : `${rel}/${e.name}`;
      if (p === ".git") continue;
      if (e.isDirectory) await walk(p);
      else out.set(p, await Deno.readTextFile(join(dir, p)));
    }
  };
  await walk("");
  return out;
}

/** Apply a diff with `git apply` (after `--check`); throws when it does not apply. */
export async function gitApply(repo: TestRepo, diff: string): Promise<void> {
  const file = await Deno.makeTempFile({ suffix: ".diff" });
  try {
    await Deno.writeTextFile(file, diff);
    await repo.git("apply", "--check", file);
    await repo.git("apply", file);
  } finally {
    await Deno.remove(file);
  }
}

/** A gate result with sensible defaults. */
export function gate(fields: Partial<GateResult> & { output?: string }): GateResult {
  return {
    id: "gate",
    name: "gate",
    required: true,
    status: "failed",
    exitCode: 1,
    durationMs: 1,
    output: "",
    failures: [],
    ...fields,
  };
}

/** A failure with sensible defaults. */
export function failure(fields: Partial<Failure> & { tool: string }): Failure {
  return { gate: "gate", message: "failed", excerpt: "", fingerprint: "f", ...fields };
}

/** Create a recipe instance with its default options (plus `options`). */
export async function instance<O>(
  def: PluginDefinition<"fixer", O>,
  repo: TestRepo,
  options: Record<string, unknown> = {},
): Promise<FixerPlugin> {
  return await def.create(await parseOptions(def, options), repo.context);
}

/** Assert the worktree is exactly `before` and git sees no change. */
export async function assertRestored(repo: TestRepo, before: Map<string, string>): Promise<void> {
  assert.deepEqual(await readTree(repo.dir), before);
}

/**
 * A fake formatter: with any of `checkFlags` it lists badly formatted files
 * and fails; otherwise it rewrites them (trailing blanks removed, runs of
 * spaces collapsed). Arguments are files, folders or globs. Every call's argv
 * is appended to `calls.log` beside the script.
 */
export function fakeFormatter(checkFlags: string[], checkReport: string): string {
  return `#!/usr/bin/env bash
shopt -s globstar nullglob
printf '%s\\n' "$(basename "$0") $*" >> "$(dirname "$0")/calls.log"
check=0; files=()
for a in "$@"; do
  case "$a" in
    ${checkFlags.join("|")}) check=1 ;;
    -*) ;;
    *) if [ -d "$a" ]; then while IFS= read -r f; do files+=("$f"); done < <(find "$a" -type f -not -path '*/.git/*' -not -path '*/node_modules/*' | sort);
       else for f in $a; do files+=("$f"); done; fi ;;
  esac
done
bad=0
for f in "\${files[@]}"; do
  if grep -qE '[ ]+$|[^ ]  +' "$f"; then
    if [ $check = 1 ]; then echo "${checkReport}"; bad=$((bad+1));
    else sed -i -E 's/[ ]+$//; s/([^ ])  +/\\1 /g' "$f"; fi
  fi
done
[ $bad -gt 0 ] && exit 1
exit 0
`;
}
