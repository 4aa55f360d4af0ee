/**
 * The HTML run report: one self-contained file (inline CSS, no scripts, no
 * external assets) that a CI system keeps as an artifact.
 *
 * @module
 */

import type { Failure, GateResult } from "../core/types.ts";
import {
  clipDiff,
  failureLocation,
  formatCost,
  formatDuration,
  MAX_FAILURES,
  STATUS_MARKS,
  STOP_TITLES,
} from "./text.ts";
import type { ReportIteration, ReportVerification, RunReport } from "./types.ts";
import { escapeHtml } from "../core/text.ts";

const CSS = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem}h1.ok{color:#1a7f37}h1.fail{color:#cf222e}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:#f6f8fa;padding:.75rem;overflow:auto;border-radius:6px}
.add{color:#1a7f37}.del{color:#cf222e}.hunk{color:#8250df}
.pass{color:#1a7f37}.failed{color:#cf222e}section.it{border-top:1px solid #d0d7de;padding-top:.5rem}
blockquote{margin:0 0 1rem;padding:0 1rem;border-left:4px solid #d0d7de;color:#59636e}
`;

/**
 * Render a run report as one self-contained HTML page. Every value from the
 * run is HTML-escaped; diffs are cut to a bounded length.
 *
 * @param report The run report.
 * @returns The HTML document.
 * @example
 * ```ts
 * const html = renderHtml({
 *   runId: "r1", startedAt: "2026-01-01T00:00:00Z", finishedAt: "2026-01-01T00:00:01Z",
 *   repo: "acme/<app>", branch: "main", dryRun: false, stopReason: "no_progress", exitCode: 1,
 *   iterations: [], gates: [], totals: { tokensIn: 0, tokensOut: 0, costUsd: 0, durationMs: 1 },
 *   message: "",
 * });
 * console.assert(html.includes("acme/&lt;app&gt;"));
 * ```
 */
export function renderHtml(report: RunReport): string {
  const ok = report.stopReason === "success" || report.stopReason === "flaky";
  const title = `fleet-orch: ${STOP_TITLES[report.stopReason]}`;
  const rows: [string, string][] = [
    ["Run", code(report.runId)],
    ["Repository", escapeHtml(report.repo)],
    ["Branch", code(report.branch) + (report.workBranch ? ` → ${code(report.workBranch)}` : "")],
    ...(report.backupBranch
      ? [["Backup branch", code(report.backupBranch)] as [string, string]]
      : []),
    ["Dry run", report.dryRun ? "yes" : "no"],
    ["Stop reason", `${code(report.stopReason)} (exit ${report.exitCode})`],
    ["Iterations", String(report.iterations.length)],
    [
      "Model usage",
      `${report.totals.tokensIn.toLocaleString("en-US")} tokens in, ` +
      `${report.totals.tokensOut.toLocaleString("en-US")} out, ${
        formatCost(report.totals.costUsd)
      }`,
    ],
    ["Duration", formatDuration(report.totals.durationMs)],
    ["Started", escapeHtml(report.startedAt)],
    ["Finished", escapeHtml(report.finishedAt)],
  ];
  const body = [
    `<h1 class="${ok ? "ok" : "fail"}">${ok ? "✅" : "❌"} ${escapeHtml(title)}</h1>`,
    report.message ? `<blockquote>${escapeHtml(report.message)}</blockquote>` : "",
    `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</table>`,
    report.gates.length ? `<h2>Gates</h2>${_gates(report.gates)}` : "",
    report.iterations.length
      ? `<h2>Iterations</h2>${report.iterations.map(_iteration).join("")}`
      : "",
    report.verification ? _verification(report.verification) : "",
  ].filter(Boolean).join("\n");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)} (${escapeHtml(report.runId)})</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function _gates(gates: GateResult[]): string {
  const head =
    "<tr><th>Gate</th><th>Status</th><th>Required</th><th>Duration</th><th>Failures</th></tr>";
  const rows = gates.map((g) =>
    `<tr><td>${escapeHtml(g.name)}${g.command ? `<br>${code(g.command)}` : ""}</td>` +
    `<td class="${g.status === "passed" ? "pass" : "failed"}">${
      STATUS_MARKS[g.status]
    } ${g.status}</td>` +
    `<td>${g.required ? "yes" : "no"}</td><td>${formatDuration(g.durationMs)}</td>` +
    `<td>${g.failures.length}</td></tr>`
  );
  return `<table>${head}${rows.join("")}</table>`;
}

function _iteration(it: ReportIteration): string {
  const parts = [
    `<h3>Iteration ${it.index}: ${it.applied ? "applied" : "not applied"}` +
    `${it.commit ? ` ${code(it.commit.slice(0, 12))}` : ""} (${
      formatDuration(it.durationMs)
    })</h3>`,
  ];
  if (it.failures.length) {
    parts.push(`<p>Failures (${it.failures.length}):</p>${_failures(it.failures)}`);
  }
  if (it.proposal) {
    parts.push(
      `<p><strong>Fix</strong> from ${code(it.proposal.source)}: ${
        escapeHtml(it.proposal.summary)
      }</p>`,
    );
  }
  if (it.review) {
    parts.push(
      `<p><strong>Review</strong> by ${code(it.review.source)}: ` +
        `${it.review.verdict === "approve" ? "✅ approved" : "❌ rejected"}</p>` +
        (it.review.reasons.length
          ? `<ul>${it.review.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ul>`
          : ""),
    );
  }
  if (it.integrity?.length) {
    const label = { deny: "❌ denied", warn: "⚠️ warning", allow: "☑️ allowed by the policy" };
    parts.push(
      `<p><strong>Oracle integrity</strong></p><ul>${
        it.integrity.map((f) =>
          `<li>${label[f.action]} ${code(f.rule)} ${code(`${f.file}:${f.line}`)}: ${
            escapeHtml(f.message)
          }</li>`
        ).join("")
      }</ul>`,
    );
  }
  if (it.proposal?.diff) {
    const { text, cut } = clipDiff(it.proposal.diff);
    parts.push(
      `<details><summary>Diff${
        cut ? ` (first lines; ${cut} more in the JSON report)` : ""
      }</summary>` +
        `<pre>${_diffLines(text)}</pre></details>`,
    );
  }
  if (it.gates.length) {
    parts.push(
      `<p>Gates after the fix: ${
        it.gates.map((g) => `${STATUS_MARKS[g.status]} ${escapeHtml(g.name)}`).join(", ")
      }</p>`,
    );
  }
  if (it.calls.length) {
    const tin = it.calls.reduce((n, c) => n + c.tokensIn, 0);
    const tout = it.calls.reduce((n, c) => n + c.tokensOut, 0);
    const cost = it.calls.reduce((n, c) => n + c.costUsd, 0);
    parts.push(
      `<p>Model calls: ${it.calls.length} (${tin} tokens in, ${tout} out, ${formatCost(cost)})</p>`,
    );
  }
  return `<section class="it">${parts.join("\n")}</section>`;
}

function _failures(failures: Failure[]): string {
  const items = failures.slice(0, MAX_FAILURES).map((f) =>
    `<li>${code(failureLocation(f))}${f.code ? ` <strong>${escapeHtml(f.code)}</strong>` : ""} ` +
    `${escapeHtml(f.message)} (${escapeHtml(f.tool)})</li>`
  );
  if (failures.length > MAX_FAILURES) {
    items.push(`<li>… and ${failures.length - MAX_FAILURES} more</li>`);
  }
  return `<ul>${items.join("")}</ul>`;
}

function _diffLines(text: string): string {
  return text.split("\n").map((line) => {
    const cls = line.startsWith("+++") || line.startsWith("---")
      ? ""
      : line.startsWith("+")
      ? "add"
      : line.startsWith("-")
      ? "del"
      : line.startsWith("@@")
      ? "hunk"
      : "";
    return cls ? `<span class="${cls}">${escapeHtml(line)}</span>` : escapeHtml(line);
  }).join("\n");
}

function _verification(v: ReportVerification): string {
  const rows = v.results.map((r) =>
    `<tr><td>${escapeHtml(r.target)}</td><td class="${r.ok ? "pass" : "failed"}">${
      r.ok ? "✅ pass" : "❌ fail"
    }</td>` +
    `<td>${escapeHtml(r.message)}</td><td>${formatDuration(r.durationMs)}</td></tr>`
  );
  return `<h2>Verification: ${escapeHtml(v.environment)} ${v.ok ? "✅" : "❌"}</h2>` +
    `<table><tr><th>Check</th><th>Result</th><th>Details</th><th>Duration</th></tr>${
      rows.join("")
    }</table>`;
}

function code(s: string): string {
  return `<code>${escapeHtml(s)}</code>`;
}
