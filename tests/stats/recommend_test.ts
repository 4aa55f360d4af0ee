import assert from "node:assert/strict";
import type { RunReport } from "../../report/types.ts";
import { aggregate } from "../../stats/aggregate.ts";
import type { LoadedRun, StatsSettings } from "../../stats/load.ts";
import { cheaperModel, recommend, type Recommendation, vendorOf } from "../../stats/recommend.ts";
import { call, day, failure, gate, iteration, loaded, report } from "./_fixtures.ts";

const SETTINGS: StatsSettings = {
  fixerModel: "gpt-4o",
  reviewerModel: "gpt-4o",
  reviewerEnabled: true,
  contextTokens: undefined,
  maxNoProgressIterations: 3,
  candidates: 1,
  maxCostUsd: undefined,
  prices: {},
};

function recs(
  reports: RunReport[],
  settings: Partial<StatsSettings> = {},
  rounds: LoadedRun["candidateRounds"][] = [],
): Recommendation[] {
  const runs = reports.map((r, i) => loaded(r, rounds[i] ?? []));
  return recommend(runs, aggregate(runs), { ...SETTINGS, ...settings });
}

const ids = (r: Recommendation[]) => r.map((x) => x.id);
const approx = (a: number | null, b: number) =>
  assert.ok(a !== null && Math.abs(a - b) < 1e-4, `${a} != ${b}`);

// Runs over three days: the monthly figure is ten times the observed one.
const spread = (rs: RunReport[]) =>
  rs.map((r, i) => ({ ...r, startedAt: day((3 * i) / (rs.length - 1)) }));

Deno.test("recommend: prettier failures fixed by the model point at the recipe", () => {
  const fmt = failure("format", "prettier", "p1");
  const r = recs(spread([report({ iterations: [iteration([fmt])] }), report()]));
  const rec = r.find((x) => x.id === "recipe-fixable-sent-to-model")!;
  assert.ok(rec, ids(r).join());
  assert.match(rec.title, /prettier recipe/);
  assert.equal(rec.evidence.iterations, 1);
  approx(rec.savingUsd, 0.0175);
  approx(rec.monthlySavingUsd, 0.175);
});

Deno.test("recommend: no recipe advice when the recipe fixed it or the tool has none", () => {
  const byRecipe = report({
    iterations: [iteration([failure("format", "black", "b1")], {
      proposal: { source: "black", summary: "", diff: "" },
      calls: [call("gpt-4o", 3000, 20, 0.008)],
    })],
  });
  const tsc = report({ iterations: [iteration([failure("t", "tsc", "t1")])] });
  const mixed = report({
    iterations: [iteration([failure("l", "eslint", "e1"), failure("t", "tsc", "t2")])],
  });
  assert.ok(!ids(recs([byRecipe, tsc, mixed])).includes("recipe-fixable-sent-to-model"));
});

const greenLlm = (model: string, o: Partial<Parameters<typeof iteration>[1]> = {}) =>
  report({
    iterations: [iteration([failure("t", "tsc", crypto.randomUUID())], {
      proposal: { source: `llm:${model}`, summary: "", diff: "" },
      calls: [call(model, 5000, 500, 0.0175), call("gpt-4o-mini", 3000, 20, 0.0005)],
      ...o,
    })],
  });

Deno.test("recommend: a fixer that is nearly always approved and green gets a cheaper model", () => {
  const r = recs(spread(Array.from({ length: 5 }, () => greenLlm("gpt-4o"))));
  const rec = r.find((x) => x.id === "cheaper-fixer-model")!;
  assert.ok(rec, ids(r).join());
  // gpt-4o at 5000 in / 500 out costs 0.0175; gpt-4.1-mini 0.0028 (16%), the
  // largest non-legacy, non-reasoning step down under half.
  assert.equal(rec.evidence.suggested, "gpt-4.1-mini");
  approx(rec.savingUsd, 5 * 0.0175 * (1 - 0.0028 / 0.0175));
});

Deno.test("recommend: no cheaper fixer with few patches, rejections, red gates or the cheapest model", () => {
  const four = Array.from({ length: 4 }, () => greenLlm("gpt-4o"));
  assert.ok(!ids(recs(four)).includes("cheaper-fixer-model"));
  const rejected = [
    ...four,
    greenLlm("gpt-4o", {
      applied: false,
      review: { verdict: "reject", reasons: ["no"], source: "model" },
    }),
  ];
  assert.ok(!ids(recs(rejected)).includes("cheaper-fixer-model"));
  const red = [
    ...four.slice(0, 3),
    ...[0, 1].map(() => greenLlm("gpt-4o", { gates: [gate("t", "failed")] })),
  ];
  assert.ok(!ids(recs(red)).includes("cheaper-fixer-model"));
  const nano = Array.from({ length: 6 }, () => greenLlm("gpt-4.1-nano"));
  assert.ok(!ids(recs(nano)).includes("cheaper-fixer-model"));
});

Deno.test("cheaperModel stays with the vendor and keeps reasoning models apart", () => {
  assert.equal(
    cheaperModel("claude-sonnet-4-5", { in: 1000, out: 100 }, {})?.model,
    "claude-haiku-4-5",
  );
  assert.equal(cheaperModel("o3", { in: 1000, out: 100 }, {})?.model, undefined);
  assert.equal(
    cheaperModel("gemini-2.5-pro", { in: 1000, out: 100 }, {})?.model,
    "gemini-2.5-flash",
  );
  assert.equal(cheaperModel("my-local-model", { in: 1, out: 1 }, {}), null);
  assert.equal(vendorOf("openai/gpt-4o"), "openai");
});

const reviewed = (verdict: "approve" | "reject", source = "model") =>
  report({
    iterations: [iteration([failure("t", "tsc", crypto.randomUUID())], {
      review: { verdict, reasons: ["r"], source },
      applied: verdict === "approve",
    })],
  });

Deno.test("recommend: a reviewer model that never rejects can go", () => {
  const runs = [
    ...Array.from({ length: 10 }, () => reviewed("approve")),
    reviewed("reject", "policy"),
  ];
  const rec = recs(spread(runs)).find((x) => x.id === "reviewer-never-rejects")!;
  assert.ok(rec);
  assert.equal(rec.evidence.modelReviews, 10);
  assert.equal(rec.evidence.policyRejections, 1);
  approx(rec.savingUsd, 10 * 0.008);
});

Deno.test("recommend: keep the reviewer when it rejected once, saw few patches, or is off", () => {
  const ten = Array.from({ length: 10 }, () => reviewed("approve"));
  assert.ok(!ids(recs([...ten, reviewed("reject")])).includes("reviewer-never-rejects"));
  assert.ok(!ids(recs(ten.slice(1))).includes("reviewer-never-rejects"));
  assert.ok(!ids(recs(ten, { reviewerEnabled: false })).includes("reviewer-never-rejects"));
});

const prompt = (tokensIn: number) =>
  report({
    iterations: [iteration([failure("t", "tsc", crypto.randomUUID())], {
      calls: [call("gpt-4o", tokensIn, 500, 0.01), call("gpt-4o", 3000, 20, 0.008)],
    })],
  });

Deno.test("recommend: large fixer prompts suggest a smaller context budget", () => {
  const rec = recs(spread([prompt(30_000), prompt(30_000), prompt(30_000)]), {
    contextTokens: 40_000,
  })
    .find((x) => x.id === "large-fixer-prompts")!;
  assert.ok(rec);
  assert.equal(rec.evidence.meanTokensIn, 30_000);
  assert.match(rec.detail, /now 40000/);
  approx(rec.savingUsd, 3 * 18_000 * 2.5 / 1e6);
});

Deno.test("recommend: no context advice for ordinary prompts or too few calls", () => {
  assert.ok(
    !ids(recs([prompt(8_000), prompt(9_000), prompt(10_000)])).includes("large-fixer-prompts"),
  );
  assert.ok(!ids(recs([prompt(50_000), prompt(50_000)])).includes("large-fixer-prompts"));
});

const stuckRun = (fp: string, cost: number) => {
  const f = failure("test", "jest", fp);
  return report({
    stopReason: "no_progress",
    gates: [gate("test", "failed", [f])],
    iterations: [1, 2, 3].map((index) =>
      iteration([f], {
        index,
        gates: [gate("test", "failed", [f])],
        calls: [call("gpt-4o", 1000, 100, cost / 3)],
      })
    ),
  });
};
const cheapGreen = (cost: number) =>
  report({
    iterations: [
      iteration([failure("t", "tsc", crypto.randomUUID())], {
        calls: [call("gpt-4o", 10, 1, cost)],
      }),
    ],
  });

Deno.test("recommend: the same failure ending runs unfixed suggests a cap and fewer idle iterations", () => {
  const rec = recs(
    spread([stuckRun("s1", 0.9), cheapGreen(0.05), stuckRun("s1", 0.6), cheapGreen(0.1)]),
  )
    .find((x) => x.id === "stuck-failures")!;
  assert.ok(rec);
  assert.equal(rec.evidence.runs, 2);
  assert.equal(rec.evidence.suggestedCapUsd, 0.1);
  assert.match(rec.title, /--max-cost-usd 0\.1 .*max_no_progress_iterations to 2/);
  approx(rec.savingUsd, 0.8 + 0.5);
});

Deno.test("recommend: stuck runs cheaper than green ones get no cap; at one idle iteration only a person helps", () => {
  const runs = spread([stuckRun("s1", 0.03), cheapGreen(0.5), stuckRun("s1", 0.03)]);
  const rec = recs(runs).find((x) => x.id === "stuck-failures")!;
  assert.equal(rec.title, "Lower max_no_progress_iterations to 2");
  assert.equal(rec.evidence.suggestedCapUsd, undefined);
  approx(rec.savingUsd, 0.02);
  const none = recs(runs, { maxNoProgressIterations: 1 }).find((x) => x.id === "stuck-failures")!;
  assert.match(none.title, /^Fix by hand/);
  assert.equal(none.savingUsd, null);
});

Deno.test("recommend: no stuck advice for different failures or a single run", () => {
  assert.ok(!ids(recs([stuckRun("a", 1), stuckRun("b", 1)])).includes("stuck-failures"));
  assert.ok(!ids(recs([stuckRun("a", 1)])).includes("stuck-failures"));
});

const round = (winner: number) =>
  [1, 2, 3].map((index) => ({ index, score: 2, changed: index === winner ? 1 : 5 }));
const candidateRun = () =>
  report({
    iterations: [iteration([failure("t", "tsc", crypto.randomUUID())], {
      calls: [
        call("gpt-4o", 5000, 500, 0.02),
        call("gpt-4o", 5000, 500, 0.02),
        call("gpt-4o", 5000, 500, 0.02),
        call("gpt-4o-mini", 100, 1, 0.001),
      ],
    })],
  });

Deno.test("recommend: candidate 1 winning nearly every round suggests one candidate", () => {
  const runs = spread([candidateRun(), candidateRun(), candidateRun()]);
  const rec = recs(runs, { candidates: 3 }, [[round(1)], [round(1)], [round(1)]])
    .find((x) => x.id === "candidates-first-wins")!;
  assert.ok(rec);
  assert.equal(rec.evidence.firstWins, 3);
  assert.equal(rec.evidence.candidates, 3);
  approx(rec.savingUsd, 3 * 0.061 * 2 / 3);
});

Deno.test("recommend: keep candidates when others win or rounds are few", () => {
  const runs = [candidateRun(), candidateRun(), candidateRun()];
  assert.ok(
    !ids(recs(runs, {}, [[round(1)], [round(2)], [round(3)]])).includes("candidates-first-wins"),
  );
  assert.ok(!ids(recs(runs, {}, [[round(1)], [round(1)]])).includes("candidates-first-wins"));
});

Deno.test("recommend: clean runs give no recommendation", () => {
  assert.deepEqual(
    recs([report(), report({ iterations: [iteration([failure("t", "tsc", "x")])] })]),
    [],
  );
});

Deno.test("recommend: eslint-fix is advised only for rules whose metadata says fixable", () => {
  const unused = failure("lint", "eslint", "e1", { code: "no-unused-vars" });
  const noVar = failure("lint", "eslint", "e2", { code: "no-var" });
  const unknown = failure("lint", "eslint", "e3", { code: "acme/odd-rule" });
  const noCode = failure("lint", "eslint", "e4");
  const run = (fs: ReturnType<typeof failure>[]) =>
    spread([report({ iterations: [iteration(fs)] }), report()]);
  const fixableRules = { "no-unused-vars": false, "no-var": true, "acme/odd-rule": null };
  // Not auto-fixable, unknown metadata, or no rule id: no advice.
  for (const fs of [[unused], [unknown], [noCode], [noVar, unused]]) {
    const r = recs(run(fs), { fixableRules });
    assert.ok(!ids(r).includes("recipe-fixable-sent-to-model"), fs.map((f) => f.code).join());
  }
  // Without any metadata, even a fixable rule is not advised: no guess.
  assert.ok(!ids(recs(run([noVar]))).includes("recipe-fixable-sent-to-model"));
  const rec = recs(run([noVar]), { fixableRules }).find((x) =>
    x.id === "recipe-fixable-sent-to-model"
  )!;
  assert.ok(rec);
  assert.match(rec.title, /eslint-fix recipe/);
  assert.equal(rec.evidence.fixableRules, "no-var");
  assert.match(rec.detail, /no-var, fixable by their own metadata/);
});
