/**
 * The deterministic fix recipes: fixer plugins tried before any model, in
 * this order. Each one recognises one kind of failure, runs the tool's own
 * writer (or edits one file) in the worktree, returns the diff and puts the
 * worktree back as it was; the orchestrator reviews and applies the diff.
 *
 * @example
 * ```ts
 * import { builtinFixers } from "./mod.ts";
 * console.assert(builtinFixers.some((f) => f.name === "deno-fmt"));
 * ```
 *
 * @module
 */

import type { PluginDefinition } from "../../core/plugin.ts";
import { azurePoolFixer } from "./azure_pool.ts";
import { bicepFormatFixer } from "./bicep_format.ts";
import { blackFixer } from "./black.ts";
import { denoFmtFixer } from "./deno_fmt.ts";
import { eslintFixer } from "./eslint.ts";
import { nodeHeapFixer } from "./node_heap.ts";
import { npmEresolveFixer } from "./npm_eresolve.ts";
import { npmLockfileFixer } from "./npm_lockfile.ts";
import { prettierFixer } from "./prettier.ts";
import { terraformFmtFixer } from "./terraform_fmt.ts";

export { azurePoolFixer, type AzurePoolOptions } from "./azure_pool.ts";
export { blackFixer } from "./black.ts";
export { denoFmtFixer } from "./deno_fmt.ts";
export { eslintFixer } from "./eslint.ts";
export { isNodeHeapOom, nodeHeapFixer, type NodeHeapOptions } from "./node_heap.ts";
export { npmEresolveFixer, type NpmEresolveOptions } from "./npm_eresolve.ts";
export { npmLockfileFixer, type NpmLockfileOptions } from "./npm_lockfile.ts";
export { prettierFixer } from "./prettier.ts";
export { type WriterOptions } from "./_writer.ts";
export { captureChanges, type ChangeSet } from "./_worktree.ts";

/**
 * Every built-in recipe, in the order they are tried: formatters, then
 * eslint --fix, then npm install problems, then memory (the Node heap before
 * the bigger Azure agent, so a heap limit is raised before the job moves).
 */
export const builtinFixers: readonly PluginDefinition<"fixer", unknown>[] = [
  denoFmtFixer,
  prettierFixer,
  blackFixer,
  terraformFmtFixer,
  bicepFormatFixer,
  eslintFixer,
  npmLockfileFixer,
  npmEresolveFixer,
  nodeHeapFixer,
  azurePoolFixer,
] as readonly PluginDefinition<"fixer", unknown>[];
