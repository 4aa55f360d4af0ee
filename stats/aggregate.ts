/**
 * Metrics over past runs (the seed's roadmap: "Advanced metrics and
 * dashboards"): success rate, stop reasons, iterations and time to green,
 * tokens and cost (per run, per fixed failure, per model, per agent role, per
 * day), recipe versus model fixes, review rejections, and the gates, tools and
 * failures that keep coming back. Pure functions over loaded reports.
 *
 * @module
 */

import type { LoadedRun, StatsCall } from "./load.ts";
import {
  effectiveFix,
  isFailing,
  modelOfSource,
  normalizeReason,
  requiredGreen,
  runFingerprints,
  splitRoles,
  summarize,
  type Summary,
} from "./runs.ts";
import { STOP_REASONS, type StopReason } from "../report/types.ts";

/** Options of {@link aggregate}. */
export interface AggregateOptions {
  /** Count dry runs in the success metrics. @default false */
  includeDryRun?: boolean;
  /** Rows kept in the "top" lists. @default 10 */
  top?: number;
}

/** Calls, tokens and dollars. */
export interface Usage {
  /** Model calls. */
  calls: number;
  /** Prompt tokens. */
  tokensIn: number;
  /** Completion tokens. */
  tokensOut: number;
  /** US dollars. */
  costUsd: number;
}

/** How the proposals of one source fared. */
export interface SourceStats {
  /** A recipe name or "llm:<model>". */
  source: string;
  /** Recipe or model. */
  kind: "recipe" | "model";
  /** Proposals made. */
  proposals: number;
  /** Proposals approved (or not reviewed by a model). */
  approved: number;
  /** Proposals applied and committed. */
  applied: number;
  /** Applied proposals after which at least one of their failures was gone. */
  effective: number;
  /** Applied proposals after which every required gate passed. */
  green: number;
}

/** A failure fingerprint seen in more than one run. */
export interface RecurringFailure {
  /** The fingerprint. */
  fingerprint: string;
  /** Gate. */
  gate: string;
  /** Tool. */
  tool: string;
  /** Tool-specific code, when any. */
  code: string | null;
  /** Message (from the latest run). */
  message: string;
  /** Runs it appeared in. */
  runs: number;
  /** Runs that ended with it still failing. */
  unresolvedRuns: number;
  /** Start time of the latest run it appeared in. */
  lastSeen: string;
  /** Runs in which it went away with no change (no fix applied, or triaged flaky). */
  unchangedPasses: number;
  /**
   * chronic: still failing at the end of at least half its runs; flaky: it
   * passed at least once with no change (a re-run passed, nothing was
   * committed); recurring: a fix (recipe or model) removed it each time, yet
   * it came back.
   */
  kind: "chronic" | "flaky" | "recurring";
}

/** Everything `fleet-orch stats` reports. */
export interface Stats {
  /** First and last run start, and the days between (at least 1). */
  period: { from: string | null; to: string | null; days: number };
  /** Run counts; success metrics count `counted` runs (dry runs only with includeDryRun). */
  runs: {
    total: number;
    dryRuns: number;
    counted: number;
    succeeded: number;
    successRate: number | null;
    perDay: number;
  };
  /** Counted runs per stop reason. */
  stopReasons: Record<StopReason, number>;
  /** Fix-loop iterations per counted run. */
  iterationsPerRun: Summary;
  /** Iterations of the counted runs that ended green. */
  iterationsToGreen: Summary;
  /** Duration of the counted runs that ended green, in milliseconds. */
  timeToGreenMs: Summary;
  /** Tokens of every run (dry runs spend tokens too). */
  tokens: { in: number; out: number; inPerRun: number; outPerRun: number };
  /** Dollars of every run. */
  cost: {
    totalUsd: number;
    perRunUsd: number;
    fixedFailures: number;
    perFixedFailureUsd: number | null;
    byModel: Array<Usage & { model: string }>;
    byRole: { fixer: Usage; reviewer: Usage; estimatedIterations: number };
    byDay: Array<{ day: string; runs: number; costUsd: number }>;
  };
  /** Proposals by source, and the recipe versus model split of effective fixes. */
  fixes: { bySource: SourceStats[]; recipe: number; model: number; recipeShare: number | null };
  /** Reviews and rejections. */
  review: {
    reviews: number;
    rejected: number;
    rejectionRate: number | null;
    bySource: Array<{ source: string; reviews: number; rejected: number }>;
    topReasons: Array<{ reason: string; count: number }>;
  };
  /** What fails. */
  failures: {
    gates: Array<{ gate: string; runs: number }>;
    tools: Array<{ tool: string; code: string | null; runs: number }>;
    recurring: RecurringFailure[];
    /** Gates that failed, then passed when re-run unchanged (the runs' triage). */
    flaky: Array<{ gate: string; runs: number; tests: string[] }>;
  };
}

function _usage(): Usage {
  return { calls: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };
}

function _add(u: Usage, c: StatsCall): void {
  u.calls++;
  u.tokensIn += c.tokensIn;
  u.tokensOut += c.tokensOut;
  u.costUsd += c.costUsd;
}

function _count<K>(m: Map<K, number>, k: K, by = 1): void {
  m.set(k, (m.get(k) ?? 0) + by);
}

/**
 * Aggregate runs into {@link Stats}.
 *
 * @param runs Loaded runs (any order).
 * @param options Dry runs in the success metrics, size of the top lists.
 * @returns The metrics.
 */
export function aggregate(runs: readonly LoadedRun[], options: AggregateOptions = {}): Stats {
  const top = options.top ?? 10;
  const reports = runs.map((r) => r.report)
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const counted = reports.filter((r) => options.includeDryRun || !r.dryRun);
  const green = counted.filter((r) => r.stopReason === "success");
  const first = reports[0]?.startedAt ?? null;
  const last = reports[reports.length - 1]?.startedAt ?? null;
  const days = first && last ? Math.max(1, (Date.parse(last) - Date.parse(first)) / 86_400_000) : 1;

  const stopReasons = Object.fromEntries(STOP_REASONS.map((s) => [s, 0])) as Record<
    StopReason,
    number
  >;
  for (const r of counted) stopReasons[r.stopReason]++;

  const byModel = new Map<string, Usage>();
  const fixer = _usage();
  const reviewer = _usage();
  let estimatedIterations = 0;
  const byDay = new Map<string, { runs: number; costUsd: number }>();
  const sources = new Map<string, SourceStats>();
  const reviewBy = new Map<string, { reviews: number; rejected: number }>();
  const reasons = new Map<string, number>();
  const gateRuns = new Map<string, number>();
  const toolRuns = new Map<string, number>();
  const recurring = new Map<
    string,
    { f: RecurringFailure; runs: number; unresolved: number; unchanged: number }
  >();
  const flakyGates = new Map<string, { runs: number; tests: Set<string> }>();
  let fixedFailures = 0;

  for (const r of reports) {
    const day = r.startedAt.slice(0, 10);
    const d = byDay.get(day) ?? { runs: 0, costUsd: 0 };
    d.runs++;
    d.costUsd += r.totals.costUsd;
    byDay.set(day, d);
    for (const it of r.iterations) {
      for (const c of it.calls) {
        const m = byModel.get(c.model) ?? _usage();
        _add(m, c);
        byModel.set(c.model, m);
      }
      const roles = splitRoles(it);
      if (roles.estimated) estimatedIterations++;
      for (const c of roles.fixer) _add(fixer, c);
      for (const c of roles.reviewer) _add(reviewer, c);
      if (it.proposal) {
        const src = it.proposal.source;
        const s = sources.get(src) ??
          {
            source: src,
            kind: modelOfSource(src) === null ? "recipe" : "model",
            proposals: 0,
            approved: 0,
            applied: 0,
            effective: 0,
            green: 0,
          };
        s.proposals++;
        if (it.review?.verdict !== "reject") s.approved++;
        if (it.applied) s.applied++;
        if (effectiveFix(it)) s.effective++;
        if (it.applied && requiredGreen(it.gates)) s.green++;
        sources.set(src, s);
      }
      if (it.review) {
        const key = it.review.source || "unknown";
        const b = reviewBy.get(key) ?? { reviews: 0, rejected: 0 };
        b.reviews++;
        if (it.review.verdict === "reject") {
          b.rejected++;
          for (const why of it.review.reasons) _count(reasons, normalizeReason(why));
        }
        reviewBy.set(key, b);
      }
    }
    const { seen, unresolved } = runFingerprints(r);
    // What passed with no change: the gates the triage found flaky, and every
    // failure that went away in a run that applied no fix.
    const triagedFlaky = new Set(r.triage.filter((t) => t.class === "flaky").map((t) => t.gate));
    const changed = r.iterations.some((it) => it.applied);
    for (const t of r.triage) {
      if (t.class !== "flaky") continue;
      const e = flakyGates.get(t.gate) ?? { runs: 0, tests: new Set<string>() };
      e.runs++;
      for (const name of t.tests ?? []) e.tests.add(name);
      flakyGates.set(t.gate, e);
    }
    fixedFailures += [...seen.keys()].filter((f) => !unresolved.has(f)).length;
    const gatesHere = new Set<string>([...seen.values()].map((f) => f.gate));
    for (const g of r.gates) if (g.required && isFailing(g)) gatesHere.add(g.id);
    for (const g of gatesHere) _count(gateRuns, g);
    for (const t of new Set([...seen.values()].map((f) => `${f.tool}\u0000${f.code ?? ""}`))) {
      _count(toolRuns, t);
    }
    for (const [fp, f] of seen) {
      const e = recurring.get(fp) ?? {
        f: {
          fingerprint: fp,
          gate: f.gate,
          tool: f.tool,
          code: f.code ?? null,
          message: f.message,
          runs: 0,
          unresolvedRuns: 0,
          lastSeen: r.startedAt,
          unchangedPasses: 0,
          kind: "recurring" as const,
        },
        runs: 0,
        unresolved: 0,
        unchanged: 0,
      };
      e.runs++;
      if (unresolved.has(fp)) e.unresolved++;
      else if (!changed || triagedFlaky.has(f.gate)) e.unchanged++;
      e.f.message = f.message;
      e.f.lastSeen = r.startedAt;
      recurring.set(fp, e);
    }
  }

  const totalCost = reports.reduce((a, r) => a + r.totals.costUsd, 0);
  const tokensIn = reports.reduce((a, r) => a + r.totals.tokensIn, 0);
  const tokensOut = reports.reduce((a, r) => a + r.totals.tokensOut, 0);
  const n = Math.max(1, reports.length);
  const bySource = [...sources.values()].sort((a, b) =>
    b.proposals - a.proposals || a.source.localeCompare(b.source)
  );
  const recipeFixes = bySource.filter((s) => s.kind === "recipe").reduce(
    (a, s) => a + s.effective,
    0,
  );
  const modelFixes = bySource.filter((s) => s.kind === "model").reduce(
    (a, s) => a + s.effective,
    0,
  );
  const reviews = [...reviewBy.values()].reduce((a, b) => a + b.reviews, 0);
  const rejected = [...reviewBy.values()].reduce((a, b) => a + b.rejected, 0);
  const ranked = <K>(m: Map<K, number>) =>
    [...m].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));

  return {
    period: { from: first, to: last, days },
    runs: {
      total: reports.length,
      dryRuns: reports.filter((r) => r.dryRun).length,
      counted: counted.length,
      succeeded: green.length,
      successRate: counted.length ? green.length / counted.length : null,
      perDay: reports.length / days,
    },
    stopReasons,
    iterationsPerRun: summarize(counted.map((r) => r.iterations.length)),
    iterationsToGreen: summarize(green.map((r) => r.iterations.length)),
    timeToGreenMs: summarize(green.map((r) => r.totals.durationMs)),
    tokens: { in: tokensIn, out: tokensOut, inPerRun: tokensIn / n, outPerRun: tokensOut / n },
    cost: {
      totalUsd: totalCost,
      perRunUsd: totalCost / n,
      fixedFailures,
      perFixedFailureUsd: fixedFailures ? totalCost / fixedFailures : null,
      byModel: [...byModel].map(([model, u]) => ({ model, ...u })).sort((a, b) =>
        b.costUsd - a.costUsd || a.model.localeCompare(b.model)
      ),
      byRole: { fixer, reviewer, estimatedIterations },
      byDay: [...byDay].map(([day, v]) => ({ day, ...v })).sort((a, b) =>
        a.day.localeCompare(b.day)
      ),
    },
    fixes: {
      bySource,
      recipe: recipeFixes,
      model: modelFixes,
      recipeShare: recipeFixes + modelFixes ? recipeFixes / (recipeFixes + modelFixes) : null,
    },
    review: {
      reviews,
      rejected,
      rejectionRate: reviews ? rejected / reviews : null,
      bySource: [...reviewBy].map(([source, v]) => ({ source, ...v })).sort((a, b) =>
        b.reviews - a.reviews || a.source.localeCompare(b.source)
      ),
      topReasons: ranked(reasons).slice(0, top).map(([reason, count]) => ({ reason, count })),
    },
    failures: {
      gates: ranked(gateRuns).slice(0, top).map(([gate, runs]) => ({ gate, runs })),
      tools: ranked(toolRuns).slice(0, top).map(([k, runs]) => {
        const [tool, code] = k.split("\u0000") as [string, string];
        return { tool, code: code || null, runs };
      }),
      recurring: [...recurring.values()]
        .filter((e) => e.runs >= 2)
        .map((e) => ({
          ...e.f,
          runs: e.runs,
          unresolvedRuns: e.unresolved,
          unchangedPasses: e.unchanged,
          kind: e.unresolved * 2 >= e.runs
            ? "chronic" as const
            : e.unchanged > 0
            ? "flaky" as const
            : "recurring" as const,
        }))
        .sort((a, b) =>
          b.runs - a.runs || b.unresolvedRuns - a.unresolvedRuns ||
          a.fingerprint.localeCompare(b.fingerprint)
        )
        .slice(0, top * 2),
      flaky: [...flakyGates]
        .map(([gate, e]) => ({ gate, runs: e.runs, tests: [...e.tests].sort() }))
        .sort((a, b) => b.runs - a.runs || a.gate.localeCompare(b.gate))
        .slice(0, top),
    },
  };
}
