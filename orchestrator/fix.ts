/**
 * One fix attempt: a proposal (recipes first, then the fixer model), its
 * review (the policy engine's scan, then the reviewer model), and its
 * application in the workspace.
 *
 * @module
 */

import { resolve, sep as SEP } from "node:path";
import type { FixerPlugin, LlmPlugin } from "../core/plugin.ts";
import type { CallRecord, Failure, FixProposal, GateResult } from "../core/types.ts";
import type { Logger } from "../core/log.ts";
import type { Git } from "../core/git.ts";
import { PolicyViolation } from "../core/errors.ts";
import { applyPatch, canonicalPath, extractDiff, parsePatch } from "../patch/patch.ts";
import { type AttemptRecord, proposeFix } from "../agents/fixer.ts";
import { reviewPatch } from "../agents/reviewer.ts";
import type { PolicyEngine } from "../policies/engine.ts";
import {
  checkPatchIntegrity,
  integrityFeedback,
  type IntegrityFinding,
} from "../policies/integrity.ts";
import { messageOf } from "../core/errors.ts";

/** The models of a run, when configured and keyed. */
export interface Models {
  /** Fixer (the seed's codex). */
  fixer?: {
    llm: LlmPlugin;
    model: string;
    temperature?: number;
    maxTokens?: number;
    contextTokens?: number;
  };
  /** Reviewer (the seed's jules). */
  reviewer?: {
    llm: LlmPlugin;
    model: string;
    temperature?: number;
    maxTokens?: number;
    contextTokens?: number;
  };
  /** Why the fixer is unavailable (no key), for the final message. */
  fixerProblem?: string;
  /** Why the reviewer is unavailable (no key), when it is enabled. */
  reviewerProblem?: string;
}

/** A proposal with the model calls it cost. */
export interface Proposed {
  /** The proposal, or null when nothing could propose one. */
  proposal: FixProposal | null;
  /** Model calls made. */
  calls: CallRecord[];
  /** Why there is no proposal. */
  why?: string;
}

/**
 * Ask the recipes, then the fixer model, for a fix.
 *
 * @param input Failures, failing gates, recipes, models, workspace, history.
 * @returns The first proposal found.
 */
export async function propose(input: {
  failures: Failure[];
  gates: GateResult[];
  recipes: FixerPlugin[];
  triedRecipes: Set<string>;
  models: Models;
  dir: string;
  git: Git;
  history: AttemptRecord[];
  /** Files changed since the last green commit; looked up when absent. */
  changedFiles?: string[];
  redact: (t: string) => string;
  log: Logger;
  logChunk?: string;
  temperature?: number;
  signal?: AbortSignal;
}): Promise<Proposed> {
  const failing = input.gates.filter((g) =>
    g.required && g.status !== "passed" && g.status !== "skipped"
  );
  for (const [i, recipe] of input.recipes.entries()) {
    for (const gate of failing) {
      const key = `${i}:${gate.id}`;
      if (input.triedRecipes.has(key)) continue;
      const mine = input.failures.filter((f) => f.gate === gate.id);
      let applies = false;
      try {
        applies = recipe.applies(mine, gate);
      } catch (e) {
        input.log.warn(`A recipe failed to judge gate "${gate.id}": ${messageOf(e)}`);
      }
      if (!applies) continue;
      input.triedRecipes.add(key);
      try {
        const proposal = await recipe.fix({ cwd: input.dir, failures: mine, gate });
        if (proposal && proposal.diff.trim()) return { proposal, calls: [] };
      } catch (e) {
        input.log.warn(`Recipe for gate "${gate.id}" failed: ${messageOf(e)}`);
      }
    }
  }
  const fixer = input.models.fixer;
  if (!fixer) {
    return {
      proposal: null,
      calls: [],
      why: input.models.fixerProblem ??
        "No recipe applies to these failures and no fixer model is configured",
    };
  }
  const out = await proposeFix({
    llm: fixer.llm,
    model: fixer.model,
    ...(input.temperature ?? fixer.temperature) !== undefined
      ? { temperature: (input.temperature ?? fixer.temperature)! }
      : {},
    ...(fixer.maxTokens !== undefined ? { maxTokens: fixer.maxTokens } : {}),
    ...(fixer.contextTokens !== undefined ? { tokenBudget: fixer.contextTokens } : {}),
    failures: input.failures,
    ...(input.logChunk !== undefined ? { logChunk: input.logChunk } : {}),
    repoRoot: input.dir,
    readFile: (path) => readInside(input.dir, path),
    listFiles: async () => (await input.git.run(["ls-files"])).split("\n").filter(Boolean),
    changedFiles: input.changedFiles ?? await changedSinceGreen(input.git),
    history: input.history,
    redact: input.redact,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  if (!out.proposal) {
    return {
      proposal: null,
      calls: [out.record],
      why: "The fixer model's reply held no unified diff",
    };
  }
  return { proposal: out.proposal, calls: [out.record] };
}

/** The review of a proposal. */
export interface Reviewed {
  /** The decision. */
  verdict: "approve" | "reject";
  /** Why. */
  reasons: string[];
  /** policy, model or none. */
  source: "policy" | "model" | "none";
  /** True when a policy finding was a forbidden command (stop with exit 3). */
  forbidden: boolean;
  /** Model calls made. */
  calls: CallRecord[];
  /** True when the reviewer model's reply was unparseable: it cannot review. */
  reviewerUnavailable?: boolean;
  /** Oracle-integrity findings with their actions (deny, warn, allow). */
  integrity: IntegrityFinding[];
  /** True when an integrity finding denied the patch: feedback for the fixer, not a stop. */
  integrityDenied: boolean;
}

/**
 * Review a proposal: the policy engine first, then the reviewer model.
 *
 * @param input The proposal, failures, policy, reviewer model.
 * @returns The decision.
 */
export async function review(input: {
  proposal: FixProposal;
  failures: Failure[];
  policy: PolicyEngine;
  models: Models;
  redact: (t: string) => string;
  signal?: AbortSignal;
  /**
   * The workspace the patch would apply to: scripts are judged on the files it
   * leaves, and the integrity check compares with the original files.
   */
  dir?: string;
}): Promise<Reviewed> {
  const findings = input.policy.scan(
    input.proposal.diff,
    input.dir ? { base: baseReader(input.dir) } : {},
  );
  // --- Oracle integrity: judged before the reviewer, never overridden by it.
  const dir = input.dir;
  const integrity = await checkPatchIntegrity(
    extractDiff(input.proposal.diff) ?? input.proposal.diff,
    {
      failures: input.failures,
      actions: input.policy.policy.integrity ?? {},
      ...(dir !== undefined ? { read: (p: string) => readInside(dir, p) } : {}),
    },
  );
  const denied = integrity.filter((f) => f.action === "deny");
  if (denied.length && !findings.some((f) => f.severity === "error")) {
    return {
      verdict: "reject",
      reasons: denied.map((f) => input.redact(integrityFeedback(f))),
      source: "policy",
      forbidden: false,
      calls: [],
      integrity,
      integrityDenied: true,
    };
  }
  // --- end oracle integrity
  const errors = findings.filter((f) => f.severity === "error");
  // A finding is a forbidden operation when a command rule made it (a build
  // script, Makefile or CI step in the patch runs it); secrets, SQL and
  // protected paths are rejections. Findings carry the rule's own category
  // (filesystem, remote-code, ...), so the rule's match tells them apart.
  const commandRules = new Set(
    input.policy.policy.rules
      .filter((r) => r.match.command || r.match.check || r.match.assign)
      .map((r) => r.id),
  );
  const forbidden = errors.some((f) => commandRules.has(f.rule));
  const r = await reviewPatch({
    ...(input.models.reviewer
      ? { llm: input.models.reviewer.llm, model: input.models.reviewer.model }
      : {}),
    ...(input.models.reviewer?.temperature !== undefined
      ? { temperature: input.models.reviewer.temperature }
      : {}),
    ...(input.models.reviewer?.maxTokens !== undefined
      ? { maxTokens: input.models.reviewer.maxTokens }
      : {}),
    ...(input.models.reviewer?.contextTokens !== undefined
      ? { tokenBudget: input.models.reviewer.contextTokens }
      : {}),
    diff: input.proposal.diff,
    failures: input.failures,
    policyFindings: findings.map((f) => ({
      rule: f.rule,
      message: `${f.file ?? ""}${f.line ? `:${f.line}` : ""} ${f.message}`.trim(),
      severity: f.severity,
    })),
    integrityFindings: integrity,
    redact: input.redact,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return {
    verdict: r.verdict,
    reasons: r.reasons,
    source: r.source,
    forbidden: r.verdict === "reject" && forbidden,
    calls: r.record ? [r.record] : [],
    ...(r.unparseable ? { reviewerUnavailable: true } : {}),
    integrity,
    integrityDenied: false,
  };
}

/**
 * A reader of the workspace's files as they are before a patch: a path that
 * leaves the workspace (also through a symlink) reads as missing.
 *
 * @param dir The workspace.
 * @returns The reader.
 */
export function baseReader(dir: string): (path: string) => string | null {
  return (path) => {
    try {
      const root = Deno.realPathSync(dir);
      const real = Deno.realPathSync(resolve(root, path));
      if (real !== root && !real.startsWith(root + SEP)) return null;
      return Deno.readTextFileSync(real);
    } catch {
      return null;
    }
  };
}

/** What {@link applyInWorkspace} needs to re-check the worktree before a commit. */
export interface ApplyGuard {
  /** Git in the workspace. */
  git: Git;
  /** The policy that judged the diff. */
  policy: PolicyEngine;
}

/**
 * Apply a diff tolerantly in the workspace. With a guard, the worktree's
 * real changes are then compared with what was judged: every path git
 * reports as changed by the apply must be one the diff named, and none may
 * be protected; otherwise the changes are undone and the run stops.
 *
 * @param diff The unified diff (or a reply holding one).
 * @param dir The workspace.
 * @param guard Git and the policy, for the re-check before any commit.
 * @returns ok, or why not.
 * @throws {PolicyViolation} When the worktree changed differently from the judged diff.
 */
export async function applyInWorkspace(
  diff: string,
  dir: string,
  guard?: ApplyGuard,
): Promise<{ ok: boolean; error?: string; files: string[] }> {
  const clean = extractDiff(diff) ?? diff;
  const before = guard ? await snapshot(dir, await guard.git.at(dir).statusEntries()) : new Map();
  const r = await applyPatch(clean, { cwd: dir });
  if (!r.ok) return { ok: false, error: r.error ?? "The patch does not apply", files: [] };
  if (guard) await checkRealChanges(clean, dir, guard, before);
  return { ok: true, files: r.files.map((f) => f.path) };
}

const entryKey = (e: { code: string; path: string; from?: string }) =>
  `${e.code}\0${e.path}\0${e.from ?? ""}`;

/**
 * The worktree's changed paths before an apply, each with its size and
 * modification time: a file already dirty (a gate's output) that the apply
 * writes again shows no new status line, but its stamp moves.
 */
async function snapshot(
  dir: string,
  entries: readonly { code: string; path: string; from?: string }[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const e of entries) out.set(entryKey(e), await stamp(resolve(dir, e.path)));
  return out;
}

async function stamp(path: string): Promise<string> {
  try {
    const st = await Deno.lstat(path);
    return `${st.size}:${st.mtime?.getTime() ?? 0}:${st.mode ?? 0}`;
  } catch {
    return "missing";
  }
}

/**
 * Compare the worktree's real changes since `before` with the judged diff;
 * undo them and throw when they differ or touch a protected path.
 */
async function checkRealChanges(
  diff: string,
  dir: string,
  guard: ApplyGuard,
  before: ReadonlyMap<string, string>,
): Promise<void> {
  const git = guard.git.at(dir);
  const fresh: { code: string; path: string; from?: string }[] = [];
  for (const e of await git.statusEntries()) {
    const was = before.get(entryKey(e));
    if (was === undefined || was !== await stamp(resolve(dir, e.path))) fresh.push(e);
  }
  const judged = new Set<string>();
  for (const fp of parsePatch(diff)) {
    for (const n of fp.names) judged.add(n);
    for (const n of [fp.oldPath, fp.newPath]) if (n !== null) judged.add(n);
  }
  const problems: string[] = [];
  const changed: { path: string; untracked: boolean }[] = [];
  for (const e of fresh) {
    for (const raw of e.from === undefined ? [e.path] : [e.path, e.from]) {
      const c = canonicalPath(raw);
      if (!c.ok) problems.push(`${JSON.stringify(raw)}: ${c.reason}`);
      else if (!judged.has(c.path)) {
        problems.push(`${JSON.stringify(c.path)} changed but the reviewed diff does not name it`);
      }
      changed.push({ path: raw, untracked: e.code === "??" });
    }
  }
  if (problems.length === 0 && changed.length > 0) {
    // The real change, as git sees it, goes through the same path rules.
    const tracked = changed.filter((c) => !c.untracked).map((c) => c.path);
    let real = tracked.length
      ? await git.run([
        "-c",
        "core.quotePath=false",
        "diff",
        "--no-ext-diff",
        "--no-textconv",
        "HEAD",
        "--",
        ...tracked.map((p) => `:(literal)${p}`),
      ], { allowFail: true }) + "\n"
      : "";
    for (const c of changed.filter((x) => x.untracked)) {
      const text = baseReader(dir)(c.path) ?? "";
      const lines = text.split("\n");
      if (lines[lines.length - 1] === "") lines.pop();
      const body = lines.map((l) => `+${l}\n`).join("");
      real += `--- /dev/null\n+++ b/${c.path}\n@@ -0,0 +1,${lines.length} @@\n${body}`;
    }
    for (const f of guard.policy.scan(real, { base: baseReader(dir) })) {
      if (f.category === "protected-path") problems.push(`${f.file}: ${f.message}`);
    }
  }
  if (problems.length === 0) return;
  // Put the worktree back: tracked paths from HEAD, new files removed.
  for (const c of changed) {
    // Already gone is the goal: a file the undo cannot find needs no undoing.
    if (c.untracked) await Deno.remove(resolve(dir, c.path)).catch(() => {});
    else {await git.run(["checkout", "-q", "HEAD", "--", `:(literal)${c.path}`], {
        allowFail: true,
      });}
  }
  throw new PolicyViolation(
    `The applied patch changed the worktree differently from the reviewed diff: ${
      problems.join("; ")
    }`,
    "path.worktree-check",
    dir,
  );
}

/**
 * The paths a diff touches (old and new), for staging exactly what a fix changed.
 *
 * @param diff The unified diff (or a reply holding one).
 * @returns Repository-relative paths.
 */
export function patchPaths(diff: string): string[] {
  const clean = extractDiff(diff) ?? diff;
  const paths = new Set<string>();
  for (const f of parsePatch(clean)) {
    if (f.oldPath) paths.add(f.oldPath);
    if (f.newPath) paths.add(f.newPath);
  }
  return [...paths];
}

/**
 * Read a file of the workspace for the fixer's prompt; paths that leave the
 * workspace (`..`, absolute, or a symlink pointing out) read as missing, so no
 * file from elsewhere on the machine reaches a model.
 *
 * @param dir The workspace.
 * @param path Repository-relative path.
 * @returns The text, or null.
 */
export async function readInside(dir: string, path: string): Promise<string | null> {
  try {
    const root = await Deno.realPath(dir);
    const real = await Deno.realPath(resolve(root, path));
    if (real !== root && !real.startsWith(root + SEP)) return null;
    return await Deno.readTextFile(real);
  } catch {
    return null;
  }
}

/**
 * Files changed since the last green commit, for fault localisation: the
 * merge base of HEAD with the upstream or default branch (what a pull request
 * changed), plus what the fix loop committed since. Empty when no base is
 * found (a repository with a single branch and no upstream).
 *
 * @param git The workspace's git.
 * @returns Repository-relative paths, most recent change first.
 */
export async function changedSinceGreen(git: Git): Promise<string[]> {
  const head = (await git.tryRun(["rev-parse", "HEAD"])).output.trim();
  for (
    const ref of ["@{upstream}", "origin/HEAD", "origin/main", "origin/master", "main", "master"]
  ) {
    const base = await git.tryRun(["merge-base", "HEAD", ref]);
    const commit = base.output.trim();
    if (base.code !== 0 || !commit || commit === head) continue;
    const diff = await git.tryRun(["diff", "--name-only", "--no-renames", commit, "HEAD"]);
    if (diff.code === 0) return diff.output.split("\n").map((l) => l.trim()).filter(Boolean);
  }
  return [];
}
