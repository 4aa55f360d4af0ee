/**
 * A run report with one of everything, for the renderer tests.
 *
 * @module
 */

import type { RunReport } from "../../report/types.ts";
import type { GateResult } from "../../core/types.ts";

/**
 * A gate result.
 *
 * @param name Gate name.
 * @param status Status.
 * @returns The result.
 */
export function gate(name: string, status: GateResult["status"]): GateResult {
  return {
    id: name,
    name,
    command: `npm run ${name}`,
    required: true,
    status,
    exitCode: status === "passed" ? 0 : 1,
    durationMs: 1500,
    output: "",
    failures: [],
  };
}

/**
 * A two-iteration report that ended green.
 *
 * @param overrides Fields to replace.
 * @returns The report.
 */
export function sampleReport(overrides: Partial<RunReport> = {}): RunReport {
  return {
    runId: "20260102-030405-abcd",
    startedAt: "2026-01-02T03:04:05.000Z",
    finishedAt: "2026-01-02T03:09:05.000Z",
    repo: "acme/fleet",
    branch: "main",
    workBranch: "fleet-orch/fix-20260102",
    backupBranch: "backup/pre-orchestration-20260102_030405",
    dryRun: false,
    stopReason: "success",
    exitCode: 0,
    iterations: [{
      index: 1,
      failures: [{
        gate: "build",
        tool: "tsc",
        file: "src/app.ts",
        line: 3,
        column: 7,
        code: "TS2322",
        message: "Type 'string' is not assignable to type 'number' <script>alert(1)</script>",
        excerpt: "",
        fingerprint: "f1",
      }],
      proposal: {
        source: "llm:gpt-4o",
        summary: "Fix the | type of `count`",
        diff:
          '--- a/src/app.ts\n+++ b/src/app.ts\n@@ -3 +3 @@\n-const n: number = "1";\n+const n: number = 1;\n// ```\n',
      },
      review: { verdict: "approve", reasons: ["Minimal change"], source: "llm:gpt-4o-mini" },
      applied: true,
      commit: "0123456789abcdef0123",
      gates: [gate("build", "passed"), gate("test", "failed")],
      calls: [{
        provider: "openai",
        model: "gpt-4o",
        tokensIn: 1200,
        tokensOut: 300,
        latencyMs: 900,
        costUsd: 0.0123,
      }],
      durationMs: 65_000,
    }],
    gates: [gate("build", "passed"), gate("test", "passed")],
    verification: {
      environment: "staging",
      ok: true,
      results: [{
        target: "health: https://staging.example/health",
        ok: true,
        message: "Status 200",
        durationMs: 42,
      }],
    },
    totals: { tokensIn: 1200, tokensOut: 300, costUsd: 0.0123, durationMs: 300_000 },
    message: "All required gates pass after 1 fix",
    ...overrides,
  };
}
