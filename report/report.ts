/**
 * Writing a run's reports: `report.json` (the run as data), `summary.md`,
 * `report.html`, and, inside CI, annotations and the step summary. Every text
 * passes redaction before it is written.
 *
 * @module
 */

import { isAbsolute, join } from "node:path";
import type { Annotation } from "../core/plugin.ts";
import { azureTaskResult, createCiOutput, gateAnnotations } from "./ci_output.ts";
import { renderHtml } from "./html.ts";
import { renderMarkdown } from "./markdown.ts";
import { isCommitId } from "./text.ts";
import type { RunReport } from "./types.ts";

/** The files written. */
export interface WrittenReport {
  /** report.json */
  json: string;
  /** summary.md, when asked. */
  markdown?: string;
  /** report.html, when asked. */
  html?: string;
}

/**
 * Write the reports of a run.
 *
 * @param dir The run's report directory.
 * @param report The run.
 * @param options Formats, redaction, environment (for CI detection).
 * @returns The paths written.
 */
export async function writeReports(
  dir: string,
  report: RunReport,
  options: {
    formats: readonly ("json" | "markdown" | "html")[];
    redact: (t: string) => string;
    env: (n: string) => string | undefined;
    /** stdout carries a JSON document: CI commands go to stderr. */
    json?: boolean;
  },
): Promise<WrittenReport> {
  // Redact every value before rendering: once HTML-escaped (`"` -> `&quot;`)
  // or clipped, a secret no longer matches the detectors.
  report = redactReport(report, options.redact);
  if (!report.branchName) {
    const name = await resolveBranchName(report, options.env);
    if (name) report = { ...report, branchName: options.redact(name) };
  }
  const json = join(dir, "report.json");
  await Deno.writeTextFile(json, options.redact(JSON.stringify(report, null, 2)) + "\n");
  const out: WrittenReport = { json };
  const md = options.redact(renderMarkdown(report, { dir }));
  if (options.formats.includes("markdown")) {
    out.markdown = join(dir, "summary.md");
    await Deno.writeTextFile(out.markdown, md);
  }
  if (options.formats.includes("html")) {
    out.html = join(dir, "report.html");
    await Deno.writeTextFile(out.html, options.redact(renderHtml(report, { dir })));
  }
  const ci = createCiOutput({
    env: options.env,
    ...(options.json ? { write: (l: string) => console.error(l) } : {}),
  });
  if (ci.kind !== "none") {
    const failing = report.gates.filter((g) =>
      g.required && g.status !== "passed" && g.status !== "skipped"
    );
    const annotations: Annotation[] = gateAnnotations(failing, report.repo, options.redact);
    ci.annotate(annotations);
    // The step summary is shown away from the run folder: a link relative
    // to it would lead nowhere there, so logs are named by their path.
    await ci.summary(options.redact(renderMarkdown(report)), json);
    await ci.setOutput("stop-reason", report.stopReason);
    await ci.setOutput("report", json);
    // The branch pushed (README "Delivery"), else the local work branch.
    const branch = report.delivery?.branch ?? report.workBranch;
    if (branch) await ci.setOutput("work-branch", branch);
    // Azure names them pullRequestUrl, pullRequestNumber, patch.
    const pr = report.delivery?.pullRequest;
    if (pr?.url) await ci.setOutput("pull-request-url", pr.url);
    if (pr?.number) await ci.setOutput("pull-request-number", String(pr.number));
    if (report.delivery?.patch) await ci.setOutput("patch", report.delivery.patch);
    // Azure: the task's result says whether the build needed healing (no-op on GitHub).
    ci.complete(
      azureTaskResult(report.exitCode, report.iterations.some((i) => i.commit)),
      report.message,
    );
  }
  return out;
}

/**
 * A copy of a run report with every string redacted (diffs, gate output,
 * messages), for anything that leaves the process: files, stdout, notifiers.
 *
 * @param report The report.
 * @param redact The redactor.
 * @returns The redacted copy.
 */
export function redactReport(report: RunReport, redact: (t: string) => string): RunReport {
  return _redactDeep(report, redact);
}

function _redactDeep<T>(value: T, redact: (t: string) => string): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((v) => _redactDeep(v, redact)) as T;
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, _redactDeep(v, redact)]),
    ) as T;
  }
  return value;
}

/**
 * The name of the branch a run started from, for the reports' Branch row
 * (the report records the commit). CI checkouts are often detached, so the
 * CI's own variables come first: GitHub (`GITHUB_HEAD_REF` on a pull
 * request, else `GITHUB_REF_NAME` for a branch), Azure Pipelines
 * (`BUILD_SOURCEBRANCH`), GitLab (`CI_COMMIT_REF_NAME`); then the
 * repository's HEAD, read from the file (no git process needed).
 *
 * @param report The report (`branch` and `repo` are read).
 * @param env Environment lookup.
 * @returns The name, or undefined on a detached HEAD outside CI.
 */
export async function resolveBranchName(
  report: Pick<RunReport, "branch" | "repo">,
  env: (n: string) => string | undefined,
): Promise<string | undefined> {
  if (report.branch && !isCommitId(report.branch)) return report.branch;
  const gh = env("GITHUB_HEAD_REF") ||
    (env("GITHUB_REF_TYPE") !== "tag" ? env("GITHUB_REF_NAME") : undefined);
  if (gh) return gh;
  const azure = env("SYSTEM_PULLREQUEST_SOURCEBRANCH") || env("BUILD_SOURCEBRANCH");
  if (azure?.startsWith("refs/heads/")) return azure.slice("refs/heads/".length);
  const gitlab = env("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") || env("CI_COMMIT_BRANCH");
  if (gitlab) return gitlab;
  if (!report.repo || !isAbsolute(report.repo)) return undefined;
  try {
    let gitDir = join(report.repo, ".git");
    if ((await Deno.stat(gitDir)).isFile) {
      // A linked worktree: `.git` is a file naming the real git folder.
      const m = /^gitdir: (.+)$/m.exec(await Deno.readTextFile(gitDir));
      if (!m) return undefined;
      gitDir = isAbsolute(m[1]!.trim()) ? m[1]!.trim() : join(report.repo, m[1]!.trim());
    }
    const head = (await Deno.readTextFile(join(gitDir, "HEAD"))).trim();
    return head.startsWith("ref: refs/heads/") ? head.slice("ref: refs/heads/".length) : undefined;
  } catch {
    return undefined; // not a checkout we can read: the report shows the commit
  }
}
