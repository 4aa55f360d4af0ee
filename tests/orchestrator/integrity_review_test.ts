// The review step with the oracle-integrity check: a denied finding rejects
// the patch before any reviewer call (an approving reviewer cannot override
// it), warnings reach the reviewer's prompt as facts, and a project's policy
// can allow a rule.
import assert from "node:assert/strict";
import type { LlmPlugin } from "../../core/plugin.ts";
import type { Failure } from "../../core/types.ts";
import { review } from "../../orchestrator/fix.ts";
import { loadPolicy } from "../../policies/engine.ts";

/** A reviewer model that approves everything and records its prompts. */
function approver(): { llm: LlmPlugin; prompts: string[] } {
  const prompts: string[] = [];
  const llm: LlmPlugin = {
    complete(req: Parameters<LlmPlugin["complete"]>[0]) {
      prompts.push(req.messages.map((m) => m.content).join("\n"));
      return Promise.resolve({
        text: '{"verdict": "approve", "reasons": ["looks fine"]}',
        record: {
          provider: "fake",
          model: "m",
          tokensIn: 1,
          tokensOut: 1,
          latencyMs: 0,
          costUsd: 0,
        },
      });
    },
  };
  return { llm, prompts };
}

const FAILURE: Failure = {
  gate: "test",
  tool: "node-test",
  file: "src/fuel_test.ts",
  line: 4,
  message: "Expected values to be strictly equal:\n\n1000 !== 10\n",
  excerpt: "",
  fingerprint: "f1",
};

const TAUTOLOGY = `--- a/src/fuel_test.ts
+++ b/src/fuel_test.ts
@@ -1,3 +1,3 @@
 test("fuel", () => {
-  assert.equal(fuelEfficiency(100, 10), 10);
+  assert.ok(true);
 });
`;

const EXPECTED = TAUTOLOGY.replace(
  "+  assert.ok(true);",
  "+  assert.equal(fuelEfficiency(100, 10), 1000);",
);

async function withDir<T>(
  files: Record<string, string>,
  fn: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "integrity-review-" });
  try {
    for (const [p, t] of Object.entries(files)) {
      await Deno.mkdir(`${dir}/${p.replace(/\/[^/]*$/, "")}`, { recursive: true });
      await Deno.writeTextFile(`${dir}/${p}`, t);
    }
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const ORIGINAL = {
  "src/fuel_test.ts": 'test("fuel", () => {\n  assert.equal(fuelEfficiency(100, 10), 10);\n});\n',
};

Deno.test("review rejects a denied integrity finding without asking an approving reviewer", async () => {
  const policy = await loadPolicy({});
  const { llm, prompts } = approver();
  await withDir(ORIGINAL, async (dir) => {
    const r = await review({
      proposal: { source: "llm:m", summary: "s", diff: TAUTOLOGY, calls: [] },
      failures: [FAILURE],
      policy,
      models: { reviewer: { llm, model: "m" } },
      redact: (t) => t,
      dir,
    });
    assert.equal(r.verdict, "reject");
    assert.equal(r.integrityDenied, true);
    assert.equal(r.forbidden, false);
    assert.match(
      r.reasons[0]!,
      /^Fix the code, not the test: src\/fuel_test\.ts:2 .*integrity\.tautology/,
    );
    assert.equal(prompts.length, 0, "the reviewer model was not consulted");
  });
});

Deno.test("review passes an integrity warning to the reviewer's prompt as a fact", async () => {
  const policy = await loadPolicy({});
  const { llm, prompts } = approver();
  await withDir(ORIGINAL, async (dir) => {
    const r = await review({
      proposal: { source: "llm:m", summary: "s", diff: EXPECTED, calls: [] },
      failures: [FAILURE],
      policy,
      models: { reviewer: { llm, model: "m" } },
      redact: (t) => t,
      dir,
    });
    assert.equal(r.verdict, "approve");
    assert.deepEqual(r.integrity.map((f) => [f.rule, f.action]), [[
      "integrity.expected-changed",
      "warn",
    ]]);
    assert.equal(prompts.length, 1);
    assert.match(
      prompts[0]!,
      /## Oracle integrity facts\n- warning integrity\.expected-changed at src\/fuel_test\.ts:2/,
    );
  });
});

Deno.test("review lets a project's policy allow an integrity rule and says so", async () => {
  const dir = await Deno.makeTempDir({ prefix: "integrity-policy-" });
  try {
    const file = `${dir}/policy.yaml`;
    await Deno.writeTextFile(file, "integrity:\n  integrity.tautology: allow\n");
    const policy = await loadPolicy({ file });
    const { llm, prompts } = approver();
    const r = await review({
      proposal: { source: "llm:m", summary: "s", diff: TAUTOLOGY, calls: [] },
      failures: [FAILURE],
      policy,
      models: { reviewer: { llm, model: "m" } },
      redact: (t) => t,
    });
    assert.equal(r.verdict, "approve");
    assert.deepEqual(r.integrity.map((f) => f.action), ["allow"]);
    assert.match(prompts[0]!, /allowed by the project's policy integrity\.tautology/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("publish lists integrity warnings and allowed findings in the PR body, not denials", async () => {
  const { integrityNotes } = await import("../../orchestrator/publish.ts");
  const base = { failures: [], applied: true, gates: [], calls: [], durationMs: 0 };
  const notes = integrityNotes([
    {
      ...base,
      index: 2,
      commit: "abc",
      integrity: [
        {
          rule: "integrity.expected-changed",
          action: "warn",
          file: "a_test.ts",
          line: 3,
          message: "m1",
        },
        { rule: "integrity.tautology", action: "allow", file: "a_test.ts", line: 4, message: "m2" },
        {
          rule: "integrity.test-skipped",
          action: "deny",
          file: "a_test.ts",
          line: 5,
          message: "m3",
        },
      ],
    },
  ]);
  assert.deepEqual(notes, [
    "",
    "Oracle integrity (review these before merging):",
    "- iteration 2: warning `integrity.expected-changed` at `a_test.ts:3`: m1",
    "- iteration 2: allowed by the policy `integrity.tautology` at `a_test.ts:4`: m2",
  ]);
  assert.deepEqual(integrityNotes([{ ...base, index: 1 }]), []);
});
