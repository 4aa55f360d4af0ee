import assert from "node:assert/strict";
import { join } from "node:path";
import { startFakeOpenAi } from "../fakes/openai_server.ts";
import {
  config,
  git,
  makeRepo,
  readReport,
  refState,
  removeRepo,
  roles,
  runCli,
} from "./_helpers.ts";

const ADD_TS = `export function add(a: number, b: number): number {
  // Sum of two numbers.
  return a - b;
}
`;
const ADD_TEST = `import assert from "node:assert/strict";
import { add } from "./add.ts";

Deno.test("add sums", () => {
  assert.equal(add(2, 3), 5);
});
`;

// Wrong line numbers and counts, fenced, with prose around it.
const MALFORMED = `Summary: add() subtracted instead of adding

The test expects 5 but add() returns -1. Here is the fix:

\`\`\`diff
--- a/src/add.ts
+++ b/src/add.ts
@@ -14,9 +14,12 @@ export function add
 export function add(a: number, b: number): number {
   // Sum of two numbers.
-  return a - b;
+  return a + b;
 }
\`\`\`

This makes the test pass.`;

Deno.test("run applies a malformed but clear diff on the work branch and leaves the user's tree alone", async () => {
  const repo = await makeRepo({
    "src/add.ts": ADD_TS,
    "src/add_test.ts": ADD_TEST,
    "fleet-orch.yaml": config({ test: "deno test -q --no-check src/" }),
  });
  const fake = await startFakeOpenAi(roles(() => MALFORMED));
  try {
    const before = await refState(repo, false);
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    assert.equal(report.iterations.length, 1);
    const it = report.iterations[0]!;
    assert.ok(it.commit, "the fix was committed");
    assert.equal(it.review?.verdict, "approve");
    // The work branch holds the fix; HEAD, index and working tree are as they were.
    const branch = report.workBranch!;
    assert.match(branch, /^fleet-orch\/fix-/);
    assert.equal((await git(repo, `rev-parse ${branch}`)).trim(), it.commit);
    assert.match(await git(repo, `show ${branch}:src/add.ts`), /return a \+ b;/);
    const message = await git(repo, `log -1 --format=%B ${branch}`);
    assert.match(message, /Gate: test/);
    assert.match(message, /Iteration: 1/);
    assert.equal(await refState(repo, false), before);
    assert.equal(await Deno.readTextFile(join(repo, "src/add.ts")), ADD_TS);
    // The backup branch marks the starting point.
    assert.match(report.backupBranch!, /^backup\/pre-orchestration-\d{8}_\d{6}/);
    assert.equal(
      (await git(repo, `rev-parse ${report.backupBranch}`)).trim(),
      (await git(repo, "rev-parse main")).trim(),
    );
    // The worktree is gone.
    assert.equal((await git(repo, "worktree list --porcelain")).match(/^worktree /gm)?.length, 1);
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});

Deno.test("run applies a patch with a new file and headers without a/ b/ prefixes", async () => {
  const gate = `#!/usr/bin/env bash
set -e
test -f src/limits.ts || { echo "FAIL src/limits.ts is missing"; exit 1; }
grep -q 'import { MAX } from "./limits.ts";' src/app.ts || { echo "FAIL src/app.ts does not use MAX"; exit 1; }
echo ok
`;
  const repo = await makeRepo({
    "src/app.ts":
      "const MAX = 10;\n\nexport function clamp(n: number): number {\n  return Math.min(n, MAX);\n}\n",
    "check.sh": gate,
    "fleet-orch.yaml": config({ limits: "bash check.sh" }),
  });
  const reply = `Summary: move MAX to its own module

--- src/app.ts
+++ src/app.ts
@@ -1,3 +1,3 @@
-const MAX = 10;
+import { MAX } from "./limits.ts";
 
 export function clamp(n: number): number {
--- /dev/null
+++ src/limits.ts
@@ -0,0 +1 @@
+export const MAX = 10;
`;
  const fake = await startFakeOpenAi(roles(() => reply));
  try {
    const r = await runCli(repo, [], { baseUrl: fake.url });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    const branch = report.workBranch!;
    assert.equal(await git(repo, `show ${branch}:src/limits.ts`), "export const MAX = 10;\n");
    assert.match(
      await git(repo, `show ${branch}:src/app.ts`),
      /^import \{ MAX \} from "\.\/limits\.ts";\n\nexport function clamp/,
    );
    assert.equal(await git(repo, `ls-files src`), "src/app.ts\n");
    assert.ok(!(await Deno.stat(join(repo, "src/limits.ts")).catch(() => null)));
  } finally {
    await fake.close();
    await removeRepo(repo);
  }
});
