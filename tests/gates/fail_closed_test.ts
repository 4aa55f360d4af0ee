import assert from "node:assert/strict";
import { planGates } from "../../gates/plan.ts";
import { failsBuild, runGates } from "../../gates/runner.ts";
import { gatesGreen } from "../../orchestrator/check.ts";
import { mergeGates } from "../../orchestrator/state.ts";
import { allowAll, inTempDir } from "./_helpers.ts";

const exec = allowAll();

Deno.test("runGates an optional failure does not hold back the required gates after it", async () => {
  await inTempDir(async (dir) => {
    const steps = planGates({
      quality_gates: {
        lint: { command: "exit 1", required: false },
        test: { command: "touch tested; exit 2" },
      },
    });
    const results = await runGates(steps, { exec, repoRoot: dir, view: "silent" });
    assert.deepEqual(results.map((r) => r.status), ["failed", "failed"]);
    await Deno.stat(`${dir}/tested`);
    assert.equal(gatesGreen(steps, results), false);
  });
});

Deno.test("gatesGreen a required gate skipped because a needed step failed is failing", async () => {
  await inTempDir(async (dir) => {
    const steps = planGates({
      quality_gates: {
        lint: { command: "exit 1", required: false },
        build: { command: "exit 1" },
        test: { command: "true" },
      },
    });
    const results = await runGates(steps, { exec, repoRoot: dir, view: "silent" });
    assert.deepEqual(results.map((r) => r.status), ["failed", "failed", "skipped"]);
    assert.equal(failsBuild(results[2]!), true);
    // Even without the failing build in the list, the unrun test alone is red.
    assert.equal(gatesGreen(steps, [results[0]!, results[2]!]), false);
  });
});

Deno.test("gatesGreen skips with no reason to run (--only, if: failure()) stay green", async () => {
  await inTempDir(async (dir) => {
    const steps = planGates({
      steps: [
        { id: "ok", run: "true" },
        { id: "other", run: "exit 1" },
        { id: "on_failure", run: "true", needs: "ok", if: "failure()" },
      ],
    });
    const results = await runGates(steps, {
      exec,
      repoRoot: dir,
      view: "silent",
      only: ["ok", "on_failure"],
    });
    assert.deepEqual(results.map((r) => r.status), ["passed", "skipped", "skipped"]);
    assert.ok(results.slice(1).every((r) => r.notApplicable === true));
    assert.equal(gatesGreen(steps, results), true);
  });
});

Deno.test("gatesGreen a gate not run because the run was aborted is failing", async () => {
  const steps = planGates({ quality_gates: { test: { command: "true" } } });
  const ac = new AbortController();
  ac.abort();
  const results = await runGates(steps, {
    exec,
    repoRoot: ".",
    view: "silent",
    signal: ac.signal,
  });
  assert.equal(results[0]!.status, "skipped");
  assert.equal(gatesGreen(steps, results), false);
});

Deno.test("mergeGates a gate blocked in a re-run replaces its earlier pass", () => {
  const base = { name: "t", required: true, exitCode: 0, durationMs: 1, output: "", failures: [] };
  const prev = [
    { ...base, id: "build", status: "passed" as const },
    { ...base, id: "test", status: "passed" as const },
    { ...base, id: "lint", status: "passed" as const },
  ];
  const next = [
    { ...base, id: "build", status: "failed" as const, exitCode: 1 },
    { ...base, id: "test", status: "skipped" as const, exitCode: null },
    { ...base, id: "lint", status: "skipped" as const, exitCode: null, notApplicable: true },
  ];
  assert.deepEqual(mergeGates(prev, next).map((g) => g.status), ["failed", "skipped", "passed"]);
});
