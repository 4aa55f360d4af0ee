import assert from "node:assert/strict";
import { parseVerdict, reviewPatch } from "../../agents/reviewer.ts";
import type { LlmPlugin } from "../../core/plugin.ts";
import type { Failure } from "../../core/types.ts";
import { createOpenAiClient } from "../../plugins/llm/openai.ts";
import { startFakeOpenAi } from "../fakes/openai_server.ts";

const DIFF = `--- a/src/math.ts
+++ b/src/math.ts
@@ -1,3 +1,3 @@
 export function add(a: number, b: number) {
-  return a - b;
+  return a + b;
 }
`;
const FAILURES: Failure[] = [{
  gate: "test",
  tool: "deno",
  file: "src/math.ts",
  line: 2,
  message: "expected 3, got -1",
  excerpt: "AssertionError: expected 3, got -1",
  fingerprint: "f1",
}];
const redact = (t: string) => t.replaceAll("hunter2-secret", "[REDACTED]");

async function withFake<T>(
  script: Parameters<typeof startFakeOpenAi>[0],
  body: (llm: LlmPlugin, requests: unknown[]) => Promise<T>,
): Promise<T> {
  const fake = await startFakeOpenAi(script);
  try {
    const llm = createOpenAiClient({ base_url: fake.url, max_retries: 0 }, {
      env: (n) => (n === "OPENAI_API_KEY" ? "k" : undefined),
    });
    return await body(llm, fake.requests);
  } finally {
    await fake.close();
  }
}

const base = { diff: DIFF, failures: FAILURES, policyFindings: [], redact, model: "gpt-4o-mini" };

Deno.test("reviewPatch approves on a bare JSON verdict", async () => {
  await withFake(['{"verdict": "approve", "reasons": ["Minimal and correct"]}'], async (llm) => {
    const r = await reviewPatch({ ...base, llm });
    assert.equal(r.verdict, "approve");
    assert.deepEqual(r.reasons, ["Minimal and correct"]);
    assert.equal(r.source, "model");
    assert.ok(r.record && r.record.tokensIn > 0);
  });
});

Deno.test("reviewPatch reads a fenced verdict with prose around it", async () => {
  const reply =
    'Here is my review.\n```json\n{"verdict":"reject","reasons":["Deletes a test"]}\n```\nThanks';
  await withFake([reply], async (llm) => {
    const r = await reviewPatch({ ...base, llm });
    assert.equal(r.verdict, "reject");
    assert.deepEqual(r.reasons, ["Deletes a test"]);
  });
});

Deno.test("reviewPatch rejects an unparseable reply and says so", async () => {
  await withFake(["Looks good to me!"], async (llm) => {
    const r = await reviewPatch({ ...base, llm });
    assert.equal(r.verdict, "reject");
    assert.equal(r.source, "model");
    assert.match(r.reasons[0]!, /unparseable/);
    assert.match(r.reasons[0]!, /Looks good to me!/);
  });
});

Deno.test("reviewPatch rejects a verdict outside the contract", async () => {
  await withFake(['{"verdict": "maybe", "reasons": []}'], async (llm) => {
    const r = await reviewPatch({ ...base, llm });
    assert.equal(r.verdict, "reject");
    assert.match(r.reasons[0]!, /unparseable/);
  });
});

Deno.test("reviewPatch rejects on a policy error without calling the model", async () => {
  let called = 0;
  const llm: LlmPlugin = {
    complete: () => {
      called++;
      return Promise.reject(new Error("must not be called"));
    },
  };
  const r = await reviewPatch({
    ...base,
    llm,
    policyFindings: [
      { rule: "no-secrets", message: 'Adds a value like "AKIA…"', severity: "error" },
      { rule: "big-diff", message: "Touches 9 files", severity: "warning" },
    ],
  });
  assert.equal(called, 0);
  assert.equal(r.verdict, "reject");
  assert.equal(r.source, "policy");
  assert.deepEqual(r.reasons, ['Policy rule "no-secrets": Adds a value like "AKIA…"']);
  assert.equal(r.record, undefined);
});

Deno.test("reviewPatch approves with source none when no reviewer is configured", async () => {
  const r = await reviewPatch({ diff: DIFF, failures: FAILURES, policyFindings: [], redact });
  assert.equal(r.verdict, "approve");
  assert.equal(r.source, "none");
  assert.match(r.reasons[0]!, /only the policy engine reviewed/);
});

Deno.test("reviewPatch sends the checklist, the patch and warnings, redacted", async () => {
  await withFake(['{"verdict":"approve","reasons":[]}'], async (llm, requests) => {
    const r = await reviewPatch({
      ...base,
      llm,
      diff: DIFF + "+// password hunter2-secret\n",
      policyFindings: [{
        rule: "big-diff",
        message: "Touches hunter2-secret",
        severity: "warning",
      }],
    });
    assert.equal(r.verdict, "approve");
    assert.equal(r.reasons.length, 1);
    const sent = JSON.stringify(requests[0]);
    assert.ok(!sent.includes("hunter2-secret"), "a secret reached the model");
    assert.match(sent, /parameterised queries/);
    assert.match(sent, /return a \+ b;/);
    assert.match(sent, /big-diff/);
    assert.equal((requests[0] as { temperature: number }).temperature, 0);
  });
});

Deno.test("parseVerdict accepts bare, fenced and embedded JSON and refuses garbage", () => {
  assert.deepEqual(parseVerdict('{"verdict":"approve","reasons":["ok"]}'), {
    verdict: "approve",
    reasons: ["ok"],
  });
  assert.deepEqual(parseVerdict('```\n{"verdict": "Reject", "reasons": ["x"]}\n```'), {
    verdict: "reject",
    reasons: ["x"],
  });
  assert.deepEqual(parseVerdict('Verdict: {"verdict":"approve","reasons":["a {b}"]} done'), {
    verdict: "approve",
    reasons: ["a {b}"],
  });
  assert.deepEqual(parseVerdict('{"verdict":"approve"}'), { verdict: "approve", reasons: [] });
  assert.equal(parseVerdict("approve"), null);
  assert.equal(parseVerdict('{"verdict": "approve", "reasons": "fine"}'), null);
  assert.equal(parseVerdict('{"verdict": approve}'), null);
  assert.equal(parseVerdict(""), null);
});
