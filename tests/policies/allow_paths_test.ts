import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";

const POOL_DIFF = `diff --git a/azure-pipelines.yml b/azure-pipelines.yml
--- a/azure-pipelines.yml
+++ b/azure-pipelines.yml
@@ -3,2 +3,2 @@ jobs:
   - job: build
-    pool: { name: acr-4gb }
+    pool: { vmImage: ubuntu-latest }
`;

Deno.test("policy protects CI definitions by default and allow_paths lets one through", async () => {
  const strict = await loadPolicy({});
  assert.ok(strict.scan(POOL_DIFF).some((f) => f.category === "protected-path"));
  const allowing = await loadPolicy({ allowPaths: ["azure-pipelines.yml"] });
  assert.deepEqual(allowing.scan(POOL_DIFF).filter((f) => f.category === "protected-path"), []);
});

Deno.test("policy allow_paths lifts only the protection, never a secret finding", async () => {
  const diff = POOL_DIFF + `@@ -9,1 +9,2 @@
 variables:
+  TOKEN: ghp_0123456789abcdefghijABCDEFGHIJ012345
`;
  const allowing = await loadPolicy({ allowPaths: ["azure-pipelines.yml"] });
  const findings = allowing.scan(diff);
  assert.ok(findings.some((f) => f.category === "secret"), JSON.stringify(findings));
  assert.ok(!findings.some((f) => f.category === "protected-path"));
});
