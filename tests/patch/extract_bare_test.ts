import assert from "node:assert/strict";
import { extractDiff, parsePatch } from "../../patch/patch.ts";

Deno.test("extractDiff reads a bare diff whole even when a changed file holds fenced diff blocks", () => {
  const diff = "--- a/README.md\n+++ b/README.md\n@@ -1,2 +1,6 @@\n # Title\n+```diff\n" +
    "+--- a/x\n+++++ b/x\n+```\n text\n--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n" +
    "@@ -1 +1 @@\n-on: push\n+on: [push]\n";
  const files = parsePatch(extractDiff(diff)!);
  assert.deepEqual(files.map((f) => f.newPath), ["README.md", ".github/workflows/ci.yml"]);
});
