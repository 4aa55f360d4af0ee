/**
 * Shared set-up of the plugin tests: an allow-all executor, a plugin context
 * with a logger that records its lines, and paths of the fixtures.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { type CommandJudge, ShellExecutor } from "../../core/exec.ts";
import { createLogger } from "../../core/log.ts";
import type { PluginContext } from "../../core/plugin.ts";

/** Folder of the plugin fixtures. */
export const FIXTURES = fileURLToPath(new URL("../fixtures/plugins/", import.meta.url));

/** Folder of the example plugins. */
export const EXAMPLES = fileURLToPath(new URL("../../examples/plugins/", import.meta.url));

/** A judge that allows everything. */
export const allowAll: CommandJudge = () => ({ allowed: true, rule: null, message: "" });

/**
 * A plugin context for tests.
 *
 * @param options Judge and repository root.
 * @returns The context and the log lines it records.
 */
export function testContext(
  options: { judge?: CommandJudge; repoRoot?: string } = {},
): { context: PluginContext; lines: string[] } {
  const lines: string[] = [];
  const context: PluginContext = {
    repoRoot: options.repoRoot ?? FIXTURES,
    exec: new ShellExecutor({ judge: options.judge ?? allowAll }),
    log: createLogger({ write: (l) => lines.push(l), color: false, level: "debug" }),
    env: () => undefined,
    fetch: globalThis.fetch,
    dryRun: false,
  };
  return { context, lines };
}
