/**
 * fleet-orch as a library: run the orchestration or the gates of a
 * repository, judge commands and scan patches with the policy engine, find
 * the failure in a build log, apply a model's diff, and define plugins.
 * Plugin authors who need only the plugin shape import the lighter
 * `@fleet-orch/fleet-orch/plugin` entry instead.
 *
 * @example Judge a command line and scan a patch
 * ```ts
 * import { loadPolicy } from "./mod.ts";
 *
 * const policy = await loadPolicy();
 * console.assert(!policy.judgeCommand("rm -rf /").allowed);
 * console.assert(policy.judgeCommand("npm ci").allowed);
 * const findings = policy.scan(
 *   "--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n@@ -1 +1 @@\n-a\n+b\n",
 * );
 * console.assert(findings.some((f) => f.category === "protected-path"));
 * ```
 *
 * @example Find the failure in a build log
 * ```ts
 * import { extractChunks } from "./mod.ts";
 *
 * const [chunk] = extractChunks("npm test\nsrc/a.ts(3,7): error TS2322: Type 'string' is not assignable\n");
 * console.assert(chunk?.start === 2 && chunk.kind === "compile");
 * ```
 *
 * @example Apply a model's reply to files, all hunks or none
 * ```ts
 * import { applyPatch } from "./mod.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/a.txt`, "one\ntwo\nthree\n");
 * const fence = "`".repeat(3);
 * const reply = `Fixed:\n${fence}diff\n--- a/a.txt\n+++ b/a.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three\n${fence}`;
 * const result = await applyPatch(reply, { cwd: dir });
 * console.assert(result.ok);
 * console.assert(await Deno.readTextFile(`${dir}/a.txt`) === "one\n2\nthree\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @example Define a plugin
 * ```ts
 * import { definePlugin } from "./mod.ts";
 * import { z } from "zod";
 *
 * const stdout = definePlugin({
 *   kind: "notifier",
 *   name: "stdout",
 *   description: "Prints the run summary",
 *   options: z.strictObject({}),
 *   create: () => ({ notify: (s) => Promise.resolve(console.log(s.markdown)) }),
 * });
 * console.assert(stdout.kind === "notifier");
 * ```
 *
 * @module
 */

// Plugins: the shape of every kind, and the domain types they exchange.
export { definePlugin, PLUGIN_API_VERSION, PLUGIN_KINDS } from "./core/plugin.ts";
export type {
  Annotation,
  FixerPlugin,
  GatePlugin,
  LlmPlugin,
  NotifierPlugin,
  OptionsIssue,
  OptionsOf,
  OptionsResult,
  OptionsSchema,
  PluginContext,
  PluginDefinition,
  PluginInstances,
  PluginKind,
  PullRequestInput,
  PullRequestRef,
  RunSummary,
  VcsPlugin,
  VerifierPlugin,
} from "./core/plugin.ts";
export type {
  CallRecord,
  ChatMessage,
  CompletionRequest,
  CompletionResponse,
  Failure,
  FixProposal,
  GateResult,
  GateStatus,
  VerificationResult,
} from "./core/types.ts";
export type { Logger, LogLevel } from "./core/log.ts";
export type {
  CommandJudge,
  CommandJudgement,
  ExecutorOptions,
  InteractiveProcess,
  RunOptions,
  RunResult,
  SandboxOptions,
  ShellExecutor,
  UntrustedRun,
} from "./core/exec.ts";
export type { SandboxMode, SandboxProbe, SandboxReport, SandboxSpec } from "./core/sandbox.ts";

// Errors: a config problem (exit 2), a plugin failure, a policy refusal (exit 3).
export { ConfigError, PluginError, PolicyViolation } from "./core/errors.ts";
export type { ConfigProblem } from "./core/errors.ts";

// Running: the fix loop, and the gates alone.
export { runOrchestration } from "./orchestrator/loop.ts";
export type { Orchestration, OrchestrationOptions } from "./orchestrator/loop.ts";
export { runCheck } from "./orchestrator/check.ts";
export type { CheckOptions, CheckResult } from "./orchestrator/check.ts";
export type { FailureClass, GateTriage } from "./gates/triage.ts";
export type { RuntimeOptions } from "./orchestrator/runtime.ts";
export type { RunnerGateResult } from "./gates/runner.ts";
export type {
  ReportDelivery,
  ReportDeployment,
  ReportDeployStep,
  ReportExecutions,
  ReportIntegrity,
  ReportIteration,
  ReportProposal,
  ReportReview,
  ReportTotals,
  ReportTriage,
  ReportVerification,
  RunReport,
  StopReason,
} from "./report/types.ts";
export type { WrittenReport } from "./report/report.ts";

export { loadConfig, parseConfig } from "./core/config.ts";
export type { Config, LoadedConfig, LocatedYaml, ParseOptions } from "./core/config.ts";
export { ConfigSchema } from "./core/config_schema.ts";

// The policy engine.
export { loadPolicy, PolicyEngine } from "./policies/engine.ts";
export type {
  Finding,
  FullJudgement,
  LoadPolicyOptions,
  Policy,
  Rule,
  ScanSource,
  StreamScan,
  StreamScanOptions,
} from "./policies/engine.ts";
export type { ScanOptions } from "./policies/scan.ts";
export type {
  Action,
  AssignMatch,
  CommandMatch,
  RuleMatch,
  Severity,
  TargetClass,
  WordPattern,
} from "./policies/types.ts";

// Build logs and patches.
export { extractChunks } from "./gates/extract.ts";
export type { Chunk, ExtractOptions } from "./gates/extract.ts";
export { applyPatch, extractDiff } from "./patch/patch.ts";
export type { ApplyOptions, ApplyResult, FileResult, HunkPlacement } from "./patch/patch.ts";

export { VERSION } from "./core/version.ts";
