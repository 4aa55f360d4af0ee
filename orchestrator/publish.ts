/**
 * After a green run: push the work branch (never forced) and open a pull
 * request through the configured VCS plugin, then tell the notifiers.
 *
 * @module
 */

import type { Logger } from "../core/log.ts";
import type { ReportIteration } from "../report/types.ts";
import type { Runtime } from "./runtime.ts";

/**
 * Push the work branch and open a pull request, when `vcs:` is configured.
 *
 * @param runtime The runtime.
 * @param log The run's logger.
 * @param input Branch, run id and the iterations (for the PR body).
 * @returns The pull request URL, or null when no VCS is configured.
 */
export async function publish(
  runtime: Runtime,
  log: Logger,
  input: { branch: string; runId: string; iterations: ReportIteration[] },
): Promise<string | null> {
  const ref = runtime.loaded.config.vcs;
  if (!ref) {
    log.info(`No "vcs:" configured: the fixes stay on local branch ${input.branch}`);
    return null;
  }
  const vcs = await runtime.registry.instantiate("vcs", ref, {
    configDir: runtime.repoRoot,
    context: runtime.pluginContext,
    where: { yaml: runtime.loaded.yaml, path: ["vcs"] },
  });
  await vcs.verify?.();
  const base = await baseBranch(runtime);
  if (vcs.pushBranch) await vcs.pushBranch(input.branch);
  else await runtime.git.run(["push", "origin", `${input.branch}:${input.branch}`]);
  if (!vcs.createPullRequest) return null;
  const applied = input.iterations.filter((i) => i.commit);
  const body = [
    `fleet-orch run \`${input.runId}\` fixed the build in ${applied.length} commit(s):`,
    "",
    ...applied.map((i) =>
      `- iteration ${i.index}: ${i.proposal?.summary ?? ""} (${i.proposal?.source ?? ""})`
    ),
    "",
    "Each patch passed the policy engine and the reviewer before it was committed.",
    ...integrityNotes(applied),
  ].join("\n");
  const pr = await vcs.createPullRequest({
    head: input.branch,
    base,
    title: `fleet-orch: fix the build (${input.runId})`,
    body: runtime.redact(body),
  });
  log.info(`Pull request: ${pr.url}`);
  return pr.url;
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
