import assert from "node:assert/strict";
import { CostLedger } from "../../plugins/llm/pricing.ts";
import { promptTokensUpperBound } from "../../agents/budget.ts";

const rec = (costUsd: number) => ({
  provider: "openai",
  model: "gpt-4o",
  tokensIn: 1,
  tokensOut: 1,
  latencyMs: 1,
  costUsd,
});

Deno.test("CostLedger reservations of concurrent calls share the cap", () => {
  const ledger = new CostLedger(0.05);
  const a = ledger.reserve(0.02);
  const b = ledger.reserve(0.02);
  assert.ok(a && b);
  assert.equal(ledger.reserve(0.02), null, "a third worst case would pass the cap");
  assert.equal(ledger.reservedUsd, 0.04);
  ledger.settle(a, rec(0.005));
  assert.equal(ledger.totalUsd, 0.005);
  assert.equal(ledger.reservedUsd, 0.02);
  const c = ledger.reserve(0.02);
  assert.ok(c, "settling to the real cost frees the rest of the reservation");
  ledger.release(b);
  ledger.release(b); // twice is harmless
  ledger.settle(c, rec(0.01));
  assert.equal(ledger.reservedUsd, 0);
  assert.equal(ledger.totalUsd, 0.015);
  assert.equal(ledger.calls.length, 2);
});

Deno.test("CostLedger refuses every reservation once the cap is spent, and none without a cap", () => {
  const capped = new CostLedger(0.01);
  capped.record(rec(0.01));
  assert.equal(capped.reserve(0), null);
  const free = new CostLedger();
  assert.ok(free.reserve(1000));
  assert.throws(() => free.reserve(-1), RangeError);
});

Deno.test("promptTokensUpperBound is never below a token per four characters", () => {
  const count = (t: string) => Math.ceil(t.length / 10);
  const n = promptTokensUpperBound([{ content: "x".repeat(400) }, { content: "" }], count);
  assert.equal(n, 100 + 8 + 0 + 8 + 4);
});
