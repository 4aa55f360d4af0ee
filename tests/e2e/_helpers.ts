/**
 * Helpers of the end-to-end tests of `fleet-orch run`: temporary git
 * repositories, the CLI as a subprocess (stdout and stderr apart), replies of
 * the fake OpenAI server that tell the fixer from the reviewer, and snapshots
 * of a repository directory (every file, `.git` included) for "nothing
 * changed" checks.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type RunResult, ShellExecutor, shellJoin, shellQuote } from "../../core/exec.ts";
import type { FakeChatRequest, FakeReply } from "../fakes/openai_server.ts";

/** main.ts of this checkout. */
export const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

/** An executor that allows everything (the test's own commands). */
export const exec = new ShellExecutor({
  judge: () => ({ allowed: true, rule: null, message: "" }),
  env: { NO_COLOR: "1" },
});

/** Variables of the test's own environment that must not reach the run. */
const SCRUBBED = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "ANTHROPIC_API_KEY",
  "GITHUB_ACTIONS",
  "TF_BUILD",
  "GITHUB_STEP_SUMMARY",
  "GITHUB_OUTPUT",
  "CI",
  // A pull-request build changes where fixes go (orchestrator/ci_event.ts).
  "GITHUB_EVENT_NAME",
  "GITHUB_EVENT_PATH",
  "GITHUB_HEAD_REF",
  "GITHUB_BASE_REF",
  "GITHUB_REPOSITORY",
  "GITHUB_RUN_ID",
  "SYSTEM_PULLREQUEST_SOURCEBRANCH",
  "SYSTEM_PULLREQUEST_ISFORK",
];

/** Identity flags for the test's own commits. */
const IDENTITY = "-c user.name=e2e -c user.email=e2e@example.invalid";

/**
 * Run git in a directory as the test (not as fleet-orch).
 *
 * @param dir Repository directory.
 * @param args Arguments after `git` (a shell-quoted string).
 * @returns Its output; throws when git fails.
 */
export async function git(dir: string, args: string): Promise<string> {
  const r = await exec.run(`git ${IDENTITY} ${args}`, { cwd: dir, timeoutMs: 60_000 });
  assert.equal(r.code, 0, `git ${args}: ${r.output}`);
  return r.output;
}

/**
 * Create a temporary git repository on branch main with one commit of `files`.
 *
 * @param files Relative path -> content.
 * @returns The repository's real path.
 */
export async function makeRepo(files: Record<string, string>): Promise<string> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "fleet-orch-e2e-" }));
  await git(dir, "init -q -b main");
  for (const [name, text] of Object.entries(files)) {
    await Deno.mkdir(dirname(join(dir, name)), { recursive: true });
    await Deno.writeTextFile(join(dir, name), text);
  }
  await git(dir, "add -A");
  await git(dir, "commit -q -m initial");
  return dir;
}

/** What one CLI run produced. */
export interface CliResult {
  /** Exit code. */
  code: number;
  /** Standard output alone. */
  stdout: string;
  /** Standard error alone. */
  stderr: string;
}

/** Options of {@link runCli}. */
export interface CliOptions {
  /** Base URL of the fake server; sets OPENAI_BASE_URL and a dummy OPENAI_API_KEY. */
  baseUrl?: string;
  /** More environment variables. */
  env?: Record<string, string>;
  /** Abort (kills the CLI's process tree). */
  signal?: AbortSignal;
}

/**
 * Run `deno run -A main.ts run --repo REPO ARGS` as a subprocess, with the
 * test's own model and CI variables removed from its environment.
 *
 * @param repo The repository.
 * @param args Flags after `run --repo REPO`.
 * @param options Fake server URL, environment.
 * @returns Exit code, stdout and stderr.
 */
export async function runCli(
  repo: string,
  args: string[] = [],
  options: CliOptions = {},
): Promise<CliResult> {
  const tmp = await Deno.makeTempDir({ prefix: "fleet-orch-e2e-out-" });
  const out = join(tmp, "stdout");
  const err = join(tmp, "stderr");
  const env: Record<string, string> = {
    NO_COLOR: "1",
    ...(options.baseUrl
      ? { OPENAI_BASE_URL: options.baseUrl, OPENAI_API_KEY: "sk-e2e-dummy-key" }
      : {}),
    ...options.env,
  };
  const unset = SCRUBBED.filter((n) => !(n in env)).map((n) => `-u ${n}`).join(" ");
  const line = `env ${unset} ${
    shellJoin([Deno.execPath(), "run", "-A", MAIN, "run", "--repo", repo, ...args])
  } >${shellQuote(out)} 2>${shellQuote(err)}`;
  try {
    const r: RunResult = await exec.run(line, {
      cwd: repo,
      env,
      timeoutMs: 120_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return {
      code: r.code,
      stdout: await Deno.readTextFile(out).catch(() => ""),
      stderr: (await Deno.readTextFile(err).catch(() => "")) + r.output,
    };
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
}

/**
 * The report file named by the run's last "Report: PATH" line.
 *
 * @param r The CLI result.
 * @returns The path.
 */
export function reportPath(r: CliResult): string {
  const m = [...r.stderr.matchAll(/^Report: (.+)$/gm)].pop();
  assert.ok(m, `No "Report:" line in:\n${r.stderr}`);
  return m[1]!.trim();
}

/** The parts of report.json the tests read. */
export interface ReportJson {
  stopReason: string;
  exitCode: number;
  message: string;
  dryRun: boolean;
  workBranch?: string;
  backupBranch?: string;
  pullRequestUrl?: string;
  delivery?: {
    mode: string;
    target: string;
    branch?: string;
    pullRequest?: { url: string; number: number; created: boolean };
    commentedOn?: number;
    patch?: string;
    checkout?: string;
  };
  iterations: {
    index: number;
    applied: boolean;
    commit?: string;
    proposal?: { source: string; diff: string };
    review?: { verdict: string; reasons: string[]; source: string };
    calls: { model: string; tokensIn: number; tokensOut: number; costUsd: number }[];
  }[];
  gates: { id: string; status: string }[];
  totals: { costUsd: number };
}

/**
 * Read the run's report.json.
 *
 * @param r The CLI result.
 * @returns The parsed report.
 */
export async function readReport(r: CliResult): Promise<ReportJson> {
  return JSON.parse(await Deno.readTextFile(reportPath(r))) as ReportJson;
}

/** Whether a request is the reviewer's (its system message is the checklist). */
export function isReviewer(req: FakeChatRequest): boolean {
  return (req.messages ?? []).some((m) =>
    m.role === "system" && m.content.includes("You are the reviewer of fleet-orch")
  );
}

/** The reviewer's approval. */
export const APPROVE = '{"verdict": "approve", "reasons": ["Fixes the failure"]}';

/**
 * A script of `n` identical entries that answer the fixer with `fixer(req)`
 * and the reviewer with an approval, whatever order the requests come in.
 *
 * @param fixer The fixer's reply for a request.
 * @param n Entries (requests that may be made).
 * @returns The script.
 */
export function roles(fixer: (req: FakeChatRequest) => string, n = 20): FakeReply[] {
  return Array.from(
    { length: n },
    () => (req: FakeChatRequest) => isReviewer(req) ? APPROVE : fixer(req),
  );
}

/**
 * A fleet-orch.yaml with the given gates (id -> command) and settings.
 *
 * @param gates Gate id -> command line.
 * @param extra More YAML, appended as is.
 * @returns The file's text.
 */
export function config(gates: Record<string, string>, extra = ""): string {
  const lines = [
    "agents:",
    "  orchestrator:",
    "    max_iterations: 4",
    "    max_no_progress_iterations: 2",
    "  codex:",
    "    provider: openai",
    "    model: gpt-4o",
    "    max_retries: 0",
    "  jules:",
    "    provider: openai",
    "    model: gpt-4o",
    "    max_retries: 0",
    "quality_gates:",
  ];
  for (const [id, command] of Object.entries(gates)) {
    lines.push(`  ${id}:`, `    command: ${JSON.stringify(command)}`, "    timeout: 60");
  }
  return lines.join("\n") + "\n" + extra;
}

/** One entry of a repository snapshot. */
export interface SnapshotEntry {
  /** "file", "dir" or "link". */
  kind: string;
  /** Modification time in ms (null where the platform has none). */
  mtime: number | null;
  /** Size in bytes. */
  size: number;
  /** sha256 of the content (files), the target (links), or "". */
  hash: string;
}

/**
 * Every file, directory and link under `dir` (`.git` included) with its
 * mtime, size and content hash.
 *
 * @param dir The directory.
 * @returns Relative path -> entry, sorted by path.
 */
export async function snapshot(dir: string): Promise<Record<string, SnapshotEntry>> {
  const out: Record<string, SnapshotEntry> = {};
  async function walk(rel: string): Promise<void> {
    for await (const e of Deno.readDir(join(dir, rel))) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      const full = join(dir, path);
      const st = await Deno.lstat(full);
      const mtime = st.mtime?.getTime() ?? null;
      if (st.isSymlink) {
        out[path] = { kind: "link", mtime, size: st.size, hash: await Deno.readLink(full) };
      } else if (st.isDirectory) {
        out[path] = { kind: "dir", mtime, size: 0, hash: "" };
        await walk(path);
      } else {
        const hash = createHash("sha256").update(await Deno.readFile(full)).digest("hex");
        out[path] = { kind: "file", mtime, size: st.size, hash };
      }
    }
  }
  await walk("");
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * The user-visible state of a repository: HEAD, refs, status, unstaged diff.
 *
 * @param dir The repository.
 * @param ownRefs Keep fleet-orch's own branches (fleet-orch/*, backup/*) in the list.
 * @returns A comparable text.
 */
export async function refState(dir: string, ownRefs = true): Promise<string> {
  const refs = (await git(dir, "for-each-ref --format='%(refname) %(objectname)'"))
    .split("\n")
    .filter((l) => ownRefs || !/^refs\/heads\/(fleet-orch|backup)\//.test(l))
    .join("\n");
  return [
    await git(dir, "rev-parse HEAD"),
    await git(dir, "symbolic-ref HEAD"),
    refs,
    await git(dir, "--no-optional-locks status --porcelain=v1 --untracked-files=all"),
    await git(dir, "--no-optional-locks diff"),
    await git(dir, "--no-optional-locks diff --cached"),
  ].join("\n--\n");
}

/**
 * Every file under a directory, recursively, read as text.
 *
 * @param dir The directory.
 * @returns Path -> content.
 */
export async function readTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  async function walk(d: string): Promise<void> {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile) out.set(p, new TextDecoder().decode(await Deno.readFile(p)));
    }
  }
  await walk(dir);
  return out;
}

/** A gate script: fails until value.txt says "fixed", printing why. */
export const VALUE_GATE = `#!/usr/bin/env bash
if grep -q '^fixed$' value.txt; then echo "value ok"; exit 0; fi
echo "FAIL value.txt: expected 'fixed', found '$(cat value.txt)'"
exit 1
`;

/** A repository whose one gate ("value") fails until value.txt says "fixed". */
export const VALUE_REPO: Record<string, string> = {
  "value.txt": "broken\n",
  "notes.txt": "Notes\n",
  "check.sh": VALUE_GATE,
  "fleet-orch.yaml": config({ value: "bash check.sh" }),
};

/** The fixer's reply that fixes {@link VALUE_REPO}. */
export const FIX_VALUE = `Summary: value.txt must say fixed

\`\`\`diff
--- a/value.txt
+++ b/value.txt
@@ -1 +1 @@
-broken
+fixed
\`\`\`
`;

/** A reply whose patch applies but fixes nothing in {@link VALUE_REPO}. */
export const USELESS = `Summary: add a note

\`\`\`diff
--- a/notes.txt
+++ b/notes.txt
@@ -1 +1,2 @@
 Notes
+Another note
\`\`\`
`;

/**
 * Remove a test repository.
 *
 * @param dir The repository.
 */
export async function removeRepo(dir: string): Promise<void> {
  // Called from `finally`: a cleanup error must not replace the test's own.
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
