/**
 * Fault localisation end to end beyond JavaScript: a failing Python test
 * imports a package whose `__init__` re-exports the function with the bug
 * from a submodule the failure never names. The scripted fake model captures
 * the fixer's first prompt: it must show that submodule by its
 * repository-relative path, and no absolute path may reach the model.
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

const PRICING = `# PRICING_IMPL: the total of a basket.
def total(prices):
    return sum(prices) + 1
`;
const TEST = `import unittest

from shop import total


class TotalTest(unittest.TestCase):
    def test_total_adds_prices(self):
        self.assertEqual(total([2, 3]), 5)
`;
const FIX = `Summary: total() adds the prices and nothing else

\`\`\`diff
--- a/shop/pricing.py
+++ b/shop/pricing.py
@@ -1,3 +1,3 @@
 # PRICING_IMPL: the total of a basket.
 def total(prices):
-    return sum(prices) + 1
+    return sum(prices)
\`\`\`
`;

Deno.test("run shows the fixer the Python submodule behind a package re-export, repository-relative", async () => {
  const repo = await makeRepo({
    "shop/__init__.py": "from .pricing import total\n",
    "shop/pricing.py": PRICING,
    "shop/currency.py": "CODE = 'EUR'\n",
    "tests/__init__.py": "",
    "tests/test_total.py": TEST,
    ".gitignore": "__pycache__/\n",
    "fleet-orch.yaml": config({ test: "python3 -m unittest discover -s tests -t ." }),
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
    const windows = prompt.split("## Files the failures point at\n")[1]?.split("\n## ")[0] ?? "";
    assert.match(windows, /### shop\/pricing\.py /);
    assert.ok(windows.includes("PRICING_IMPL"), "the submodule's code is shown");
    assert.ok(windows.includes("return sum(prices) + 1"), "the buggy line is shown");
    const everything = JSON.stringify(fake.requests);
    assert.ok(
      !everything.includes(".git/fleet-orch/worktrees"),
      "a worktree path reached the model",
    );
    assert.ok(!everything.includes(repo), "an absolute repository path reached the model");
    assert.match(
      await git(repo, `show ${report.workBranch}:shop/pricing.py`),
      /return sum\(prices\)\n/,
    );
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
