import assert from "node:assert/strict";
import type { GateResult } from "../../core/types.ts";
import { createView, failureHeadlines } from "../../gates/view.ts";
import { extractFailures } from "../../gates/failures.ts";

// Genuine `node --test` TAP output of a failing assertion (node 22).
const NODE_TEST = `TAP version 13
# Subtest: efficiency divides
not ok 1 - efficiency divides
  ---
  duration_ms: 1.798777
  location: '/srv/app/test/e.test.mjs:4:1'
  failureType: 'testCodeFailure'
  error: |-
    Expected values to be strictly equal:
    
    40 !== 2.5
    
  code: 'ERR_ASSERTION'
  name: 'AssertionError'
  expected: 2.5
  actual: 40
  operator: 'strictEqual'
  stack: |-
    TestContext.<anonymous> (file:///srv/app/test/e.test.mjs:4:43)
    Test.runInAsyncScope (node:async_hooks:206:9)
  ...
1..1
# tests 1
# suites 0
# pass 0
# fail 1
# cancelled 0
# skipped 0
# todo 0
# duration_ms 86.717122
`;

function result(output: string): GateResult {
  return {
    id: "test",
    name: "test",
    required: true,
    status: "failed",
    exitCode: 1,
    durationMs: 90,
    output,
    failures: extractFailures("test", output),
  };
}

Deno.test("failureHeadlines gives the test name, the assertion and file:line of a node:test failure", () => {
  const [line] = failureHeadlines(result(NODE_TEST));
  assert.equal(
    line,
    "efficiency divides: Expected values to be strictly equal: 40 !== 2.5 [ERR_ASSERTION] (/srv/app/test/e.test.mjs:4:1)",
  );
});

Deno.test("the plain view leads with the parsed failure, then the tail", () => {
  let text = "";
  const view = createView("plain", [], { write: (t) => (text += t) });
  view.finished(result(NODE_TEST));
  view.close();
  const headline = text.indexOf("✘ efficiency divides: Expected values");
  const tail = text.indexOf("| # duration_ms");
  assert.ok(headline > 0, text);
  assert.ok(tail > headline, text);
});
