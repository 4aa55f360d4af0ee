/**
 * What a run tells the VCS host at its end, inside CI: a check run with the
 * failures as line annotations (GitHub; a commit status on Azure DevOps) on
 * the commit the run started from, and, when the build is for a pull
 * request, one comment with the run's summary that later runs update (found
 * by its hidden marker) instead of adding more. Paths are
 * repository-relative; a failure here is a warning, never the run's verdict.
 *
 * @module
 */

import type { Logger } from "../core/log.ts";
import type { Annotation, VcsPlugin } from "../core/plugin.ts";
import { commentMarker } from "../plugins/vcs/_marker.ts";
import {
  detectCi,
  gateAnnotations,
  repoRelativePath,
  stripWorktreePaths,
} from "../report/ci_output.ts";
import { isCommitId } from "../report/text.ts";
import type { RunReport } from "../report/types.ts";
import { renderMarkdown } from "../report/markdown.ts";
import type { WrittenReport } from "../report/report.ts";
import { messageOf } from "../core/errors.ts";
import { ciRunUrl, type PullRequestEvent } from "./ci_event.ts";
import type { Runtime } from "./runtime.ts";

/** The marker of the run-summary comment. */
export const SUMMARY_MARKER = commentMarker("run-summary");

/** GitHub takes at most 65,536 characters in a comment. */
const MAX_COMMENT = 60_000;

/**
 * Publish the check run (or status) and the pull-request comment of a run.
 * Does nothing outside CI, without `vcs:`, or in a dry run.
 *
 * @param runtime The runtime (config, registry, env, redaction).
 * @param log The run's logger.
 * @param input The (redacted) report, its files (the Markdown summary is used), the pull request event.
 * @returns What was published.
 */
export async function ciFeedback(
  runtime: Runtime,
  log: Logger,
  input: { report: RunReport; files: WrittenReport; event: PullRequestEvent | null },
): Promise<{ annotated: boolean; commented: number | null }> {
  const out = { annotated: false, commented: null as number | null };
  const ref = runtime.loaded.config.vcs;
  const { report } = input;
  if (!ref || report.dryRun || detectCi((n) => runtime.env[n]) === "none") return out;
  let vcs: VcsPlugin;
  try {
    vcs = await runtime.registry.instantiate("vcs", ref, {
      configDir: runtime.repoRoot,
      context: runtime.pluginContext,
      where: { yaml: runtime.loaded.yaml, path: ["vcs"] },
    });
  } catch (e) {
    log.warn(`Could not report to the VCS host: ${messageOf(e)}`);
    return out;
  }
  const sha = report.branch;
  if (vcs.annotate && isCommitId(sha)) {
    try {
      const markdown = input.files.markdown
        ? await Deno.readTextFile(input.files.markdown)
        : renderMarkdown(report);
      await vcs.annotate(
        sha,
        runAnnotations(report),
        runtime.redact(stripWorktreePaths(markdown)),
      );
      out.annotated = true;
    } catch (e) {
      log.warn(`Could not publish the check run on ${sha.slice(0, 12)}: ${messageOf(e)}`);
    }
  }
  const pr = input.event?.number ?? null;
  // A fork's pull request already has the fix as a comment (publish.ts); its token is read-only.
  if (vcs.comment && pr !== null && !input.event?.fork) {
    try {
      await vcs.comment(pr, runtime.redact(summaryComment(report, runtime.env)));
      out.commented = pr;
      log.info(`Run summary on pull request ${pr}`);
    } catch (e) {
      log.warn(`Could not comment on pull request ${pr}: ${messageOf(e)}`);
    }
  }
  return out;
}

/**
 * The annotations of a run: every failure of a required gate still failing
 * at the end (errors); on a run that fixed the build, the failures it fixed
 * (notices saying where the fix is).
 *
 * @param report The run.
 * @returns Annotations with repository-relative paths.
 */
export function runAnnotations(report: RunReport): Annotation[] {
  const failing = report.gates.filter((g) =>
    g.required && g.status !== "passed" && g.status !== "skipped"
  );
  const id = (t: string) => t;
  const out = gateAnnotations(failing, report.repo, id);
  if (failing.length === 0) {
    const where = report.delivery?.pullRequest?.url ?? report.delivery?.branch ??
      report.workBranch ?? "the work branch";
    const seen = new Set<string>();
    for (const f of report.iterations[0]?.failures ?? []) {
      if (seen.has(f.fingerprint)) continue;
      seen.add(f.fingerprint);
      out.push({
        level: "notice",
        message: stripWorktreePaths(`Fixed by fleet-orch (${where}): ${f.gate}: ${f.message}`),
        ...(f.file ? { file: repoRelativePath(f.file, report.repo) } : {}),
        ...(f.file && f.line ? { line: f.line } : {}),
      });
    }
  }
  return out;
}

/**
 * The pull-request comment: result, what failed, where the fix went, cost,
 * and a link to the CI run, under the hidden {@link SUMMARY_MARKER}.
 *
 * @param report The run.
 * @param env Environment (for the CI run's URL).
 * @returns Markdown.
 */
export function summaryComment(
  report: RunReport,
  env: Record<string, string | undefined>,
): string {
  const run = ciRunUrl(env);
  const green = report.stopReason === "success" || report.stopReason === "flaky";
  const fixes = report.iterations.filter((i) => i.commit).length;
  const md = (s: string) => stripWorktreePaths(s).replace(/[`\r\n]/g, " ");
  const lines = [
    SUMMARY_MARKER,
    `### fleet-orch: ${
      green ? (fixes ? `fixed in ${fixes} commit(s)` : "all gates pass") : "not fixed"
    }`,
    "",
    `Run \`${report.runId}\` stopped: **${report.stopReason}** — ${md(report.message)}` +
    (run ? ` ([CI run](${run}))` : ""),
  ];
  const failed = report.gates.filter((g) =>
    g.required && g.status !== "passed" && g.status !== "skipped"
  );
  const fixed = report.iterations[0]?.failures ?? [];
  const show = failed.length ? failed.flatMap((g) => g.failures) : fixed;
  if (show.length) {
    lines.push("", failed.length ? "Still failing:" : "What failed:");
    for (const f of show.slice(0, 20)) {
      const at = f.file
        ? ` \`${md(repoRelativePath(f.file, report.repo))}${f.line ? `:${f.line}` : ""}\``
        : "";
      lines.push(`- \`${md(f.gate)}\`${at}: ${md(f.message).slice(0, 300)}`);
    }
    if (show.length > 20) lines.push(`- … and ${show.length - 20} more`);
  } else if (failed.length) {
    lines.push("", `Still failing: ${failed.map((g) => `\`${md(g.name)}\``).join(", ")}`);
  }
  const d = report.delivery;
  if (d?.pullRequest) lines.push("", `The fix: ${d.pullRequest.url}`);
  else if (d?.mode === "push") lines.push("", `The fix was pushed onto \`${md(d.target)}\`.`);
  else if (d?.branch) lines.push("", `The fix is on branch \`${md(d.branch)}\`.`);
  lines.push(
    "",
    `Cost: $${report.totals.costUsd.toFixed(4)} (${report.totals.tokensIn} tokens in, ` +
      `${report.totals.tokensOut} out). This comment is updated by later runs.`,
  );
  const text = lines.join("\n");
  return text.length <= MAX_COMMENT ? text : text.slice(0, MAX_COMMENT) + "\n\n… (cut)";
}
