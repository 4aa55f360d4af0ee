/**
 * The seed's headline failure: a build killed for memory. The node-heap
 * recipe raises the heap through .npmrc, with no model, and the build passes.
 */
import assert from "node:assert/strict";
import { config, git, makeRepo, readReport, removeRepo, runCli } from "./_helpers.ts";

// Fails like Node does when the heap limit is too small, unless npm passed a
// larger --max-old-space-size through NODE_OPTIONS.
const BUILD_JS = `const opts = process.env.NODE_OPTIONS ?? "";
const m = opts.match(/--max-old-space-size=(\\d+)/);
if (!m || Number(m[1]) < 4096) {
  console.error("<--- Last few GCs --->");
  console.error("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory");
  process.exit(134);
}
console.log("built with a heap of " + m[1] + " MB");
`;

Deno.test("run fixes a JavaScript heap OOM in an npm build by recipe, without a model", async () => {
  const repo = await makeRepo({
    "package.json": JSON.stringify({
      name: "app",
      version: "1.0.0",
      scripts: { build: "node build.js" },
    }),
    "build.js": BUILD_JS,
    "fleet-orch.yaml": config({ build: "npm run build" }),
  });
  try {
    const r = await runCli(repo, [], { env: { npm_config_update_notifier: "false" } });
    assert.equal(r.code, 0, r.stderr);
    const report = await readReport(r);
    assert.equal(report.stopReason, "success");
    assert.equal(report.iterations[0]!.proposal!.source, "node-heap");
    assert.match(
      await git(repo, `show ${report.workBranch}:.npmrc`),
      /node-options=.*--max-old-space-size=\d+/,
    );
  } finally {
    await removeRepo(repo);
  }
});
