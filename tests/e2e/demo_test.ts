/**
 * The README's first command, `deno task demo`, end to end with a model: the
 * demo script runs against a scripted OpenAI-compatible server on loopback
 * that answers like a model would (a diff for the lint error, one for the
 * failing test), so the whole heal — recipe, fixer, reviewer, re-runs — is
 * exercised on the real example app.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import { exec, roles } from "./_helpers.ts";
import { shellJoin } from "../../core/exec.ts";

const DEMO = fileURLToPath(new URL("../../examples/demo.ts", import.meta.url));

const LINT_FIX = `Summary: interval is never reassigned, so declare it with const

\`\`\`diff
--- a/src/fleet.ts
+++ b/src/fleet.ts
@@ -8,4 +8,4 @@
 export function dueForService(vehicles: Vehicle[]): string[] {
-  let interval = 5000;
+  const interval = 5000;
   return vehicles.filter((v) => v.miles >= interval).map((v) => v.id);
 }
\`\`\``;

// Wrong line numbers on purpose: real models get them wrong.
const TEST_FIX = `Summary: average() divided by length + 1

The mean divides the total by the number of values.

\`\`\`diff
--- a/src/stats.ts
+++ b/src/stats.ts
@@ -1,6 +1,6 @@
   let total = 0;
   for (const v of values) total += v;
-  return total / (values.length + 1);
+  return total / values.length;
 }
\`\`\``;

Deno.test("deno task demo heals the example app end to end with a model", async () => {
  const fake = await startFakeOpenAi(roles((req) => {
    const prompt = JSON.stringify(req.messages);
    return prompt.includes("prefer-const") ? LINT_FIX : TEST_FIX;
  }));
  try {
    const r = await exec.run(`${shellJoin([Deno.execPath(), "run", "-A", DEMO])} 2>&1`, {
      env: { OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-demo-test", NO_COLOR: "1" },
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /Stopped after [\d.]+ s: success/);
    assert.match(r.output, /deno-fmt: Formatted/);
    assert.match(r.output, /llm:gpt-4o-mini: interval is never reassigned/);
    assert.match(r.output, /llm:gpt-4o-mini: average\(\) divided by length \+ 1/);
    for (const gate of ["fmt", "lint", "test"]) {
      assert.match(r.output, new RegExp(`gate ${gate}: passed`));
    }
  } finally {
    await fake.close();
  }
});
