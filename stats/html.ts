/**
 * The stats dashboard: one self-contained HTML page (inline CSS and SVG bar
 * charts, no scripts, no external assets) rendered from {@link Stats} and the
 * recommendations. Every text that comes from a run is HTML-escaped.
 *
 * @module
 */

import { formatCost } from "../report/text.ts";
import { STOP_REASONS } from "../report/types.ts";
import type { Stats } from "./aggregate.ts";
import { keyFigures } from "./figures.ts";
import type { Recommendation } from "./recommend.ts";
import { escapeHtml } from "../core/text.ts";

/** What the page says about itself. */
export interface DashboardMeta {
  /** When it was made (ISO). */
  generatedAt: string;
  /** Folders the runs were read from. */
  sources: readonly string[];
}

/** One bar of a chart. */
export interface Bar {
  /** Label on the left. */
  label: string;
  /** Length. */
  value: number;
  /** Figure shown after the bar. */
  text: string;
}

const CSS = `
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}code{font:12px ui-monospace,Menlo,monospace}
.rec{border:1px solid #d0d7de;border-left:4px solid #1a7f37;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}
.rec h3{margin:.25rem 0;font-size:1rem}.muted{color:#59636e}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
.charts>div{max-width:100%;overflow-x:auto}svg{overflow:visible}
svg text{font:12px system-ui,sans-serif;fill:#1f2328}svg rect.bar{fill:#0969da}
`;

/**
 * A generous estimate of the width of a text in the charts' 12px font, in
 * pixels: wide enough that no label or figure is cut by the SVG's edge.
 *
 * @param text The text.
 * @returns Pixels.
 */
export function textWidth(text: string): number {
  let w = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // East Asian wide characters and emoji take about a full em; capitals
    // are wider than the lower-case average (O and G are 9.3 px in Arial 12px).
    w += cp >= 0x1100 && (cp <= 0x115f || cp >= 0x2e80)
      ? 13
      : /[MW@%mw]/.test(ch)
      ? 11
      : /[A-Z]/.test(ch)
      ? 9.5
      : 7.5;
  }
  return Math.ceil(w);
}

/**
 * A horizontal bar chart as inline SVG. The label column and the room after
 * the longest bar are sized to their texts, so labels and figures are never
 * clipped (the full label is also the bar's tooltip).
 *
 * @param title Accessible name of the chart.
 * @param bars The bars, top to bottom.
 * @returns The `<svg>` element, or a short note when there is nothing to draw.
 */
export function barChart(title: string, bars: readonly Bar[]): string {
  if (bars.length === 0) return `<p class="muted">No data.</p>`;
  const row = 22;
  const labelW = Math.max(60, ...bars.map((b) => textWidth(b.label))) + 12;
  const barW = 300;
  const textW = Math.max(...bars.map((b) => textWidth(b.text))) + 12;
  const width = labelW + barW + textW;
  const max = Math.max(...bars.map((b) => b.value), 0) || 1;
  const rows = bars.map((b, i) => {
    const y = i * row;
    const w = Math.max(b.value > 0 ? 1 : 0, Math.round((b.value / max) * barW));
    return `<g><title>${escapeHtml(`${b.label}: ${b.text}`)}</title>` +
      `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${escapeHtml(b.label)}</text>` +
      `<rect class="bar" x="${labelW}" y="${y + 4}" width="${w}" height="${row - 8}"/>` +
      `<text x="${labelW + w + 6}" y="${y + 15}">${escapeHtml(b.text)}</text></g>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${escapeHtml(title)}" ` +
    `width="${width}" height="${bars.length * row}" viewBox="0 0 ${width} ${bars.length * row}">` +
    rows.join("") + `</svg>`;
}

function _table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return `<p class="muted">None.</p>`;
  return `<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>${
    rows.map((r) =>
      `<tr>${
        r.map((c, i) => (i === 0 ? `<td>${c}</td>` : `<td class="n">${c}</td>`)).join("")
      }</tr>`
    ).join("")
  }</table>`;
}

function _recommendation(r: Recommendation): string {
  const saving = r.monthlySavingUsd !== null
    ? `<p><strong>Estimated saving:</strong> ${
      escapeHtml(formatCost(r.monthlySavingUsd))
    } per month (${escapeHtml(formatCost(r.savingUsd!))} over the observed period)</p>`
    : "";
  const evidence = Object.entries(r.evidence)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`).join(
      "",
    );
  return `<div class="rec"><h3>${escapeHtml(r.title)} <code class="muted">${
    escapeHtml(r.id)
  }</code></h3>` +
    `<p>${escapeHtml(r.detail)}</p>${saving}<table>${evidence}</table></div>`;
}

/**
 * Render the dashboard.
 *
 * @param stats The statistics.
 * @param recommendations The recommendations.
 * @param meta Generation time and sources.
 * @returns The HTML document.
 * @example
 * ```ts
 * import { aggregate } from "./aggregate.ts";
 * import { renderStatsHtml } from "./html.ts";
 * const html = renderStatsHtml(aggregate([]), [], { generatedAt: "2026-01-01T00:00:00Z", sources: ["<runs>"] });
 * console.assert(html.startsWith("<!doctype html>") && html.includes("&lt;runs&gt;"));
 * ```
 */
export function renderStatsHtml(
  stats: Stats,
  recommendations: readonly Recommendation[],
  meta: DashboardMeta,
): string {
  const r = stats.runs;
  const c = stats.cost;
  const overview: [string, string][] = [
    ["Period", `${escapeHtml(stats.period.from ?? "–")} → ${escapeHtml(stats.period.to ?? "–")}`],
    ["Runs", `${r.total} (${r.dryRuns} dry), ${r.perDay.toFixed(2)} per day`],
    ...keyFigures(stats).map(([k, v]): [string, string] => [k, escapeHtml(v)]),
  ];
  const days = c.byDay.slice(-60).map((d) => ({
    label: d.day,
    value: d.costUsd,
    text: `${formatCost(d.costUsd)} (${d.runs} run${d.runs === 1 ? "" : "s"})`,
  }));
  const reasons = STOP_REASONS.filter((s) => stats.stopReasons[s] > 0)
    .map((s) => ({ label: s, value: stats.stopReasons[s], text: String(stats.stopReasons[s]) }));
  const gates = stats.failures.gates
    .map((g) => ({ label: g.gate, value: g.runs, text: `${g.runs} run(s)` }));
  const usage = (u: { calls: number; tokensIn: number; tokensOut: number; costUsd: number }) => [
    String(u.calls),
    u.tokensIn.toLocaleString("en-US"),
    u.tokensOut.toLocaleString("en-US"),
    escapeHtml(formatCost(u.costUsd)),
  ];
  const body = [
    `<h1>fleet-orch stats</h1>`,
    `<p class="muted">Generated ${escapeHtml(meta.generatedAt)} from ${
      meta.sources.map((s) => `<code>${escapeHtml(s)}</code>`).join(", ")
    }</p>`,
    `<table>${
      overview.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`).join("")
    }</table>`,
    `<h2>Recommendations</h2>`,
    recommendations.length
      ? recommendations.map(_recommendation).join("")
      : `<p class="muted">No recommendation: nothing in these runs points at a saving.</p>`,
    `<h2>Charts</h2><div class="charts">`,
    `<div><h3>Cost per day</h3>${barChart("Cost per day", days)}</div>`,
    `<div><h3>Stop reasons</h3>${barChart("Stop reasons", reasons)}</div>`,
    `<div><h3>Top failing gates</h3>${barChart("Top failing gates", gates)}</div></div>`,
    `<h2>Cost by model</h2>`,
    _table(
      ["Model", "Calls", "Tokens in", "Tokens out", "Cost"],
      c.byModel.map((m) => [`<code>${escapeHtml(m.model)}</code>`, ...usage(m)]),
    ),
    `<h2>Cost by agent role</h2>`,
    _table(["Role", "Calls", "Tokens in", "Tokens out", "Cost"], [
      ["fixer", ...usage(c.byRole.fixer)],
      ["reviewer", ...usage(c.byRole.reviewer)],
    ]),
    c.byRole.estimatedIterations
      ? `<p class="muted">${c.byRole.estimatedIterations} iteration(s) split by call order (same model in both roles).</p>`
      : "",
    `<h2>Fixes by source</h2>`,
    _table(
      ["Source", "Proposals", "Approved", "Applied", "Effective", "Green"],
      stats.fixes.bySource.map((s) => [
        `<code>${escapeHtml(s.source)}</code>`,
        String(s.proposals),
        String(s.approved),
        String(s.applied),
        String(s.effective),
        String(s.green),
      ]),
    ),
    `<h2>Review</h2>`,
    _table(
      ["Reviewer", "Reviews", "Rejected"],
      stats.review.bySource.map((
        b,
      ) => [escapeHtml(b.source), String(b.reviews), String(b.rejected)]),
    ),
    `<h3>Top rejection reasons</h3>`,
    _table(
      ["Reason", "Count"],
      stats.review.topReasons.map((t) => [escapeHtml(t.reason), String(t.count)]),
    ),
    `<h2>Failing tools and codes</h2>`,
    _table(
      ["Tool", "Code", "Runs"],
      stats.failures.tools.map((
        t,
      ) => [escapeHtml(t.tool), escapeHtml(t.code ?? "–"), String(t.runs)]),
    ),
    `<h2>Recurring failures</h2>`,
    _table(
      ["Failure", "Kind", "Runs", "Unresolved", "Last seen"],
      stats.failures.recurring.map((f) => [
        `<code>${escapeHtml(f.gate)}</code> ${escapeHtml(f.tool)}${
          f.code ? ` ${escapeHtml(f.code)}` : ""
        }: ${escapeHtml(f.message)}`,
        escapeHtml(f.kind),
        String(f.runs),
        String(f.unresolvedRuns),
        escapeHtml(f.lastSeen),
      ]),
    ),
    `<p class="muted">chronic: still failing at the end of at least half its runs; ` +
    `flaky: passed at least once with no change; recurring: a fix removed it each time, yet it came back.</p>`,
    `<h2>Flaky gates</h2>`,
    _table(
      ["Gate", "Runs", "Tests"],
      stats.failures.flaky.map((g) => [
        `<code>${escapeHtml(g.gate)}</code>`,
        String(g.runs),
        escapeHtml(g.tests.join("; ") || "–"),
      ]),
    ),
  ];
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>fleet-orch stats</title><style>${CSS}</style></head><body>\n` +
    body.filter(Boolean).join("\n") + `\n</body></html>\n`;
}
