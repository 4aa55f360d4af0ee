import assert from "node:assert/strict";
import { classifyExit, countsAsSuccess, type ExitFacts } from "../../gates/classify.ts";

const facts = (over: Partial<ExitFacts>): ExitFacts => ({
  code: 1,
  timedOut: false,
  aborted: false,
  output: "",
  ...over,
});

Deno.test("classifyExit lets the executor's timeout win over a kill exit code", () => {
  assert.equal(classifyExit(facts({ code: 137, timedOut: true, output: "Killed" })), "timeout");
  assert.equal(classifyExit(facts({ code: 124 })), "timeout");
});

Deno.test("classifyExit reads out-of-memory deaths from the code and the words", () => {
  assert.equal(classifyExit(facts({ code: 137, output: "bash: line 1: 42 Killed node x" })), "oom");
  assert.equal(
    classifyExit(facts({ code: 134, output: "FATAL ERROR: JavaScript heap out of memory" })),
    "oom",
  );
  // 137 without the shell's word is a kill by someone else, not memory.
  assert.equal(classifyExit(facts({ code: 137, output: "terminated" })), "failed");
});

Deno.test("classifyExit tells passed, not-found, failed and aborted apart", () => {
  assert.equal(classifyExit(facts({ code: 0 })), "passed");
  assert.equal(classifyExit(facts({ code: 127, output: "x: command not found" })), "not-found");
  assert.equal(classifyExit(facts({ code: 2 })), "failed");
  assert.equal(classifyExit(facts({ code: 0, aborted: true })), "error");
});

Deno.test("countsAsSuccess honours continue-on-error but never for a skipped step", () => {
  assert.equal(countsAsSuccess("passed", false), true);
  assert.equal(countsAsSuccess("failed", false), false);
  assert.equal(countsAsSuccess("failed", true), true);
  assert.equal(countsAsSuccess("skipped", true), false);
});
