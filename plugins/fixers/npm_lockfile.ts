/**
 * Recipe: `npm ci` refused because package.json and package-lock.json are out
 * of sync, so regenerate the lockfile from package.json with
 * `npm install --package-lock-only --ignore-scripts` (no node_modules, no
 * install scripts) and propose the lockfile's diff.
 *
 * @module
 */

import { z } from "zod";
import { definePlugin, type PluginDefinition } from "../../core/plugin.ts";
import type { RunResult } from "../../core/exec.ts";
import { captureChanges } from "./_worktree.ts";
import { gateDir } from "./_writer.ts";

// npm 7+ says "can only install packages when your package.json and
// package-lock.json or npm-shrinkwrap.json are in sync", then lists what differs.
const _SIGNATURE =
  /package\.json and package-lock\.json(?: or npm-shrinkwrap\.json)? are (?:not )?in sync|Missing: \S+ from lock file|Invalid: lock file's \S+ does not satisfy/;

const _COMMAND = "npm install --package-lock-only --ignore-scripts --no-audit --no-fund";

/** Options of {@link npmLockfileFixer}. */
export interface NpmLockfileOptions {
  /** Kill npm after this many milliseconds. @default 600000 */
  timeoutMs: number;
}

/** Regenerates package-lock.json when `npm ci` finds it out of sync. */
export const npmLockfileFixer: PluginDefinition<"fixer", NpmLockfileOptions> = definePlugin({
  kind: "fixer",
  name: "npm-lockfile",
  description: "Regenerates package-lock.json (npm install --package-lock-only) when npm ci " +
    "finds it out of sync with package.json",
  options: z.strictObject({ timeoutMs: z.number().int().positive().default(600_000) }),
  create: (options, context) => ({
    applies: (failures, gate) =>
      gate.status === "failed" &&
      (_SIGNATURE.test(gate.output) ||
        failures.some((f) => f.code === "EUSAGE" && _SIGNATURE.test(f.message + f.excerpt))),
    fix: async ({ cwd: worktree, gate }) => {
      // npm ci ran in the step's directory: its package.json and lockfile are there.
      const cwd = gateDir(worktree, gate);
      if (cwd === null) {
        context.log.info(`Working directory "${gate.cwd}" is outside the worktree: not run`);
        return null;
      }
      let result: RunResult | undefined;
      const changes = await captureChanges(context.exec, cwd, async () => {
        // npm runs with the allowlisted environment: no job token reaches
        // whatever the worktree's package.json points it at.
        result = await context.exec.run(_COMMAND, {
          cwd,
          timeoutMs: options.timeoutMs,
          untrusted: {},
        });
      });
      if (result?.code !== 0) {
        context.log.warn(
          `"${_COMMAND}" failed (exit code ${result?.code}): ${result?.output.trim().slice(-2000)}`,
        );
        return null;
      }
      if (changes.diff === "") return null;
      return {
        source: "npm-lockfile",
        diff: changes.diff,
        summary: `Regenerated ${changes.files.join(", ")} from package.json with "${_COMMAND}"`,
        calls: [],
      };
    },
  }),
});
