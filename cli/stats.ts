/**
 * `fleet-orch stats`: metrics, a dashboard and cost optimisation
 * recommendations from the reports of past runs.
 *
 * @module
 */

import { dirname, isAbsolute, join, resolve } from "node:path";
import { messageOf, UsageError } from "../core/errors.ts";
import { EXIT, guard, numberFlag, parseFlags } from "./_common.ts";
import { formatCost } from "../report/text.ts";
import { STOP_REASONS } from "../report/types.ts";
import { aggregate, type Stats } from "../stats/aggregate.ts";
import { keyFigures } from "../stats/figures.ts";
import {
  findReportFiles,
  type LoadedRun,
  loadRuns,
  openStatsSources,
  selectRuns,
} from "../stats/load.ts";
import { recommend, type Recommendation, unpricedModels } from "../stats/recommend.ts";
import { eslintRuleFixable } from "../stats/eslint_rules.ts";
import { renderStatsHtml } from "../stats/html.ts";

/** Help text. */
export const help = `Usage: fleet-orch stats [options]

Metrics over past runs (success rate, stop reasons, iterations, time to green,
tokens and cost per run, per fixed failure, per model and per agent role, recipe
versus model fixes, review rejections, recurring failures) and cost
optimisation recommendations. Reads every report.json under
.git/fleet-orch/runs/, the config's report.dir and each --report-dir.

Options:
  --config F          Config file whose pricing, agents and report.dir the
                      recommendations use (default: the one check and run read:
                      fleet-orch.yaml at the repository root, else the seed's
                      config.yaml there when it validates)
  --repo DIR          Repository (default: the git repository around the current directory)
  --report-dir D      Also read runs from D/<run-id>/report.json; repeatable
  --since YYYY-MM-DD  Only runs started on or after this UTC date
  --last N            Only the N most recent runs (after --since)
  --include-dry-run   Count dry runs in the success metrics (their cost always counts)
  --json              Print one JSON document on stdout; human text on stderr
  --html FILE         Write a self-contained HTML dashboard to FILE

"Let the eslint-fix recipe fix ..." is recommended only for ESLint rules whose
own metadata (meta.fixable in the project's node_modules) says they are
auto-fixable. A failure is called "flaky" only when it passed with no change
(a re-run passed, nothing was committed); one a fix removed each time is
"recurring".

Exit codes: 0 statistics printed; 1 no run report found; 2 usage or config error.`;

/**
 * Run the command.
 *
 * @param args Arguments after "stats".
 * @returns The exit code.
 */
export function run(args: string[]): Promise<number> {
  return guard(async () => {
    const { values, positionals } = parseFlags(args, {
      repo: { type: "string" },
      config: { type: "string" },
      "report-dir": { type: "string", multiple: true },
      since: { type: "string" },
      last: { type: "string" },
      "include-dry-run": { type: "boolean" },
      json: { type: "boolean" },
      html: { type: "string" },
    }, "stats");
    if (positionals.length) {
      throw new UsageError(
        `Unexpected argument "${positionals[0]}"; see "fleet-orch stats --help"`,
      );
    }
    const last = numberFlag(values.last, "--last", { integer: true, min: 1 });
    const since = values.since;
    if (since !== undefined && !_validDate(since)) {
      throw new UsageError(`--since needs a date as YYYY-MM-DD, got "${since}"`);
    }
    const sources = await openStatsSources({
      repo: values.repo,
      config: values.config,
      reportDirs: values["report-dir"],
    });
    const warn = (w: string) => console.error(`warning: ${sources.redact(w)}`);
    sources.warnings.forEach(warn);
    const loaded = await loadRuns(await findReportFiles(sources.dirs));
    loaded.warnings.forEach(warn);
    const runs = selectRuns(loaded.runs, { since, last });
    if (runs.length === 0) {
      const filtered = loaded.runs.length ? ` (${loaded.runs.length} before --since/--last)` : "";
      console.error(
        `No run report found${filtered}; looked in:\n${
          sources.dirs.map((d) => `  ${d}`).join("\n") || "  (nowhere)"
        }`,
      );
      return EXIT.failed;
    }
    const unpriced = unpricedModels(runs, sources.settings.prices);
    for (const u of unpriced) {
      const w = `No price is known for model "${u.model}": its ${u.calls} call(s) count as $0 ` +
        `in these figures; add it under "pricing:" in ${
          sources.configFile ?? "fleet-orch.yaml"
        } (pricing: {"${u.model}": {input: USD per 1M tokens, output: USD per 1M tokens}})`;
      warn(w);
      loaded.warnings.push(w);
    }
    const stats = aggregate(runs, { includeDryRun: values["include-dry-run"] ?? false });
    const settings = {
      ...sources.settings,
      fixableRules: await _eslintFixability(runs, sources.repoRoot),
    };
    const recommendations = recommend(runs, stats, settings);
    const generatedAt = new Date().toISOString();
    if (values.html !== undefined) {
      const file = resolve(values.html);
      const html = renderStatsHtml(stats, recommendations, { generatedAt, sources: sources.dirs });
      try {
        await Deno.writeTextFile(file, sources.redact(html));
      } catch (e) {
        throw new UsageError(`Cannot write "${file}": ${messageOf(e)}`);
      }
    }
    const text = sources.redact(renderStatsText(stats, recommendations));
    if (values.json) {
      const doc = {
        generatedAt,
        sources: sources.dirs,
        warnings: [...sources.warnings, ...loaded.warnings],
        stats,
        recommendations,
      };
      console.log(sources.redact(JSON.stringify(doc, null, 2)));
      console.error(text);
    } else console.log(text);
    if (values.html !== undefined) console.error(`Dashboard: ${resolve(values.html)}`);
    return EXIT.ok;
  });
}

// meta.fixable of every ESLint rule the runs sent to a model, from the
// project's installed rule modules (null when they do not say).
async function _eslintFixability(
  runs: readonly LoadedRun[],
  repoRoot: string | null,
): Promise<Record<string, boolean | null>> {
  // Per rule, the folders to look in: those of the files it was reported
  // in (a monorepo package's own node_modules) up to the root, nearest first.
  const rules = new Map<string, Set<string>>();
  for (const { report } of runs) {
    for (const it of report.iterations) {
      for (const f of it.failures) {
        if (f.tool !== "eslint" || !f.code) continue;
        const roots = rules.get(f.code) ?? new Set<string>();
        rules.set(f.code, roots);
        if (!repoRoot || !f.file || isAbsolute(f.file) || f.file.split("/").includes("..")) {
          continue;
        }
        for (let d = dirname(f.file); d !== "." && d !== "/" && d !== ""; d = dirname(d)) {
          roots.add(join(repoRoot, d));
        }
      }
    }
  }
  const out: Record<string, boolean | null> = {};
  for (const [rule, roots] of [...rules].sort((a, b) => a[0].localeCompare(b[0]))) {
    out[rule] = repoRoot ? await eslintRuleFixable([...roots, repoRoot], rule) : null;
  }
  return out;
}

function _validDate(s: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
    new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
}

const _time = (iso: string | null) => (iso ?? "–").slice(0, 16).replace("T", " ");
const _int = (n: number) => Math.round(n).toLocaleString("en-US");

/** Columns padded to their widest cell; the first left-aligned, the rest right-aligned. */
function _columns(rows: readonly (readonly string[])[], indent = "  "): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? "")].length)));
  return rows.map((r) =>
    indent + r.map((c, i) => {
      const pad = " ".repeat(widths[i]! - [...c].length);
      return i === 0 ? c + pad : pad + c;
    }).join("  ").trimEnd()
  );
}

/**
 * The human summary: a compact table of the metrics, then the recommendations.
 *
 * @param stats The statistics.
 * @param recommendations The recommendations.
 * @returns Plain text (no colours), lines joined with "\n".
 */
export function renderStatsText(
  stats: Stats,
  recommendations: readonly Recommendation[],
): string {
  const r = stats.runs;
  const c = stats.cost;
  const reasons = STOP_REASONS.filter((s) => stats.stopReasons[s] > 0)
    .map((s) => `${s} ${stats.stopReasons[s]}`).join(", ");
  const out: string[] = [
    `fleet-orch stats: ${r.total} run(s) (${r.dryRuns} dry) from ${_time(stats.period.from)} to ${
      _time(stats.period.to)
    } UTC, ${r.perDay.toFixed(2)} per day`,
    "",
    ...(() => {
      const figures = keyFigures(stats);
      figures.splice(1, 0, ["Stop reasons", reasons || "–"]);
      return figures.map(([k, v]) => `  ${k.padEnd(16)}${v}`);
    })(),
  ];
  if (c.byModel.length) {
    out.push(
      "",
      ..._columns([
        ["Cost by", "calls", "tokens in", "tokens out", "cost"],
        ...c.byModel.map((
          m,
        ) => [
          m.model,
          String(m.calls),
          _int(m.tokensIn),
          _int(m.tokensOut),
          formatCost(m.costUsd),
        ]),
        ...(["fixer", "reviewer"] as const).map((role) => {
          const u = c.byRole[role];
          return [
            `(${role})`,
            String(u.calls),
            _int(u.tokensIn),
            _int(u.tokensOut),
            formatCost(u.costUsd),
          ];
        }),
      ]),
    );
  }
  const list = (title: string, items: string[]) => {
    if (items.length) out.push("", `  ${title}: ${items.join(", ")}`);
  };
  list("Top failing gates", stats.failures.gates.slice(0, 5).map((g) => `${g.gate} ${g.runs}`));
  list(
    "Top tools/codes",
    stats.failures.tools.slice(0, 5).map((t) => `${t.tool}${t.code ? ` ${t.code}` : ""} ${t.runs}`),
  );
  if (stats.review.topReasons.length) {
    out.push("", "  Top rejection reasons:");
    for (const t of stats.review.topReasons.slice(0, 5)) {
      out.push(`    ${String(t.count).padStart(3)}  ${t.reason}`);
    }
  }
  if (stats.failures.recurring.length) {
    out.push("", "  Recurring failures:");
    for (const f of stats.failures.recurring.slice(0, 5)) {
      out.push(
        `    ${
          f.kind.padEnd(9)
        } ${f.runs} runs, ${f.unresolvedRuns} unresolved  ${f.gate} ${f.tool}${
          f.code ? ` ${f.code}` : ""
        }: ${f.message.length > 100 ? `${f.message.slice(0, 99)}…` : f.message}`,
      );
    }
  }
  if (stats.failures.flaky.length) {
    out.push("", "  Flaky gates (failed, then passed when re-run with no change):");
    for (const g of stats.failures.flaky.slice(0, 5)) {
      out.push(
        `    ${g.gate} ${g.runs} run(s)${
          g.tests.length ? `: ${g.tests.slice(0, 3).join("; ")}` : ""
        }`,
      );
    }
  }
  if (stats.cost.byDay.length > 1) {
    out.push(
      "",
      ..._columns([
        ["Cost per day", "runs", "cost"],
        ...stats.cost.byDay.slice(-14).map((d) => [d.day, String(d.runs), formatCost(d.costUsd)]),
      ]),
    );
  }
  out.push(
    "",
    recommendations.length ? `Recommendations (${recommendations.length}):` : "No recommendation.",
  );
  for (const [i, rec] of recommendations.entries()) {
    const saving = rec.monthlySavingUsd !== null
      ? ` (saves ~${formatCost(rec.monthlySavingUsd)}/month)`
      : "";
    out.push(
      `  ${i + 1}. ${rec.title}${saving} [${rec.id}]`,
      `     ${rec.detail}`,
      `     evidence: ${Object.entries(rec.evidence).map(([k, v]) => `${k}=${v}`).join(", ")}`,
    );
  }
  return out.join("\n");
}
