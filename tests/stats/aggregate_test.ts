import assert from "node:assert/strict";
import { aggregate } from "../../stats/aggregate.ts";
import { effectiveFix, normalizeReason, splitRoles, summarize } from "../../stats/runs.ts";
import { StatsReportSchema } from "../../stats/load.ts";
import { call, day, failure, gate, iteration, loaded, report } from "./_fixtures.ts";

const it0 = (o: Parameters<typeof iteration>[1] = {}) =>
  StatsReportSchema.shape.iterations.element.parse(iteration([failure("t", "tsc", "a")], o));

Deno.test("summarize gives mean, median, nearest-rank p90 and max", () => {
  assert.deepEqual(summarize([10, 1, 3, 2, 4]), { n: 5, mean: 4, median: 3, p90: 10, max: 10 });
  assert.equal(summarize([1, 2, 3, 4]).median, 2.5);
  assert.deepEqual(summarize([]), { n: 0, mean: null, median: null, p90: null, max: null });
});

Deno.test("aggregate leaves dry runs out of the success metrics unless asked", () => {
  const f = failure("test", "jest", "x");
  const runs = [
    report({ startedAt: day(0), iterations: [iteration([f])] }),
    report({ startedAt: day(1), iterations: [iteration([f]), iteration([f], { index: 2 })] }),
    report({ startedAt: day(2) }),
    report({ startedAt: day(3), stopReason: "no_progress", iterations: [iteration([f])] }),
    report({ startedAt: day(4), dryRun: true, stopReason: "no_progress" }),
  ].map((r) => loaded(r));
  const s = aggregate(runs);
  assert.equal(s.runs.total, 5);
  assert.equal(s.runs.dryRuns, 1);
  assert.equal(s.runs.counted, 4);
  assert.equal(s.runs.successRate, 3 / 4);
  assert.equal(s.stopReasons.success, 3);
  assert.equal(s.stopReasons.no_progress, 1);
  assert.deepEqual(s.iterationsPerRun, { n: 4, mean: 1, median: 1, p90: 2, max: 2 });
  assert.equal(s.iterationsToGreen.mean, 1);
  assert.equal(s.timeToGreenMs.median, 60_000);
  assert.equal(s.period.days, 4);
  const all = aggregate(runs, { includeDryRun: true });
  assert.equal(all.runs.successRate, 3 / 5);
  assert.equal(all.stopReasons.no_progress, 2);
});

Deno.test("splitRoles tells the fixer's calls from the reviewer's", () => {
  const f = call("gpt-4o", 5000, 500, 0.01);
  const r = call("gpt-4o", 3000, 20, 0.005);
  const recipe = splitRoles(
    it0({ proposal: { source: "prettier", summary: "", diff: "" }, calls: [r] }),
  );
  assert.deepEqual([recipe.fixer.length, recipe.reviewer.length], [0, 1]);
  const pair = splitRoles(it0({ calls: [f, r] }));
  assert.deepEqual([pair.fixer[0], pair.reviewer[0], pair.estimated], [f, r, false]);
  const policy = splitRoles(it0({
    review: { verdict: "reject", reasons: ['Policy rule "x": y'], source: "policy" },
    calls: [f],
  }));
  assert.deepEqual([policy.fixer.length, policy.reviewer.length], [1, 0]);
  const bare = it0({ calls: [f] });
  delete bare.proposal;
  delete bare.review;
  assert.deepEqual(splitRoles(bare).fixer, [f]);
  const cheapReviewer = call("gpt-4o-mini", 3000, 20, 0.0005);
  const candidates = splitRoles(it0({ calls: [f, f, f, cheapReviewer, cheapReviewer] }));
  assert.deepEqual([candidates.fixer.length, candidates.reviewer.length], [3, 2]);
  assert.equal(candidates.estimated, false);
  const same = splitRoles(it0({ calls: [f, f, f, r, r, r] }));
  assert.deepEqual([same.fixer.length, same.reviewer.length, same.estimated], [3, 3, true]);
});

Deno.test("aggregate adds up cost per model, per role, per day and per fixed failure", () => {
  const runs = [
    report({
      startedAt: day(0),
      iterations: [iteration([failure("t", "tsc", "a"), failure("t", "tsc", "b")])],
    }),
    report({
      startedAt: day(0),
      iterations: [iteration([failure("l", "eslint", "c")], {
        calls: [call("gpt-4.1", 1000, 100, 0.003), call("gpt-4o-mini", 800, 10, 0.0001)],
      })],
    }),
  ].map((r) => loaded(r));
  const s = aggregate(runs);
  assert.equal(s.cost.byModel[0]!.model, "gpt-4o");
  assert.equal(s.cost.byModel[0]!.calls, 2);
  assert.ok(Math.abs(s.cost.byModel[0]!.costUsd - 0.0255) < 1e-9);
  assert.equal(s.cost.byRole.fixer.calls, 2);
  assert.equal(s.cost.byRole.reviewer.tokensIn, 3800);
  assert.deepEqual(s.cost.byDay.map((d) => [d.day, d.runs]), [["2026-11-01", 2]]);
  assert.equal(s.cost.fixedFailures, 3);
  assert.ok(Math.abs(s.cost.perFixedFailureUsd! - (0.0255 + 0.0031) / 3) < 1e-9);
  assert.equal(s.tokens.in, 8000 + 1800);
});

Deno.test("aggregate splits effective fixes between recipes and models", () => {
  const fa = failure("fmt", "prettier", "p1");
  const fb = failure("t", "tsc", "t1");
  const runs = [
    report({
      iterations: [iteration([fa], { proposal: { source: "prettier", summary: "", diff: "" } })],
    }),
    report({ iterations: [iteration([fb])] }),
    report({
      stopReason: "no_progress",
      gates: [gate("t", "failed", [fb])],
      iterations: [iteration([fb], { gates: [gate("t", "failed", [fb])] })],
    }),
  ].map((r) => loaded(r));
  const s = aggregate(runs);
  assert.equal(s.fixes.recipe, 1);
  assert.equal(s.fixes.model, 1);
  assert.equal(s.fixes.recipeShare, 0.5);
  const llm = s.fixes.bySource.find((b) => b.source === "llm:gpt-4o")!;
  assert.deepEqual([llm.proposals, llm.applied, llm.effective, llm.green], [2, 2, 1, 1]);
  assert.equal(effectiveFix(runs[2]!.report.iterations[0]!), false);
});

Deno.test("aggregate counts review rejections by source and their top reasons", () => {
  const f = failure("t", "tsc", "a");
  const rejectPolicy = (file: string) =>
    iteration([f], {
      applied: false,
      review: {
        verdict: "reject",
        reasons: [`Policy rule "secret.aws": ${file}:3 key`],
        source: "policy",
      },
    });
  const runs = [
    report({ stopReason: "rejected", iterations: [rejectPolicy("a.ts")] }),
    report({ stopReason: "rejected", iterations: [rejectPolicy("b.ts")] }),
    report({
      stopReason: "rejected",
      iterations: [iteration([f], {
        applied: false,
        review: { verdict: "reject", reasons: ["Deletes the   test"], source: "model" },
      })],
    }),
    report({ iterations: [iteration([f])] }),
  ].map((r) => loaded(r));
  const s = aggregate(runs);
  assert.equal(s.review.reviews, 4);
  assert.equal(s.review.rejected, 3);
  assert.equal(s.review.rejectionRate, 0.75);
  assert.deepEqual(s.review.topReasons, [
    { reason: 'Policy rule "secret.aws"', count: 2 },
    { reason: "Deletes the test", count: 1 },
  ]);
  assert.deepEqual(s.review.bySource.find((b) => b.source === "model"), {
    source: "model",
    reviews: 2,
    rejected: 1,
  });
  assert.equal(normalizeReason("x".repeat(200)).length, 120);
});

Deno.test("aggregate finds failing gates, tools and chronic or recurring failures", () => {
  const chronic = failure("test", "jest", "chronic-1", { message: "expected 2 got 3" });
  const flaky = failure("e2e", "jest", "fixed-1");
  const lint = failure("lint", "eslint", "lint-1", { code: "no-unused-vars" });
  const stuck = (n: number) =>
    report({
      startedAt: day(n),
      stopReason: "max_iterations",
      gates: [gate("test", "failed", [chronic])],
      iterations: [iteration([chronic, flaky], { gates: [gate("test", "failed", [chronic])] })],
    });
  const runs = [
    stuck(0),
    stuck(1),
    report({ startedAt: day(2), iterations: [iteration([chronic, flaky, lint])] }),
  ].map((r) => loaded(r));
  const s = aggregate(runs);
  assert.deepEqual(s.failures.gates.slice(0, 2), [{ gate: "e2e", runs: 3 }, {
    gate: "test",
    runs: 3,
  }]);
  assert.deepEqual(s.failures.tools[0], { tool: "jest", code: null, runs: 3 });
  assert.ok(s.failures.tools.some((t) => t.tool === "eslint" && t.code === "no-unused-vars"));
  const byFp = new Map(s.failures.recurring.map((r) => [r.fingerprint, r]));
  assert.equal(byFp.get("chronic-1")!.kind, "chronic");
  assert.equal(byFp.get("chronic-1")!.unresolvedRuns, 2);
  assert.equal(byFp.get("chronic-1")!.lastSeen, day(2));
  // Gone each time, but a committed fix was applied every time: not flaky.
  assert.equal(byFp.get("fixed-1")!.kind, "recurring");
  assert.equal(byFp.get("fixed-1")!.unchangedPasses, 0);
  assert.equal(byFp.has("lint-1"), false);
});

Deno.test("aggregate calls a failure flaky only when it passed with no change, never when a recipe fixed it", () => {
  const fmt = failure("format", "prettier", "fmt-1", { message: "Code style issues" });
  const wobbly = failure("e2e", "jest", "wobbly-1", { message: "timeout in login test" });
  const recipeFix = (n: number) =>
    report({
      startedAt: day(n),
      iterations: [iteration([fmt], {
        proposal: { source: "prettier", summary: "format", diff: "" },
        review: { verdict: "approve", reasons: [], source: "policy" },
        calls: [],
        gates: [gate("format", "passed")],
      })],
    });
  // The fix loop was asked, nothing was applied (rejected), yet the failure
  // was gone at the end: it passed with no change.
  const passedUnchanged = report({
    startedAt: day(3),
    iterations: [iteration([wobbly], {
      applied: false,
      review: { verdict: "reject", reasons: ["no"], source: "model" },
      gates: [gate("e2e", "failed", [wobbly])],
    })],
    gates: [gate("e2e", "passed")],
  });
  const withFix = report({ startedAt: day(4), iterations: [iteration([wobbly])] });
  const triaged = {
    ...report({ startedAt: day(5), stopReason: "flaky" }),
    triage: [{ gate: "e2e", class: "flaky" as const, tests: ["login works"], retries: 1 }],
  };
  const s = aggregate(
    [recipeFix(0), recipeFix(1), recipeFix(2), passedUnchanged, withFix, triaged].map((r) =>
      loaded(r)
    ),
  );
  const byFp = new Map(s.failures.recurring.map((r) => [r.fingerprint, r]));
  assert.equal(byFp.get("fmt-1")!.kind, "recurring");
  assert.equal(byFp.get("fmt-1")!.runs, 3);
  assert.equal(byFp.get("wobbly-1")!.kind, "flaky");
  assert.equal(byFp.get("wobbly-1")!.unchangedPasses, 1);
  assert.deepEqual(s.failures.flaky, [{ gate: "e2e", runs: 1, tests: ["login works"] }]);
  assert.equal(s.stopReasons.flaky, 1);
});
