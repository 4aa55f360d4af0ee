import assert from "node:assert/strict";
import { planGates } from "../../gates/plan.ts";
import { runGates } from "../../gates/runner.ts";
import { allowAll, inTempDir } from "./_helpers.ts";

const exec = allowAll();

Deno.test("runGates keeps running the test gate when a lint gate before it fails", async () => {
  await inTempDir(async (dir) => {
    const steps = planGates({
      quality_gates: {
        install: { command: "echo installed > installed.txt" },
        lint: { command: "echo 'src/a.js:1:1 error no-unused-vars'; exit 1" },
        test: { command: "test -f installed.txt && echo 'not ok 1 - adds' && exit 1" },
      },
    });
    assert.deepEqual(steps[2]!.needs, ["install"], "test still needs what lint needed");
    assert.deepEqual(steps[2]!.after, ["lint"]);
    const results = await runGates(steps, { exec, repoRoot: dir, view: "silent", jobs: 1 });
    assert.deepEqual(results.map((r) => r.status), ["passed", "failed", "failed"]);
    assert.match(results[2]!.output, /not ok 1 - adds/, "the test results are not hidden");
  });
});

Deno.test("planGates keeps the strict sequence after a build gate and with explicit needs", () => {
  const steps = planGates({
    quality_gates: {
      build: { command: "npm run build" },
      test: { command: "npm test" },
      lint: { command: "npm run lint" },
      e2e: { command: "npm run e2e", needs: "lint" },
    },
  });
  assert.deepEqual(steps[1]!.needs, ["build"]);
  assert.equal(steps[1]!.after, undefined);
  assert.deepEqual(steps[3]!.needs, ["lint"], "explicit needs: the strict sequence");
});

Deno.test("runGates skips a gate that explicitly needs a failed lint gate", async () => {
  await inTempDir(async (dir) => {
    const steps = planGates({
      quality_gates: {
        lint: { command: "exit 1" },
        test: { command: "echo ran", needs: "lint" },
      },
    });
    const results = await runGates(steps, { exec, repoRoot: dir, view: "silent" });
    assert.deepEqual(results.map((r) => r.status), ["failed", "skipped"]);
  });
});
