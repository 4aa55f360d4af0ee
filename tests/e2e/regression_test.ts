import assert from "node:assert/strict";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import { git, isReviewer, makeRepo, readReport, removeRepo, roles, runCli } from "./_helpers.ts";

// Prints one tsc-style error per line of a.txt; passes when a.txt is "fixed".
const GATE = `#!/usr/bin/env bash
if [ "$(cat a.txt)" = fixed ]; then exit 0; fi
while read -r l; do echo "src/x.ts(1,1): error TS1005: $l expected"; done < a.txt
exit 1
`;

const WORSE = `Summary: add a line
\`\`\`diff
--- a/a.txt
+++ b/a.txt
@@ -1 +1,2 @@
 broken
+worse
\`\`\``;

const FIX = `Summary: say fixed
\`\`\`diff
--- a/a.txt
+++ b/a.txt
@@ -1 +1 @@
-broken
+fixed
\`\`\``;

Deno.test("run reverts a patch that fixed nothing and broke something new, then goes on", async () => {
  const repo = await makeRepo({
    "a.txt": "broken\n",
    "gate.sh": GATE,
    "fleet-orch.yaml": `agents:
  orchestrator: { max_iterations: 4, max_no_progress_iterations: 3 }
  codex: { provider: openai, model: gpt-4o, max_retries: 0 }
  jules: { provider: openai, model: gpt-4o, max_retries: 0 }
quality_gates:
  compile: { command: "bash gate.sh", timeout: 60 }
`,
  });
  let fixerCalls = 0;
  const fake = await startFakeOpenAi(roles(() => (++fixerCalls === 1 ? WORSE : FIX)));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    assert.equal(report.iterations.length, 2);
    const branch = report.workBranch!;
    const log = await git(repo, `log --format=%s main..${branch}`);
    assert.match(log, /^Revert "fleet-orch: add a line"/m);
    assert.equal((await git(repo, `show ${branch}:a.txt`)).trim(), "fixed");
    // The second prompt told the fixer why the first attempt was undone.
    const fixerRequests = fake.requests.filter((q) =>
      !isReviewer(q as Parameters<typeof isReviewer>[0])
    );
    assert.equal(fixerRequests.length, 2);
    const second = JSON.stringify(fixerRequests[1]);
    assert.match(second, /reverted/);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
