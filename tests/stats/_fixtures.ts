/**
 * Synthetic run reports for the stats tests: builders for calls, failures,
 * gates, iterations and whole reports, and writers that lay them out as run
 * folders the way `fleet-orch run` does.
 *
 * @module
 */

import { join } from "node:path";
import type { CallRecord, Failure, GateResult } from "../../core/types.ts";
import type { ReportIteration, RunReport } from "../../report/types.ts";
import { type LoadedRun, StatsReportSchema } from "../../stats/load.ts";

/**
 * A model call priced like the default table would (the tests set the cost).
 *
 * @param model Model name.
 * @param tokensIn Prompt tokens.
 * @param tokensOut Completion tokens.
 * @param costUsd Dollars.
 * @returns The record.
 */
export function call(
  model: string,
  tokensIn: number,
  tokensOut: number,
  costUsd: number,
): CallRecord {
  return { provider: "openai", model, tokensIn, tokensOut, latencyMs: 100, costUsd };
}

/**
 * A failure.
 *
 * @param gate Gate id.
 * @param tool Tool.
 * @param fingerprint Fingerprint.
 * @param extra More fields.
 * @returns The failure.
 */
export function failure(
  gate: string,
  tool: string,
  fingerprint: string,
  extra: Partial<Failure> = {},
): Failure {
  return {
    gate,
    tool,
    message: `${tool} failed (${fingerprint})`,
    excerpt: "",
    fingerprint,
    ...extra,
  };
}

/**
 * A gate result.
 *
 * @param id Gate id.
 * @param status Status.
 * @param failures Its failures.
 * @returns The result.
 */
export function gate(
  id: string,
  status: GateResult["status"],
  failures: Failure[] = [],
): GateResult {
  return {
    id,
    name: id,
    required: true,
    status,
    exitCode: status === "passed" ? 0 : 1,
    durationMs: 10,
    output: "",
    failures,
  };
}

/**
 * An iteration: a proposal from `source`, approved by the model, applied, and
 * the gate green afterwards unless told otherwise.
 *
 * @param failures The failures it set out to fix.
 * @param o Overrides.
 * @returns The iteration.
 */
export function iteration(failures: Failure[], o: Partial<ReportIteration> = {}): ReportIteration {
  const gates = [...new Set(failures.map((f) => f.gate))].map((g) => gate(g, "passed"));
  return {
    index: 1,
    failures,
    proposal: { source: "llm:gpt-4o", summary: "fix", diff: "--- a/x\n+++ b/x\n" },
    review: { verdict: "approve", reasons: ["ok"], source: "model" },
    applied: true,
    commit: "abc123",
    gates,
    calls: [call("gpt-4o", 5000, 500, 0.0175), call("gpt-4o", 3000, 50, 0.008)],
    durationMs: 1000,
    ...o,
  };
}

let _seq = 0;

/**
 * A run report; totals are computed from the iterations' calls.
 *
 * @param o Overrides (startedAt, stopReason, iterations, gates, …).
 * @returns The report.
 */
export function report(o: Partial<RunReport> = {}): RunReport {
  const iterations = o.iterations ?? [];
  const calls = iterations.flatMap((it) => it.calls);
  const startedAt = o.startedAt ?? "2026-11-01T10:00:00.000Z";
  const stopReason = o.stopReason ?? "success";
  return {
    runId: `run-${++_seq}-${crypto.randomUUID().slice(0, 4)}`,
    startedAt,
    finishedAt: new Date(Date.parse(startedAt) + 60_000).toISOString(),
    repo: "/tmp/repo",
    branch: "main",
    dryRun: false,
    stopReason,
    exitCode: stopReason === "success" ? 0 : 1,
    iterations,
    gates: [],
    totals: {
      tokensIn: calls.reduce((a, c) => a + c.tokensIn, 0),
      tokensOut: calls.reduce((a, c) => a + c.tokensOut, 0),
      costUsd: calls.reduce((a, c) => a + c.costUsd, 0),
      durationMs: 60_000,
    },
    message: "",
    ...o,
  };
}

/**
 * The same report as the loader returns it (validated, extra fields dropped).
 *
 * @param r The report.
 * @param candidateRounds Candidate rounds from its log.
 * @returns The loaded run.
 */
export function loaded(
  r: RunReport,
  candidateRounds: LoadedRun["candidateRounds"] = [],
): LoadedRun {
  return {
    report: StatsReportSchema.parse(r),
    file: `/runs/${r.runId}/report.json`,
    candidateRounds,
  };
}

/**
 * Write a run folder `<dir>/<run-id>/` with report.json (and orchestrator.log).
 *
 * @param dir The folder of run folders.
 * @param r The report.
 * @param log Text of orchestrator.log, when wanted.
 * @returns The report.json path.
 */
export async function writeRun(dir: string, r: RunReport, log?: string): Promise<string> {
  const runDir = join(dir, r.runId);
  await Deno.mkdir(runDir, { recursive: true });
  const file = join(runDir, "report.json");
  await Deno.writeTextFile(file, JSON.stringify(r, null, 2));
  if (log !== undefined) await Deno.writeTextFile(join(runDir, "orchestrator.log"), log);
  return file;
}

/**
 * A day `n` days after 2026-11-01, at 10:00 UTC.
 *
 * @param n Days.
 * @returns ISO time.
 */
export function day(n: number): string {
  return new Date(Date.parse("2026-11-01T10:00:00.000Z") + n * 86_400_000).toISOString();
}
