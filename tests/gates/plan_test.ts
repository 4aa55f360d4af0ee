import assert from "node:assert/strict";
import { ancestorsOf, planGates } from "../../gates/plan.ts";

Deno.test("planGates chains seed gates in file order with seed defaults", () => {
  const steps = planGates({
    quality_gates: {
      install: { command: "npm ci" },
      build: { command: "npm run build", timeout: 900, required: false, working_directory: "web" },
    },
  });
  assert.deepEqual(steps.map((s) => [s.id, s.needs]), [["install", []], ["build", ["install"]]]);
  assert.equal(steps[0]!.timeoutMs, 600_000);
  assert.equal(steps[1]!.timeoutMs, 900_000);
  assert.equal(steps[1]!.required, false);
  assert.equal(steps[1]!.cwd, "web");
});

Deno.test("planGates keeps actions steps independent unless they declare needs", () => {
  const steps = planGates({
    quality_gates: { install: { command: "npm ci" } },
    steps: [
      { id: "lint", run: "npm run lint", needs: "install" },
      { name: "Unit tests", run: "npm test", "timeout-minutes": 2, "continue-on-error": true },
      { id: "report", run: "echo done", if: "${{ always() }}" },
    ],
  });
  assert.deepEqual(steps.map((s) => s.id), ["install", "lint", "unit-tests", "report"]);
  assert.deepEqual(steps[1]!.needs, ["install"]);
  assert.deepEqual(steps[2]!.needs, []);
  assert.equal(steps[2]!.timeoutMs, 120_000);
  assert.equal(steps[2]!.continueOnError, true);
  assert.equal(steps[3]!.condition, "always");
  assert.deepEqual(steps[3]!.needs, ["install", "lint", "unit-tests"]);
});

Deno.test("planGates refuses an unknown needs id naming the step", () => {
  assert.throws(
    () => planGates({ steps: [{ id: "test", run: "x", needs: ["biuld"] }] }),
    /Step "test" needs "biuld", which is not a step/,
  );
});

Deno.test("planGates refuses a needs cycle and shows its path", () => {
  assert.throws(
    () =>
      planGates({
        steps: [
          { id: "a", run: "x", needs: "c" },
          { id: "b", run: "x", needs: "a" },
          { id: "c", run: "x", needs: "b" },
        ],
      }),
    /needs cycle: a -> c -> b -> a/,
  );
});

Deno.test("planGates refuses duplicate ids, run with uses, and unknown if expressions", () => {
  assert.throws(
    () => planGates({ quality_gates: { a: { command: "x" } }, steps: [{ id: "a", run: "y" }] }),
    /Step id "a" is used twice/,
  );
  assert.throws(() => planGates({ steps: [{ id: "a", run: "x", uses: "y" }] }), /exactly one/);
  assert.throws(
    () => planGates({ steps: [{ id: "a", run: "x", if: "github.ref == 'main'" }] }),
    /if "github.ref == 'main'" is not supported/,
  );
});

Deno.test("ancestorsOf follows needs transitively", () => {
  const steps = planGates({
    quality_gates: { a: { command: "x" }, b: { command: "x" }, c: { command: "x" } },
  });
  assert.deepEqual([...ancestorsOf(steps, "c")].sort(), ["a", "b"]);
});
