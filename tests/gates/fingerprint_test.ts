import assert from "node:assert/strict";
import { extractFailures } from "../../gates/failures.ts";
import { fingerprintOf, normalizeForFingerprint } from "../../gates/fingerprint.ts";

Deno.test("normalizeForFingerprint removes timestamps, temp paths, durations and hex ids", () => {
  const a = normalizeForFingerprint(
    "2026-03-14T09:12:33.1234567Z /tmp/tmp.Xa81/build/a.ts:12:3 failed after 1.2s (commit 8d3f0c2b1e)",
  );
  const b = normalizeForFingerprint(
    "2026-03-15T17:01:02.7654321Z /tmp/tmp.Q9zz/build/a.ts:19:3 failed after 44ms (commit 77aa0c2b9f)",
  );
  assert.equal(a, b);
  assert.doesNotMatch(a, /tmp\.Xa81|1\.2s|8d3f0c2b1e/);
});

Deno.test("fingerprintOf is stable for the same failure and changes with the failure", () => {
  const x = fingerprintOf("tsc", "TS2322", "src/a.ts", "Type 'string' is not assignable");
  assert.equal(x, fingerprintOf("tsc", "TS2322", "src/a.ts", "Type 'string' is not assignable"));
  assert.notEqual(x, fingerprintOf("tsc", "TS2322", "src/b.ts", "Type 'string' is not assignable"));
  assert.notEqual(x, fingerprintOf("tsc", "TS2339", "src/a.ts", "Type 'string' is not assignable"));
  assert.match(x, /^tsc:[0-9a-f]{16}$/);
});

Deno.test("failure fingerprints survive line-number drift and rerun noise", () => {
  const run1 =
    "src/api.ts(42,7): error TS2322: Type 'number' is not assignable to type 'string'.\n";
  const run2 =
    "src/api.ts(57,7): error TS2322: Type 'number' is not assignable to type 'string'.\n";
  const run3 =
    "src/api.ts(57,7): error TS2322: Type 'boolean' is not assignable to type 'string'.\n";
  const [a] = extractFailures("t", run1);
  const [b] = extractFailures("t", run2);
  const [c] = extractFailures("t", run3);
  assert.equal(a!.fingerprint, b!.fingerprint);
  assert.notEqual(a!.fingerprint, c!.fingerprint);
});

Deno.test("generic failure fingerprints ignore timestamps and durations in the log", () => {
  const log = (ts: string, ms: string) =>
    `${ts} building\n${ts} FATAL: could not connect to database at 10.0.0.5 after ${ms}\n${ts} exit 1\n`;
  const [a] = extractFailures("db", log("2026-03-14T09:12:33.1Z", "3021ms"));
  const [b] = extractFailures("db", log("2026-03-14T10:00:01.9Z", "2980ms"));
  assert.equal(a!.tool, "generic");
  assert.equal(a!.fingerprint, b!.fingerprint);
});
