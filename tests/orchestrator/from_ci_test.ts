import assert from "node:assert/strict";
import { UsageError } from "../../core/errors.ts";
import type { GateStep } from "../../gates/plan.ts";
import { checkFromCi, ciRunId, gatesFromCiLog } from "../../orchestrator/from_ci.ts";

function step(id: string, run: string, more: Partial<GateStep> = {}): GateStep {
  return {
    id,
    name: id,
    run,
    with: {},
    env: {},
    timeoutMs: 60_000,
    continueOnError: false,
    required: true,
    condition: "success",
    needs: [],
    ...more,
  };
}

const STEPS = [
  step("install", "npm ci"),
  step("lint", "npx eslint ."),
  step("test", "npm test"),
  step("audit", "npm audit", { required: false }),
];

Deno.test("gatesFromCiLog: the gates whose commands failed in the log, each with its part", () => {
  const log = [
    "##[group]Run npm ci",
    "added 10 packages",
    "##[group]Run npx eslint .",
    "/src/a.js",
    "  3:7  error  'x' is assigned a value but never used  no-unused-vars",
    "##[error]Process completed with exit code 1.",
    "##[group]Run npm test",
    "src/a.test.ts(4,1): error TS2322: Type 'string' is not assignable to type 'number'.",
  ].join("\n");
  const gates = gatesFromCiLog(STEPS, log, "/run/logs/ci-1.log");
  assert.deepEqual(gates.map((g) => [g.id, g.status]), [
    ["install", "skipped"], // it ran and passed in CI: not marked, not re-run first
    ["lint", "failed"],
    ["test", "failed"],
    ["audit", "skipped"],
  ]);
  const test = gates.find((g) => g.id === "test")!;
  assert.equal(test.failures[0]?.code, "TS2322");
  assert.ok(test.failures.every((f) => f.gate === "test"));
  assert.ok(!test.output.includes("no-unused-vars"), "only its own part of the log");
  assert.equal(test.logFile, "/run/logs/ci-1.log");
  assert.equal(gates.find((g) => g.id === "audit")!.notApplicable, true);
});

Deno.test("gatesFromCiLog: a log that names no command goes to the first required gate", () => {
  const gates = gatesFromCiLog(STEPS, "FAIL src/x.test.js\n  ● adds\n", "/l");
  assert.equal(gates[0]!.status, "failed");
  assert.ok(gates[0]!.failures.length > 0);
  assert.ok(gates.slice(1).every((g) => g.status === "skipped" && g.notApplicable));
});

Deno.test("ciRunId: --ci-run-id, GitHub workflow_run payload, Azure BUILD_BUILDID", async () => {
  const read = (p: string) =>
    p === "/e.json"
      ? Promise.resolve(JSON.stringify({ workflow_run: { id: 9001 } }))
      : Promise.reject(new Error("no such file"));
  assert.equal(await ciRunId({}, "12", read), "12");
  assert.equal(
    await ciRunId(
      { GITHUB_EVENT_NAME: "workflow_run", GITHUB_EVENT_PATH: "/e.json" },
      undefined,
      read,
    ),
    "9001",
  );
  assert.equal(await ciRunId({ BUILD_BUILDID: "345" }, undefined, read), "345");
  await assert.rejects(() => ciRunId({}, undefined, read), UsageError);
  await assert.rejects(() => ciRunId({}, "-1", read), /positive integer/);
  await assert.rejects(
    () => ciRunId({ GITHUB_EVENT_NAME: "workflow_run", GITHUB_EVENT_PATH: "/x" }, undefined, read),
    /cannot read the event payload/,
  );
  await assert.rejects(() => checkFromCi(false, { BUILD_BUILDID: "1" }), /configure "vcs:"/);
});
