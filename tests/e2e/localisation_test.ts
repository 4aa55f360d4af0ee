/**
 * Fault localisation end to end: a failing node:test test imports the module
 * that holds the bug; the fixer's first prompt must show that module, and no
 * path anywhere may name the run's internal worktree.
 */
import assert from "node:assert/strict";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  config,
  git,
  isReviewer,
  makeRepo,
  readReport,
  removeRepo,
  roles,
  runCli,
} from "./_helpers.ts";

// The bug: a ratio that multiplies. Far from the test, in another directory.
const EFFICIENCY = `// EFFICIENCY_IMPL: output per unit of input.
export function efficiency(output, input) {
  if (input === 0) return 0;
  return output * input;
}
`;
const TEST = `import { test } from "node:test";
import assert from "node:assert/strict";
import { efficiency } from "../src/efficiency.js";

test("efficiency divides output by input", () => {
  assert.equal(efficiency(10, 4), 2.5);
});
`;
const FIX = `Summary: efficiency() divides output by input

\`\`\`diff
--- a/src/efficiency.js
+++ b/src/efficiency.js
@@ -2,4 +2,4 @@
 export function efficiency(output, input) {
   if (input === 0) return 0;
-  return output * input;
+  return output / input;
 }
\`\`\`
`;

Deno.test("run shows the fixer the imported module that holds the bug, with repository-relative paths only", async () => {
  const repo = await makeRepo({
    "package.json": JSON.stringify({ name: "app", version: "1.0.0", type: "module" }),
    "src/efficiency.js": EFFICIENCY,
    "test/efficiency.test.js": TEST,
    "fleet-orch.yaml": config({ test: "node --test test/" }),
  });
  const fake = await startFakeOpenAi(roles(() => FIX));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    const requests = fake.requests as { messages: { role: string; content: string }[] }[];
    const first = requests.find((q) => !isReviewer(q));
    assert.ok(first, "the fixer was asked");
    const prompt = first.messages.map((m) => m.content).join("\n");
    assert.match(prompt, /### src\/efficiency\.js/);
    assert.ok(prompt.includes("EFFICIENCY_IMPL"), "the imported module's code is shown");
    assert.ok(prompt.includes("return output * input;"), "the buggy line is shown");
    // No absolute path: not the worktree, not the repository.
    const everything = JSON.stringify(fake.requests);
    assert.ok(
      !everything.includes(".git/fleet-orch/worktrees"),
      "a worktree path reached the model",
    );
    assert.ok(!everything.includes(repo), "an absolute repository path reached the model");
    // The report's failures name files relative to the repository.
    const failures = (report.iterations[0] as unknown as {
      failures: { file?: string; message: string; excerpt: string }[];
    }).failures;
    assert.ok(failures.length > 0);
    for (const f of failures) {
      assert.ok(!f.file || !f.file.startsWith("/"), `absolute file in the report: ${f.file}`);
      assert.ok(!f.excerpt.includes(".git/fleet-orch/worktrees"), f.excerpt);
    }
    // Only the line that says where the run works names the worktree.
    const named = r.stderr.split("\n").filter((l) => l.includes(".git/fleet-orch/worktrees/"));
    assert.ok(named.every((l) => l.startsWith("Working on branch")), named.join("\n"));
    assert.match(await git(repo, `show ${report.workBranch}:src/efficiency.js`), /output \/ input/);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
