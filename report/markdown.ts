/**
 * The Markdown run report: what `$GITHUB_STEP_SUMMARY`, the Azure Pipelines
 * summary tab, a pull-request body and the notifiers show.
 *
 * @module
 */

import type { Failure, GateResult } from "../core/types.ts";
import {
  clipDiff,
  failedGates,
  failureExcerpt,
  failureLocation,
  formatCost,
  formatDuration,
  logLink,
  MAX_FAILURES,
  startingPoint,
  STATUS_MARKS,
  STATUS_WORDS,
  STOP_TITLES,
  takeFixSteps,
} from "./text.ts";
import type { ReportDeployment, ReportIteration, ReportVerification, RunReport } from "./types.ts";

/**
 * Render a run report as GitHub-flavoured Markdown. Every value from the run
 * is escaped, so file names or messages cannot inject markup; diffs are cut
 * to a bounded length.
 *
 * @param report The run report.
 * @param options `dir`: the folder the report is written to, so gate logs
 * under it are linked relatively.
 * @returns The Markdown text, ending with a newline.
 * @example
 * ```ts
 * const md = renderMarkdown({
 *   runId: "r1", startedAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:00:01Z",
 *   repo: "acme/app", branch: "main", dryRun: true, stopReason: "success", exitCode: 0,
 *   iterations: [], gates: [], totals: { tokensIn: 0, tokensOut: 0, costUsd: 0, durationMs: 1000 },
 *   message: "All gates pass",
 * });
 * console.assert(md.startsWith("## ✅ fleet-orch: Build is green"));
 * ```
 */
export function renderMarkdown(report: RunReport, options: { dir?: string } = {}): string {
  const ok = report.stopReason === "success" || report.stopReason === "flaky";
  const out: string[] = [];
  out.push(`## ${ok ? "✅" : "❌"} fleet-orch: ${STOP_TITLES[report.stopReason]}`, "");
  if (report.message) out.push(`> ${mdText(report.message)}`, "");
  // Lead with the parsed failure (gate, test or diagnostic, message, where).
  const failing = report.gates.find((g) =>
    g.required && g.status !== "passed" && g.status !== "skipped" && g.failures.length > 0
  );
  const first = failing?.failures.find((f) => f.tool !== "generic") ?? failing?.failures[0];
  if (first) {
    out.push(
      `**Failure** in ${mdCode(first.gate)}: ${mdText(first.message.split("\n")[0]!)}${
        first.file ? ` (${mdCode(failureLocation(first))})` : ""
      }`,
      "",
    );
  }
  out.push("| | |", "|---|---|");
  const row = (k: string, v: string) => out.push(`| ${k} | ${v} |`);
  row("Run", mdCode(report.runId));
  row("Repository", mdText(report.repo));
  const start = startingPoint(report);
  row(
    "Branch",
    [
      start.name ? mdCode(start.name) : "",
      start.commit
        ? (start.name ? `(at ${mdCode(start.commit)})` : `commit ${mdCode(start.commit)}`)
        : "",
      report.workBranch ? `→ ${mdCode(report.workBranch)}` : "",
    ].filter(Boolean).join(" ") || "unknown",
  );
  if (report.backupBranch) row("Backup branch", mdCode(report.backupBranch));
  row("Dry run", report.dryRun ? "yes" : "no");
  row("Stop reason", `${mdCode(report.stopReason)} (exit ${report.exitCode})`);
  row("Iterations", String(report.iterations.length));
  if (report.sandbox) {
    row(
      "Gate sandbox",
      `${mdCode(report.sandbox.mode)}: ${report.sandbox.active ? "active" : "**not active**"} (${
        mdText(report.sandbox.reason)
      })`,
    );
  }
  row(
    "Model usage",
    `${report.totals.tokensIn.toLocaleString("en-US")} tokens in, ` +
      `${report.totals.tokensOut.toLocaleString("en-US")} out, ${
        formatCost(report.totals.costUsd)
      }`,
  );
  row("Duration", formatDuration(report.totals.durationMs));
  if (report.executions) {
    // Each gate run costs the user pipeline time: say how many it took.
    row(
      "Gate executions",
      `${report.executions.count} (${formatDuration(report.executions.durationMs)}): ${
        Object.entries(report.executions.byGate).map(([id, g]) => `${mdText(id)} ×${g.count}`)
          .join(", ")
      }`,
    );
  }
  out.push("");
  if (report.gates.length > 0) {
    out.push("### Gates", "", ..._gateTable(report.gates, options.dir), "");
  }
  const failed = failedGates(report.gates);
  if (failed.length > 0) out.push(..._whyFailed(failed, options.dir));
  const take = takeFixSteps(report);
  if (take.length > 0) {
    out.push("### How to take this fix", "");
    for (const t of take) {
      out.push(
        `- ${mdText(t.text)}${t.command ? `: ${mdCode(t.command)}` : ""}${
          t.url ? `: ${mdLink(t.url, t.url)}` : ""
        }`,
      );
    }
    out.push("");
  }
  if (report.triage?.length) out.push(..._triage(report.triage), "");
  if (report.iterations.length > 0) {
    out.push("### Iterations", "");
    for (const it of report.iterations) out.push(..._iteration(it), "");
  }
  if (report.deployment) out.push(..._deployment(report.deployment, options.dir), "");
  if (report.verification) out.push(..._verification(report.verification), "");
  out.push(
    `<sub>fleet-orch run ${mdCode(report.runId)}, ${mdText(report.startedAt)} → ${
      mdText(report.finishedAt)
    }</sub>`,
  );
  return out.join("\n") + "\n";
}

// Triage (orchestrator/triage.ts): how each failed gate was classified
// before any fix was asked for.
function _triage(rows: NonNullable<RunReport["triage"]>): string[] {
  const out = ["### Triage", "", "| Gate | Class | Signature | Evidence / tests | What to do |"];
  out.push("|---|---|---|---|---|");
  for (const t of rows) {
    const said = t.tests?.length ? t.tests.join("; ") : (t.evidence ?? "");
    out.push(
      `| ${mdCode(t.gate)} | ${mdText(t.class)} | ${t.signature ? mdCode(t.signature) : ""}${
        t.subject ? ` (${mdCode(t.subject)})` : ""
      } | ${mdText(said)} | ${mdText(t.advice ?? "")} |`,
    );
  }
  return out;
}

function _gateTable(gates: GateResult[], dir?: string): string[] {
  const rows = [
    "| Gate | Status | Required | Duration | Failures | Log |",
    "|---|---|---|---|---|---|",
  ];
  for (const g of gates) {
    rows.push(
      `| ${mdText(g.name)} | ${mdStatus(g.status)} | ${g.required ? "yes" : "no"} | ` +
        `${formatDuration(g.durationMs)} | ${g.failures.length} | ${
          g.logFile ? mdLink("log", logLink(g.logFile, dir)) : ""
        } |`,
    );
  }
  return rows;
}

// Why each failed gate failed: the parsed headline, then the last log lines,
// so a reader sees the cause without downloading the log.
function _whyFailed(gates: GateResult[], dir?: string): string[] {
  const out = ["### Why it failed", ""];
  for (const g of gates) {
    const exit = g.status === "failed" && g.exitCode !== null ? ` (exit ${g.exitCode})` : "";
    out.push(`#### ${mdText(g.name)}: ${mdStatus(g.status)}${exit}`, "");
    const { headlines, tail } = failureExcerpt(g);
    for (const h of headlines) out.push(`- ${mdText(h)}`);
    if (headlines.length) out.push("");
    if (tail.length) {
      const text = tail.join("\n");
      const fence = "`".repeat(Math.max(3, _longestRun(text, "`") + 1));
      out.push(fence, text, fence, "");
    }
    if (g.logFile) {
      out.push(`Full log: ${mdLink(logLink(g.logFile, dir), logLink(g.logFile, dir))}`, "");
    }
  }
  return out;
}

/** A status as its word, after its emoji: `❌ failed`. */
function mdStatus(status: GateResult["status"]): string {
  return `${STATUS_MARKS[status]} ${STATUS_WORDS[status]}`;
}

/**
 * A Markdown link whose target may hold spaces or parentheses (angle-bracket
 * form); the label is escaped like any text.
 */
function mdLink(label: string, target: string): string {
  const safe = target.replace(/[<>\n\r]/g, (c) => encodeURIComponent(c));
  return `[${mdText(label)}](<${safe}>)`;
}

function _iteration(it: ReportIteration): string[] {
  const head = it.applied
    ? `applied${it.commit ? ` ${mdCode(it.commit.slice(0, 12))}` : ""}`
    : "not applied";
  const out = [`#### Iteration ${it.index}: ${head} (${formatDuration(it.durationMs)})`, ""];
  if (it.failures.length > 0) {
    out.push(`Failures (${it.failures.length}):`, "");
    out.push(..._failures(it.failures), "");
  }
  if (it.proposal) {
    out.push(`**Fix** from ${mdCode(it.proposal.source)}: ${mdText(it.proposal.summary)}`, "");
  }
  if (it.review) {
    const verdict = it.review.verdict === "approve" ? "✅ approved" : "❌ rejected";
    out.push(`**Review** by ${mdCode(it.review.source)}: ${verdict}`);
    for (const r of it.review.reasons) out.push(`- ${mdText(r)}`);
    out.push("");
  }
  if (it.integrity?.length) {
    const label = { deny: "❌ denied", warn: "⚠️ warning", allow: "☑️ allowed by the policy" };
    out.push("**Oracle integrity**");
    for (const f of it.integrity) {
      out.push(
        `- ${label[f.action]} ${mdCode(f.rule)} ${mdCode(`${f.file}:${f.line}`)}: ${
          mdText(f.message)
        }`,
      );
    }
    out.push("");
  }
  if (it.proposal?.diff) {
    const { text, cut } = clipDiff(it.proposal.diff);
    const fence = "`".repeat(Math.max(3, _longestRun(text, "`") + 1));
    out.push(
      `<details><summary>Diff${
        cut ? ` (first lines; ${cut} more lines in the JSON report)` : ""
      }</summary>`,
      "",
      `${fence}diff`,
      text,
      fence,
      "",
      "</details>",
      "",
    );
  }
  if (it.gates.length > 0) {
    out.push(
      "Gates after the fix: " +
        it.gates.map((g) => `${mdText(g.name)} ${mdStatus(g.status)}`).join(", "),
    );
  }
  if (it.calls.length > 0) {
    const tin = it.calls.reduce((n, c) => n + c.tokensIn, 0);
    const tout = it.calls.reduce((n, c) => n + c.tokensOut, 0);
    const cost = it.calls.reduce((n, c) => n + c.costUsd, 0);
    out.push(
      "",
      `Model calls: ${it.calls.length} (${tin} tokens in, ${tout} out, ${formatCost(cost)})`,
    );
  }
  return out;
}

function _failures(failures: Failure[]): string[] {
  const shown = failures.slice(0, MAX_FAILURES).map((f) =>
    `- ${mdCode(failureLocation(f))}${f.code ? ` **${mdText(f.code)}**` : ""} ` +
    `${mdText(f.message)} (${mdText(f.tool)})`
  );
  if (failures.length > MAX_FAILURES) shown.push(`- … and ${failures.length - MAX_FAILURES} more`);
  return shown;
}

function _deployment(d: ReportDeployment, dir?: string): string[] {
  const head = `### Deploy: ${mdText(d.environment)} ${
    d.steps.length === 0 ? "— nothing deployed" : d.ok ? "✅ deployed" : "❌ failed"
  }${d.attempts > 1 ? ` (${d.attempts} attempts)` : ""}`;
  const out = [head, ""];
  if (d.note) out.push(mdText(d.note), "");
  if (d.steps.length === 0) return out;
  out.push(
    "| Attempt | Step | Command | Result | Duration | Log |",
    "|---|---|---|---|---|---|",
  );
  for (const s of d.steps) {
    // A word for every result: an exit code alone is a number, not a status.
    const result = s.exitCode === null
      ? "not run"
      : s.exitCode === 0
      ? "✅ passed"
      : `❌ failed (exit ${s.exitCode})`;
    out.push(
      `| ${s.attempt} | ${mdText(s.name)} | ${mdCode(s.command)} | ${result} | ${
        formatDuration(s.durationMs)
      } | ${s.logFile ? mdLink("log", logLink(s.logFile, dir)) : ""} |`,
    );
  }
  return out;
}

function _verification(v: ReportVerification): string[] {
  const out = [
    `### Verification: ${mdText(v.environment)} ${v.ok ? "✅ passed" : "❌ failed"}`,
    "",
    "| Check | Result | Details | Duration |",
    "|---|---|---|---|",
  ];
  for (const r of v.results) {
    out.push(
      `| ${mdText(r.target)} | ${r.ok ? "✅ pass" : "❌ fail"} | ${mdText(r.message)} | ` +
        `${formatDuration(r.durationMs)} |`,
    );
  }
  return out;
}

/**
 * Escape text for Markdown inline content: markup characters are
 * backslash-escaped and HTML-significant characters become entities.
 *
 * @param s Raw text.
 * @returns Text that renders literally, on one line.
 */
export function mdText(s: string): string {
  return s
    .replace(/\r?\n/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/([\\`*_\[\]|~])/g, "\\$1")
    // Block markers only count at the start of a line.
    .replace(/^(\s*)([#+=-])/, "$1\\$2")
    .replace(/^(\s*\d+)([.)])/, "$1\\$2");
}

/**
 * An inline code span that holds any text (backticks included). Pipes are
 * escaped because GFM tables split on them even inside code spans.
 *
 * @param s Raw text.
 * @returns The code span.
 */
export function mdCode(s: string): string {
  const one = s.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
  const ticks = "`".repeat(_longestRun(one, "`") + 1);
  const pad = one.startsWith("`") || one.endsWith("`") ? " " : "";
  return `${ticks}${pad}${one}${pad}${ticks}`;
}

function _longestRun(s: string, ch: string): number {
  let best = 0;
  let cur = 0;
  for (const c of s) {
    cur = c === ch ? cur + 1 : 0;
    if (cur > best) best = cur;
  }
  return best;
}
