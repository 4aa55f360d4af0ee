/**
 * Delivery, after a green run (`delivery:` in the config, README
 * "Delivery"): push fleet-orch's own work branch `fleet-orch/fix/<base>` and
 * open or update the one pull request for that base (`pr`), push the branch
 * only (`branch`), or fast-forward the CI checkout (`commit`). On a
 * pull-request build the fix is for the pull request's head branch; for a
 * fork nothing is pushed: the fix is a comment with the diff and a patch file.
 *
 * Nothing is ever force-pushed: when fleet-orch's branch already holds an
 * earlier fix, the new fix is pushed as a commit on top of it whose tree is
 * the new fix, so the push is a fast-forward (and fails, like a lease, when
 * the branch moved since it was read).
 *
 * @module
 */

import { join } from "node:path";
import type { Git } from "../core/git.ts";
import type { Logger } from "../core/log.ts";
import type { VcsPlugin } from "../core/plugin.ts";
import { detectCi } from "../report/ci_output.ts";
import type { ReportDelivery, ReportIteration } from "../report/types.ts";
import { ciRunUrl, fixBranchFor, type PullRequestEvent } from "./ci_event.ts";
import type { Runtime } from "./runtime.ts";

/** The longest diff put in a pull-request comment (GitHub takes 65,536 characters). */
export const MAX_COMMENT_DIFF = 60_000;

/** Prefix of every branch fleet-orch pushes on its own account. */
const OWN_PREFIX = "fleet-orch/fix/";

/** What {@link publish} needs to know about the run. */
export interface PublishInput {
  /** The local work branch holding the fix commits. */
  branch: string;
  /** Run id. */
  runId: string;
  /** The fix iterations (for the pull request body). */
  iterations: ReportIteration[];
  /** The commit the run started from. */
  baseCommit: string;
  /** Git in the run's worktree (for the diff and the patch). */
  worktree: Git;
  /** The run's report folder (the patch is written there). */
  runDir: string;
  /** The pull request the build is for, when it is for one. */
  event: PullRequestEvent | null;
  /** Model spending of the run. */
  cost: { usd: number; tokensIn: number; tokensOut: number };
}

/**
 * Deliver the fix as `delivery:` says.
 *
 * @param runtime The runtime.
 * @param log The run's logger.
 * @param input The run.
 * @returns Where the fix went (the report's `delivery`).
 * @throws {Error} When a push is rejected, or `commit` finds the checkout dirty or moved.
 */
export async function publish(
  runtime: Runtime,
  log: Logger,
  input: PublishInput,
): Promise<ReportDelivery> {
  const cfg = runtime.loaded.config.delivery;
  const tip = await input.worktree.run(["rev-parse", "HEAD"]);
  const patch = await writePatch(runtime, input, tip);
  const event = input.event;

  if (event?.fork) return await commentOnFork(runtime, log, input, event, patch);

  if (cfg.mode === "commit") {
    const checkout = await fastForwardCheckout(runtime, tip, input.branch);
    log.info(`Fast-forwarded the checkout to ${tip.slice(0, 12)}: later steps build the fix`);
    return { mode: "commit", target: (await runtime.git.branch()) ?? "HEAD", checkout, patch };
  }

  const target = event ? event.headBranch : await baseBranch(runtime);
  const ref = runtime.loaded.config.vcs;
  // A pull request from fleet-orch's own branch gets the fix on that branch,
  // not a pull request into it (fleet-orch/fix/fleet-orch/fix/…).
  const ownHead = !!event && target.startsWith(OWN_PREFIX);
  if (event && (ownHead || (cfg.mode === "pr" && cfg.pull_requests === "push"))) {
    await pushFastForward(runtime.git, tip, target);
    log.info(`Pushed the fix onto the pull request's branch ${target}`);
    return { mode: "push", target, branch: target, patch };
  }
  if (cfg.mode === "pr" && !ref) {
    log.info(`No "vcs:" configured: the fixes stay on local branch ${input.branch}`);
    return { mode: "local", target, patch };
  }
  const remote = fixBranchFor(target);
  const vcs = ref ? await openVcs(runtime, ref) : null;
  await vcs?.verify?.();
  await pushOwnBranch(runtime.git, tip, remote, input.runId);
  log.info(`Pushed the fix to ${remote}`);
  if (cfg.mode === "branch" || !vcs?.createPullRequest) {
    return { mode: "branch", target, branch: remote, patch };
  }
  const pr = await vcs.createPullRequest({
    head: remote,
    base: target,
    title: `fleet-orch: fix the build of ${target}`,
    body: runtime.redact(await pullRequestBody(runtime, input, tip)),
    labels: cfg.labels,
    ...(cfg.draft ? { draft: true } : {}),
  });
  const created = pr.created ?? true;
  log.info(`Pull request${created ? "" : " (updated)"}: ${pr.url}`);
  return {
    mode: "pr",
    target,
    branch: remote,
    pullRequest: { url: pr.url, number: pr.number, created },
    patch,
  };
}

/**
 * The branch a pull request goes into: the checked-out branch, or, on a
 * detached HEAD (CI checkouts), the branch the CI system names.
 *
 * @param runtime The runtime.
 * @returns The branch name.
 */
export async function baseBranch(runtime: Pick<Runtime, "git" | "env">): Promise<string> {
  const current = await runtime.git.branch();
  if (current) return current;
  const e = runtime.env;
  const fromCi = e.GITHUB_BASE_REF || e.GITHUB_REF_NAME || e.SYSTEM_PULLREQUEST_TARGETBRANCH ||
    e.BUILD_SOURCEBRANCH || e.CI_COMMIT_REF_NAME;
  return fromCi ? fromCi.replace(/^refs\/heads\//, "") : "main";
}

/**
 * The pull request body: what failed, what changed, what it cost, the CI run.
 *
 * @param runtime The runtime (env for the CI run link).
 * @param input The run.
 * @param tip The last fix commit.
 * @returns Markdown (not yet redacted).
 */
export async function pullRequestBody(
  runtime: Pick<Runtime, "env">,
  input: PublishInput,
  tip: string,
): Promise<string> {
  const applied = input.iterations.filter((i) => i.commit);
  const failures = input.iterations.flatMap((i) => i.failures);
  const seen = new Set<string>();
  const failed = failures.filter((f) => !seen.has(f.fingerprint) && seen.add(f.fingerprint));
  const gates = [...new Set(failed.map((f) => f.gate))];
  const changed = (await input.worktree.run(["diff", "--name-status", input.baseCommit, tip]))
    .split("\n").filter(Boolean);
  const run = ciRunUrl(runtime.env);
  const md = (s: string) => s.replace(/[`\r\n]/g, " ");
  const lines = [
    `fleet-orch run \`${input.runId}\` fixed the build${run ? ` ([CI run](${run}))` : ""}.`,
    "",
    "### What failed",
    "",
    gates.length
      ? `Gates: ${gates.map((g) => `\`${md(g)}\``).join(", ")}`
      : "Gates: (none recorded)",
    ...failed.slice(0, 20).map((f) =>
      `- \`${md(f.gate)}\`${f.file ? ` \`${md(f.file)}${f.line ? `:${f.line}` : ""}\`` : ""}: ${
        md(f.message).slice(0, 300)
      }`
    ),
    ...(failed.length > 20 ? [`- … and ${failed.length - 20} more`] : []),
    "",
    "### What changed",
    "",
    ...changed.slice(0, 50).map((l) => {
      const [status, ...paths] = l.split("\t");
      return `- ${status} \`${md(paths.join(" -> "))}\``;
    }),
    ...(changed.length > 50 ? [`- … and ${changed.length - 50} more files`] : []),
    "",
    `In ${applied.length} commit(s):`,
    ...applied.map((i) =>
      `- iteration ${i.index}: ${md(i.proposal?.summary ?? "")} (${i.proposal?.source ?? ""})`
    ),
    "",
    "### Cost",
    "",
    `$${input.cost.usd.toFixed(4)} (${input.cost.tokensIn} tokens in, ${input.cost.tokensOut} out)`,
    "",
    "Each patch passed the policy engine and the reviewer before it was committed. " +
    "A later run for the same branch updates this pull request.",
    ...integrityNotes(applied),
  ];
  return lines.join("\n");
}

/**
 * The oracle-integrity warnings (and findings the project's policy allowed)
 * of the committed fixes, for the pull request body.
 *
 * @param applied The iterations that were committed.
 * @returns Markdown lines (none when there is nothing to say).
 */
export function integrityNotes(applied: readonly ReportIteration[]): string[] {
  const lines = applied.flatMap((i) =>
    (i.integrity ?? []).filter((f) => f.action !== "deny").map((f) =>
      `- iteration ${i.index}: ${f.action === "warn" ? "warning" : "allowed by the policy"} ` +
      `\`${f.rule}\` at \`${f.file}:${f.line}\`: ${f.message}`
    )
  );
  return lines.length ? ["", "Oracle integrity (review these before merging):", ...lines] : [];
}

/**
 * Push `tip` to fleet-orch's own branch `fleet-orch/fix/…`, never forced.
 * When the branch holds an earlier fix that `tip` does not contain, a commit
 * with `tip`'s tree and both tips as parents is pushed instead: a
 * fast-forward of the remote branch whose content is exactly the new fix.
 *
 * @param git Git at the repository root.
 * @param tip The fix commit.
 * @param branch The remote branch; must start with `fleet-orch/fix/`.
 * @param runId Run id, for the commit message.
 * @returns The commit pushed.
 * @throws {RangeError} For a branch that is not fleet-orch's own.
 * @throws {GitError} When the push is rejected (the branch moved meanwhile).
 */
export async function pushOwnBranch(
  git: Git,
  tip: string,
  branch: string,
  runId: string,
): Promise<string> {
  if (!branch.startsWith(OWN_PREFIX) || branch.length === OWN_PREFIX.length) {
    throw new RangeError(`Refusing to update "${branch}": fleet-orch only updates ${OWN_PREFIX}*`);
  }
  const ref = `refs/heads/${branch}`;
  const listed = await git.run(["ls-remote", "--heads", "origin", ref]);
  const current = listed.split("\n").map((l) => l.split("\t")).find((p) => p[1] === ref)?.[0];
  let pushed = tip;
  if (current && current !== tip) {
    await git.run(["fetch", "--no-tags", "--quiet", "origin", ref]);
    // Already there (the fix is part of what the branch holds): nothing to push.
    if ((await git.tryRun(["merge-base", "--is-ancestor", tip, current])).code === 0) {
      return current;
    }
    const contains = await git.tryRun(["merge-base", "--is-ancestor", current, tip]);
    if (contains.code !== 0) {
      pushed = await git.run(
        ["commit-tree", `${tip}^{tree}`, "-p", current, "-p", tip, "-F", "-"],
        {
          stdin: `fleet-orch: replace the previous fix with run ${runId}\n\n` +
            `The tree is the fix of run ${runId} (${tip}); the earlier fix stays in the history.\n`,
        },
      );
    }
  }
  await git.run(["push", "--quiet", "origin", `${pushed}:${ref}`]);
  return pushed;
}

async function pushFastForward(git: Git, tip: string, branch: string): Promise<void> {
  const r = await git.tryRun(["push", "--quiet", "origin", `${tip}:refs/heads/${branch}`]);
  if (r.code !== 0) {
    throw new Error(
      `Could not push the fix onto ${branch} (it moved since the build started, or the token ` +
        `may not push): ${r.output.trim().slice(-300)}`,
    );
  }
}

/**
 * `delivery: commit`: move the checked-out branch (or detached HEAD) of a
 * clean CI checkout forward to the fix.
 *
 * @param runtime The runtime.
 * @param tip The fix commit.
 * @param branch The local work branch (named in refusals).
 * @returns The commit checked out.
 * @throws {Error} Outside CI, in a dirty checkout, or when HEAD is not an ancestor of the fix.
 */
export async function fastForwardCheckout(
  runtime: Pick<Runtime, "git" | "env">,
  tip: string,
  branch: string,
): Promise<string> {
  const env = (n: string) => runtime.env[n];
  const take = `take the fix with "git merge --ff-only ${branch}"`;
  if (detectCi(env) === "none" && !/^(1|true)$/i.test(env("CI") ?? "")) {
    throw new Error(
      `delivery: commit moves the checked-out branch, which fleet-orch does only in CI ` +
        `(CI, GITHUB_ACTIONS or TF_BUILD set); ${take}`,
    );
  }
  const dirty = (await runtime.git.run(["status", "--porcelain=v1", "--untracked-files=no"]))
    .split("\n").filter(Boolean);
  if (dirty.length) {
    throw new Error(
      `delivery: commit refused: the checkout has ${dirty.length} uncommitted change(s) ` +
        `(${dirty.slice(0, 3).map((l) => l.slice(3)).join(", ")}); nothing was moved; ${take}`,
    );
  }
  const ff = await runtime.git.tryRun(["merge-base", "--is-ancestor", "HEAD", tip]);
  if (ff.code !== 0) {
    throw new Error(
      `delivery: commit refused: the checkout's HEAD is not an ancestor of the fix ` +
        `(it moved, or is a pull request's merge commit), so it cannot be fast-forwarded; ${take}`,
    );
  }
  await runtime.git.run(["merge", "--ff-only", "--quiet", tip]);
  return tip;
}

async function openVcs(
  runtime: Runtime,
  ref: NonNullable<Runtime["loaded"]["config"]["vcs"]>,
): Promise<VcsPlugin> {
  return await runtime.registry.instantiate("vcs", ref, {
    configDir: runtime.repoRoot,
    context: runtime.pluginContext,
    where: { yaml: runtime.loaded.yaml, path: ["vcs"] },
  });
}

// The fix commits as a mailbox (git am), redacted, in the run folder: the
// artifact a fork's author applies, and a record in every other case.
async function writePatch(runtime: Runtime, input: PublishInput, tip: string): Promise<string> {
  const text = await input.worktree.run([
    "format-patch",
    "--stdout",
    "--no-signature",
    `${input.baseCommit}..${tip}`,
  ]);
  const path = join(input.runDir, "fix.patch");
  await Deno.writeTextFile(path, runtime.redact(text) + "\n");
  return path;
}

// A fork: no push, no pull request; the token goes to the comment API only.
async function commentOnFork(
  runtime: Runtime,
  log: Logger,
  input: PublishInput,
  event: PullRequestEvent,
  patch: string,
): Promise<ReportDelivery> {
  const out: ReportDelivery = { mode: "comment", target: event.headBranch, patch };
  log.info(`Pull request from a fork: nothing is pushed; the fix is in ${patch}`);
  const ref = runtime.loaded.config.vcs;
  if (!ref || event.number === null) {
    log.info(
      ref ? "The pull request's number is unknown: no comment" : 'No "vcs:" configured: no comment',
    );
    return out;
  }
  const vcs = await openVcs(runtime, ref);
  if (!vcs.comment) return out;
  const diff = await input.worktree.run(["diff", input.baseCommit, "HEAD"]);
  try {
    await vcs.comment(event.number, runtime.redact(forkComment(diff, input.runId)));
    out.commentedOn = event.number;
    log.info(`Commented the fix on pull request ${event.number}`);
  } catch (e) {
    // A fork's pull_request token is read-only: the patch artifact still holds the fix.
    log.warn(`Could not comment on pull request ${event.number}: ${(e as Error).message}`);
  }
  return out;
}

/**
 * The comment for a fork's pull request: the diff in a fence no line of it
 * can close, cut at {@link MAX_COMMENT_DIFF} characters.
 *
 * @param diff The unified diff.
 * @param runId Run id.
 * @returns Markdown.
 */
export function forkComment(diff: string, runId: string): string {
  const cut = diff.length > MAX_COMMENT_DIFF;
  const shown = cut ? diff.slice(0, diff.lastIndexOf("\n", MAX_COMMENT_DIFF) + 1) : diff;
  const longest = Math.max(2, ...[...shown.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return [
    `fleet-orch run \`${runId}\` fixed the build of this pull request. It does not push to ` +
    "forks: apply the diff below, or the `fix.patch` file of the CI run's artifacts " +
    "with `git am fix.patch`.",
    "",
    `${fence}diff`,
    shown.replace(/\n$/, ""),
    fence,
    ...(cut
      ? ["", `The diff is cut at ${MAX_COMMENT_DIFF} characters; fix.patch holds all of it.`]
      : []),
  ].join("\n");
}
