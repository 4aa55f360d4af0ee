import assert from "node:assert/strict";
import type { RunReport } from "../../report/types.ts";
import { runAnnotations, SUMMARY_MARKER, summaryComment } from "../../orchestrator/ci_feedback.ts";

function report(more: Partial<RunReport>): RunReport {
  return {
    runId: "r1",
    startedAt: "2026-12-04T00:00:00Z",
    finishedAt: "2026-12-04T00:01:00Z",
    repo: "/w/app",
    branch: "0123456789abcdef0123456789abcdef01234567",
    dryRun: false,
    stopReason: "success",
    exitCode: 0,
    iterations: [],
    gates: [],
    executions: { count: 0, durationMs: 0, byGate: {} },
    totals: { tokensIn: 10, tokensOut: 5, costUsd: 0.0012, durationMs: 1 },
    message: "All required gates pass",
    ...more,
  } as RunReport;
}

const failure = {
  gate: "tsc",
  tool: "tsc",
  file: "/w/app/.git/fleet-orch/worktrees/r1/src/a.ts",
  line: 3,
  message: "TS2322 at /w/app/.git/fleet-orch/worktrees/r1/src/a.ts",
  excerpt: "",
  fingerprint: "fp",
};

Deno.test("runAnnotations: remaining failures are errors with relative paths", () => {
  const a = runAnnotations(report({
    stopReason: "max_iterations",
    gates: [{
      id: "tsc",
      name: "tsc",
      required: true,
      status: "failed",
      exitCode: 1,
      durationMs: 1,
      output: "",
      failures: [failure],
    }],
  }));
  assert.deepEqual(a.map((x) => [x.level, x.file, x.line]), [["error", "src/a.ts", 3]]);
  assert.equal(a[0]!.message, "tsc: TS2322 at src/a.ts");
});

Deno.test("runAnnotations: a fixed run gives notices naming where the fix is", () => {
  const a = runAnnotations(report({
    iterations: [{
      index: 1,
      failures: [failure, failure],
      applied: true,
      gates: [],
      calls: [],
      durationMs: 1,
    }],
    delivery: {
      mode: "pr",
      target: "main",
      pullRequest: { url: "https://gh/acme/app/pull/3", number: 3, created: true },
    },
  } as Partial<RunReport>));
  assert.equal(a.length, 1, "one per fingerprint");
  assert.equal(a[0]!.level, "notice");
  assert.equal(a[0]!.file, "src/a.ts");
  assert.match(a[0]!.message, /Fixed by fleet-orch \(https:\/\/gh\/acme\/app\/pull\/3\)/);
  assert.ok(!a[0]!.message.includes("worktrees"));
});

Deno.test("summaryComment: marker first, result, failures, the fix, cost, the CI run", () => {
  const md = summaryComment(
    report({
      iterations: [{
        index: 1,
        failures: [failure],
        applied: true,
        commit: "abc",
        gates: [],
        calls: [],
        durationMs: 1,
      }],
      delivery: { mode: "push", target: "feature" },
    } as Partial<RunReport>),
    { GITHUB_RUN_ID: "77", GITHUB_REPOSITORY: "acme/app" },
  );
  assert.ok(md.startsWith(SUMMARY_MARKER + "\n"));
  assert.match(md, /### fleet-orch: fixed in 1 commit\(s\)/);
  assert.match(md, /- `tsc` `src\/a\.ts:3`: TS2322 at src\/a\.ts/);
  assert.match(md, /pushed onto `feature`/);
  assert.match(md, /\$0\.0012/);
  assert.match(md, /\(https:\/\/github\.com\/acme\/app\/actions\/runs\/77\)/);
  assert.ok(!md.includes("worktrees"));
});
