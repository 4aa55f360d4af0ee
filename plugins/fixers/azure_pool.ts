/**
 * Recipe: a gate ran out of memory on a small self-hosted Azure Pipelines
 * agent (the ACR 4 GB pool), so move the job to the Microsoft-hosted pool
 * (`pool: { vmImage: ubuntu-latest }`, 7 GB) in azure-pipelines.yml, keeping
 * every comment and all formatting outside the edited pool.
 *
 * The policy engine protects CI definitions, but its `path.ci-agent-pool`
 * rule lets through a change whose only differences are pool entries, which
 * is what this recipe proposes (policies/ci_pool_exception.ts).
 *
 * @module
 */

import { join } from "node:path";
import { z } from "zod";
import { definePlugin, type PluginDefinition } from "../../core/plugin.ts";
import { captureChanges } from "./_worktree.ts";
import { moveJobsToHostedPool } from "./_azure_yaml.ts";

/** Options of {@link azurePoolFixer}. */
export interface AzurePoolOptions {
  /** Pipeline files looked for at the worktree root, first found wins. */
  files: string[];
  /** Names of the small self-hosted pools; empty: every pool given by `name`. */
  pools: string[];
  /** Microsoft-hosted image to move to. @default "ubuntu-latest" */
  vmImage: string;
}

/** Moves the failing Azure Pipelines job to the 7 GB Microsoft-hosted pool on OOM. */
export const azurePoolFixer: PluginDefinition<"fixer", AzurePoolOptions> = definePlugin({
  kind: "fixer",
  name: "azure-pipelines-pool",
  description: "Moves the out-of-memory job in azure-pipelines.yml from the self-hosted 4 GB " +
    "pool to the Microsoft-hosted 7 GB pool",
  options: z.strictObject({
    files: z.array(z.string().min(1)).min(1).default([
      "azure-pipelines.yml",
      "azure-pipelines.yaml",
      ".azure-pipelines.yml",
    ]),
    pools: z.array(z.string().min(1)).default([]),
    vmImage: z.string().min(1).default("ubuntu-latest"),
  }),
  create: (options, context) => ({
    applies: (failures, gate) => gate.status === "oom" || failures.some((f) => f.tool === "oom"),
    fix: async ({ cwd, gate }) => {
      for (const file of options.files) {
        let source: string;
        try {
          source = await Deno.readTextFile(join(cwd, file));
        } catch (e) {
          if (e instanceof Deno.errors.NotFound) continue;
          throw e;
        }
        const result = moveJobsToHostedPool(source, {
          ...(gate.command === undefined ? {} : { gateCommand: gate.command }),
          pools: options.pools,
          vmImage: options.vmImage,
        });
        if (result === null) {
          context.log.info(`No job of ${file} runs on a small self-hosted pool`);
          return null;
        }
        const changes = await captureChanges(context.exec, cwd, async () => {
          await Deno.writeTextFile(join(cwd, file), result.text);
        });
        if (changes.diff === "") return null;
        return {
          source: "azure-pipelines-pool",
          diff: changes.diff,
          summary: `Moved ${result.moved.join(", ")} in ${file} to the Microsoft-hosted pool ` +
            `(vmImage: ${options.vmImage}, 7 GB) after running out of memory on the ` +
            `self-hosted pool`,
          calls: [],
        };
      }
      return null;
    },
  }),
});
