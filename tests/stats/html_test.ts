import assert from "node:assert/strict";
import { aggregate } from "../../stats/aggregate.ts";
import { barChart, renderStatsHtml, textWidth } from "../../stats/html.ts";
import { escapeHtml } from "../../core/text.ts";
import type { Recommendation } from "../../stats/recommend.ts";
import { call, day, failure, gate, iteration, loaded, report } from "./_fixtures.ts";

const HOSTILE = `<script>alert("x")</script><img src=x onerror='y'>&amp;`;

Deno.test("renderStatsHtml escapes hostile text from runs and recommendations", () => {
  const f = failure(`gate${HOSTILE}`, `tool${HOSTILE}`, "fp", { code: HOSTILE, message: HOSTILE });
  const runs = [0, 1].map((n) =>
    loaded(report({
      startedAt: day(n),
      stopReason: "no_progress",
      gates: [gate(f.gate, "failed", [f])],
      iterations: [iteration([f], {
        proposal: { source: `llm:${HOSTILE}`, summary: HOSTILE, diff: "" },
        review: { verdict: "reject", reasons: [HOSTILE], source: HOSTILE },
        applied: false,
        calls: [call(`model${HOSTILE}`, 10, 1, 0.5)],
      })],
    }))
  );
  const stats = aggregate(runs);
  const rec: Recommendation = {
    id: HOSTILE,
    title: HOSTILE,
    detail: HOSTILE,
    evidence: { [HOSTILE]: HOSTILE },
    savingUsd: 1,
    monthlySavingUsd: 15,
  };
  const html = renderStatsHtml(stats, [rec], { generatedAt: HOSTILE, sources: [HOSTILE] });
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img/i);
  assert.doesNotMatch(html, /onerror='/);
  assert.ok(html.includes("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
  assert.ok(html.includes("&amp;amp;"));
  // Self-contained: no external resource of any kind.
  assert.doesNotMatch(html, /<[^>]*\s(src|href)=/i);
  assert.doesNotMatch(html, /url\(/i);
});

Deno.test("renderStatsHtml draws cost per day, stop reasons and failing gates as SVG bars", () => {
  const runs = [0, 1, 1].map((n) =>
    loaded(report({
      startedAt: day(n),
      iterations: [iteration([failure("unit-tests", "jest", `j${n}`)])],
    }))
  );
  const html = renderStatsHtml(aggregate(runs), [], { generatedAt: "now", sources: ["/r"] });
  assert.equal(html.match(/<svg /g)?.length, 3);
  assert.ok(html.includes(`aria-label="Cost per day"`));
  assert.ok(html.includes(">2026-11-02<"));
  assert.ok(html.includes(">unit-tests<"));
  assert.ok(html.includes("No recommendation"));
});

Deno.test("barChart scales bars to the largest value and notes an empty chart", () => {
  const svg = barChart("t", [
    { label: "a", value: 4, text: "4" },
    { label: "b", value: 1, text: "1" },
  ]);
  assert.ok(svg.includes(`width="300"`));
  assert.ok(svg.includes(`width="75"`));
  assert.match(barChart("t", []), /No data/);
  assert.equal(escapeHtml(`a&<>"'`), "a&amp;&lt;&gt;&quot;&#39;");
});

Deno.test("barChart never clips a label or a figure: the SVG is as wide as its texts", () => {
  const long = "integration-tests-against-the-staging-database-on-arm64";
  const bars = [
    { label: long, value: 3, text: "$1,234.5678 (123 runs)" },
    { label: "2026-11-01", value: 1, text: "$0.0100 (1 run)" },
  ];
  const svg = barChart("t", bars);
  // The whole label is drawn, not an ellipsis.
  assert.ok(svg.includes(`text-anchor="end">${long}</text>`), svg);
  assert.ok(!svg.includes("…"));
  const width = Number(/ width="(\d+)"/.exec(svg)![1]);
  const labelEnd = Number(/<text x="(\d+)" y="15" text-anchor="end">/.exec(svg)![1]);
  // Right-aligned labels end at labelEnd and need their width to its left.
  assert.ok(labelEnd >= textWidth(long), `${labelEnd} < ${textWidth(long)}`);
  // Every figure after its bar fits inside the SVG.
  for (const m of svg.matchAll(/<text x="(\d+)" y="\d+">([^<]*)<\/text>/g)) {
    assert.ok(Number(m[1]) + textWidth(m[2]!) <= width, `${m[2]} overflows ${width}`);
  }
  // At least 7 pixels a character at 12px: a generous estimate.
  assert.ok(textWidth("2026-11-01") >= 70);
  // Capitals are wider than 7.5 px: an upper-case gate name must fit too.
  assert.ok(textWidth("GOODDOG") >= 7 * 9.3, String(textWidth("GOODDOG")));
});
