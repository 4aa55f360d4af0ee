/**
 * A plugin context for VCS and notifier tests: env from a record, a logger
 * that keeps its lines, and an executor that refuses every command.
 *
 * @module
 */

import { ShellExecutor } from "../../core/exec.ts";
import { createLogger } from "../../core/log.ts";
import type { PluginContext } from "../../core/plugin.ts";

/**
 * Make a test context.
 *
 * @param env Environment variables visible to the plugin.
 * @param dryRun Dry-run flag.
 * @returns The context and the log lines it collects.
 */
export function testContext(
  env: Record<string, string>,
  dryRun = false,
): { context: PluginContext; lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    context: {
      repoRoot: Deno.cwd(),
      exec: new ShellExecutor({
        judge: () => ({ allowed: false, rule: null, message: "No commands in these tests" }),
      }),
      log: createLogger({ write: (l) => lines.push(l), level: "debug", color: false }),
      env: (n) => env[n],
      fetch,
      dryRun,
    },
  };
}
