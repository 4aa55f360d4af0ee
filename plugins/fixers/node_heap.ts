/**
 * Recipe: a Node process ran out of heap ("JavaScript heap out of memory")
 * in a gate that runs through npm or pnpm, so raise the heap limit with
 * `node-options=--max-old-space-size=N` in the project's `.npmrc`.
 *
 * Why `.npmrc`: fleet-orch's config (where the gate's environment lives) is a
 * protected path, and npm and pnpm pass `node-options` as NODE_OPTIONS to
 * every script they run, so one line fixes `npm run build`, `npm test` and
 * install scripts alike without rewriting any script; editing a script
 * instead would need `node --max-old-space-size` in front of a bin that may
 * not be a JavaScript file. Other `node-options` flags already there are kept.
 * A gate killed by the system (SIGKILL, no heap message) is left alone: a
 * larger heap would not help there (see the azure-pipelines-pool recipe).
 *
 * @module
 */

import { join } from "node:path";
import { z } from "zod";
import { definePlugin, type PluginDefinition } from "../../core/plugin.ts";
import type { Failure, GateResult } from "../../core/types.ts";
import { findToolSync, type ToolMatcher } from "./_command.ts";
import { captureChanges } from "./_worktree.ts";
import { getNpmrc, readNpmrc, setNpmrc } from "./_npmrc.ts";

const _HEAP = /JavaScript heap out of memory|Reached heap limit|heap limit Allocation failed/;
const _FLAG = /--max[-_]old[-_]space[-_]size=(\d+)/;
const _NPM_SUBCOMMANDS = new Set([
  "run",
  "run-script",
  "rum",
  "urn",
  "test",
  "t",
  "tst",
  "start",
  "ci",
  "install",
  "i",
  "install-test",
  "it",
  "exec",
  "x",
]);

/** Matches `npm <script-running subcommand>` and any `pnpm` invocation. */
const _npmScript: ToolMatcher = (argv) => {
  const first = argv[0]?.slice(argv[0].lastIndexOf("/") + 1);
  if (first === "pnpm" && argv.length > 1) return 1;
  return first === "npm" && _NPM_SUBCOMMANDS.has(argv[1] ?? "") ? 1 : -1;
};

/**
 * Whether the gate ran out of Node heap (not merely killed by the system).
 *
 * @param failures The gate's failures.
 * @param gate The gate result.
 * @returns True for an OOM whose output shows V8's heap exhaustion.
 */
export function isNodeHeapOom(failures: Failure[], gate: GateResult): boolean {
  const oom = gate.status === "oom" || failures.some((f) => f.tool === "oom");
  const heap = _HEAP.test(gate.output) ||
    failures.some((f) => _HEAP.test(f.message) || _HEAP.test(f.excerpt));
  return oom && heap;
}

/** Options of {@link nodeHeapFixer}. */
export interface NodeHeapOptions {
  /** Heap limit in MiB. @default 6144 */
  heapMb: number;
}

/** Raises the Node heap through `.npmrc` `node-options` when a gate runs out of heap. */
export const nodeHeapFixer: PluginDefinition<"fixer", NodeHeapOptions> = definePlugin({
  kind: "fixer",
  name: "node-heap",
  description: "Raises the Node heap (node-options=--max-old-space-size in .npmrc) when an " +
    "npm or pnpm gate runs out of JavaScript heap",
  options: z.strictObject({ heapMb: z.number().int().min(512).default(6144) }),
  create: (options, context) => ({
    applies: (failures, gate) =>
      isNodeHeapOom(failures, gate) && gate.command !== undefined &&
      findToolSync(gate.command, _npmScript) !== null,
    fix: async ({ cwd }) => {
      const before = await readNpmrc(cwd);
      const current = getNpmrc(before, "node-options") ?? "";
      const existing = _FLAG.exec(current);
      if (existing && Number(existing[1]) >= options.heapMb) {
        context.log.info(
          `.npmrc node-options already sets "${existing[0]}": not raising it further`,
        );
        return null;
      }
      const flag = `--max-old-space-size=${options.heapMb}`;
      const value = existing ? current.replace(_FLAG, flag) : `${current} ${flag}`.trim();
      const changes = await captureChanges(context.exec, cwd, async () => {
        await Deno.writeTextFile(join(cwd, ".npmrc"), setNpmrc(before, "node-options", value));
      });
      if (changes.diff === "") return null;
      const was = existing ? ` (was ${existing[1]} MiB)` : "";
      return {
        source: "node-heap",
        diff: changes.diff,
        summary: `Raised the Node heap to ${options.heapMb} MiB${was} with node-options in ` +
          `.npmrc, which npm passes as NODE_OPTIONS to the scripts it runs`,
        calls: [],
      };
    },
  }),
});
