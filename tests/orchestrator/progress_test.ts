import assert from "node:assert/strict";
import type { Failure, GateResult } from "../../core/types.ts";
import {
  compareProgress,
  currentFailures,
  failingFingerprints,
} from "../../orchestrator/progress.ts";

function failure(fingerprint: string): Failure {
  return { gate: "g", tool: "tsc", message: fingerprint, excerpt: "", fingerprint };
}

function gate(
  id: string,
  status: GateResult["status"],
  failures: Failure[] = [],
  required = true,
): GateResult {
  return {
    id,
    name: id,
    command: "x",
    required,
    status,
    exitCode: status === "passed" ? 0 : 1,
    durationMs: 1,
    output: `tail of ${id}`,
    failures,
  };
}

Deno.test("failingFingerprints counts required gates that did not pass, and only those", () => {
  const prints = failingFingerprints([
    gate("build", "failed", [failure("a"), failure("b")]),
    gate("lint", "failed", [failure("optional")], false),
    gate("test", "passed"),
    // A required step that never ran keeps the build red (fail closed)...
    gate("e2e", "skipped"),
    // ...unless it had no reason to run.
    { ...gate("deploy", "skipped"), notApplicable: true },
  ]);
  assert.deepEqual([...prints].sort(), ["a", "b", "gate:e2e:skipped"]);
});

Deno.test("failingFingerprints gives a failing gate without parsed failures a fingerprint", () => {
  // Otherwise a gate that still fails but whose output parses to nothing
  // would look fixed.
  assert.deepEqual([...failingFingerprints([gate("build", "timeout")])], ["gate:build:timeout"]);
  const [synthetic] = currentFailures([gate("build", "timeout")]);
  assert.equal(synthetic!.fingerprint, "gate:build:timeout");
  assert.equal(synthetic!.excerpt, "tail of build");
  assert.match(synthetic!.message, /Gate "build" timeout \(exit 1\)/);
});

Deno.test("compareProgress counts a fixed failure as progress even when a new one appears", () => {
  const verdict = compareProgress(new Set(["compile"]), new Set(["test"]));
  assert.deepEqual(verdict, {
    progress: true,
    regressed: false,
    fixed: ["compile"],
    introduced: ["test"],
  });
});

Deno.test("compareProgress calls new failures with nothing fixed a regression", () => {
  const same = compareProgress(new Set(["a"]), new Set(["a"]));
  assert.equal(same.progress, false);
  assert.equal(same.regressed, false);
  const worse = compareProgress(new Set(["a"]), new Set(["a", "b"]));
  assert.equal(worse.progress, false);
  assert.equal(worse.regressed, true);
  assert.deepEqual(worse.introduced, ["b"]);
});
