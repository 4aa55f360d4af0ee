/**
 * The HTML run report: one self-contained file (inline CSS, no scripts, no
 * external assets) that a CI system keeps as an artifact.
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
  STATUS_WORDS,
  STOP_TITLES,
  takeFixSteps,
} from "./text.ts";
import type { ReportDeployment, ReportIteration, ReportVerification, RunReport } from "./types.ts";
import type { GateStatus } from "../core/types.ts";
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
.mark{display:inline-block;width:.75em;height:.75em;border-radius:50%;margin-right:.4em;vertical-align:-.05em;background:#59636e}
.m-passed{background:#1a7f37}.m-failed,.m-error,.m-oom,.m-not-found{background:#cf222e}.m-timeout{background:#bf8700}
.m-skipped{background:transparent;border:2px solid #8c959f;box-sizing:border-box}
`;

/**
 * Render a run report as one self-contained HTML page. Every value from the
 * run is HTML-escaped; diffs are cut to a bounded length.
 *
 * @param report The run report.
 * @param options `dir`: the folder the report is written to, so gate logs
 * under it are linked relatively.
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
export function renderHtml(report: RunReport, options: { dir?: string } = {}): string {
  const ok = report.stopReason === "success" || report.stopReason === "flaky";
  const start = startingPoint(report);
  const branch = [
    start.name ? code(start.name) : "",
    start.commit
      ? (start.name ? `(at ${code(start.commit)})` : `commit ${code(start.commit)}`)
      : "",
    report.workBranch ? `→ ${code(report.workBranch)}` : "",
  ].filter(Boolean).join(" ") || "unknown";
  const take = takeFixSteps(report);
  const title = `fleet-orch: ${STOP_TITLES[report.stopReason]}`;
  const rows: [string, string][] = [
    ["Run", code(report.runId)],
    ["Repository", escapeHtml(report.repo)],
    ["Branch", branch],
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
    `<h1 class="${ok ? "ok" : "fail"}">${mark(ok ? "passed" : "failed")}${escapeHtml(title)}</h1>`,
    report.message ? `<blockquote>${escapeHtml(report.message)}</blockquote>` : "",
    `<table>${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join("")}</table>`,
    report.gates.length ? `<h2>Gates</h2>${_gates(report.gates, options.dir)}` : "",
    failedGates(report.gates).length ? _whyFailed(failedGates(report.gates), options.dir) : "",
    take.length
      ? `<h2>How to take this fix</h2><ul>${
        take.map((t) =>
          `<li>${escapeHtml(t.text)}${t.command ? `: ${code(t.command)}` : ""}${
            t.url ? `: <a href="${escapeHtml(t.url)}">${escapeHtml(t.url)}</a>` : ""
          }</li>`
        ).join("")
      }</ul>`
      : "",
    report.iterations.length
      ? `<h2>Iterations</h2>${report.iterations.map(_iteration).join("")}`
      : "",
    report.deployment ? _deployment(report.deployment, options.dir) : "",
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

function _gates(gates: GateResult[], dir?: string): string {
  const head = "<tr><th>Gate</th><th>Status</th><th>Required</th><th>Duration</th>" +
    "<th>Failures</th><th>Log</th></tr>";
  const rows = gates.map((g) =>
    `<tr><td>${escapeHtml(g.name)}${g.command ? `<br>${code(g.command)}` : ""}</td>` +
    `<td class="${g.status === "passed" ? "pass" : "failed"}">${status(g.status)}</td>` +
    `<td>${g.required ? "yes" : "no"}</td><td>${formatDuration(g.durationMs)}</td>` +
    `<td>${g.failures.length}</td><td>${
      g.logFile ? _logAnchor("log", g.logFile, dir) : ""
    }</td></tr>`
  );
  return `<table>${head}${rows.join("")}</table>`;
}

// Why each failed gate failed: the parsed headline, then the last log lines.
function _whyFailed(gates: GateResult[], dir?: string): string {
  const parts = ["<h2>Why it failed</h2>"];
  for (const g of gates) {
    const exit = g.status === "failed" && g.exitCode !== null ? ` (exit ${g.exitCode})` : "";
    const { headlines, tail } = failureExcerpt(g);
    parts.push(
      `<h3>${escapeHtml(g.name)}: ${status(g.status)}${exit}</h3>` +
        (headlines.length
          ? `<ul>${headlines.map((h) => `<li>${escapeHtml(h)}</li>`).join("")}</ul>`
          : "") +
        (tail.length ? `<pre>${escapeHtml(tail.join("\n"))}</pre>` : "") +
        (g.logFile
          ? `<p>Full log: ${_logAnchor(logLink(g.logFile, dir), g.logFile, dir)}</p>`
          : ""),
    );
  }
  return parts.join("\n");
}

function _logAnchor(label: string, logFile: string, dir?: string): string {
  return `<a href="${escapeHtml(encodeURI(logLink(logFile, dir)))}">${escapeHtml(label)}</a>`;
}

/** A CSS mark (no emoji, no font needed) before the status word. */
function mark(s: GateStatus): string {
  return `<span class="mark m-${s}" aria-hidden="true"></span>`;
}

function status(s: GateStatus): string {
  return `${mark(s)}${escapeHtml(STATUS_WORDS[s])}`;
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
        `${
          it.review.verdict === "approve"
            ? `${mark("passed")}approved`
            : `${mark("failed")}rejected`
        }</p>` +
        (it.review.reasons.length
          ? `<ul>${it.review.reasons.map((r) => `<li>${escapeHtml(r)}</li>`).join("")}</ul>`
          : ""),
    );
  }
  if (it.integrity?.length) {
    const label = {
      deny: `${mark("failed")}denied`,
      warn: `${mark("timeout")}warning`,
      allow: `${mark("passed")}allowed by the policy`,
    };
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
        it.gates.map((g) => `${escapeHtml(g.name)} ${status(g.status)}`).join(", ")
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

function _deployment(d: ReportDeployment, dir?: string): string {
  const head = `<h2>Deploy: ${escapeHtml(d.environment)}: ${
    d.steps.length === 0 ? "nothing deployed" : d.ok ? status("passed") : status("failed")
  }${d.attempts > 1 ? ` (${d.attempts} attempts)` : ""}</h2>`;
  const note = d.note ? `<p>${escapeHtml(d.note)}</p>` : "";
  if (d.steps.length === 0) return head + note;
  const rows = d.steps.map((s) =>
    `<tr><td>${s.attempt}</td><td>${escapeHtml(s.name)}</td><td>${code(s.command)}</td>` +
    `<td>${
      s.exitCode === null
        ? "not run"
        : s.exitCode === 0
        ? status("passed")
        : `${status("failed")} (exit ${s.exitCode})`
    }</td><td>${formatDuration(s.durationMs)}</td><td>${
      s.logFile ? _logAnchor("log", s.logFile, dir) : ""
    }</td></tr>`
  );
  return head + note +
    "<table><tr><th>Attempt</th><th>Step</th><th>Command</th><th>Result</th><th>Duration</th>" +
    `<th>Log</th></tr>${rows.join("")}</table>`;
}

function _verification(v: ReportVerification): string {
  const rows = v.results.map((r) =>
    `<tr><td>${escapeHtml(r.target)}</td><td class="${r.ok ? "pass" : "failed"}">${
      r.ok ? status("passed") : status("failed")
    }</td>` +
    `<td>${escapeHtml(r.message)}</td><td>${formatDuration(r.durationMs)}</td></tr>`
  );
  return `<h2>Verification: ${escapeHtml(v.environment)}: ${
    v.ok ? status("passed") : status("failed")
  }</h2>` +
    `<table><tr><th>Check</th><th>Result</th><th>Details</th><th>Duration</th></tr>${
      rows.join("")
    }</table>`;
}

function code(s: string): string {
  return `<code>${escapeHtml(s)}</code>`;
}
