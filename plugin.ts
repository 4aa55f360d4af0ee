/**
 * The light entry point for plugin authors (`@fleet-orch/fleet-orch/plugin`):
 * the plugin shape of every kind, {@link definePlugin}, {@link optionsSchema}
 * for `with:` options (and zod's `z` for the fields), and
 * {@link fingerprintOf} for the failures a gate reports. Types and small
 * helpers only: nothing here starts the orchestrator, and everything it
 * imports uses full specifiers, so a plugin outside this repository passes
 * `deno check` without this repository's import map.
 *
 * @example
 * ```ts
 * import { definePlugin, fingerprintOf, optionsSchema, z } from "./plugin.ts";
 *
 * const todoGate = definePlugin({
 *   kind: "gate",
 *   name: "no-todo",
 *   description: "Fails when a file names a TODO",
 *   options: optionsSchema({ word: z.string().default("TODO") }),
 *   create: (options) => ({
 *     run: (input) => {
 *       const text = Deno.readTextFileSync(`${input.cwd}/notes.txt`);
 *       const ok = !text.includes(options.word);
 *       const message = `${options.word} left in notes.txt`;
 *       return Promise.resolve({
 *         ok,
 *         output: ok ? "clean" : message,
 *         failures: ok ? [] : [{
 *           gate: "no-todo",
 *           tool: "no-todo",
 *           file: "notes.txt",
 *           message,
 *           excerpt: message,
 *           fingerprint: fingerprintOf("no-todo", "notes.txt", message),
 *         }],
 *       });
 *     },
 *   }),
 * });
 * console.assert(todoGate.kind === "gate" && todoGate.specificationVersion === 1);
 * console.assert(todoGate.options.safeParse({ wrod: "x" }).success === false);
 * ```
 *
 * @module
 */

// A full specifier on purpose (see core/plugin.ts); the version is deno.json's.
// deno-lint-ignore no-import-prefix
import { z } from "npm:zod@4.6.7";

export { z };
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
export type { Logger } from "./core/log.ts";
export type { RunOptions, RunResult, ShellExecutor } from "./core/exec.ts";
export { fingerprintOf, normalizeForFingerprint } from "./gates/fingerprint.ts";

/**
 * The schema of a plugin's `with:` options: a zod object that refuses
 * unknown keys, so a misspelt option fails when the config loads (with its
 * file, line and column) instead of being ignored.
 *
 * @param shape The option fields, made with {@link z}; use `.default()` for
 *   optional settings and `.optional()` for ones without a default.
 * @returns The strict object schema to pass as `options` to {@link definePlugin}.
 * @example
 * ```ts
 * import { optionsSchema, z } from "./plugin.ts";
 * const options = optionsSchema({ url: z.string().url(), retries: z.number().int().default(2) });
 * console.assert(options.parse({ url: "http://127.0.0.1/" }).retries === 2);
 * console.assert(!options.safeParse({ url: "http://127.0.0.1/", retry: 1 }).success);
 * ```
 */
export function optionsSchema<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strict> {
  return z.strictObject(shape);
}
