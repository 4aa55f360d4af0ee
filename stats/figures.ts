/**
 * The key figures of `fleet-orch stats` as label/text pairs, shared by the
 * text summary and the HTML dashboard so both say the same thing.
 *
 * @module
 */

import { formatCost, formatDuration } from "../report/text.ts";
import type { Stats } from "./aggregate.ts";
import type { Summary } from "./runs.ts";

/**
 * A share as a percentage with one decimal, or "–".
 *
 * @param x The share (0–1) or null.
 * @returns e.g. "42.0%".
 */
export function pct(x: number | null): string {
  return x === null ? "–" : `${(x * 100).toFixed(1)}%`;
}

/**
 * Mean, median and p90 of a summary, or "–" when empty.
 *
 * @param summary The summary.
 * @param fmt Formats one value.
 * @returns The text.
 */
export function summaryText(summary: Summary, fmt: (n: number) => string): string {
  if (summary.n === 0) return "–";
  return `mean ${fmt(summary.mean!)}, median ${fmt(summary.median!)}, p90 ${fmt(summary.p90!)}`;
}

/**
 * The key figures: success, iterations, time to green, tokens, cost, fixes, review.
 *
 * @param stats The statistics.
 * @returns Label/text pairs (plain text; the HTML renderer escapes them).
 */
export function keyFigures(stats: Stats): [string, string][] {
  const r = stats.runs;
  const c = stats.cost;
  const int = (n: number) => Math.round(n).toLocaleString("en-US");
  return [
    ["Success rate", `${pct(r.successRate)} (${r.succeeded} of ${r.counted} counted)`],
    ["Iterations/run", summaryText(stats.iterationsPerRun, (n) => n.toFixed(1))],
    ["Time to green", summaryText(stats.timeToGreenMs, formatDuration)],
    ["Tokens", `${int(stats.tokens.in)} in, ${int(stats.tokens.out)} out`],
    [
      "Cost",
      `${formatCost(c.totalUsd)} total, ${formatCost(c.perRunUsd)} per run, ${
        c.perFixedFailureUsd === null ? "–" : formatCost(c.perFixedFailureUsd)
      } per fixed failure (${c.fixedFailures} fixed)`,
    ],
    [
      "Fixes",
      `${stats.fixes.recipe} by recipes, ${stats.fixes.model} by models (recipe share ${
        pct(stats.fixes.recipeShare)
      })`,
    ],
    [
      "Review",
      `${stats.review.rejected} of ${stats.review.reviews} rejected (${
        pct(stats.review.rejectionRate)
      })`,
    ],
  ];
}
