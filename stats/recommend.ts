/**
 * Cost optimisation recommendations (the seed's roadmap): deterministic rules
 * over past runs, each with the figures that made it fire and, where it can be
 * computed, the saving over the observed period and per month at the observed
 * run frequency.
 *
 * @module
 */

import { DEFAULT_FIXER_TOKEN_BUDGET } from "../core/types.ts";
import { DEFAULT_PRICES, findPrice, type ModelPrice } from "../plugins/llm/pricing.ts";
import { PRESETS } from "../plugins/llm/presets.ts";
import type { Stats } from "./aggregate.ts";
import { modelOfSource, splitRoles, summarize } from "./runs.ts";
import { candidateWinner, type LoadedRun, type StatsCall, type StatsSettings } from "./load.ts";

/** One recommendation. */
export interface Recommendation {
  /** Stable id of the rule. */
  id: string;
  /** What to do, in one line. */
  title: string;
  /** Why, and how. */
  detail: string;
  /** The figures that made the rule fire. */
  evidence: Record<string, string | number>;
  /** Dollars it would have saved over the observed period, when computable. */
  savingUsd: number | null;
  /** The same at the observed run frequency over 30 days. */
  monthlySavingUsd: number | null;
}

/** When the rules fire. */
export const RULE_THRESHOLDS = {
  /** Iterations of recipe-fixable failures sent to a model. */
  recipeMinIterations: 1,
  /** Proposals of a fixer model before judging it. */
  cheaperMinProposals: 5,
  /** Share approved by the review. */
  cheaperMinApproval: 0.9,
  /** Share after which every required gate passed. */
  cheaperMinGreen: 0.8,
  /** The cheaper model costs at most this share of the current one. */
  cheaperMaxPriceRatio: 0.5,
  /** Model reviews without a single rejection. */
  reviewerMinReviews: 10,
  /** Fixer calls before judging prompt size. */
  promptMinCalls: 3,
  /** Mean prompt tokens of the fixer that count as large. */
  promptMeanTokens: 2 * DEFAULT_FIXER_TOKEN_BUDGET,
  /** Runs that ended without result on the same failure. */
  stuckMinRuns: 2,
  /** Candidate rounds before judging --candidates. */
  candidatesMinRounds: 3,
  /** Share of rounds won by candidate 1. */
  candidatesMinFirstWins: 0.8,
} as const;

/** Failure tools a built-in recipe fixes, and the recipe. */
export const RECIPE_TOOLS: Readonly<Record<string, string>> = {
  prettier: "prettier",
  eslint: "eslint-fix",
  "deno-fmt": "deno-fmt",
  "deno fmt": "deno-fmt",
  black: "black",
  "terraform-fmt": "terraform-fmt",
  "bicep-format": "bicep-format",
};

const _money = (usd: number) => Math.round(usd * 10_000) / 10_000;
const _pct = (x: number) => `${Math.round(x * 100)}%`;
const _sum = (calls: readonly StatsCall[]) => calls.reduce((a, c) => a + c.costUsd, 0);

/**
 * Models the price table keeps for old configurations; never suggested as
 * replacements (a newer model of the same tier costs less or the same).
 */
export const SUPERSEDED_MODELS: ReadonlySet<string> = new Set([
  "gpt-3.5-turbo",
  "gpt-4",
  "gpt-4-turbo",
  "claude-3-haiku",
  "claude-3-5-haiku",
  "claude-3-5-sonnet",
  "claude-3-7-sonnet",
]);

const _REASONING = /^o\d/;
const _bare = (model: string) => model.slice(model.lastIndexOf("/") + 1).toLowerCase();

/**
 * The vendor of a model, told by its name (prices are per model, not per
 * provider endpoint).
 *
 * @param model Model name, with or without a routing prefix.
 * @returns "openai", "anthropic", "google", or null when unknown.
 */
export function vendorOf(model: string): string | null {
  const m = _bare(model);
  if (/^(gpt-|o\d)/.test(m)) return "openai";
  if (m.startsWith("claude-")) return "anthropic";
  if (m.startsWith("gemini-")) return "google";
  return null;
}

/**
 * The model of the same vendor to try instead: among the priced models that
 * would cost at most `maxRatio` of the current one for the observed token mix,
 * the most expensive (the smallest step down).
 *
 * @param model The current model.
 * @param tokens Observed prompt and completion tokens.
 * @param prices Config overrides of the price table.
 * @param maxRatio Largest price ratio accepted.
 * @returns The model and its cost ratio, or null when there is none.
 */
export function cheaperModel(
  model: string,
  tokens: { in: number; out: number },
  prices: Readonly<Record<string, ModelPrice>>,
  maxRatio: number = RULE_THRESHOLDS.cheaperMaxPriceRatio,
): { model: string; ratio: number } | null {
  const vendor = vendorOf(model);
  const current = findPrice(model, prices);
  if (!vendor || !current) return null;
  const cost = (p: ModelPrice) => tokens.in * p.input + tokens.out * p.output;
  const base = cost(current);
  if (base <= 0) return null;
  let best: { model: string; ratio: number } | null = null;
  const reasoning = _REASONING.test(_bare(model));
  for (const [name, price] of Object.entries({ ...DEFAULT_PRICES, ...prices })) {
    if (vendorOf(name) !== vendor || SUPERSEDED_MODELS.has(name)) continue;
    // A reasoning model bills hidden reasoning tokens: its cost for the same
    // visible tokens is not comparable with a chat model's.
    if (_REASONING.test(_bare(name)) !== reasoning) continue;
    const ratio = cost(price) / base;
    if (ratio > maxRatio || ratio <= 0) continue;
    if (!best || ratio > best.ratio || (ratio === best.ratio && name < best.model)) {
      best = { model: name, ratio };
    }
  }
  return best;
}

interface _Ctx {
  runs: readonly LoadedRun[];
  stats: Stats;
  settings: StatsSettings;
  monthly: (usd: number) => number;
}

type _Rule = (c: _Ctx) => Recommendation[];

function _rec(
  c: _Ctx,
  r: Omit<Recommendation, "savingUsd" | "monthlySavingUsd">,
  saving: number | null,
): Recommendation {
  return {
    ...r,
    savingUsd: saving === null ? null : _money(saving),
    monthlySavingUsd: saving === null ? null : _money(c.monthly(saving)),
  };
}

/**
 * Whether a recipe fixes a failure: formatters fix everything they report;
 * eslint --fix only rules whose metadata says `fixable` (a rule whose
 * metadata is unknown counts as not fixable: no guess).
 *
 * @param f The failure.
 * @param fixableRules ESLint rule ids and their `meta.fixable`, when known.
 * @returns True when the tool's recipe fixes it.
 */
export function recipeFixes(
  f: { tool: string; code?: string | undefined },
  fixableRules: Readonly<Record<string, boolean | null>> = {},
): boolean {
  if (!(f.tool in RECIPE_TOOLS)) return false;
  if (f.tool !== "eslint") return true;
  return f.code !== undefined && fixableRules[f.code] === true;
}

const _recipeFixable: _Rule = (c) => {
  let iterations = 0;
  let cost = 0;
  const runs = new Set<string>();
  const tools = new Set<string>();
  const rules = new Set<string>();
  const fixable = c.settings.fixableRules ?? {};
  for (const { report } of c.runs) {
    for (const it of report.iterations) {
      if (!it.proposal || modelOfSource(it.proposal.source) === null) continue;
      if (!it.failures.length || !it.failures.every((f) => recipeFixes(f, fixable))) continue;
      iterations++;
      runs.add(report.runId);
      it.failures.forEach((f) => {
        tools.add(f.tool);
        if (f.tool === "eslint" && f.code) rules.add(f.code);
      });
      cost += _sum(splitRoles(it).fixer);
    }
  }
  if (iterations < RULE_THRESHOLDS.recipeMinIterations) return [];
  const recipes = [...new Set([...tools].map((t) => RECIPE_TOOLS[t]!))].sort();
  return [_rec(c, {
    id: "recipe-fixable-sent-to-model",
    title: `Let the ${recipes.join(", ")} recipe${recipes.length > 1 ? "s" : ""} fix ${
      [...tools].sort().join("/")
    } failures instead of the model`,
    detail: `${iterations} iteration(s) had only ${[...tools].sort().join("/")} failures${
      rules.size
        ? ` (ESLint rules ${[...rules].sort().join(", ")}, fixable by their own metadata)`
        : ""
    }, which a built-in recipe fixes for free, yet the fixer model answered them. ` +
      `Recipes run first, so the recipe was not configured (a "fixers:" list without "uses: ${
        recipes[0]
      }") or could not run the tool in the gate's environment; ` +
      `add the recipe to "fixers:" and make sure the tool is installed where the gate runs.`,
    evidence: {
      iterations,
      runs: runs.size,
      tools: [...tools].sort().join(", "),
      ...(rules.size ? { fixableRules: [...rules].sort().join(", ") } : {}),
      fixerCostUsd: _money(cost),
    },
  }, cost)];
};

const _cheaperFixer: _Rule = (c) => {
  const out: Recommendation[] = [];
  const t = RULE_THRESHOLDS;
  for (const s of c.stats.fixes.bySource) {
    const model = modelOfSource(s.source);
    if (model === null || s.proposals < t.cheaperMinProposals) continue;
    const approval = s.approved / s.proposals;
    const green = s.green / s.proposals;
    if (approval < t.cheaperMinApproval || green < t.cheaperMinGreen) continue;
    const fixerCalls = c.runs.flatMap(({ report }) =>
      report.iterations.filter((it) => it.proposal?.source === s.source)
        .flatMap((it) => splitRoles(it).fixer)
    );
    const tokens = {
      in: fixerCalls.reduce((a, x) => a + x.tokensIn, 0),
      out: fixerCalls.reduce((a, x) => a + x.tokensOut, 0),
    };
    const alt = cheaperModel(model, tokens, c.settings.prices);
    if (!alt) continue;
    const cost = _sum(fixerCalls);
    out.push(_rec(c, {
      id: "cheaper-fixer-model",
      title: `Try "${alt.model}" as the fixer instead of "${model}"`,
      detail:
        `"${model}" wrote ${s.proposals} patch(es): ${_pct(approval)} were approved and ${
          _pct(green)
        } turned every required gate green at once. ` +
        `"${alt.model}" costs ${
          _pct(alt.ratio)
        } as much for the same tokens; set agents.codex.model: ${alt.model} ` +
        `and watch the approval rate in the next runs.`,
      evidence: {
        model,
        proposals: s.proposals,
        approvalRate: _money(approval),
        greenRate: _money(green),
        fixerCostUsd: _money(cost),
        suggested: alt.model,
        priceRatio: _money(alt.ratio),
      },
    }, cost * (1 - alt.ratio)));
  }
  return out;
};

const _rubberStampReviewer: _Rule = (c) => {
  if (!c.settings.reviewerEnabled) return [];
  const model = c.stats.review.bySource.find((b) => b.source === "model");
  if (!model || model.reviews < RULE_THRESHOLDS.reviewerMinReviews || model.rejected > 0) return [];
  const policy = c.stats.review.bySource.find((b) => b.source === "policy");
  const cost = c.stats.cost.byRole.reviewer.costUsd;
  return [_rec(c, {
    id: "reviewer-never-rejects",
    title: "Turn the reviewer model off (jules.enabled: false) or give it a cheaper model",
    detail:
      `The reviewer model approved all ${model.reviews} patch(es) it saw; every rejection (${
        policy?.rejected ?? 0
      }) came from the policy engine, which still runs without the model. ` +
      `Set agents.jules.enabled: false, or a cheaper agents.jules.model if you want a second opinion.`,
    evidence: {
      modelReviews: model.reviews,
      modelRejections: 0,
      policyRejections: policy?.rejected ?? 0,
      reviewerCostUsd: _money(cost),
      reviewerModel: c.settings.reviewerModel,
    },
  }, cost)];
};

const _largePrompts: _Rule = (c) => {
  const calls = c.runs.flatMap(({ report }) =>
    report.iterations.flatMap((it) => splitRoles(it).fixer)
  );
  if (calls.length < RULE_THRESHOLDS.promptMinCalls) return [];
  const s = summarize(calls.map((x) => x.tokensIn));
  if ((s.mean ?? 0) < RULE_THRESHOLDS.promptMeanTokens) return [];
  const target = DEFAULT_FIXER_TOKEN_BUDGET;
  let saving: number | null = 0;
  for (const x of calls) {
    const price = findPrice(x.model, c.settings.prices);
    if (!price) {
      saving = null;
      break;
    }
    saving += Math.max(0, x.tokensIn - target) * price.input / 1_000_000;
  }
  return [_rec(c, {
    id: "large-fixer-prompts",
    title: `Lower agents.codex.context_tokens to ${target}`,
    detail:
      `The fixer's prompts average ${
        Math.round(s.mean!)
      } tokens (p90 ${s.p90}); the fixer works within ${target} by default. ` +
      `Most fixes need the failure and a few windows of code; set agents.codex.context_tokens: ${target}${
        c.settings.contextTokens ? ` (now ${c.settings.contextTokens})` : ""
      }.`,
    evidence: {
      fixerCalls: calls.length,
      meanTokensIn: Math.round(s.mean!),
      p90TokensIn: s.p90!,
      suggestedContextTokens: target,
    },
  }, saving)];
};

const _stuck: _Rule = (c) => {
  const stuck = new Map<string, { runs: Set<string>; message: string; gate: string }>();
  const runCost = new Map<string, { cost: number; last: number }>();
  for (const { report } of c.runs) {
    if (report.stopReason !== "max_iterations" && report.stopReason !== "no_progress") continue;
    const finalFailing = report.gates.filter((g) => g.status !== "passed" && g.status !== "skipped")
      .flatMap((g) => g.failures);
    for (const f of finalFailing) {
      const e = stuck.get(f.fingerprint) ?? { runs: new Set(), message: f.message, gate: f.gate };
      e.runs.add(report.runId);
      stuck.set(f.fingerprint, e);
    }
    const last = report.iterations[report.iterations.length - 1]?.calls ?? [];
    runCost.set(report.runId, { cost: report.totals.costUsd, last: _sum(last) });
  }
  const hits = [...stuck].filter(([, e]) => e.runs.size >= RULE_THRESHOLDS.stuckMinRuns)
    .sort((a, b) => b[1].runs.size - a[1].runs.size || a[0].localeCompare(b[0]));
  if (!hits.length) return [];
  const runIds = [...new Set(hits.flatMap(([, e]) => [...e.runs]))];
  const costs = runIds.map((id) => runCost.get(id)!);
  const spent = costs.reduce((a, r) => a + r.cost, 0);
  const greenCosts = c.runs.filter((r) => r.report.stopReason === "success" && !r.report.dryRun)
    .map((r) => r.report.totals.costUsd).filter((x) => x > 0);
  const p90 = summarize(greenCosts).p90;
  // A cap only helps when some stuck run spent more than a green run does.
  const cap = p90 !== null && costs.some((r) => r.cost > Math.ceil(p90 * 100) / 100)
    ? Math.ceil(p90 * 100) / 100
    : null;
  const now = c.settings.maxNoProgressIterations;
  const lower = now > 1 ? now - 1 : null;
  // One idle iteration fewer saves about the last iteration; the cap bounds the rest.
  const saving = costs.reduce((a, r) => {
    const after = Math.min(r.cost - (lower !== null ? r.last : 0), cap ?? Infinity);
    return a + Math.max(0, r.cost - after);
  }, 0);
  const [fp, top] = hits[0]!;
  const actions = [
    ...(cap !== null ? [`cap runs at --max-cost-usd ${cap}`] : []),
    ...(lower !== null ? [`lower max_no_progress_iterations to ${lower}`] : []),
  ];
  const title = actions.length
    ? actions.join(" and ").replace(/^./, (ch) => ch.toUpperCase())
    : "Fix by hand the failure that keeps ending runs unfixed";
  return [_rec(c, {
    id: "stuck-failures",
    title,
    detail:
      `${hits.length} failure(s) ended ${runIds.length} run(s) unfixed (max_iterations or no_progress), ` +
      `the most frequent in ${top.runs.size} runs: ${top.gate}: ${top.message}. ` +
      `These runs spent $${spent.toFixed(4)} without a result. ` +
      (cap !== null
        ? `Successful runs cost at most $${cap} (p90), so a cap of that size (agents.orchestrator.max_cost_usd) stops a hopeless run early. `
        : "") +
      (lower !== null
        ? `Set agents.orchestrator.max_no_progress_iterations: ${lower} (now ${now}). `
        : "") +
      `The failure itself needs a person.`,
    evidence: {
      failures: hits.length,
      runs: runIds.length,
      spentUsd: _money(spent),
      topFingerprint: fp,
      topRuns: top.runs.size,
      ...(cap !== null ? { suggestedCapUsd: cap } : {}),
      maxNoProgressIterations: now,
    },
  }, actions.length ? saving : null)];
};

const _candidates: _Rule = (c) => {
  const rounds = c.runs.flatMap((r) => r.candidateRounds)
    .map((round) => ({ k: round.length, winner: candidateWinner(round) }))
    .filter((r) => r.winner !== null && r.k > 1);
  if (rounds.length < RULE_THRESHOLDS.candidatesMinRounds) return [];
  const firstWins = rounds.filter((r) => r.winner === 1).length;
  const rate = firstWins / rounds.length;
  if (rate < RULE_THRESHOLDS.candidatesMinFirstWins) return [];
  let extra = 0;
  for (const { report } of c.runs) {
    for (const it of report.iterations) {
      const { fixer, reviewer } = splitRoles(it);
      if (fixer.length < 2) continue;
      const k = fixer.length;
      extra += (_sum(fixer) + _sum(reviewer)) * (k - 1) / k;
    }
  }
  const k = Math.round(rounds.reduce((a, r) => a + r.k, 0) / rounds.length);
  return [_rec(c, {
    id: "candidates-first-wins",
    title: "Use one candidate (agents.orchestrator.candidates: 1)",
    detail: `Candidate 1 won ${firstWins} of ${rounds.length} candidate round(s) (${
      _pct(rate)
    }); the other ${k - 1} candidate(s) per round cost model calls and gate runs for little gain.`,
    evidence: { rounds: rounds.length, firstWins, firstWinRate: _money(rate), candidates: k },
  }, extra)];
};

const _RULES: readonly _Rule[] = [
  _recipeFixable,
  _cheaperFixer,
  _rubberStampReviewer,
  _largePrompts,
  _stuck,
  _candidates,
];

/**
 * Apply every rule to the runs and their statistics.
 *
 * @param runs The runs the statistics were made from.
 * @param stats Their statistics.
 * @param settings The current config's settings (prices, reviewer, limits).
 * @returns The recommendations, largest monthly saving first.
 */
export function recommend(
  runs: readonly LoadedRun[],
  stats: Stats,
  settings: StatsSettings,
): Recommendation[] {
  const ctx: _Ctx = { runs, stats, settings, monthly: (usd) => usd * 30 / stats.period.days };
  return _RULES.flatMap((rule) => rule(ctx))
    .sort((a, b) =>
      (b.monthlySavingUsd ?? -1) - (a.monthlySavingUsd ?? -1) || a.id.localeCompare(b.id)
    );
}

/**
 * Models the runs called that no price is known for (neither the config's
 * `pricing:` nor the built-in table) and that were not local servers: their
 * calls were counted as $0, so costs and savings leave them out.
 *
 * @param runs The runs.
 * @param prices The config's `pricing:` entries.
 * @returns Model names with their call counts, most calls first.
 */
export function unpricedModels(
  runs: readonly LoadedRun[],
  prices: Readonly<Record<string, ModelPrice>>,
): Array<{ model: string; calls: number }> {
  const counts = new Map<string, number>();
  for (const { report } of runs) {
    for (const it of report.iterations) {
      for (const c of it.calls) {
        const preset = (PRESETS as Record<string, { local: boolean } | undefined>)[c.provider];
        if (c.costUsd > 0 || preset?.local || findPrice(c.model, prices)) continue;
        counts.set(c.model, (counts.get(c.model) ?? 0) + 1);
      }
    }
  }
  return [...counts].map(([model, calls]) => ({ model, calls }))
    .sort((a, b) => b.calls - a.calls || a.model.localeCompare(b.model));
}
