/**
 * fleet-orch as a library: define plugins, load a configuration, run the
 * orchestration, and use the policy engine on your own commands and patches.
 *
 * @example
 * ```ts ignore
 * import { definePlugin, loadPolicy } from "./mod.ts";
 * import { z } from "zod";
 *
 * const policy = await loadPolicy();
 * console.log(policy.judgeCommand("rm -rf /").allowed); // false
 *
 * export default definePlugin({
 *   kind: "notifier",
 *   name: "stdout",
 *   description: "Prints the run summary",
 *   options: z.object({}),
 *   create: () => ({ notify: (s) => Promise.resolve(console.log(s.markdown)) }),
 * });
 * ```
 *
 * @module
 */

export { definePlugin, PLUGIN_API_VERSION, PLUGIN_KINDS } from "./core/plugin.ts";
export type {
  Annotation,
  FixerPlugin,
  GatePlugin,
  LlmPlugin,
  NotifierPlugin,
  PluginContext,
  PluginDefinition,
  PluginInstances,
  PluginKind,
  PullRequestInput,
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
export { loadConfig, parseConfig } from "./core/config.ts";
export type { Config, LoadedConfig, LocatedYaml, ParseOptions } from "./core/config.ts";
export { ConfigError, PluginError, PolicyViolation, UsageError } from "./core/errors.ts";
export type { ConfigProblem } from "./core/errors.ts";
export { ShellExecutor } from "./core/exec.ts";
export type {
  CommandJudge,
  CommandJudgement,
  ExecutorOptions,
  InteractiveProcess,
  RunOptions,
  RunResult,
} from "./core/exec.ts";
export type { Logger } from "./core/log.ts";
export { applyPatch, applyToText, extractDiff, parsePatch, PatchError } from "./patch/patch.ts";
export type {
  ApplyOptions,
  ApplyResult,
  FilePatch,
  FileResult,
  Hunk,
  HunkHeader,
  HunkLine,
} from "./patch/patch.ts";
export { createRedactor, loadPolicy, PolicyEngine } from "./policies/engine.ts";
export type { Finding, FullJudgement, LoadPolicyOptions, Policy, Rule } from "./policies/engine.ts";
export { checkIntegrity, INTEGRITY_RULES } from "./policies/integrity.ts";
export type { IntegrityFinding, IntegrityRule } from "./policies/integrity.ts";
export { runOrchestration } from "./orchestrator/loop.ts";
export type { Orchestration, OrchestrationOptions } from "./orchestrator/loop.ts";
export type {
  ReportIntegrity,
  ReportIteration,
  ReportProposal,
  ReportReview,
  ReportTotals,
  ReportVerification,
  RunReport,
  StopReason,
} from "./report/types.ts";
export type { RuntimeOptions } from "./orchestrator/runtime.ts";
export type { WrittenReport } from "./report/report.ts";
export { VERSION } from "./core/version.ts";
