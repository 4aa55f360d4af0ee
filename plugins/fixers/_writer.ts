/**
 * The shape shared by recipes that fix a check by running the same tool in
 * its writing mode (prettier, deno fmt, black, eslint --fix): find the tool in
 * the gate's command (or in the package.json script it runs), turn the check
 * into the writer, run it in the worktree, capture the diff, restore.
 *
 * @module
 */

import { isAbsolute, join, relative, resolve } from "node:path";
import { z } from "zod";
import { definePlugin, type PluginContext, type PluginDefinition } from "../../core/plugin.ts";
import { type RunResult, shellJoin } from "../../core/exec.ts";
import type { Failure, GateResult } from "../../core/types.ts";
import { findTool, findToolSync, rewriteTool, type ToolMatcher } from "./_command.ts";
import { captureChanges } from "./_worktree.ts";

/** Validated options of a writer recipe. */
export interface WriterOptions {
  /** Kill the writer after this many milliseconds. @default 600000 */
  timeoutMs: number;
}

/** Schema of {@link WriterOptions}; unknown keys are rejected. */
export const writerOptions: z.ZodType<WriterOptions> = z.strictObject({
  timeoutMs: z.number().int().positive().default(600_000),
});

/** What distinguishes one writer recipe from another. */
export interface WriterSpec {
  /** Plugin name. */
  name: string;
  /** One line for `fleet-orch plugins`. */
  description: string;
  /** `Failure.tool` values this recipe fixes. */
  tools: readonly string[];
  /** Recognises the tool in a command. */
  matcher: ToolMatcher;
  /** Words of the check to drop ("with-value" drops the next word too). */
  drop: (word: string) => boolean | "with-value";
  /** Words that turn the tool into its writer, inserted after the tool word. */
  insert: readonly string[];
  /** A failed gate that runs the tool directly with one of the `drop` words applies. */
  directCheckApplies: boolean;
  /** Output that shows this failure. */
  signature: RegExp;
  /** Output that shows the recipe cannot help even though the tool failed. */
  hopeless?: RegExp;
  /** The writer for the files named by failures when the command is not recognised. */
  fallback: (files: string[]) => string[];
  /** Verb for the summary: "Formatted", "Fixed lint errors in". */
  verb: string;
}

/**
 * Run a tool command line in `cwd` the way `npm run` would: with
 * `node_modules/.bin` first on PATH when it exists.
 *
 * @param context The plugin context (executor, environment).
 * @param cwd Worktree directory.
 * @param commandLine The command line.
 * @param timeoutMs Timeout.
 * @returns The run result.
 * @throws {PolicyViolation} When the policy denies the command.
 */
export async function runInProject(
  context: PluginContext,
  cwd: string,
  commandLine: string,
  timeoutMs: number,
): Promise<RunResult> {
  const bin = join(cwd, "node_modules", ".bin");
  let env: Record<string, string> = {};
  try {
    if ((await Deno.stat(bin)).isDirectory) {
      const path = context.env("PATH");
      env = { PATH: path ? `${bin}:${path}` : bin };
    }
  } catch {
    // No local binaries: the executor's PATH is used as it is.
  }
  // The tool and its config files come from the worktree (a model may have
  // changed them): it gets the allowlisted environment, no credentials.
  return context.exec.run(commandLine, { cwd, env, timeoutMs, untrusted: {} });
}

/**
 * The directory a recipe runs the gate's tool in: the worktree joined with
 * the step's working directory (`working-directory:`), so that relative
 * paths, `package.json` scripts and `node_modules/.bin` are the gate's own.
 *
 * @param worktree The worktree the recipe works in (its repository root).
 * @param gate The gate result; `gate.cwd` is relative to the repository root.
 * @returns The directory, or null when `gate.cwd` is absolute or leaves the
 *   worktree (running there would touch the original checkout, not the worktree).
 */
export function gateDir(worktree: string, gate: GateResult): string | null {
  if (gate.cwd === undefined || gate.cwd === "") return worktree;
  if (isAbsolute(gate.cwd)) return null;
  const dir = resolve(worktree, gate.cwd);
  const rel = relative(worktree, dir);
  return rel === ".." || rel.startsWith("../") ? null : dir;
}

/** Whether the recipe described by `spec` applies to these failures. */
function _applies(spec: WriterSpec, failures: Failure[], gate: GateResult): boolean {
  if (gate.status !== "failed") return false;
  if (spec.hopeless?.test(gate.output)) return false;
  if (failures.some((f) => spec.tools.includes(f.tool))) return true;
  if (spec.signature.test(gate.output)) return true;
  if (!spec.directCheckApplies || gate.command === undefined) return false;
  const inv = findToolSync(gate.command, spec.matcher);
  return inv !== null && inv.words.slice(inv.argStart).some((w) => spec.drop(w.value) !== false);
}

/**
 * Define a writer recipe from its spec.
 *
 * @param spec What the tool is and how its check becomes its writer.
 * @returns The fixer plugin definition.
 */
export function defineWriterFixer(spec: WriterSpec): PluginDefinition<"fixer", WriterOptions> {
  return definePlugin({
    kind: "fixer",
    name: spec.name,
    description: spec.description,
    options: writerOptions,
    create: (options, context) => ({
      applies: (failures, gate) => _applies(spec, failures, gate),
      fix: async ({ cwd: worktree, failures, gate }) => {
        const cwd = gateDir(worktree, gate);
        if (cwd === null) {
          context.log.info(`Working directory "${gate.cwd}" is outside the worktree: not run`);
          return null;
        }
        const inv = gate.command === undefined
          ? null
          : await findTool(gate.command, spec.matcher, cwd);
        let line: string;
        if (inv !== null) {
          const present = new Set(inv.words.slice(inv.argStart).map((w) => w.value));
          line = rewriteTool(inv, {
            drop: spec.drop,
            insert: spec.insert.filter((w) => !present.has(w)),
          });
        } else {
          const files = [
            ...new Set(
              // Failure paths are relative to the repository root; the tool runs in `cwd`.
              failures.filter((f) => spec.tools.includes(f.tool) && f.file)
                .map((f) => isAbsolute(f.file!) ? f.file! : relative(cwd, join(worktree, f.file!))),
            ),
          ];
          if (files.length === 0) {
            context.log.debug(`No ${spec.name} command in the gate and no file to fix`);
            return null;
          }
          line = shellJoin(spec.fallback(files));
        }
        let result: RunResult | undefined;
        // The diff is of the whole worktree, paths relative to its root,
        // wherever the tool ran.
        const changes = await captureChanges(context.exec, cwd, async () => {
          result = await runInProject(context, cwd, line, options.timeoutMs);
        });
        if (changes.diff === "") {
          context.log.info(
            `"${line}" changed nothing (exit code ${result?.code}): ` +
              (result?.output.trim().slice(-2000) ?? ""),
          );
          return null;
        }
        const n = changes.files.length;
        return {
          source: spec.name,
          diff: changes.diff,
          summary: `${spec.verb} ${n} file${n === 1 ? "" : "s"} with "${line}"`,
          calls: [],
        };
      },
    }),
  });
}
