import assert from "node:assert/strict";
import { passedLine } from "../../gates/extract_rules.ts";
import { extractChunks } from "../../gates/extract.ts";

function passed(line: string): boolean {
  const text = line + "\n";
  return passedLine(text, 0, text.length - 1);
}

Deno.test("passedLine recognises passing tests whose names hold error words", () => {
  for (
    const l of [
      "  ✔ handles error codes (1.2ms)",
      "\x1b[32m  ✓\x1b[39m rejects failover (3 ms)",
      "2026-03-14T09:00:00.0000000Z   ✓ maps errors (2 ms)",
      "ok 12 - reports error handling",
      "--- PASS: TestErrorPath (0.00s)",
      "ok  \texample.com/m/errors\t0.012s",
      "PASS src/errors.test.ts",
      "tests/test_errors.py::test_fail_safe PASSED",
      "[       OK ] ErrorTest.Handles (0 ms)",
    ]
  ) assert.equal(passed(l), true, l);
});

Deno.test("passedLine never hides a failure", () => {
  for (
    const l of [
      "  ✖ computes the ratio (2.1ms)",
      "not ok 3 - reports error handling",
      "--- FAIL: TestErrorPath (0.00s)",
      "FAIL src/errors.test.ts",
      "tests/test_errors.py::test_fail_safe FAILED",
      "error: expected ok, got error",
      "ok, so the build failed",
      "src/a.c:3:5: error: expected ';'",
    ]
  ) assert.equal(passed(l), false, l);
});

Deno.test("extractChunks finds the failure among passing tests named after errors", () => {
  const lines: string[] = [];
  for (let i = 0; i < 2000; i++) lines.push(`  ✔ handles error case ${i} (0.${i % 9}ms)`);
  lines.push(
    "  ✖ computes the efficiency ratio (2.1ms)",
    "    AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
    "    40 !== 2.5",
  );
  for (let i = 0; i < 2000; i++) lines.push(`ok ${i} - reports failover ${i}`);
  const [chunk] = extractChunks(lines.join("\n") + "\n");
  assert.ok(chunk, "a chunk");
  assert.ok(chunk.start <= 2002 && chunk.end >= 2002, `${chunk.start}-${chunk.end}`);
  assert.match(chunk.text, /40 !== 2\.5/);
});
