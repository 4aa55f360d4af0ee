import assert from "node:assert/strict";
import { CostLedger, costOf, findPrice } from "../../plugins/llm/pricing.ts";

const call = (costUsd: number) => ({
  provider: "openai",
  model: "gpt-4o",
  tokensIn: 100,
  tokensOut: 10,
  latencyMs: 5,
  costUsd,
});

Deno.test("findPrice matches exact names, dated snapshots and routing prefixes", () => {
  assert.deepEqual(findPrice("gpt-4o"), { input: 2.5, output: 10 });
  assert.deepEqual(findPrice("gpt-4o-mini-2024-07-18"), { input: 0.15, output: 0.6 });
  assert.deepEqual(findPrice("gpt-4-0613"), { input: 30, output: 60 });
  assert.deepEqual(findPrice("openai/gpt-4.1-mini"), { input: 0.4, output: 1.6 });
  assert.deepEqual(findPrice("claude-3-5-haiku-latest"), { input: 0.8, output: 4 });
  assert.deepEqual(findPrice("gemini-2.5-pro-preview-06-05"), { input: 1.25, output: 10 });
  assert.equal(findPrice("gpt-4.5-preview"), null);
  assert.equal(findPrice("llama3.1:8b"), null);
});

Deno.test("findPrice lets config override the defaults", () => {
  assert.deepEqual(findPrice("gpt-4o", { "gpt-4o": { input: 1, output: 1 } }), {
    input: 1,
    output: 1,
  });
  assert.deepEqual(
    findPrice("my-azure-deployment", { "my-azure-deployment": { input: 3, output: 4 } }),
    {
      input: 3,
      output: 4,
    },
  );
});

Deno.test("costOf multiplies per million tokens", () => {
  assert.equal(costOf({ input: 2.5, output: 10 }, 1_000_000, 100_000), 3.5);
  assert.equal(costOf(null, 1_000_000, 1_000_000), 0);
});

Deno.test("CostLedger adds up calls and reports the cap", () => {
  const ledger = new CostLedger(0.05);
  assert.equal(ledger.wouldExceed(), false);
  ledger.record(call(0.02));
  ledger.record(call(0.02));
  assert.equal(ledger.totalUsd, 0.04);
  assert.equal(ledger.calls.length, 2);
  assert.deepEqual(ledger.tokens, { in: 200, out: 20 });
  assert.equal(ledger.wouldExceed(), false);
  assert.equal(ledger.wouldExceed(0.01), true);
  ledger.record(call(0.01));
  assert.equal(ledger.wouldExceed(), true);
});

Deno.test("CostLedger without a cap never stops and refuses a bad cap", () => {
  const ledger = new CostLedger();
  ledger.record(call(1000));
  assert.equal(ledger.wouldExceed(1000), false);
  assert.throws(() => new CostLedger(-1), RangeError);
  assert.throws(() => new CostLedger(Number.NaN), /Cost cap "NaN" is not valid/);
});
